// Storage layer throughput: puts/s synced and unsynced (1 to 16 concurrent
// writers), and gets/s by primary key.
//
//   build/bin/storage_bench [--benchmark_filter=...]
//
// Runs against a RocksDB in a temporary folder under $TMPDIR (default /tmp),
// with the store's default options (synced WAL unless stated). A "put" is one
// commit of one area in the areas service's own table: the record and its
// three secondary-index entries. Prints the peak resident memory at the end.
#include <benchmark/benchmark.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>

#include "corridor/v1/areas.pb.h"
#include "services/areas/area_tables.h"
#include "storage/key_codec.h"
#include "storage/store.h"

namespace corridor::storage {
namespace {

v1::Area MakeArea(int64_t n) {
  v1::Area area;
  area.set_id("A-" + std::to_string(n));
  area.set_name_en("Benchmark community " + std::to_string(n));
  area.set_status(static_cast<v1::AreaStatus>(1 + n % 7));
  area.mutable_governorate()->set_pcode(n % 2 ? "SY03" : "SY01");
  area.mutable_governorate()->set_name("Rural Damascus");
  area.set_besieging_party("Benchmark party");
  area.mutable_location()->set_latitude(33.5);
  area.mutable_location()->set_longitude(36.4);
  return area;
}

// One store per (benchmark, sync) pair, shared by the benchmark's threads.
struct Fixture {
  std::string path;
  std::unique_ptr<Store> store;
  std::atomic<int64_t> next_id{0};

  explicit Fixture(bool sync) {
    path = (std::filesystem::temp_directory_path() /
            ("corridor_storage_bench_" + std::to_string(::getpid()) + (sync ? "_sync" : "_nosync")))
               .string();
    std::filesystem::remove_all(path);
    StoreOptions options;
    options.path = path;
    options.sync = sync;
    store = *Store::Open(options);
  }
  ~Fixture() {
    store.reset();
    std::filesystem::remove_all(path);
  }
};

Fixture* SharedFixture(bool sync) {
  static Fixture* synced = nullptr;
  static Fixture* unsynced = nullptr;
  Fixture*& slot = sync ? synced : unsynced;
  if (slot == nullptr) slot = new Fixture(sync);
  return slot;
}

// Reports the p50 and p99 of `latencies_us` as counters; with several
// threads, the counter is the mean of the threads' percentiles.
void ReportPercentiles(benchmark::State& state, std::vector<double>* latencies_us) {
  if (latencies_us->empty()) return;
  std::sort(latencies_us->begin(), latencies_us->end());
  auto at = [&](double q) {
    return (*latencies_us)[static_cast<size_t>(q * (latencies_us->size() - 1))];
  };
  state.counters["p50_us"] = benchmark::Counter(at(0.50), benchmark::Counter::kAvgThreads);
  state.counters["p99_us"] = benchmark::Counter(at(0.99), benchmark::Counter::kAvgThreads);
}

void Put(benchmark::State& state, bool sync) {
  Fixture* fixture = SharedFixture(sync);
  std::vector<double> latencies_us;
  for (auto _ : state) {
    Mutation mutation;
    mutation.Insert(areas::AreasTable(), MakeArea(fixture->next_id.fetch_add(1)));
    const auto start = std::chrono::steady_clock::now();
    absl::StatusOr<CommitResult> result = fixture->store->Commit(mutation);
    latencies_us.push_back(
        std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start)
            .count());
    if (!result.ok()) state.SkipWithError(std::string(result.status().message()).c_str());
  }
  state.SetItemsProcessed(state.iterations());
  ReportPercentiles(state, &latencies_us);
}

void BM_PutSynced(benchmark::State& state) { Put(state, true); }
void BM_PutUnsynced(benchmark::State& state) { Put(state, false); }

void BM_Get(benchmark::State& state) {
  Fixture* fixture = SharedFixture(false);
  constexpr int64_t kRecords = 100000;
  if (state.thread_index() == 0 && fixture->next_id.load() < kRecords) {
    while (fixture->next_id.load() < kRecords) {
      Mutation mutation;
      for (int i = 0; i < 1000; ++i) {
        mutation.Insert(areas::AreasTable(), MakeArea(fixture->next_id.fetch_add(1)));
      }
      (void)fixture->store->Commit(mutation);
    }
  }
  int64_t n = state.thread_index() * 7919;
  v1::Area area;
  for (auto _ : state) {
    std::string key = KeyWriter().String("A-" + std::to_string(n++ % kRecords)).Release();
    absl::StatusOr<uint64_t> version =
        fixture->store->Get(areas::AreasTable().schema(), key, &area);
    if (!version.ok()) state.SkipWithError(std::string(version.status().message()).c_str());
  }
  state.SetItemsProcessed(state.iterations());
}

BENCHMARK(BM_PutSynced)->ThreadRange(1, 16)->UseRealTime()->MinTime(2.0);
BENCHMARK(BM_PutUnsynced)->ThreadRange(1, 16)->UseRealTime()->MinTime(1.0);
BENCHMARK(BM_Get)->ThreadRange(1, 4)->UseRealTime()->MinTime(1.0);

}  // namespace
}  // namespace corridor::storage

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  struct rusage usage;
  getrusage(RUSAGE_SELF, &usage);
  std::printf("peak resident memory: %.1f MiB\n", usage.ru_maxrss / 1024.0);
  return 0;
}
