// The store's counters (Mutation::AddToCounter) and outboxes
// (Mutation::Enqueue): both commit with the records or not at all.
#include <map>
#include <thread>

#include "corridor/v1/areas.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "storage/key_codec.h"
#include "storage/store.h"
#include "tests/testing/temp_dir.h"
#include "tests/testing/test_table.h"

namespace corridor::storage {
namespace {

using ::corridor::testing::ThingsTable;
using ::testing::ElementsAre;
using ::testing::Pair;

v1::Area Thing(const std::string& id) {
  v1::Area a;
  a.set_id(id);
  a.set_name_en("Thing " + id);
  return a;
}

class CountersOutboxTest : public ::testing::Test {
 protected:
  void SetUp() override { Reopen(); }

  void Reopen() {
    store_.reset();
    StoreOptions options;
    options.path = dir_.Sub("db");
    absl::StatusOr<std::unique_ptr<Store>> store = Store::Open(options);
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
  }

  std::map<std::string, std::vector<int64_t>> Counters(const std::string& prefix) {
    std::map<std::string, std::vector<int64_t>> out;
    absl::Status s = store_->ScanCounters(
        prefix, "", "", [&](absl::string_view key, const std::vector<int64_t>& values) {
          out[std::string(key)] = values;
          return absl::OkStatus();
        });
    EXPECT_TRUE(s.ok()) << s;
    return out;
  }

  std::vector<std::pair<uint64_t, std::string>> Queued(const std::string& outbox,
                                                       uint64_t after = 0) {
    std::vector<std::pair<uint64_t, std::string>> out;
    absl::Status s =
        store_->ReadOutbox(outbox, after, 1000, [&](uint64_t seq, absl::string_view message) {
          out.emplace_back(seq, std::string(message));
          return absl::OkStatus();
        });
    EXPECT_TRUE(s.ok()) << s;
    return out;
  }

  corridor::testing::TempDir dir_;
  std::unique_ptr<Store> store_;
};

TEST_F(CountersOutboxTest, CountersAddElementWiseAcrossCommitsAndSurviveReopen) {
  for (int i = 0; i < 5; ++i) {
    Mutation m;
    m.Insert(ThingsTable(), Thing("t" + std::to_string(i)));
    m.AddToCounter("c/a", {1, 10 * i});
    m.AddToCounter("c/b", {1});
    ASSERT_TRUE(store_->Commit(m).ok());
  }
  Mutation correction;
  correction.AddToCounter("c/a", {-1, -40});
  ASSERT_TRUE(store_->Commit(correction).ok());
  EXPECT_THAT(Counters("c/"),
              ElementsAre(Pair("a", ElementsAre(4, 60)), Pair("b", ElementsAre(5))));
  Reopen();
  EXPECT_THAT(Counters("c/"),
              ElementsAre(Pair("a", ElementsAre(4, 60)), Pair("b", ElementsAre(5))));
  // Bounds: from "b" on.
  std::vector<std::string> keys;
  ASSERT_TRUE(store_
                  ->ScanCounters("c/", "b", "",
                                 [&](absl::string_view key, const auto&) {
                                   keys.emplace_back(key);
                                   return absl::OkStatus();
                                 })
                  .ok());
  EXPECT_THAT(keys, ElementsAre("b"));
}

TEST_F(CountersOutboxTest, AFailedCommitAddsNothingAndEnqueuesNothing) {
  Mutation first;
  first.Insert(ThingsTable(), Thing("dup"));
  ASSERT_TRUE(store_->Commit(first).ok());
  Mutation refused;
  refused.Insert(ThingsTable(), Thing("dup"));  // ALREADY_EXISTS
  refused.AddToCounter("c/x", {1});
  refused.Enqueue("box", "never");
  EXPECT_TRUE(absl::IsAlreadyExists(store_->Commit(refused).status()));
  EXPECT_TRUE(Counters("c/").empty());
  EXPECT_TRUE(Queued("box").empty());
}

TEST_F(CountersOutboxTest, ConcurrentCommitsToOneCounterLoseNoIncrement) {
  constexpr int kThreads = 8, kEach = 200;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        Mutation m;
        m.Insert(ThingsTable(), Thing(std::to_string(t) + "-" + std::to_string(i)));
        m.AddToCounter("hot", {1, 3});
        ASSERT_TRUE(store_->Commit(m).ok());
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_THAT(Counters("hot"),
              ElementsAre(Pair("", ElementsAre(kThreads * kEach, 3 * kThreads * kEach))));
}

TEST_F(CountersOutboxTest, OutboxNumbersMessagesInCommitOrderPerOutbox) {
  for (int i = 1; i <= 3; ++i) {
    Mutation m;
    m.Insert(ThingsTable(), Thing("o" + std::to_string(i)));
    m.Enqueue("a", "a" + std::to_string(i));
    if (i == 2) m.Enqueue("b", "b1");
    ASSERT_TRUE(store_->Commit(m).ok());
  }
  EXPECT_THAT(Queued("a"), ElementsAre(Pair(1, "a1"), Pair(2, "a2"), Pair(3, "a3")));
  EXPECT_THAT(Queued("b"), ElementsAre(Pair(1, "b1")));
  EXPECT_THAT(Queued("a", 1), ElementsAre(Pair(2, "a2"), Pair(3, "a3")));

  // Delivered messages leave; one refused for good is kept aside, with why.
  ASSERT_TRUE(store_->RemoveFromOutbox("a", 1).ok());
  ASSERT_TRUE(store_->SetAside("a", 3, "INVALID_ARGUMENT: no such area").ok());
  EXPECT_THAT(Queued("a"), ElementsAre(Pair(2, "a2")));
  std::vector<std::string> aside;
  ASSERT_TRUE(
      store_
          ->ReadSetAside("a",
                         [&](uint64_t seq, absl::string_view message, absl::string_view reason) {
                           aside.push_back(absl::StrCat(seq, " ", message, " ", reason));
                           return absl::OkStatus();
                         })
          .ok());
  EXPECT_THAT(aside, ElementsAre("3 a3 INVALID_ARGUMENT: no such area"));

  // After a restart numbering continues past every number used, set aside
  // or not, so no message ever takes another's number.
  Reopen();
  Mutation next;
  next.Enqueue("a", "a4");
  ASSERT_TRUE(store_->Commit(next).ok());
  EXPECT_THAT(Queued("a"), ElementsAre(Pair(2, "a2"), Pair(4, "a4")));
}

TEST_F(CountersOutboxTest, WaitForOutboxWakesOnACommitThatEnqueues) {
  const uint64_t seen = store_->WaitForOutbox(0, absl::InfinitePast());
  std::thread writer([&] {
    absl::SleepFor(absl::Milliseconds(50));
    Mutation m;
    m.Enqueue("wake", "x");
    ASSERT_TRUE(store_->Commit(m).ok());
  });
  EXPECT_EQ(store_->WaitForOutbox(seen, absl::Now() + absl::Seconds(10)), seen + 1);
  writer.join();
  // A commit without messages does not count.
  Mutation quiet;
  quiet.Insert(ThingsTable(), Thing("quiet"));
  ASSERT_TRUE(store_->Commit(quiet).ok());
  EXPECT_EQ(store_->WaitForOutbox(seen + 1, absl::Now() + absl::Milliseconds(20)), seen + 1);
}

}  // namespace
}  // namespace corridor::storage
