// What oversight queries cost over a large record of denials.
//
//   build/bin/denials_bench [--denials=1000000] [--data_dir=DIR] [--queries=2000]
//
// 1. Loads --denials denials (unless DIR already holds them) through the
//    denials store with the journal on and WAL syncing off (a bulk load),
//    spread over the 51 reference areas, six parties, the nine OCHA
//    categories and 2012-2019; progress on stderr.
// 2. Serves the denials service on a loopback port and, over gRPC, times
//    filtered ListDenials pages (50 denials) and DenialStats groupings:
//    p50/p90/p99 per query shape.
// 3. With --postgres, loads the same denials into PostgreSQL (COPY, then
//    the indexes a competent engineer would create for these queries),
//    times the same shapes through libpq, and prints both side by side.
// Prints peak resident memory. Without --data_dir, uses a temporary folder.
// scripts/bench_postgres.sh starts a PostgreSQL on loopback and runs it.
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <map>
#include <random>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "benchmarks/generated_records.h"
#include "benchmarks/percentile.h"
#include "benchmarks/postgres_peer.h"
#include "common/enum_text.h"
#include "common/ids.h"
#include "common/server.h"
#include "common/service_channels.h"
#include "common/status.h"
#include "corridor/v1/denials.grpc.pb.h"
#include "google/protobuf/util/time_util.h"
#include "grpcpp/grpcpp.h"
#include "services/auth/auth_module.h"
#include "services/common/references.h"
#include "services/denials/denial_service.h"
#include "services/denials/denial_store.h"

ABSL_FLAG(int64_t, denials, 1'000'000, "denials to load");
ABSL_FLAG(std::string, data_dir, "", "reuse this folder (loaded once); default: a temporary one");
ABSL_FLAG(int, queries, 2000, "queries per shape");
ABSL_FLAG(std::string, postgres, "",
          "libpq connection string of a PostgreSQL to compare with (its table \"denials\" is "
          "replaced); empty skips the comparison");
ABSL_FLAG(std::string, write_csv, "",
          "instead: write --denials generated denials to this CSV file, in the columns "
          "`corridorctl import denials` reads, and stop (scripts/bench_import.sh)");
ABSL_FLAG(int, postgres_stats_queries, 20,
          "grouped queries per shape in PostgreSQL (each reads every matching row, so they "
          "take a while)");

namespace corridor::denials {
namespace {

using google::protobuf::util::TimeUtil;

// Names or aliases of parties of the reference registry
// (data/reference/parties.csv), so that the CSV this writes imports whole.
const std::vector<std::string> kParties = {"Syrian government and affiliated militias",
                                           "ISIS",
                                           "Armed opposition",
                                           "Jaish al-Fatah",
                                           "Hezbollah",
                                           "Unidentified armed group"};

v1::RecordDenialRequest Generate(int64_t n, std::mt19937_64& random,
                                 const std::vector<std::string>& areas) {
  v1::RecordDenialRequest r;
  r.set_idempotency_key(absl::StrCat("bench/", n));
  v1::DenialFacts* f = r.mutable_facts();
  // Parties and categories are skewed, as real reporting is.
  const double u = std::uniform_real_distribution<double>(0, 1)(random);
  f->set_party(kParties[std::min<size_t>(kParties.size() - 1, static_cast<size_t>(u * u * 6))]);
  f->set_area_id(areas[random() % areas.size()]);
  f->set_category(static_cast<v1::AccessConstraintCategory>(1 + random() % 9));
  f->mutable_occurred_at()->set_seconds(
      kGeneratedFrom + static_cast<int64_t>(random() % (kGeneratedTo - kGeneratedFrom)));
  f->set_description("Convoy held at the checkpoint; medical items removed before entry");
  f->mutable_source()->set_citation("Benchmark generator");
  if (random() % 10 < 7) f->set_people_affected(static_cast<int64_t>(random() % 50'000));
  return r;
}

// The generated denials as a CSV file for `corridorctl import denials` (and
// PostgreSQL's COPY ... CSV HEADER): the same records Load stores.
int WriteCsv(const std::string& path, int64_t count) {
  std::FILE* file = std::fopen(path.c_str(), "w");
  if (file == nullptr) {
    std::fprintf(stderr, "denials_bench: cannot write %s\n", path.c_str());
    return 1;
  }
  const std::vector<std::string> areas = ReferenceAreaIds();
  std::mt19937_64 random(42);
  std::fprintf(file,
               "idempotency_key,party,area_id,category,occurred_at,description,source,"
               "people_affected\n");
  for (int64_t n = 0; n < count; ++n) {
    const v1::RecordDenialRequest r = Generate(n, random, areas);
    const v1::DenialFacts& f = r.facts();
    std::fprintf(
        file, "%s,%s,%s,%s,%s,%s,%s,%s\n", r.idempotency_key().c_str(), f.party().c_str(),
        f.area_id().c_str(), EnumTextOf("ACCESS_CONSTRAINT_", f.category()).c_str(),
        absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", absl::FromUnixSeconds(f.occurred_at().seconds()),
                         absl::UTCTimeZone())
            .c_str(),
        f.description().c_str(), f.source().citation().c_str(),
        f.has_people_affected() ? absl::StrCat(f.people_affected()).c_str() : "");
  }
  return std::fclose(file) == 0 ? 0 : 1;
}

void Load(storage::Store* store, int64_t count) {
  DenialStore denials(store);
  const std::vector<std::string> areas = ReferenceAreaIds();
  std::mt19937_64 random(42);
  storage::Origin origin;
  origin.principal.set_name("denials_bench");
  origin.rpc = "bulk-load";
  const absl::Time start = absl::Now();
  absl::Time shown = start;
  for (int64_t n = 0; n < count; ++n) {
    absl::StatusOr<v1::Denial> d = denials.Record(origin, Generate(n, random, areas));
    if (!d.ok()) {
      std::fprintf(stderr, "denials_bench: load failed at %lld: %s\n", static_cast<long long>(n),
                   std::string(d.status().message()).c_str());
      std::exit(1);
    }
    if (absl::Now() - shown > absl::Seconds(5)) {
      shown = absl::Now();
      std::fprintf(stderr, "loading: %lld of %lld denials (%.0f/s)\n", static_cast<long long>(n),
                   static_cast<long long>(count), n / absl::ToDoubleSeconds(shown - start));
    }
  }
  const double seconds = absl::ToDoubleSeconds(absl::Now() - start);
  std::printf("load: %lld denials in %.1f s (%.0f/s, journal on, WAL not synced)\n",
              static_cast<long long>(count), seconds, count / seconds);
}

struct Figures {
  double p50 = 0, p90 = 0, p99 = 0;
};
// Query shape -> Corridor's figures, in the order measured.
std::vector<std::pair<std::string, Figures>> corridor_figures;

Figures Summarize(const char* name, std::vector<double>& micros, double rows_per_answer) {
  Figures f{Percentile(micros, 0.5), Percentile(micros, 0.9), Percentile(micros, 0.99)};
  std::printf("%-52s p50 %8.0f us  p90 %8.0f us  p99 %8.0f us  (%.1f rows/answer)\n", name, f.p50,
              f.p90, f.p99, rows_per_answer);
  return f;
}

template <typename Request, typename Response>
void Time(const char* name, int queries,
          const std::function<grpc::Status(grpc::ClientContext*, const Request&, Response*)>& call,
          const std::function<Request(int)>& make,
          const std::function<size_t(const Response&)>& size) {
  std::vector<double> micros;
  size_t items = 0;
  for (int i = 0; i < queries; ++i) {
    const Request request = make(i);
    grpc::ClientContext context;
    Response response;
    const absl::Time t0 = absl::Now();
    grpc::Status s = call(&context, request, &response);
    micros.push_back(absl::ToDoubleMicroseconds(absl::Now() - t0));
    if (!s.ok()) {
      std::fprintf(stderr, "%s failed: %s\n", name, s.error_message().c_str());
      std::exit(1);
    }
    items += size(response);
  }
  corridor_figures.emplace_back(name,
                                Summarize(name, micros, static_cast<double>(items) / queries));
}

google::protobuf::Timestamp MonthStart(int year, int month) {
  return TimeUtil::SecondsToTimestamp(
      absl::ToUnixSeconds(absl::FromCivil(absl::CivilMonth(year, month), absl::UTCTimeZone())));
}

// The same denials and query shapes in PostgreSQL, timed through libpq.
int ComparePostgres(const std::string& conninfo, int64_t count, int queries) {
  absl::StatusOr<std::unique_ptr<bench::Postgres>> pg = bench::Postgres::Connect(conninfo);
  auto fail = [](const absl::Status& s) {
    std::fprintf(stderr, "denials_bench: PostgreSQL: %s\n", std::string(s.message()).c_str());
    return 1;
  };
  if (!pg.ok()) return fail(pg.status());
  for (const char* sql : {
           "SET TIME ZONE 'UTC'",
           "DROP TABLE IF EXISTS denials",
           "CREATE TABLE denials (id text PRIMARY KEY, party text NOT NULL, area_id text NOT NULL,"
           " route_id text, checkpoint text, convoy_id text, occurred_at timestamptz NOT NULL,"
           " category smallint NOT NULL, description text NOT NULL, source text NOT NULL,"
           " people_affected bigint, revision integer NOT NULL)",
       }) {
    if (absl::Status s = (*pg)->Execute(sql); !s.ok()) return fail(s);
  }
  // The same generator and seed as the Corridor load: the same denials.
  const std::vector<std::string> areas = ReferenceAreaIds();
  std::mt19937_64 generator(42);
  int64_t n = 0;
  const absl::Time start = absl::Now();
  absl::Time shown = start;
  absl::Status copied = (*pg)->Copy(
      "COPY denials (id, party, area_id, occurred_at, category, description, source, "
      "people_affected, revision) FROM STDIN",
      [&](std::string* row) {
        if (n >= count) return false;
        const v1::RecordDenialRequest r = Generate(n++, generator, areas);
        const v1::DenialFacts& f = r.facts();
        *row = absl::StrCat(
            DenialIdFor(r.idempotency_key()), "\t", f.party(), "\t", f.area_id(), "\t",
            absl::FormatTime("%Y-%m-%d %H:%M:%S+00",
                             absl::FromUnixSeconds(f.occurred_at().seconds()), absl::UTCTimeZone()),
            "\t", static_cast<int>(f.category()), "\t", f.description(), "\t",
            f.source().citation(), "\t",
            f.has_people_affected() ? absl::StrCat(f.people_affected()) : "\\N", "\t1");
        if (absl::Now() - shown > absl::Seconds(5)) {
          shown = absl::Now();
          std::fprintf(stderr, "PostgreSQL: copied %lld of %lld denials\n",
                       static_cast<long long>(n), static_cast<long long>(count));
        }
        return true;
      });
  if (!copied.ok()) return fail(copied);
  const double load_seconds = absl::ToDoubleSeconds(absl::Now() - start);
  const absl::Time index_start = absl::Now();
  for (const char* sql : {
           "CREATE INDEX ON denials (occurred_at)",
           "CREATE INDEX ON denials (party, occurred_at)",
           "CREATE INDEX ON denials (area_id, occurred_at)",
           "CREATE INDEX ON denials (party, category, occurred_at)",
           "CREATE INDEX ON denials (party, area_id, category, occurred_at)",
           "VACUUM ANALYZE denials",
       }) {
    if (absl::Status s = (*pg)->Execute(sql); !s.ok()) return fail(s);
  }
  std::printf(
      "\nPostgreSQL: %lld denials copied in %.1f s, five indexes built and analyzed in %.1f s\n",
      static_cast<long long>(count), load_seconds,
      absl::ToDoubleSeconds(absl::Now() - index_start));

  constexpr char kColumns[] =
      "SELECT id, party, area_id, route_id, checkpoint, convoy_id, occurred_at, category, "
      "description, source, people_affected, revision FROM denials ";
  constexpr char kTotals[] = "count(*), coalesce(sum(people_affected), 0), count(people_affected)";
  const std::vector<std::pair<std::string, std::string>> statements = {
      {"no filter (newest 50)", absl::StrCat(kColumns, "ORDER BY occurred_at DESC LIMIT 50")},
      {"party + month", absl::StrCat(kColumns,
                                     "WHERE party = $1 AND occurred_at >= $2 AND occurred_at < $3 "
                                     "ORDER BY occurred_at DESC LIMIT 50")},
      {"area (any time)",
       absl::StrCat(kColumns, "WHERE area_id = $1 ORDER BY occurred_at DESC LIMIT 50")},
      {"party + category + month",
       absl::StrCat(kColumns,
                    "WHERE party = $1 AND category = $2 AND occurred_at >= $3 AND "
                    "occurred_at < $4 ORDER BY occurred_at DESC LIMIT 50")},
      {"party + area + category",
       absl::StrCat(kColumns,
                    "WHERE party = $1 AND area_id = $2 AND category = $3 "
                    "ORDER BY occurred_at DESC LIMIT 50")},
      {"by party, 2012-2019",
       absl::StrCat("SELECT party, ", kTotals,
                    " FROM denials WHERE occurred_at >= $1 AND occurred_at < $2 GROUP BY party")},
      {"by category, 2012-2019",
       absl::StrCat(
           "SELECT category, ", kTotals,
           " FROM denials WHERE occurred_at >= $1 AND occurred_at < $2 GROUP BY category")},
      {"by area, 2012-2019",
       absl::StrCat("SELECT area_id, ", kTotals,
                    " FROM denials WHERE occurred_at >= $1 AND occurred_at < $2 GROUP BY area_id")},
      {"by month, 2012-2019",
       absl::StrCat("SELECT date_trunc('month', occurred_at) AS month, ", kTotals,
                    " FROM denials WHERE occurred_at >= $1 AND occurred_at < $2 GROUP BY month "
                    "ORDER BY month")},
      {"by category for one party, one year",
       absl::StrCat("SELECT category, ", kTotals,
                    " FROM denials WHERE party = $1 AND occurred_at >= $2 AND occurred_at < $3 "
                    "GROUP BY category")},
      {"by area for one party, 2012-2019",
       absl::StrCat("SELECT area_id, ", kTotals,
                    " FROM denials WHERE party = $1 AND occurred_at >= $2 AND occurred_at < $3 "
                    "GROUP BY area_id")},
  };
  std::mt19937_64 random(7);
  auto party = [&] { return kParties[random() % kParties.size()]; };
  auto category = [&] { return absl::StrCat(1 + random() % 9); };
  auto area = [&] { return areas[random() % areas.size()]; };
  auto month = [&] {
    const int year = 2012 + static_cast<int>(random() % 8);
    const int m = 1 + static_cast<int>(random() % 12);
    return std::make_pair(
        absl::StrFormat("%04d-%02d-01", year, m),
        absl::StrFormat("%04d-%02d-01", m == 12 ? year + 1 : year, m == 12 ? 1 : m + 1));
  };
  const std::vector<std::function<std::vector<std::string>()>> parameters = {
      [] { return std::vector<std::string>{}; },
      [&] {
        auto [from, to] = month();
        return std::vector<std::string>{party(), from, to};
      },
      [&] { return std::vector<std::string>{area()}; },
      [&] {
        auto [from, to] = month();
        return std::vector<std::string>{party(), category(), from, to};
      },
      [&] {
        return std::vector<std::string>{kParties[random() % 2], area(), category()};
      },
      [] {
        return std::vector<std::string>{"2012-01-01", "2020-01-01"};
      },
      [] {
        return std::vector<std::string>{"2012-01-01", "2020-01-01"};
      },
      [] {
        return std::vector<std::string>{"2012-01-01", "2020-01-01"};
      },
      [] {
        return std::vector<std::string>{"2012-01-01", "2020-01-01"};
      },
      [&] {
        const int year = 2012 + static_cast<int>(random() % 8);
        return std::vector<std::string>{party(), absl::StrCat(year, "-01-01"),
                                        absl::StrCat(year + 1, "-01-01")};
      },
      [&] {
        return std::vector<std::string>{party(), "2012-01-01", "2020-01-01"};
      },
  };
  std::printf("\nthe same shapes in PostgreSQL through libpq (prepared statements):\n");
  std::map<std::string, Figures> pg_figures;
  for (size_t i = 0; i < statements.size(); ++i) {
    const auto& [name, sql] = statements[i];
    const std::string statement = absl::StrCat("q", i);
    if (absl::Status s = (*pg)->Prepare(statement, sql, 0); !s.ok()) return fail(s);
    const int runs = i < 5 ? queries : std::max(1, absl::GetFlag(FLAGS_postgres_stats_queries));
    std::vector<double> micros;
    int64_t rows = 0;
    for (int q = 0; q < runs; ++q) {
      const std::vector<std::string> values = parameters[i]();
      const absl::Time t0 = absl::Now();
      absl::StatusOr<int> answered = (*pg)->Run(statement, values);
      micros.push_back(absl::ToDoubleMicroseconds(absl::Now() - t0));
      if (!answered.ok()) return fail(answered.status());
      rows += *answered;
    }
    pg_figures[name] = Summarize(name.c_str(), micros, static_cast<double>(rows) / runs);
  }

  std::printf("\n%-40s %14s %14s %12s\n", "p50, same run", "Corridor", "PostgreSQL", "PG/Corridor");
  for (const auto& [name, corridor] : corridor_figures) {
    auto it = pg_figures.find(name);
    if (it == pg_figures.end()) continue;
    std::printf("%-40s %11.0f us %11.0f us %11.1fx\n", name.c_str(), corridor.p50, it->second.p50,
                it->second.p50 / corridor.p50);
  }
  return 0;
}

int Main() {
  if (const std::string csv = absl::GetFlag(FLAGS_write_csv); !csv.empty()) {
    return WriteCsv(csv, absl::GetFlag(FLAGS_denials));
  }
  std::string path = absl::GetFlag(FLAGS_data_dir);
  const bool temporary = path.empty();
  if (temporary) {
    path = (std::filesystem::temp_directory_path() / ("denials_bench_" + std::to_string(getpid())))
               .string();
  }
  const int64_t count = absl::GetFlag(FLAGS_denials);
  {
    storage::StoreOptions options;
    options.path = path;
    options.sync = false;
    auto store = storage::Store::Open(options);
    if (!store.ok()) {
      std::fprintf(stderr, "denials_bench: %s\n", std::string(store.status().message()).c_str());
      return 1;
    }
    if ((*store)->journal_head().size < static_cast<uint64_t>(count)) {
      Load(store->get(), count);
      // Counters are merge operands until a flush or compaction folds
      // them: the slowest moment to read them is straight after writing.
      DenialStore denials(store->get());
      std::vector<double> micros;
      for (int i = 0; i < 20; ++i) {
        v1::DenialStatsRequest r;
        r.set_group_by(i % 2 ? v1::STATS_DIMENSION_AREA : v1::STATS_DIMENSION_PARTY);
        r.mutable_from()->set_year(2012);
        r.mutable_from()->set_month(1);
        r.mutable_to()->set_year(2019);
        r.mutable_to()->set_month(12);
        const absl::Time t0 = absl::Now();
        if (!denials.Stats(r).ok()) return 1;
        micros.push_back(absl::ToDoubleMicroseconds(absl::Now() - t0));
      }
      std::printf(
          "DenialStats straight after the load, in the store (by party and by area, "
          "20 calls): p50 %.0f us, max %.0f us\n",
          Percentile(micros, 0.5), Percentile(micros, 1.0));
    } else {
      std::printf("load: reusing %s (%llu journal entries)\n", path.c_str(),
                  static_cast<unsigned long long>((*store)->journal_head().size));
    }
  }  // closed (flushed), then reopened as a service would be

  const absl::Time open_start = absl::Now();
  storage::StoreOptions options;
  options.path = path;
  auto store = storage::Store::Open(options);
  if (!store.ok()) return 1;
  std::printf("cold start: %.0f ms to open %s\n",
              absl::ToDoubleMilliseconds(absl::Now() - open_start), path.c_str());
  DenialStore denials(store->get());
  ServiceDirectory peers;
  References references(&peers, absl::Seconds(1));
  // Queries are an oversight body's, authenticated as on the platform.
  ModuleOptions auth_options;
  auth_options.data_dir = path + "-auth";
  auto auth = auth::AuthModule::Open(auth_options);
  if (!auth.ok()) return 1;
  v1::CreateTokenRequest oversight;
  oversight.set_role(v1::ROLE_OVERSIGHT);
  auto token = (*auth)->CreateToken(oversight);
  if (!token.ok()) return 1;
  AccessControl access((*auth)->authenticator());
  DenialService service(&denials, &references, &access);
  ServerOptions server_options;
  server_options.listen_address = "127.0.0.1:0";
  auto host =
      ServiceHost::Start(server_options, {{&service, v1::DenialService::service_full_name()}});
  if (!host.ok()) return 1;
  auto stub = v1::DenialService::NewStub(grpc::CreateChannel(
      absl::StrCat("127.0.0.1:", (*host)->port()), grpc::InsecureChannelCredentials()));

  const int queries = absl::GetFlag(FLAGS_queries);
  const std::vector<std::string> areas = ReferenceAreaIds();
  std::mt19937_64 random(7);
  using List = v1::ListDenialsRequest;
  using ListResponse = v1::ListDenialsResponse;
  std::function<grpc::Status(grpc::ClientContext*, const List&, ListResponse*)> list =
      [&](grpc::ClientContext* c, const List& r, ListResponse* out) {
        AttachBearerToken(c, token->token());
        return stub->ListDenials(c, r, out);
      };
  std::function<size_t(const ListResponse&)> list_size = [](const ListResponse& r) {
    return static_cast<size_t>(r.denials_size());
  };
  auto page = [](List r) {
    r.mutable_page()->set_page_size(50);
    return r;
  };
  auto month = [&](List* r) {
    const int year = 2012 + static_cast<int>(random() % 8);
    const int m = 1 + static_cast<int>(random() % 12);
    *r->mutable_since() = MonthStart(year, m);
    *r->mutable_until() = MonthStart(m == 12 ? year + 1 : year, m == 12 ? 1 : m + 1);
  };
  // The same five page shapes, through `call`; `prefix` names the figures
  // (PostgreSQL's are compared with the unprefixed ones).
  auto pages =
      [&](const std::string& prefix,
          const std::function<grpc::Status(grpc::ClientContext*, const List&, ListResponse*)>&
              call) {
        auto time = [&](const std::string& name, const std::function<List(int)>& make) {
          Time<List, ListResponse>((prefix + name).c_str(), queries, call, make, list_size);
        };
        time("no filter (newest 50)", [&](int) { return page(List()); });
        time("party + month", [&](int) {
          List r;
          r.set_party(kParties[random() % kParties.size()]);
          month(&r);
          return page(r);
        });
        time("area (any time)", [&](int) {
          List r;
          r.set_area_id(areas[random() % areas.size()]);
          return page(r);
        });
        time("party + category + month", [&](int) {
          List r;
          r.set_party(kParties[random() % kParties.size()]);
          r.set_category(static_cast<v1::AccessConstraintCategory>(1 + random() % 9));
          month(&r);
          return page(r);
        });
        time("party + area + category", [&](int) {
          List r;
          r.set_party(kParties[random() % 2]);
          r.set_area_id(areas[random() % areas.size()]);
          r.set_category(static_cast<v1::AccessConstraintCategory>(1 + random() % 9));
          return page(r);
        });
      };
  const std::function<grpc::Status(grpc::ClientContext*, const List&, ListResponse*)>
      list_in_store = [&](grpc::ClientContext*, const List& r, ListResponse* out) {
        absl::StatusOr<ListResponse> read = denials.List(r, 50);
        if (!read.ok()) return ToGrpc(read.status());
        *out = *std::move(read);
        return grpc::Status::OK;
      };
  // The store was just reopened: the first pages read blocks from disk (or
  // the OS's cache). PostgreSQL's side is timed warm too.
  std::printf("\nWarming up: the pages read once from the store, first after reopening:\n");
  pages("cold: ", list_in_store);
  std::printf("\nListDenials, first page of 50, over gRPC on loopback (%d queries each):\n",
              queries);
  pages("", list);
  // The store's part of that time: the same pages read in this process.
  std::printf("\nThe same pages read from the store in this process, without gRPC:\n");
  pages("in the store: ", list_in_store);

  using Stats = v1::DenialStatsRequest;
  using StatsResponse = v1::DenialStatsResponse;
  std::function<grpc::Status(grpc::ClientContext*, const Stats&, StatsResponse*)> stats =
      [&](grpc::ClientContext* c, const Stats& r, StatsResponse* out) {
        AttachBearerToken(c, token->token());
        return stub->DenialStats(c, r, out);
      };
  std::function<size_t(const StatsResponse&)> rows = [](const StatsResponse& r) {
    return static_cast<size_t>(r.rows_size());
  };
  auto period = [](Stats r, int from_year, int to_year) {
    r.mutable_from()->set_year(from_year);
    r.mutable_from()->set_month(1);
    r.mutable_to()->set_year(to_year);
    r.mutable_to()->set_month(12);
    return r;
  };
  const int stats_queries = std::max(1, queries / 4);
  std::printf("\nDenialStats over all %lld denials (%d queries each):\n",
              static_cast<long long>(count), stats_queries);
  Time<Stats, StatsResponse>(
      "by party, 2012-2019", stats_queries, stats,
      [&](int) {
        Stats r;
        r.set_group_by(v1::STATS_DIMENSION_PARTY);
        return period(r, 2012, 2019);
      },
      rows);
  Time<Stats, StatsResponse>(
      "by category, 2012-2019", stats_queries, stats,
      [&](int) {
        Stats r;
        r.set_group_by(v1::STATS_DIMENSION_CATEGORY);
        return period(r, 2012, 2019);
      },
      rows);
  Time<Stats, StatsResponse>(
      "by area, 2012-2019", stats_queries, stats,
      [&](int) {
        Stats r;
        r.set_group_by(v1::STATS_DIMENSION_AREA);
        return period(r, 2012, 2019);
      },
      rows);
  Time<Stats, StatsResponse>(
      "by month, 2012-2019", stats_queries, stats,
      [&](int) {
        Stats r;
        r.set_group_by(v1::STATS_DIMENSION_MONTH);
        return period(r, 2012, 2019);
      },
      rows);
  Time<Stats, StatsResponse>(
      "by category for one party, one year", stats_queries, stats,
      [&](int) {
        Stats r;
        r.set_group_by(v1::STATS_DIMENSION_CATEGORY);
        r.set_party(kParties[random() % kParties.size()]);
        const int year = 2012 + static_cast<int>(random() % 8);
        return period(r, year, year);
      },
      rows);
  Time<Stats, StatsResponse>(
      "by area for one party, 2012-2019", stats_queries, stats,
      [&](int) {
        Stats r;
        r.set_group_by(v1::STATS_DIMENSION_AREA);
        r.set_party(kParties[random() % kParties.size()]);
        return period(r, 2012, 2019);
      },
      rows);

  if (const std::string postgres = absl::GetFlag(FLAGS_postgres); !postgres.empty()) {
    if (int code = ComparePostgres(postgres, count, queries); code != 0) return code;
  }

  struct rusage usage;
  getrusage(RUSAGE_SELF, &usage);
  std::printf("\npeak resident memory: %ld MiB\n", usage.ru_maxrss / 1024);
  (*host)->Shutdown();
  host->reset();
  store->reset();
  if (temporary) {
    std::filesystem::remove_all(path);
    std::filesystem::remove_all(path + "-auth");
  }
  return 0;
}

}  // namespace
}  // namespace corridor::denials

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  std::setvbuf(stdout, nullptr, _IOLBF, 0);  // figures show as they come, even into a file
  return corridor::denials::Main();
}
