// The agreements service's records on the shared storage layer: agreements,
// the violations found, copies of the convoys the time-based rules need,
// and how far each agreement has been evaluated in each followed journal.
//
// Only the evaluation writes violations, positions and copies, through
// Apply, which reconciles what a source shows now with what was stored for
// it before: new violations are added, changed ones updated, and those the
// source no longer shows superseded (never deleted). Thread-safe.
#ifndef CORRIDOR_SERVICES_AGREEMENTS_AGREEMENT_STORE_H_
#define CORRIDOR_SERVICES_AGREEMENTS_AGREEMENT_STORE_H_

#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/civil_time.h"
#include "corridor/v1/agreements.pb.h"
#include "corridor/v1/convoys.pb.h"
#include "services/common/stored_parties.h"
#include "storage/store.h"

namespace corridor::agreements {

// What one source shows under one agreement now.
struct Reconciliation {
  const v1::Agreement* agreement = nullptr;
  std::string source;                    // e.g. "denials/dn-..."
  std::vector<v1::Violation> violations;  // all with this source
  // Why stored violations of the source that are not in `violations` are
  // superseded, e.g. "denial dn-... was corrected (version 3)".
  std::string superseded_because;
};

class AgreementStore {
 public:
  // `store` must outlive this object.
  explicit AgreementStore(storage::Store* store) : store_(store) {}

  // ALREADY_EXISTS naming agreement.id if the id is taken.
  absl::StatusOr<v1::Agreement> Create(const storage::Origin& origin, v1::Agreement agreement);
  // NOT_FOUND naming `field`.
  absl::StatusOr<v1::Agreement> Get(absl::string_view field, const std::string& id) const;
  absl::StatusOr<std::vector<v1::Agreement>> All() const;
  absl::StatusOr<v1::ListAgreementsResponse> List(const v1::ListAgreementsRequest& request,
                                                  int page_size) const;
  // A `party` filter matches violations held against the party whose
  // registry id is `party_id` (empty: the text names no party), or whose
  // text is the filter's, case-insensitive.
  absl::StatusOr<v1::ListViolationsResponse> ListViolations(
      const v1::ListViolationsRequest& request, const std::string& party_id, int page_size) const;

  // Gives agreements and violations stored before the registry the ids of
  // the parties their texts name (stored_parties.h).
  absl::StatusOr<PartyResolution> ResolveStoredParties(const std::vector<v1::Party>& parties);
  // Adds what was done about a violation (the next sequence number after
  // the violation's last record). NOT_FOUND naming consequence.violation_id.
  absl::StatusOr<v1::ConsequenceRecord> RecordConsequence(const storage::Origin& origin,
                                                          v1::ConsequenceRecord record);
  // Every consequence record of an agreement's violations, by violation id,
  // oldest first.
  absl::StatusOr<std::map<std::string, std::vector<v1::ConsequenceRecord>>> Consequences(
      const std::string& agreement_id) const;

  absl::StatusOr<v1::ComplianceReport> Report(const v1::GetComplianceReportRequest& request,
                                              absl::CivilDay today) const;

  // The next journal index of `service` to evaluate for `agreement_id` (0
  // at first).
  absl::StatusOr<uint64_t> Position(const std::string& agreement_id,
                                    const std::string& service) const;

  // Commits, in one write: the reconciliations, the new positions
  // ({agreement id, service} -> next index) and, if set, the copy of a
  // convoy. Reconciling what is already stored writes nothing for it.
  absl::Status Apply(const std::vector<Reconciliation>& work,
                     const std::map<std::pair<std::string, std::string>, uint64_t>& positions,
                     const std::optional<v1::ConvoyCopy>& convoy_copy);

  // Copies of convoys: every one (for the sweep and the report), one by id
  // (NOT_FOUND if never seen), and one area's deliveries.
  absl::Status ForEachConvoy(
      const std::function<absl::Status(const v1::ConvoyCopy&)>& visit) const;
  absl::StatusOr<v1::ConvoyCopy> GetConvoyCopy(const std::string& id) const;
  absl::StatusOr<std::vector<v1::Convoy>> Deliveries(const std::string& area_id) const;

  storage::Store* store() const { return store_; }

 private:
  // Violation id -> the violation as stored, and its version.
  using StoredViolations = std::map<std::string, std::pair<v1::Violation, uint64_t>>;

  // The steps of Apply. What was stored for the reconciliation's source.
  absl::StatusOr<StoredViolations> Stored(const Reconciliation& r) const;
  // Adds to `mutation` what brings `stored` to what `r` shows, skipping
  // the violation ids in `written` (and adding those it writes); true if it
  // added anything.
  static bool StageReconciliation(const Reconciliation& r, StoredViolations stored,
                                  const google::protobuf::Timestamp& now,
                                  std::set<std::string>* written, storage::Mutation* mutation);
  // Adds the convoy copy unless the stored one is as recent; true if added.
  absl::StatusOr<bool> StageConvoyCopy(const v1::ConvoyCopy& copy,
                                       storage::Mutation* mutation) const;

  storage::Store* store_;
  absl::Mutex apply_mu_;  // one evaluation writes at a time
};

}  // namespace corridor::agreements

#endif  // CORRIDOR_SERVICES_AGREEMENTS_AGREEMENT_STORE_H_
