// The convoys service's records on the shared storage layer: convoys with
// their indexes, and the history of every transition.
//
// Requests are assumed validated (convoy_validation.h) and their area and
// route checked (references.h). Thread-safe.
#ifndef CORRIDOR_SERVICES_CONVOYS_CONVOY_STORE_H_
#define CORRIDOR_SERVICES_CONVOYS_CONVOY_STORE_H_

#include <functional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "corridor/v1/areas.pb.h"
#include "corridor/v1/convoys.pb.h"
#include "corridor/v1/denials.pb.h"
#include "corridor/v1/incidents.pb.h"
#include "services/common/import_batch.h"
#include "services/common/stored_parties.h"
#include "services/convoys/access_report.h"
#include "storage/store.h"

namespace corridor::convoys {

// The outbox that carries denials to the denials service: a DenyConvoy, and
// an outcome of TURNED_BACK or ATTACKED, each enqueue one
// v1::RecordDenialRequest in the same write as the transition. Its
// idempotency key is "convoys/<convoy id>/<event sequence>".
inline constexpr char kDenialsOutbox[] = "denials";
// Corrections and withdrawals of relayed denials (CorrectDenial).
inline constexpr char kDenialCorrectionsOutbox[] = "denial_corrections";
// The outbox that carries attacks to the incidents service: an outcome of
// ATTACKED enqueues one v1::RecordIncidentRequest (key
// "convoys/<convoy id>/<event sequence>").
inline constexpr char kIncidentsOutbox[] = "incidents";
// A correction that makes the convoy no longer attacked enqueues one
// v1::CorrectIncidentRequest withdrawing its incident.
inline constexpr char kIncidentCorrectionsOutbox[] = "incident_corrections";

// The registry's id of each party text a request names (text -> id), as
// the service resolved them (services/common/references.h). A convoy keeps
// the text and carries the id beside it; text a change leaves as it was
// keeps its id.
using PartyIds = absl::flat_hash_map<std::string, std::string>;

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
                                  const v1::DenyConvoyRequest& request, absl::CivilDay today,
                                  const PartyIds& party_ids);
  absl::StatusOr<v1::Convoy> Dispatch(const storage::Origin& origin,
                                      const v1::DispatchConvoyRequest& request,
                                      absl::CivilDay today);
  absl::StatusOr<v1::Convoy> RecordOutcome(const storage::Origin& origin,
                                           const v1::RecordConvoyOutcomeRequest& request,
                                           absl::CivilDay today, const PartyIds& party_ids);

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

  // A past convoy and the steps it went through, in one commit (all or
  // nothing). Errors name the step ("approve: ...").
  absl::StatusOr<v1::Convoy> Import(const storage::Origin& origin,
                                    const v1::ImportConvoyRequest& request, absl::CivilDay today,
                                    const PartyIds& party_ids);

  // One row of an import: the request and the ids of the party texts it
  // names. `request` must outlive the call.
  struct ImportRow {
    const v1::ImportConvoyRequest* request;
    PartyIds party_ids;
  };
  // Import for many convoys: the new ones in one commit, the others
  // answered one by one (ImportedRows, services/common/import_batch.h).
  absl::StatusOr<ImportedRows> ImportMany(const storage::Origin& origin,
                                          const std::vector<ImportRow>& rows, absl::CivilDay today);

  // Applies a correction (ApplyCorrection) as a new history entry that
  // keeps the convoy as it was; corrects or withdraws the relayed denial
  // through the outbox in the same commit.
  absl::StatusOr<v1::Convoy> Correct(const storage::Origin& origin,
                                     const v1::CorrectConvoyRequest& request, absl::CivilDay today,
                                     const PartyIds& party_ids);

  // One area's own requests planned in [from, to] (not its members'), and
  // its last aid delivery on or before `to`. Reads the area's convoys in the
  // period and one entry of the delivery index; its cost grows with those
  // convoys, not with the whole table.
  absl::StatusOr<AreaTally> TallyArea(const std::string& area_id, const v1::Date& from,
                                      const v1::Date& to) const;

  // The denial a transition into DENIED, TURNED_BACK or ATTACKED reports.
  static v1::RecordDenialRequest DenialFor(const v1::Convoy& convoy, const v1::ConvoyEvent& event);

  // Gives stored convoys the id of the party their text names
  // (stored_parties.h). History entries keep what they recorded.
  absl::StatusOr<PartyResolution> ResolveStoredParties(const std::vector<v1::Party>& parties);

  // The audit journal's size and root now.
  storage::JournalHead journal_head() const { return store_->journal_head(); }

  // The database this store writes to.
  storage::Store* store() const { return store_; }

 private:
  // How a change moves the status: to a status `Change::to` picks (a
  // transition), not at all (an approval step), or as the change itself
  // sets it (a correction: one outcome for another).
  enum class Step { kTransition, kKeepStatus, kCorrection };
  // One change to a convoy, as data: the store reads the convoy, lets
  // `apply` check and change it and fill in the history entry, and commits
  // both. `to` picks the new status from the convoy as read (an approval is
  // partial or full depending on what was requested).
  struct Change {
    std::function<v1::ConvoyStatus(const v1::Convoy& convoy)> to;
    v1::Date occurred_on;
    v1::Source source;
    std::string note;
    std::function<absl::Status(v1::Convoy* convoy, v1::ConvoyEvent* event)> apply;
    Step step = Step::kTransition;
    // The ids of the party texts it names; null if it names none.
    const PartyIds* party_ids = nullptr;
  };
  // A convoy as submitted, and its first history entry.
  struct NewRecord {
    v1::Convoy convoy;
    v1::ConvoyEvent event;
  };

  static absl::StatusOr<NewRecord> NewConvoy(const storage::Origin& origin,
                                             const v1::SubmitConvoyRequestRequest& request,
                                             absl::CivilDay today);
  // A convoy and its steps, staged in a mutation of their own.
  struct StagedImport {
    v1::Convoy convoy;
    storage::Mutation mutation;
  };
  absl::StatusOr<StagedImport> StageImport(const storage::Origin& origin,
                                           const v1::ImportConvoyRequest& request,
                                           absl::CivilDay today, const PartyIds& party_ids) const;
  // Whether a stored convoy is what `request` asks for: the same retry.
  static bool SameSubmission(const v1::Convoy& convoy,
                             const v1::SubmitConvoyRequestRequest& request);
  // True if the convoy with `convoy`'s id is stored and `request` asked for
  // it (a retry); NOT_FOUND if none is stored; ALREADY_EXISTS naming
  // idempotency_key if its key asked for something else.
  absl::StatusOr<bool> StoredRetryOf(const v1::Convoy& convoy,
                                     const v1::SubmitConvoyRequestRequest& request) const;
  // Commits a new convoy; a retry of `request` gets the stored convoy.
  absl::StatusOr<v1::Convoy> CommitNew(const storage::Mutation& mutation, v1::Convoy convoy,
                                       const v1::SubmitConvoyRequestRequest& request);
  // Applies `change` to `convoy` in memory; the history entry it makes.
  // Queues in `mutation` what the denials service must hear.
  absl::StatusOr<v1::ConvoyEvent> Advance(const storage::Origin& origin, const Change& change,
                                          v1::Convoy* convoy, storage::Mutation* mutation) const;
  // Reads the convoy, advances it, commits. Without an expected version a
  // concurrent change makes it start over from the new state.
  absl::StatusOr<v1::Convoy> Transition(const storage::Origin& origin, const std::string& convoy_id,
                                        int64_t expected_version, const Change& change);

  // The changes the life-cycle requests stand for. They refer to
  // `request`, which must outlive them.
  template <typename Request>
  static Change ChangeOf(const Request& request, absl::CivilDay today);
  static Change ApproveChange(const v1::ApproveConvoyRequest& request, absl::CivilDay today);
  static Change DenyChange(const v1::DenyConvoyRequest& request, absl::CivilDay today);
  static Change DispatchChange(const v1::DispatchConvoyRequest& request, absl::CivilDay today);
  static Change OutcomeChange(const v1::RecordConvoyOutcomeRequest& request, absl::CivilDay today);
  // Records `step` on the convoy (replacing a step of the same name) without
  // changing its status.
  static Change ApprovalStepChange(const v1::ApprovalStep& step);

  // What the denials service must hear of a change, queued in `mutation`:
  // a new denial when the convoy becomes denied, turned back or attacked;
  // after a correction, the standing denial corrected to the new facts or
  // withdrawn. Keeps `after`'s denial_id.
  static void RelayDenial(Step step, const v1::Convoy& before, const v1::ConvoyEvent& event,
                          v1::Convoy* after, storage::Mutation* mutation);
  // What the incidents service must hear of a change: a new incident when
  // the convoy becomes attacked; its withdrawal when a correction makes it
  // no longer attacked. Keeps `after`'s incident_id.
  static void RelayIncident(Step step, const v1::ConvoyEvent& event, v1::Convoy* after,
                            storage::Mutation* mutation);
  // The incident an attack on the convoy relays, as `event` recorded it.
  static v1::RecordIncidentRequest IncidentFor(const v1::Convoy& convoy,
                                               const v1::ConvoyEvent& event);
  // The event a corrected convoy's denial is told from.
  static v1::ConvoyEvent FactsEvent(const v1::Convoy& convoy, const v1::ConvoyEvent& correction);
  // The id of the denial relayed for the convoy's current status, if any.
  absl::StatusOr<std::string> StandingDenialId(const v1::Convoy& convoy) const;

  storage::Store* store_;
};

}  // namespace corridor::convoys

#endif  // CORRIDOR_SERVICES_CONVOYS_CONVOY_STORE_H_
