// The incidents service's records on the shared storage layer: the current
// revision of each incident with its indexes, every revision, and the
// statistics counters, all written in one batch per change.
//
// Requests are assumed validated (incident_validation.h) and their area,
// route, convoy and party checked by the service. Thread-safe.
#ifndef CORRIDOR_SERVICES_INCIDENTS_INCIDENT_STORE_H_
#define CORRIDOR_SERVICES_INCIDENTS_INCIDENT_STORE_H_

#include <vector>

#include "absl/status/statusor.h"
#include "corridor/v1/incidents.pb.h"
#include "services/common/stored_parties.h"
#include "storage/store.h"

namespace corridor::incidents {

class IncidentStore {
 public:
  // `store` must outlive this object.
  explicit IncidentStore(storage::Store* store) : store_(store) {}

  // Records revision 1, or returns the incident an earlier call with the
  // same key created. ALREADY_EXISTS naming idempotency_key if that call
  // recorded other facts.
  absl::StatusOr<v1::Incident> Record(const storage::Origin& origin,
                                      const v1::RecordIncidentRequest& request);

  // Supersedes the current revision. NOT_FOUND naming incident_id; ABORTED
  // if expected_revision is stale; FAILED_PRECONDITION for a withdrawn
  // incident.
  absl::StatusOr<v1::Incident> Correct(const storage::Origin& origin,
                                       const v1::CorrectIncidentRequest& request);

  // The current revision; NOT_FOUND naming `field`.
  absl::StatusOr<v1::Incident> Get(absl::string_view field, absl::string_view id) const;
  // The `party` filter of List and Stats is a party key (PartyKey in
  // incident_tables.h).
  absl::StatusOr<v1::ListIncidentsResponse> List(const v1::ListIncidentsRequest& request,
                                                 int page_size) const;
  absl::StatusOr<v1::GetIncidentHistoryResponse> History(
      const v1::GetIncidentHistoryRequest& request, int page_size) const;
  absl::StatusOr<v1::IncidentStatsResponse> Stats(const v1::IncidentStatsRequest& request) const;

  // The database this store writes to.
  storage::Store* store() const { return store_; }

 private:
  storage::Store* store_;
};

// The stats counters an incident adds when it goes from `before` (null:
// new) to `after`: a withdrawn incident counts nowhere.
void AddStatsCounterChange(const v1::Incident* before, const v1::Incident& after,
                           storage::Mutation* mutation);

}  // namespace corridor::incidents

#endif  // CORRIDOR_SERVICES_INCIDENTS_INCIDENT_STORE_H_
