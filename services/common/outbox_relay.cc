#include "services/common/outbox_relay.h"

#include <algorithm>
#include <random>
#include <utility>
#include <vector>

#include "absl/time/clock.h"
#include "common/log.h"

namespace corridor {
namespace {

// Messages read from the store at a time.
constexpr int kReadBatch = 64;
// An idle relay wakes on the next commit that enqueues, and at least this
// often to see Stop().
constexpr absl::Duration kIdleWait = absl::Milliseconds(100);

}  // namespace

OutboxRelay::OutboxRelay(storage::Store* store, std::string outbox, Deliver deliver,
                         IsPermanent is_permanent, RelayOptions options)
    : store_(store),
      outbox_(std::move(outbox)),
      deliver_(std::move(deliver)),
      is_permanent_(std::move(is_permanent)),
      options_(options) {}

OutboxRelay::~OutboxRelay() { Stop(); }

void OutboxRelay::Start() {
  thread_ = std::thread([this] { Run(); });
}

void OutboxRelay::Stop() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;  // wakes SleepUntil
  }
  if (thread_.joinable()) thread_.join();
}

OutboxRelay::Stats OutboxRelay::stats() const {
  absl::MutexLock lock(&mu_);
  return stats_;
}

bool OutboxRelay::stopping() const {
  absl::MutexLock lock(&mu_);
  return stopping_;
}

bool OutboxRelay::SleepUntil(absl::Time deadline) {
  absl::MutexLock lock(&mu_);
  mu_.AwaitWithDeadline(absl::Condition(&stopping_), deadline);
  return !stopping_;
}

void OutboxRelay::Remove(uint64_t sequence) {
  // If this removal is lost, the message is sent again and deduplicated.
  if (absl::Status s = store_->RemoveFromOutbox(outbox_, sequence); !s.ok()) {
    CORRIDOR_LOG(WARNING) << "outbox " << outbox_ << ": message " << sequence
                          << " was delivered but could not be removed (" << s.message()
                          << "); it will be delivered again after a restart";
  }
  absl::MutexLock lock(&mu_);
  ++stats_.delivered;
}

bool OutboxRelay::SetAside(uint64_t sequence, const absl::Status& refusal) {
  CORRIDOR_LOG(ERROR) << "outbox " << outbox_ << ": message " << sequence
                      << " was refused by its receiver (" << refusal.ToString()
                      << "); it is set aside in the database and the rest continue. "
                         "Fix the cause, then record it by hand";
  if (absl::Status s = store_->SetAside(outbox_, sequence, refusal.ToString()); !s.ok()) {
    CORRIDOR_LOG(ERROR) << "outbox " << outbox_ << ": cannot set message " << sequence << " aside ("
                        << s.message() << "); retrying";
    return false;
  }
  absl::MutexLock lock(&mu_);
  ++stats_.set_aside;
  return true;
}

void OutboxRelay::Run() {
  std::mt19937_64 random(std::random_device{}());
  absl::Duration backoff = options_.initial_backoff;
  const absl::Duration spacing =
      options_.max_rate > 0 ? absl::Seconds(1.0 / options_.max_rate) : absl::ZeroDuration();
  absl::Time next_send = absl::InfinitePast();
  uint64_t after = 0;  // every message up to here is delivered or set aside
  uint64_t failures_in_a_row = 0;
  while (!stopping()) {
    const uint64_t commits_seen = store_->WaitForOutbox(0, absl::InfinitePast());
    std::vector<std::pair<uint64_t, std::string>> batch;
    absl::Status read = store_->ReadOutbox(outbox_, after, kReadBatch,
                                           [&](uint64_t sequence, absl::string_view message) {
                                             batch.emplace_back(sequence, std::string(message));
                                             return absl::OkStatus();
                                           });
    if (!read.ok()) {
      CORRIDOR_LOG(ERROR) << "outbox " << outbox_ << ": cannot read queued messages ("
                          << read.message() << "); retrying";
      if (!SleepUntil(absl::Now() + options_.max_backoff)) return;
      continue;
    }
    if (batch.empty()) {
      store_->WaitForOutbox(commits_seen, absl::Now() + kIdleWait);
      continue;
    }
    for (const auto& [sequence, message] : batch) {
      if (spacing > absl::ZeroDuration()) {
        if (!SleepUntil(next_send)) return;
        next_send = std::max(next_send + spacing, absl::Now());
      }
      absl::Status delivered = deliver_(sequence, message);
      if (delivered.ok()) {
        if (failures_in_a_row > 0) {
          CORRIDOR_LOG(INFO) << "outbox " << outbox_ << ": delivering again after "
                             << failures_in_a_row << " failed attempts";
        }
        failures_in_a_row = 0;
        backoff = options_.initial_backoff;
        Remove(sequence);
        after = sequence;
        continue;
      }
      if (is_permanent_(delivered)) {
        if (!SetAside(sequence, delivered)) {
          if (!SleepUntil(absl::Now() + backoff)) return;
          break;
        }
        after = sequence;
        continue;
      }
      // Worth retrying: the receiver is down, slow or overloaded.
      ++failures_in_a_row;
      if (failures_in_a_row == 1 || failures_in_a_row % 20 == 0) {
        CORRIDOR_LOG(WARNING) << "outbox " << outbox_ << ": delivering message " << sequence
                              << " failed (" << delivered.ToString() << "), attempt "
                              << failures_in_a_row << "; retrying with backoff up to "
                              << absl::FormatDuration(options_.max_backoff);
      }
      {
        absl::MutexLock lock(&mu_);
        ++stats_.failed_attempts;
      }
      // Full jitter: a crowd of relays does not retry in step.
      std::uniform_real_distribution<double> jitter(0.5, 1.0);
      if (!SleepUntil(absl::Now() + backoff * jitter(random))) return;
      backoff = std::min(backoff * 2, options_.max_backoff);
      break;  // read again from the first undelivered message
    }
  }
}

}  // namespace corridor
