// The areas service's records on the shared storage layer: areas, indexed by
// status, governorate and besieging party, and their status history.
//
// Requests are assumed validated (area_validation.h). Thread-safe.
#ifndef CORRIDOR_SERVICES_AREAS_AREA_STORE_H_
#define CORRIDOR_SERVICES_AREAS_AREA_STORE_H_

#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "corridor/v1/areas.pb.h"
#include "google/protobuf/field_mask.pb.h"
#include "services/areas/party_store.h"
#include "services/common/stored_parties.h"
#include "storage/store.h"

namespace corridor::areas {

class AreaStore {
 public:
  // Both must outlive this object; `parties` is the registry that
  // besieging parties are resolved in.
  AreaStore(storage::Store* store, const PartyStore* parties) : store_(store), parties_(parties) {}

  // ALREADY_EXISTS naming area.id if the id is taken; INVALID_ARGUMENT
  // naming area.besieging_party if it names no party of the registry.
  absl::StatusOr<v1::Area> Create(const storage::Origin& origin,
                                  const v1::CreateAreaRequest& request);
  // NOT_FOUND naming id.
  absl::StatusOr<v1::Area> Get(absl::string_view id) const;
  // A besieging_party filter that names a party lists the party's areas
  // under any spelling.
  absl::StatusOr<v1::ListAreasResponse> List(const v1::ListAreasRequest& request,
                                             int page_size) const;
  // ABORTED if area.version is stale; INVALID_ARGUMENT if it tries to change
  // the status, or changes the besieging party to text that names no party.
  // With `mask` non-empty, only its fields of `area` change (the request
  // validated it: services/areas/area_validation.h).
  absl::StatusOr<v1::Area> Update(const storage::Origin& origin, const v1::Area& area,
                                  const google::protobuf::FieldMask& mask = {});
  // Appends to the history and, if the change is the latest by effective
  // date, sets the current status. Retries internally on a concurrent change
  // unless the request states an expected version.
  absl::StatusOr<v1::RecordStatusChangeResponse> RecordStatusChange(
      const storage::Origin& origin, const v1::RecordStatusChangeRequest& request);
  absl::StatusOr<v1::GetAreaHistoryResponse> History(const v1::GetAreaHistoryRequest& request,
                                                     int page_size) const;

  // Unless reference data was loaded before, creates the areas `source`
  // returns, in one atomic commit; areas whose id already exists are left as
  // they are. `source` is called only when there is something to load.
  // Returns the number created (0 when already loaded).
  using ReferenceSource = std::function<absl::StatusOr<std::vector<v1::CreateAreaRequest>>()>;
  absl::StatusOr<int> LoadReferenceData(const storage::Origin& origin,
                                        const ReferenceSource& source);

  // Sets besieging_party_id on every area whose text names a party of the
  // registry but has no id yet (areas stored before the registry, or
  // before an admin added the spelling); the text is kept.
  absl::StatusOr<PartyResolution> ResolveStoredParties();

  // The database this store writes to.
  storage::Store* store() const { return store_; }

 private:
  // The id of the party `text` names; INVALID_ARGUMENT naming `field` with
  // the closest names if none. Empty text: empty id.
  absl::StatusOr<std::string> PartyIdOf(absl::string_view field, const std::string& text) const;

  storage::Store* store_;
  const PartyStore* parties_;
};

}  // namespace corridor::areas

#endif  // CORRIDOR_SERVICES_AREAS_AREA_STORE_H_
