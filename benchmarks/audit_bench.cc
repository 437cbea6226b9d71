// What the audit journal costs and how fast its proofs are.
//
//   build/bin/audit_bench [--entries=1000000] [--seconds=3]
//
// 1. Synced write throughput with and without the journal, 1 to 16 writer
//    threads (a write is one commit of one record with three index entries,
//    as in storage_bench).
// 2. Builds a journal of --entries entries (unsynced commits, progress on
//    stderr), reopens it (cold start) and times 1,000 inclusion proofs and
//    1,000 consistency proofs between random sizes, each read from RocksDB
//    and verified.
// Runs in a temporary folder under $TMPDIR; prints peak resident memory.
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <random>
#include <thread>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/time/clock.h"
#include "benchmarks/percentile.h"
#include "corridor/v1/areas.pb.h"
#include "services/areas/area_tables.h"
#include "storage/merkle.h"
#include "storage/store.h"

ABSL_FLAG(int64_t, entries, 1'000'000, "journal size for the proof timings");
ABSL_FLAG(int, seconds, 3, "seconds per write-throughput run");

namespace corridor::storage {
namespace {

v1::Area MakeArea(int64_t n) {
  v1::Area area;
  area.set_id("A-" + std::to_string(n));
  area.set_name_en("Benchmark community " + std::to_string(n));
  area.set_status(static_cast<v1::AreaStatus>(1 + n % 7));
  area.mutable_governorate()->set_pcode(n % 2 ? "SY03" : "SY01");
  area.set_besieging_party("Benchmark party");
  return area;
}

Origin BenchOrigin() {
  Origin origin;
  origin.principal.set_name("audit_bench");
  origin.rpc = "/bench/Put";
  return origin;
}

std::unique_ptr<Store> Open(const std::string& path, bool sync, bool journal) {
  StoreOptions options;
  options.path = path;
  options.sync = sync;
  options.journal = journal;
  auto store = Store::Open(options);
  if (!store.ok()) {
    std::fprintf(stderr, "audit_bench: %s\n", std::string(store.status().message()).c_str());
    std::exit(1);
  }
  return *std::move(store);
}

// Commits from `threads` writers for `seconds`; returns commits per second.
double Throughput(Store& store, int threads, int seconds, std::atomic<int64_t>* next_id) {
  std::atomic<int64_t> commits{0};
  std::atomic<bool> stop{false};
  std::vector<std::thread> writers;
  for (int t = 0; t < threads; ++t) {
    writers.emplace_back([&] {
      while (!stop.load()) {
        Mutation m;
        m.SetOrigin(BenchOrigin());
        m.Insert(areas::AreasTable(), MakeArea(next_id->fetch_add(1)));
        if (!store.Commit(m).ok()) std::exit(1);
        ++commits;
      }
    });
  }
  absl::SleepFor(absl::Seconds(seconds));
  stop = true;
  for (auto& w : writers) w.join();
  return commits.load() / static_cast<double>(seconds);
}

int Main() {
  const std::string root =
      (std::filesystem::temp_directory_path() / ("audit_bench_" + std::to_string(getpid())))
          .string();
  const int seconds = absl::GetFlag(FLAGS_seconds);

  std::printf("synced writes (commits/s)\n%-8s %14s %14s %8s\n", "threads", "no journal", "journal",
              "ratio");
  for (int threads : {1, 4, 16}) {
    double rates[2];
    for (int journal = 0; journal < 2; ++journal) {
      const std::string path =
          root + "/tp-" + std::to_string(threads) + "-" + std::to_string(journal);
      auto store = Open(path, /*sync=*/true, journal == 1);
      std::atomic<int64_t> next_id{0};
      rates[journal] = Throughput(*store, threads, seconds, &next_id);
    }
    std::printf("%-8d %14.0f %14.0f %7.2fx\n", threads, rates[0], rates[1], rates[1] / rates[0]);
    std::fflush(stdout);
  }

  const int64_t entries = absl::GetFlag(FLAGS_entries);
  const std::string path = root + "/journal";
  {
    auto store = Open(path, /*sync=*/false, /*journal=*/true);
    const absl::Time start = absl::Now();
    std::atomic<int64_t> next_id{0};
    std::vector<std::thread> writers;
    for (int t = 0; t < 4; ++t) {
      writers.emplace_back([&, t] {
        for (int64_t id; (id = next_id.fetch_add(1)) < entries;) {
          Mutation m;
          m.SetOrigin(BenchOrigin());
          m.Insert(areas::AreasTable(), MakeArea(id));
          if (!store->Commit(m).ok()) std::exit(1);
          if (t == 0 && id % 100'000 == 0 && id > 0) {
            std::fprintf(stderr, "  building the journal: %lld / %lld entries\n",
                         static_cast<long long>(id), static_cast<long long>(entries));
          }
        }
      });
    }
    for (auto& w : writers) w.join();
    std::printf("\nbuilt a journal of %lld entries in %.1f s (unsynced, 4 writers)\n",
                static_cast<long long>(store->journal_head().size),
                absl::ToDoubleSeconds(absl::Now() - start));
  }

  const absl::Time open_start = absl::Now();
  auto store = Open(path, /*sync=*/true, /*journal=*/true);
  const double open_ms = absl::ToDoubleMilliseconds(absl::Now() - open_start);
  const JournalHead head = store->journal_head();
  std::printf("cold start (open + rebuild the tree's right edge): %.1f ms\n", open_ms);

  std::mt19937_64 rng(42);
  std::vector<double> inclusion_us, consistency_us;
  for (int i = 0; i < 1000; ++i) {
    const uint64_t leaf = rng() % head.size;
    std::string entry;
    const absl::Time t0 = absl::Now();
    auto proof = merkle::InclusionProof(store->journal_nodes(), leaf, head.size);
    inclusion_us.push_back(absl::ToDoubleMicroseconds(absl::Now() - t0));
    (void)store->ReadJournal(leaf, leaf + 1, [&](uint64_t, absl::string_view e) {
      entry = std::string(e);
      return absl::OkStatus();
    });
    if (!proof.ok() ||
        !merkle::VerifyInclusion(merkle::LeafHash(entry), leaf, head.size, *proof, head.root)
             .ok()) {
      std::fprintf(stderr, "audit_bench: inclusion proof for %llu did not verify\n",
                   static_cast<unsigned long long>(leaf));
      return 1;
    }
  }
  for (int i = 0; i < 1000; ++i) {
    const uint64_t first = 1 + rng() % head.size;
    const absl::Time t0 = absl::Now();
    auto proof = merkle::ConsistencyProof(store->journal_nodes(), first, head.size);
    auto first_root = merkle::RootHash(store->journal_nodes(), first);
    consistency_us.push_back(absl::ToDoubleMicroseconds(absl::Now() - t0));
    if (!proof.ok() || !first_root.ok() ||
        !merkle::VerifyConsistency(first, head.size, *first_root, head.root, *proof).ok()) {
      std::fprintf(stderr, "audit_bench: consistency proof did not verify\n");
      return 1;
    }
  }
  std::printf("proofs in a journal of %llu entries (read from RocksDB, then verified):\n",
              static_cast<unsigned long long>(head.size));
  std::printf("  inclusion proof     p50 %6.1f us   p99 %6.1f us\n", Percentile(inclusion_us, 0.5),
              Percentile(inclusion_us, 0.99));
  std::printf("  consistency proof   p50 %6.1f us   p99 %6.1f us   (with the earlier root)\n",
              Percentile(consistency_us, 0.5), Percentile(consistency_us, 0.99));
  store.reset();
  std::filesystem::remove_all(root);
  rusage usage;
  getrusage(RUSAGE_SELF, &usage);
  std::printf("peak resident memory: %.0f MiB\n", usage.ru_maxrss / 1024.0);
  return 0;
}

}  // namespace
}  // namespace corridor::storage

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  return corridor::storage::Main();
}
