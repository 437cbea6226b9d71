// A thin libpq client for the benchmarks that measure Corridor against the
// database a user would pick instead: PostgreSQL, queried the way a
// competent application would (prepared statements, indexes, COPY to load).
#ifndef CORRIDOR_BENCHMARKS_POSTGRES_PEER_H_
#define CORRIDOR_BENCHMARKS_POSTGRES_PEER_H_

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

struct pg_conn;

namespace corridor::bench {

class Postgres {
 public:
  // `conninfo` as libpq takes it, e.g. "host=127.0.0.1 port=5433 dbname=postgres".
  static absl::StatusOr<std::unique_ptr<Postgres>> Connect(const std::string& conninfo);
  ~Postgres();

  // Runs SQL that returns no rows (DDL, ANALYZE...).
  absl::Status Execute(const std::string& sql);

  // Runs `copy_sql` ("COPY t (...) FROM STDIN") and sends the rows `next`
  // gives (tab-separated text format, one per call, without the newline)
  // until it returns false.
  absl::Status Copy(const std::string& copy_sql, const std::function<bool(std::string*)>& next);

  // Prepares `sql` (with $1.. parameters) under `name`.
  absl::Status Prepare(const std::string& name, const std::string& sql, int parameters);

  // Runs a prepared statement, reading every row; returns the row count.
  absl::StatusOr<int> Run(const std::string& name, const std::vector<std::string>& parameters);

 private:
  explicit Postgres(pg_conn* connection) : connection_(connection) {}
  pg_conn* connection_;
};

}  // namespace corridor::bench

#endif  // CORRIDOR_BENCHMARKS_POSTGRES_PEER_H_
