#include "services/common/outbox_relay.h"

#include <mutex>
#include <vector>

#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "storage/store.h"
#include "tests/testing/temp_dir.h"
#include "tests/testing/temp_store.h"

namespace corridor {
namespace {

using ::testing::ElementsAre;

class OutboxRelayTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = corridor::testing::OpenTestStore(dir_.Sub("db"));
    ASSERT_NE(store_, nullptr);
  }

  void Enqueue(const std::string& message) {
    storage::Mutation m;
    m.Enqueue("out", message);
    ASSERT_TRUE(store_->Commit(m).ok());
  }

  size_t Queued() {
    size_t n = 0;
    EXPECT_TRUE(store_
                    ->ReadOutbox("out", 0, 1000,
                                 [&](uint64_t, absl::string_view) {
                                   ++n;
                                   return absl::OkStatus();
                                 })
                    .ok());
    return n;
  }

  template <typename Predicate>
  bool Eventually(Predicate done) {
    for (int i = 0; i < 500 && !done(); ++i) absl::SleepFor(absl::Milliseconds(10));
    return done();
  }

  corridor::testing::TempDir dir_;
  std::unique_ptr<storage::Store> store_;
};

// The receiver is down for two attempts, then up; one message it refuses for
// good. Everything else arrives in order, and only then leaves the outbox.
TEST_F(OutboxRelayTest, RetriesUntilDeliveredInOrderAndSetsAsideWhatIsRefused) {
  std::mutex mu;
  std::vector<std::string> received;
  int attempts = 0;
  auto deliver = [&](uint64_t, absl::string_view message) -> absl::Status {
    std::lock_guard<std::mutex> lock(mu);
    if (++attempts <= 2) return absl::UnavailableError("receiver down");
    if (message == "poison") return absl::InvalidArgumentError("area_id: no such area");
    received.emplace_back(message);
    return absl::OkStatus();
  };
  auto refused = [](const absl::Status& s) { return absl::IsInvalidArgument(s); };
  RelayOptions options;
  options.initial_backoff = absl::Milliseconds(1);
  options.max_backoff = absl::Milliseconds(5);
  OutboxRelay relay(store_.get(), "out", deliver, refused, options);
  Enqueue("one");
  Enqueue("poison");
  Enqueue("two");
  relay.Start();
  ASSERT_TRUE(Eventually([&] { return relay.stats().delivered == 2; }));
  Enqueue("three");  // woken by the commit
  ASSERT_TRUE(Eventually([&] { return relay.stats().delivered == 3; }));
  relay.Stop();
  {
    std::lock_guard<std::mutex> lock(mu);
    EXPECT_THAT(received, ElementsAre("one", "two", "three"));
  }
  EXPECT_EQ(relay.stats().failed_attempts, 2u);
  EXPECT_EQ(relay.stats().set_aside, 1u);
  EXPECT_EQ(Queued(), 0u);
  std::vector<std::string> aside;
  ASSERT_TRUE(store_
                  ->ReadSetAside("out",
                                 [&](uint64_t, absl::string_view message, absl::string_view why) {
                                   aside.push_back(std::string(message) + ": " + std::string(why));
                                   return absl::OkStatus();
                                 })
                  .ok());
  EXPECT_THAT(aside, ElementsAre("poison: INVALID_ARGUMENT: area_id: no such area"));
}

TEST_F(OutboxRelayTest, StopsPromptlyWhileBackingOffAndLeavesUndeliveredMessagesQueued) {
  RelayOptions options;
  options.initial_backoff = absl::Seconds(30);
  OutboxRelay relay(
      store_.get(), "out",
      [](uint64_t, absl::string_view) { return absl::UnavailableError("down"); },
      [](const absl::Status&) { return false; }, options);
  Enqueue("waiting");
  relay.Start();
  ASSERT_TRUE(Eventually([&] { return relay.stats().failed_attempts == 1; }));
  const absl::Time before = absl::Now();
  relay.Stop();
  EXPECT_LT(absl::Now() - before, absl::Seconds(2));
  EXPECT_EQ(Queued(), 1u);
}

}  // namespace
}  // namespace corridor
