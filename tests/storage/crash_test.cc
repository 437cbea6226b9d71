// Acknowledged writes survive SIGKILL: a child process commits records and
// reports each acknowledged id on a pipe; the parent kills it at a random
// moment without any shutdown, reopens the store and checks that every
// acknowledged record is there and that the index agrees with the records.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <random>
#include <set>
#include <thread>

#include "corridor/v1/areas.pb.h"
#include "gtest/gtest.h"
#include "storage/journal_verifier.h"
#include "storage/key_codec.h"
#include "storage/store.h"
#include "tests/testing/temp_dir.h"
#include "tests/testing/test_table.h"

namespace corridor::storage {
namespace {

// Runs in the child: four writer threads commit forever, each printing
// "<id>\n" to `fd` after its commit returned OK.
[[noreturn]] void WriteUntilKilled(const std::string& path, int fd, int round) {
  StoreOptions options;
  options.path = path;
  absl::StatusOr<std::unique_ptr<Store>> store = Store::Open(options);
  if (!store.ok()) _exit(3);
  std::vector<std::thread> writers;
  for (int w = 0; w < 4; ++w) {
    writers.emplace_back([&, w] {
      for (int i = 0;; ++i) {
        v1::Area a;
        a.set_id("R" + std::to_string(round) + "-W" + std::to_string(w) + "-" + std::to_string(i));
        a.set_status(static_cast<v1::AreaStatus>(1 + i % 3));
        Mutation m;
        m.SetOrigin({v1::Principal(), "crash-test"});
        m.Insert(testing::ThingsTable(), a);
        if (!(*store)->Commit(m).ok()) _exit(4);
        std::string line = a.id() + "\n";
        if (write(fd, line.data(), line.size()) != static_cast<ssize_t>(line.size())) _exit(5);
      }
    });
  }
  for (auto& t : writers) t.join();
  _exit(0);
}

TEST(CrashTest, EveryAcknowledgedWriteSurvivesSigkill) {
  testing::TempDir dir;
  const std::string path = dir.Sub("db");
  std::mt19937 rng(std::random_device{}());
  std::set<std::string> acknowledged;
  constexpr int kRounds = 3;
  for (int round = 0; round < kRounds; ++round) {
    int fds[2];
    ASSERT_EQ(pipe(fds), 0);
    pid_t child = fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
      close(fds[0]);
      WriteUntilKilled(path, fds[1], round);
    }
    close(fds[1]);
    // Let it write for a random while, then kill it mid-flight.
    const int wanted = 50 + static_cast<int>(rng() % 200);
    std::string buffer;
    int round_acks = 0;
    char chunk[4096];
    while (round_acks < wanted) {
      ssize_t n = read(fds[0], chunk, sizeof(chunk));
      if (n <= 0) break;
      buffer.append(chunk, n);
      size_t newline;
      while ((newline = buffer.find('\n')) != std::string::npos) {
        acknowledged.insert(buffer.substr(0, newline));
        buffer.erase(0, newline + 1);
        ++round_acks;
      }
    }
    kill(child, SIGKILL);
    // Acks already in the pipe were acknowledged before the kill.
    ssize_t n;
    while ((n = read(fds[0], chunk, sizeof(chunk))) > 0) buffer.append(chunk, n);
    size_t newline;
    while ((newline = buffer.find('\n')) != std::string::npos) {
      acknowledged.insert(buffer.substr(0, newline));
      buffer.erase(0, newline + 1);
    }
    close(fds[0]);
    int status = 0;
    waitpid(child, &status, 0);
    ASSERT_TRUE(WIFSIGNALED(status)) << "the writer exited by itself with " << WEXITSTATUS(status);
    ASSERT_GE(round_acks, wanted) << "the writer stopped early";
  }

  StoreOptions options;
  options.path = path;
  absl::StatusOr<std::unique_ptr<Store>> store = Store::Open(options);
  ASSERT_TRUE(store.ok()) << store.status();
  for (const std::string& id : acknowledged) {
    v1::Area a;
    EXPECT_TRUE(
        (*store)->Get(testing::ThingsTable().schema(), KeyWriter().String(id).Release(), &a).ok())
        << "acknowledged record " << id << " is missing after SIGKILL";
  }
  // Every record is in the index exactly once, and nothing else is.
  std::set<std::string> records, indexed;
  ScanOptions scan;
  scan.page_size = 500;
  for (;;) {
    std::vector<std::pair<v1::Area, uint64_t>> found;
    absl::StatusOr<std::string> next = ScanRecords(**store, testing::ThingsTable(), scan, &found);
    ASSERT_TRUE(next.ok());
    for (auto& [a, v] : found) records.insert(a.id());
    if (next->empty()) break;
    scan.page_token = *next;
  }
  for (uint32_t status = 1; status <= 3; ++status) {
    ScanOptions by_status;
    by_status.index = "status";
    by_status.prefix = KeyWriter().Uint32(status).Release();
    by_status.page_size = 500;
    for (;;) {
      std::vector<std::pair<v1::Area, uint64_t>> found;
      absl::StatusOr<std::string> next =
          ScanRecords(**store, testing::ThingsTable(), by_status, &found);
      ASSERT_TRUE(next.ok()) << next.status();
      for (auto& [a, v] : found) {
        EXPECT_EQ(a.status(), status);
        EXPECT_TRUE(indexed.insert(a.id()).second) << a.id() << " indexed twice";
      }
      if (next->empty()) break;
      by_status.page_token = *next;
    }
  }
  EXPECT_EQ(records, indexed);
  EXPECT_GE(records.size(), acknowledged.size());

  // The audit journal holds every commit that made it to disk, with no gap,
  // its tree is whole, and every stored record matches its entry.
  JournalVerifier verifier;
  const JournalHead head = (*store)->journal_head();
  EXPECT_EQ(head.size, records.size());
  ASSERT_TRUE((*store)
                  ->ReadJournal(0, head.size,
                                [&](uint64_t i, absl::string_view entry) {
                                  return verifier.AddEntry(i, entry);
                                })
                  .ok());
  EXPECT_EQ(verifier.Root(), head.root);
  std::string token;
  do {
    auto next = (*store)->ScanRecordDigests(
        token, 500, [&](const RecordDigest& record) { return verifier.CheckRecord(record); });
    ASSERT_TRUE(next.ok()) << next.status();
    token = *next;
  } while (!token.empty());
  EXPECT_TRUE(verifier.CheckNoRecordMissing().ok());
}

}  // namespace
}  // namespace corridor::storage
