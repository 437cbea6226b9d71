// The convoys service's records on the shared storage layer: convoys with
// their indexes, and the history of every transition.
//
// Requests are assumed validated (convoy_validation.h) and their area and
// route checked (references.h). Thread-safe.
#ifndef CORRIDOR_SERVICES_CONVOYS_CONVOY_STORE_H_
#define CORRIDOR_SERVICES_CONVOYS_CONVOY_STORE_H_

#include <functional>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "corridor/v1/areas.pb.h"
#include "corridor/v1/convoys.pb.h"
#include "corridor/v1/denials.pb.h"
#include "storage/store.h"

namespace corridor::convoys {

// The outbox that carries denials to the denials service: a DenyConvoy, and
// an outcome of TURNED_BACK or ATTACKED, each enqueue one
// v1::RecordDenialRequest in the same write as the transition. Its
// idempotency key is "convoys/<convoy id>/<event sequence>".
inline constexpr char kDenialsOutbox[] = "denials";

class ConvoyStore {
 public:
  // `store` must outlive this object.
  explicit ConvoyStore(storage::Store* store) : store_(store) {}

  // Creates the convoy in REQUESTED, or returns the one an earlier call with
  // the same agency and key created. ALREADY_EXISTS naming idempotency_key
  // if that earlier call asked for something else.
  absl::StatusOr<v1::Convoy> Submit(const storage::Origin& origin,
                                    const v1::SubmitConvoyRequestRequest& request,
                                    absl::CivilDay today);

  // The transitions. NOT_FOUND naming convoy_id; FAILED_PRECONDITION if the
  // life cycle forbids it; ABORTED if expected_version is stale;
  // INVALID_ARGUMENT for figures inconsistent with the convoy (more
  // beneficiaries approved than requested, a loss on a line the manifest
  // does not have, more lost than carried).
  absl::StatusOr<v1::Convoy> Approve(const storage::Origin& origin,
                                     const v1::ApproveConvoyRequest& request, absl::CivilDay today);
  absl::StatusOr<v1::Convoy> Deny(const storage::Origin& origin,
                                  const v1::DenyConvoyRequest& request, absl::CivilDay today);
  absl::StatusOr<v1::Convoy> Dispatch(const storage::Origin& origin,
                                      const v1::DispatchConvoyRequest& request,
                                      absl::CivilDay today);
  absl::StatusOr<v1::Convoy> RecordOutcome(const storage::Origin& origin,
                                           const v1::RecordConvoyOutcomeRequest& request,
                                           absl::CivilDay today);

  // Adds or replaces (by name) one approval step; the status stays.
  // NOT_FOUND naming convoy_id; ABORTED if expected_version is stale.
  absl::StatusOr<v1::Convoy> RecordApprovalStep(const storage::Origin& origin,
                                                const v1::RecordApprovalStepRequest& request);
  // NOT_FOUND naming `field`.
  absl::StatusOr<v1::Convoy> Get(absl::string_view field, absl::string_view id) const;
  absl::StatusOr<v1::ListConvoysResponse> List(const v1::ListConvoysRequest& request,
                                               int page_size) const;
  absl::StatusOr<v1::GetConvoyHistoryResponse> History(const v1::GetConvoyHistoryRequest& request,
                                                       int page_size) const;

  // One area's row of the access report for convoys planned in [from, to].
  // Reads the area's convoys in the period and one entry of the delivery
  // index; its cost grows with those convoys, not with the whole table.
  absl::StatusOr<v1::AreaAccess> Access(const v1::Area& area, const v1::Date& from,
                                        const v1::Date& to) const;

  // The denial a transition into DENIED, TURNED_BACK or ATTACKED reports.
  static v1::RecordDenialRequest DenialFor(const v1::Convoy& convoy, const v1::ConvoyEvent& event);

  // The audit journal's size and root now.
  storage::JournalHead journal_head() const { return store_->journal_head(); }

 private:
  // One transition: reads the convoy, lets `apply` check and change it and
  // fill in the event, commits both. Without an expected version a
  // concurrent change makes it start over from the new state.
  // `to` picks the new status from the convoy as read (an approval is
  // partial or full depending on what was requested). With `keeps_status`
  // the event records something else (an approval step) and the status
  // and its date stay.
  using Target = std::function<v1::ConvoyStatus(const v1::Convoy& convoy)>;
  using Apply = std::function<absl::Status(v1::Convoy* convoy, v1::ConvoyEvent* event)>;
  absl::StatusOr<v1::Convoy> Transition(const storage::Origin& origin, const std::string& convoy_id,
                                        int64_t expected_version, const Target& to,
                                        const v1::Date& occurred_on, const v1::Source& source,
                                        const std::string& note, const Apply& apply,
                                        bool keeps_status = false);

  storage::Store* store_;
};

}  // namespace corridor::convoys

#endif  // CORRIDOR_SERVICES_CONVOYS_CONVOY_STORE_H_
