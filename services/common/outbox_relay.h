// OutboxRelay: delivers a store's outbox (Mutation::Enqueue) to another
// service, in order, at least once.
//
// A message leaves the outbox only once `deliver` has succeeded, so a crash
// at any point means delivering it again: receivers must deduplicate (every
// Corridor write RPC that takes an idempotency key does). Failures are
// retried with exponential backoff and jitter; a failure `is_permanent`
// calls final (the receiver refuses the message itself) sets the message
// aside, logged and kept in the store, so that it cannot block the rest.
//
//   OutboxRelay relay(store, "denials", deliver, is_permanent, {});
//   relay.Start();
//   ...
//   relay.Stop();  // before the store closes
#ifndef CORRIDOR_SERVICES_COMMON_OUTBOX_RELAY_H_
#define CORRIDOR_SERVICES_COMMON_OUTBOX_RELAY_H_

#include <cstdint>
#include <functional>
#include <string>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "storage/store.h"

namespace corridor {

struct RelayOptions {
  absl::Duration initial_backoff = absl::Milliseconds(200);
  absl::Duration max_backoff = absl::Seconds(30);
  // Messages per second at most; 0 for no limit. Protects a receiver that
  // comes back to a long backlog.
  double max_rate = 0;
};

class OutboxRelay {
 public:
  using Deliver = std::function<absl::Status(uint64_t sequence, absl::string_view message)>;
  using IsPermanent = std::function<bool(const absl::Status& failure)>;

  // `store` must outlive the relay.
  OutboxRelay(storage::Store* store, std::string outbox, Deliver deliver, IsPermanent is_permanent,
              RelayOptions options);
  OutboxRelay(const OutboxRelay&) = delete;
  OutboxRelay& operator=(const OutboxRelay&) = delete;
  ~OutboxRelay();  // stops

  void Start();
  // Finishes the delivery in progress, if any, and returns. Idempotent.
  void Stop();

  struct Stats {
    uint64_t delivered = 0;
    uint64_t failed_attempts = 0;
    uint64_t set_aside = 0;
  };
  Stats stats() const;

 private:
  void Run();
  // Sleeps until `deadline` or Stop(); returns false if stopped.
  bool SleepUntil(absl::Time deadline);
  bool stopping() const;
  // After `sequence` was delivered: removes it from the outbox.
  void Remove(uint64_t sequence);
  // Keeps `sequence`, which its receiver refused for good, aside; false if
  // that could not be written (retried later).
  bool SetAside(uint64_t sequence, const absl::Status& refusal);

  storage::Store* store_;
  const std::string outbox_;
  const Deliver deliver_;
  const IsPermanent is_permanent_;
  const RelayOptions options_;

  mutable absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  Stats stats_ ABSL_GUARDED_BY(mu_);
  std::thread thread_;
};

}  // namespace corridor

#endif  // CORRIDOR_SERVICES_COMMON_OUTBOX_RELAY_H_
