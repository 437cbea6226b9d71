// Follows the routes, convoys, denials and incidents services' change feeds
// (AuditService.WatchChanges) and evaluates every agreement against each
// change, from where each agreement's evaluation stopped.
//
// Each agreement keeps its own position in each journal, committed in the
// same write as the violations a change produced, so a restart neither
// misses nor repeats a change; a new agreement starts at 0 and the
// follower goes back to read the whole record for it. Rules that time
// alone can breach (a step still pending, a delivery overdue) are also
// checked once a minute against the stored copies of the convoys.
#ifndef CORRIDOR_SERVICES_AGREEMENTS_FEED_EVALUATOR_H_
#define CORRIDOR_SERVICES_AGREEMENTS_FEED_EVALUATOR_H_

#include <grpcpp/grpcpp.h>

#include <atomic>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/service_channels.h"
#include "corridor/v1/audit.pb.h"
#include "services/agreements/agreement_store.h"
#include "services/agreements/agreement_tables.h"
#include "services/agreements/evaluation.h"
#include "services/common/references.h"

namespace corridor::agreements {

class FeedEvaluator {
 public:
  // All must outlive this object.
  FeedEvaluator(AgreementStore* store, const ServiceDirectory* peers, const References* areas,
                absl::Duration sweep_every = absl::Minutes(1));
  ~FeedEvaluator();

  void Start();
  // Ends the streams and joins the threads; safe to call twice.
  void Stop();
  // A new agreement: every follower starts again from the lowest position.
  void AgreementAdded();

 private:
  void Follow(const std::string& service);
  // Evaluates one change for every agreement not past it, and commits the
  // violations with the new positions. FAILED_PRECONDITION if an area's
  // besieging party could not be read (retried later).
  absl::Status Evaluate(const std::string& service, const v1::Change& change,
                        const std::vector<v1::Agreement>& agreements,
                        std::map<std::string, uint64_t>* positions)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(evaluate_mu_);
  // Reads the agreements and where each stands in `service`'s journal;
  // `start` is the lowest of those positions.
  absl::StatusOr<std::vector<v1::Agreement>> LoadPositions(
      const std::string& service, std::map<std::string, uint64_t>* positions, uint64_t* start);
  // Follows `service`'s change feed from `start` until it ends, fails, or a
  // new agreement or Stop() cancels it; false if stopping.
  bool FollowStream(const std::string& service, uint64_t start, uint64_t generation,
                    const std::vector<v1::Agreement>& agreements,
                    std::map<std::string, uint64_t>* positions, absl::Duration* backoff,
                    absl::Status* status);
  // Waits until Stop(), a new agreement (generation_ moves from
  // `generation`) or `timeout`; true if it was Stop().
  bool WaitForChange(uint64_t generation, absl::Duration timeout);
  void SweepLoop();
  absl::Status Sweep();
  NamedParty AreaParty(const std::string& area_id, bool* failed);
  // Violations held against a text without a party id (an approval step's
  // authority, a record stored before the registry) get the id of the
  // party the text names, so that a compliance report counts each party
  // once. False if the registry could not be read.
  bool AttributeByRegistry(std::vector<Reconciliation>* work) const;

  AgreementStore* store_;
  const ServiceDirectory* peers_;
  const References* areas_;
  const absl::Duration sweep_every_;

  // One evaluation at a time: a follower and the sweep must not commit
  // conclusions drawn from different copies of one convoy.
  absl::Mutex evaluate_mu_ ABSL_ACQUIRED_BEFORE(mu_);

  absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  uint64_t generation_ ABSL_GUARDED_BY(mu_) = 0;  // bumped by AgreementAdded
  std::vector<grpc::ClientContext*> streams_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, NamedParty> area_parties_ ABSL_GUARDED_BY(mu_);
  std::vector<std::thread> threads_;
};

}  // namespace corridor::agreements

#endif  // CORRIDOR_SERVICES_AGREEMENTS_FEED_EVALUATOR_H_
