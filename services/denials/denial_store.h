// The denials service's records on the shared storage layer: the current
// revision of each denial with its indexes, every revision, and the
// statistics counters, all written in one batch per change.
//
// Requests are assumed validated (denial_validation.h) and their area and
// route checked (services/common/references.h). Thread-safe.
#ifndef CORRIDOR_SERVICES_DENIALS_DENIAL_STORE_H_
#define CORRIDOR_SERVICES_DENIALS_DENIAL_STORE_H_

#include <vector>

#include "absl/status/statusor.h"
#include "corridor/v1/denials.pb.h"
#include "services/common/revised_records.h"
#include "services/common/stored_parties.h"
#include "storage/store.h"

namespace corridor::denials {

class DenialStore {
 public:
  // `store` must outlive this object.
  explicit DenialStore(storage::Store* store) : store_(store) {}

  // Records revision 1, or returns the denial an earlier call with the same
  // key created. ALREADY_EXISTS naming idempotency_key if that call
  // recorded other facts.
  absl::StatusOr<v1::Denial> Record(const storage::Origin& origin,
                                    const v1::RecordDenialRequest& request);

  // Records revision 1 of each denial `requests` asks for that is not
  // stored yet, all in one write: Record for many, for imports. The rest
  // are answered one by one (revised_records.h).
  absl::StatusOr<ImportedRows> Import(const storage::Origin& origin,
                                      const std::vector<v1::RecordDenialRequest>& requests);

  // Supersedes the current revision. NOT_FOUND naming denial_id; ABORTED
  // if expected_revision is stale; FAILED_PRECONDITION for a withdrawn
  // denial.
  absl::StatusOr<v1::Denial> Correct(const storage::Origin& origin,
                                     const v1::CorrectDenialRequest& request);

  // The current revision; NOT_FOUND naming `field`.
  absl::StatusOr<v1::Denial> Get(absl::string_view field, absl::string_view id) const;
  // The `party` filter of List and Stats is a party key (PartyKey in
  // denial_tables.h): the service turns a party's name into its id.
  absl::StatusOr<v1::ListDenialsResponse> List(const v1::ListDenialsRequest& request,
                                               int page_size) const;
  absl::StatusOr<v1::GetDenialHistoryResponse> History(const v1::GetDenialHistoryRequest& request,
                                                       int page_size) const;
  absl::StatusOr<v1::DenialStatsResponse> Stats(const v1::DenialStatsRequest& request) const;

  // Gives each denial stored before the registry the id of the party its
  // text names (stored_parties.h), moving its statistics counters with it.
  absl::StatusOr<PartyResolution> ResolveStoredParties(const std::vector<v1::Party>& parties);

  // The database this store writes to.
  storage::Store* store() const { return store_; }

 private:
  storage::Store* store_;
};

// The stats counters (DenialStats) a denial adds when it goes from `before`
// (null: new) to `after`: a withdrawn denial counts nowhere. What a mirror
// adds beside each denial it copies.
void AddStatsCounterChange(const v1::Denial* before, const v1::Denial& after,
                           storage::Mutation* mutation);

}  // namespace corridor::denials

#endif  // CORRIDOR_SERVICES_DENIALS_DENIAL_STORE_H_
