#include "benchmarks/postgres_peer.h"

#include <libpq-fe.h>

#include "absl/strings/str_cat.h"

namespace corridor::bench {
namespace {

absl::Status Failed(PGconn* connection, absl::string_view what) {
  return absl::InternalError(absl::StrCat(what, ": ", PQerrorMessage(connection)));
}

// Takes ownership of `result`; OK if it has `expected` status.
absl::Status Check(PGconn* connection, PGresult* result, ExecStatusType expected,
                   absl::string_view what) {
  const bool ok = PQresultStatus(result) == expected;
  PQclear(result);
  return ok ? absl::OkStatus() : Failed(connection, what);
}

}  // namespace

absl::StatusOr<std::unique_ptr<Postgres>> Postgres::Connect(const std::string& conninfo) {
  PGconn* connection = PQconnectdb(conninfo.c_str());
  if (PQstatus(connection) != CONNECTION_OK) {
    absl::Status status = absl::UnavailableError(
        absl::StrCat("cannot connect to PostgreSQL (", conninfo, "): ", PQerrorMessage(connection),
                     "scripts/bench_postgres.sh starts one on loopback"));
    PQfinish(connection);
    return status;
  }
  return std::unique_ptr<Postgres>(new Postgres(connection));
}

Postgres::~Postgres() { PQfinish(connection_); }

absl::Status Postgres::Execute(const std::string& sql) {
  return Check(connection_, PQexec(connection_, sql.c_str()), PGRES_COMMAND_OK, sql);
}

absl::Status Postgres::Copy(const std::string& copy_sql,
                            const std::function<bool(std::string*)>& next) {
  absl::Status started =
      Check(connection_, PQexec(connection_, copy_sql.c_str()), PGRES_COPY_IN, copy_sql);
  if (!started.ok()) return started;
  std::string row, buffer;
  while (next(&row)) {
    buffer.append(row).push_back('\n');
    if (buffer.size() > (1 << 20)) {
      if (PQputCopyData(connection_, buffer.data(), static_cast<int>(buffer.size())) != 1) {
        return Failed(connection_, "COPY data");
      }
      buffer.clear();
    }
  }
  if (!buffer.empty() &&
      PQputCopyData(connection_, buffer.data(), static_cast<int>(buffer.size())) != 1) {
    return Failed(connection_, "COPY data");
  }
  if (PQputCopyEnd(connection_, nullptr) != 1) return Failed(connection_, "COPY end");
  return Check(connection_, PQgetResult(connection_), PGRES_COMMAND_OK, "COPY");
}

absl::Status Postgres::Prepare(const std::string& name, const std::string& sql, int parameters) {
  return Check(connection_, PQprepare(connection_, name.c_str(), sql.c_str(), parameters, nullptr),
               PGRES_COMMAND_OK, absl::StrCat("PREPARE ", name));
}

absl::StatusOr<int> Postgres::Run(const std::string& name,
                                  const std::vector<std::string>& parameters) {
  std::vector<const char*> values;
  for (const std::string& p : parameters) values.push_back(p.c_str());
  PGresult* result = PQexecPrepared(connection_, name.c_str(), static_cast<int>(values.size()),
                                    values.data(), nullptr, nullptr, 0);
  if (PQresultStatus(result) != PGRES_TUPLES_OK) {
    PQclear(result);
    return Failed(connection_, name);
  }
  // Touch every value, as an application turning rows into records would.
  const int rows = PQntuples(result), columns = PQnfields(result);
  for (int r = 0; r < rows; ++r) {
    for (int c = 0; c < columns; ++c) PQgetvalue(result, r, c);
  }
  PQclear(result);
  return rows;
}

}  // namespace corridor::bench
