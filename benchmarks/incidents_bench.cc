// What incident writes and oversight queries cost over a large record of
// incidents, beside denials_bench's figures for denials.
//
//   build/bin/incidents_bench [--incidents=1000000] [--data_dir=DIR] [--queries=2000]
//
// 1. Loads --incidents incidents (unless DIR already holds them) through the
//    incidents store, with the journal on and WAL syncing off (a bulk load,
//    as denials_bench loads denials), spread over the 51 reference areas,
//    six parties, the ten types, up to three weapons each and 2012-2019;
//    progress on stderr. Then --synced_writes more with every write synced,
//    one at a time: the latency an acknowledged incident costs.
// 2. Times, in the store (no gRPC), IncidentStats groupings and filtered
//    ListIncidents pages of 50: p50/p90/p99 per query shape.
// Prints peak resident memory and the database's size on disk.
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <random>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "benchmarks/generated_records.h"
#include "benchmarks/percentile.h"
#include "google/protobuf/util/time_util.h"
#include "services/incidents/incident_store.h"
#include "services/incidents/incident_tables.h"

ABSL_FLAG(int64_t, incidents, 1'000'000, "incidents to load");
ABSL_FLAG(std::string, data_dir, "", "reuse this folder (loaded once); default: a temporary one");
ABSL_FLAG(int, queries, 2000, "queries per shape");
ABSL_FLAG(int, synced_writes, 2000, "incidents recorded one by one with every write synced");

namespace corridor::incidents {
namespace {

const std::vector<std::string> kParties = {
    "syrian-government", "isis", "armed-opposition", "hezbollah", "jaish-al-fatah", "unattributed"};

v1::RecordIncidentRequest Generate(const std::string& key, std::mt19937_64& random,
                                   const std::vector<std::string>& areas) {
  v1::RecordIncidentRequest r;
  r.set_idempotency_key(key);
  v1::IncidentFacts* f = r.mutable_facts();
  // Parties, types and weapons are skewed, as real reporting is.
  const double u = std::uniform_real_distribution<double>(0, 1)(random);
  const std::string& party =
      kParties[std::min<size_t>(kParties.size() - 1, static_cast<size_t>(u * u * 6))];
  f->set_party(party);
  f->set_party_id(party);
  f->set_attribution_confidence(static_cast<v1::AttributionConfidence>(1 + random() % 3));
  f->set_attribution_basis("Benchmark generator");
  f->set_area_id(areas[random() % areas.size()]);
  f->set_type(static_cast<v1::IncidentType>(1 + random() % 10));
  const int weapons = static_cast<int>(random() % 4);
  for (int w = 0; w < weapons; ++w) {
    const auto weapon = static_cast<v1::Weapon>(1 + (random() % 10 + w * 3) % 10);
    if (std::find(f->weapons().begin(), f->weapons().end(), weapon) == f->weapons().end()) {
      f->add_weapons(weapon);
    }
  }
  const int64_t seconds =
      kGeneratedFrom + static_cast<int64_t>(random() % (kGeneratedTo - kGeneratedFrom));
  f->mutable_occurred_at()->set_seconds(seconds - seconds % 86400);
  f->set_precision(v1::TIME_PRECISION_DAY);
  if (random() % 10 < 7) {
    v1::Casualties* c = f->mutable_casualties();
    c->mutable_total()->set_killed(static_cast<int64_t>(random() % 40));
    c->mutable_total()->set_injured(static_cast<int64_t>(random() % 80));
    c->mutable_civilians()->set_killed(c->total().killed() / 2);
  }
  f->set_description("Shelling of a residential quarter near the market");
  f->add_sources()->mutable_source()->set_citation("Benchmark generator");
  return r;
}

double Rate(int64_t count, absl::Duration elapsed) {
  return count / std::max(1e-9, absl::ToDoubleSeconds(elapsed));
}

void Load(IncidentStore& incidents, int64_t count) {
  const std::vector<std::string> areas = ReferenceAreaIds();
  std::mt19937_64 random(42);
  storage::Origin origin;
  origin.principal.set_name("incidents_bench");
  origin.rpc = "bulk-load";
  const absl::Time start = absl::Now();
  absl::Time shown = start;
  for (int64_t n = 0; n < count; ++n) {
    absl::StatusOr<v1::Incident> i =
        incidents.Record(origin, Generate(absl::StrCat("bench/", n), random, areas));
    if (!i.ok()) {
      std::fprintf(stderr, "incidents_bench: load failed at %lld: %s\n", static_cast<long long>(n),
                   std::string(i.status().message()).c_str());
      std::exit(1);
    }
    if (absl::Now() - shown > absl::Seconds(5)) {
      shown = absl::Now();
      std::fprintf(stderr, "loading: %lld of %lld incidents (%.0f/s)\n", static_cast<long long>(n),
                   static_cast<long long>(count), Rate(n, shown - start));
    }
  }
  std::printf("load: %lld incidents in %.1f s (%.0f/s, journal on, WAL not synced)\n",
              static_cast<long long>(count), absl::ToDoubleSeconds(absl::Now() - start),
              Rate(count, absl::Now() - start));
}

void SyncedWrites(const std::string& path, int count) {
  storage::StoreOptions options;
  options.path = path;
  options.sync = true;
  auto store = storage::Store::Open(options);
  if (!store.ok()) {
    std::fprintf(stderr, "incidents_bench: %s\n", std::string(store.status().message()).c_str());
    std::exit(1);
  }
  IncidentStore incidents(store->get());
  const std::vector<std::string> areas = ReferenceAreaIds();
  std::mt19937_64 random(7);
  storage::Origin origin;
  origin.principal.set_name("incidents_bench");
  origin.rpc = "synced";
  std::vector<double> micros;
  const absl::Time start = absl::Now();
  const std::string run = absl::StrCat(absl::ToUnixMicros(start));
  for (int n = 0; n < count; ++n) {
    const absl::Time before = absl::Now();
    if (!incidents.Record(origin, Generate(absl::StrCat("synced/", run, "/", n), random, areas))
             .ok()) {
      std::fprintf(stderr, "incidents_bench: a synced write failed\n");
      std::exit(1);
    }
    micros.push_back(absl::ToDoubleMicroseconds(absl::Now() - before));
  }
  const double rate = Rate(count, absl::Now() - start);
  std::printf("synced writes, one writer: %d in a row, %.0f/s, p50 %.0f us, p99 %.0f us\n", count,
              rate, Percentile(micros, 0.5), Percentile(micros, 0.99));
}

template <typename Query>
void Time(const char* name, int queries, Query query) {
  std::vector<double> micros;
  size_t rows = 0;
  for (int q = 0; q < queries; ++q) {
    const absl::Time before = absl::Now();
    rows += query(q);
    micros.push_back(absl::ToDoubleMicroseconds(absl::Now() - before));
  }
  std::printf("%-46s p50 %7.0f us  p90 %7.0f us  p99 %7.0f us  (%.1f rows/answer)\n", name,
              Percentile(micros, 0.5), Percentile(micros, 0.9), Percentile(micros, 0.99),
              static_cast<double>(rows) / queries);
}

v1::YearMonth Month(int year, int month) {
  v1::YearMonth m;
  m.set_year(year);
  m.set_month(month);
  return m;
}

size_t Stats(const IncidentStore& incidents, v1::IncidentStatsDimension by) {
  v1::IncidentStatsRequest r;
  *r.mutable_from() = Month(2012, 1);
  *r.mutable_to() = Month(2019, 12);
  r.set_group_by(by);
  absl::StatusOr<v1::IncidentStatsResponse> s = incidents.Stats(r);
  if (!s.ok()) std::exit(1);
  return s->rows_size();
}

void Queries(const IncidentStore& incidents, int queries) {
  auto stats = [&](v1::IncidentStatsDimension by, auto filter) {
    return [&, by, filter](int q) -> size_t {
      v1::IncidentStatsRequest r;
      *r.mutable_from() = Month(2012 + q % 4, 1);
      *r.mutable_to() = Month(2019, 12);
      r.set_group_by(by);
      filter(q, &r);
      absl::StatusOr<v1::IncidentStatsResponse> s = incidents.Stats(r);
      if (!s.ok()) std::exit(1);
      return s->rows_size();
    };
  };
  auto none = [](int, v1::IncidentStatsRequest*) {};
  auto party = [](int q, auto* r) { r->set_party(kParties[q % kParties.size()]); };
  auto weapon = [](int q, auto* r) { r->set_weapon(static_cast<v1::Weapon>(1 + q % 10)); };
  Time("stats by party, 2012-2019", queries, stats(v1::INCIDENT_STATS_DIMENSION_PARTY, none));
  Time("stats by weapon", queries, stats(v1::INCIDENT_STATS_DIMENSION_WEAPON, none));
  Time("stats by month", queries, stats(v1::INCIDENT_STATS_DIMENSION_MONTH, none));
  Time("stats of one party by type", queries, stats(v1::INCIDENT_STATS_DIMENSION_TYPE, party));
  Time("stats of one weapon by month", queries, stats(v1::INCIDENT_STATS_DIMENSION_MONTH, weapon));

  const std::vector<std::string> areas = ReferenceAreaIds();
  auto list = [&](auto filter) {
    return [&, filter](int q) -> size_t {
      v1::ListIncidentsRequest r;
      filter(q, &r);
      absl::StatusOr<v1::ListIncidentsResponse> page = incidents.List(r, 50);
      if (!page.ok()) std::exit(1);
      return page->incidents_size();
    };
  };
  Time("page of 50, newest", queries, list([](int, auto*) {}));
  Time("page of 50, one weapon", queries,
       list([](int q, auto* r) { r->set_weapon(static_cast<v1::Weapon>(1 + q % 10)); }));
  Time("page of 50, one party", queries,
       list([](int q, auto* r) { r->set_party(kParties[q % kParties.size()]); }));
  Time("page of 50, one area and one weapon", queries, list([&](int q, auto* r) {
         r->set_area_id(areas[q % areas.size()]);
         r->set_weapon(v1::WEAPON_BARREL_BOMB);
       }));
  Time("page of 50, one area, one year", queries, list([&](int q, auto* r) {
         r->set_area_id(areas[q % areas.size()]);
         r->mutable_since()->set_seconds(1451606400);  // 2016
         r->mutable_until()->set_seconds(1483228800);  // 2017
       }));
}

uint64_t DiskBytes(const std::string& path) {
  uint64_t bytes = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(path)) {
    if (entry.is_regular_file()) bytes += entry.file_size();
  }
  return bytes;
}

int Run() {
  std::string dir = absl::GetFlag(FLAGS_data_dir);
  const bool temporary = dir.empty();
  if (temporary) {
    dir = (std::filesystem::temp_directory_path() / absl::StrCat("incidents_bench_", getpid()))
              .string();
  }
  const std::string path = dir + "/incidents";
  const bool loaded = std::filesystem::exists(path + "/CURRENT");
  for (const bool reopened : {false, true}) {
    if (loaded && !reopened) continue;
    storage::StoreOptions options;
    options.path = path;
    options.sync = false;
    auto store = storage::Store::Open(options);
    if (!store.ok()) {
      std::fprintf(stderr, "incidents_bench: %s\n", std::string(store.status().message()).c_str());
      return 1;
    }
    IncidentStore incidents(store->get());
    if (!reopened) {
      Load(incidents, absl::GetFlag(FLAGS_incidents));
      // Counters are merge operands until a flush or compaction folds them:
      // the slowest moment to read them is straight after writing.
      Time("stats by party, straight after the load", 20,
           [&](int) { return Stats(incidents, v1::INCIDENT_STATS_DIMENSION_PARTY); });
      continue;  // closed (flushed), then reopened as a service would be
    }
    std::printf("queries over %s (%d per shape, in the store):\n", path.c_str(),
                absl::GetFlag(FLAGS_queries));
    Queries(incidents, absl::GetFlag(FLAGS_queries));
  }
  if (absl::GetFlag(FLAGS_synced_writes) > 0) {
    SyncedWrites(path, absl::GetFlag(FLAGS_synced_writes));
  }
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  std::printf("peak resident memory: %ld MiB; on disk: %.0f MiB\n", usage.ru_maxrss / 1024,
              DiskBytes(path) / 1048576.0);
  if (temporary) std::filesystem::remove_all(dir);
  return 0;
}

}  // namespace
}  // namespace corridor::incidents

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  std::setvbuf(stdout, nullptr, _IOLBF, 0);  // figures as they come, between progress lines
  return corridor::incidents::Run();
}
