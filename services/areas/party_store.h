// The party registry on the shared storage layer (corridor/v1/parties.proto):
// parties by id, in the areas service's database.
//
// Requests are assumed validated (party_validation.h). The registry is
// small (tens of parties), so lookups read it whole. Thread-safe: writes
// are serialised, so that no two parties ever share a name.
#ifndef CORRIDOR_SERVICES_AREAS_PARTY_STORE_H_
#define CORRIDOR_SERVICES_AREAS_PARTY_STORE_H_

#include <functional>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "corridor/v1/parties.pb.h"
#include "storage/store.h"
#include "storage/table.h"

namespace corridor::areas {

// Parties by id.
const storage::Table<v1::Party>& PartiesTable();

class PartyStore {
 public:
  // `store` must outlive this object.
  explicit PartyStore(storage::Store* store) : store_(store) {}

  // Every party, in id order, with its version.
  absl::StatusOr<std::vector<v1::Party>> All() const;
  // NOT_FOUND naming `field`.
  absl::StatusOr<v1::Party> Get(absl::string_view field, absl::string_view id) const;
  absl::StatusOr<v1::ListPartiesResponse> List(const v1::ListPartiesRequest& request,
                                               int page_size) const;
  absl::StatusOr<v1::ResolvePartyResponse> Resolve(absl::string_view text) const;

  // ALREADY_EXISTS naming the field whose name another party has;
  // INVALID_ARGUMENT naming party.coalition_id if no such party.
  absl::StatusOr<v1::Party> Create(const storage::Origin& origin, const v1::Party& party);
  // NOT_FOUND naming id; ALREADY_EXISTS naming aliases.
  absl::StatusOr<v1::Party> AddAliases(const storage::Origin& origin,
                                       const v1::AddPartyAliasesRequest& request);

  // Unless loaded before, creates the parties `source` returns in one
  // commit (an id that exists is left as it is). Returns how many.
  using ReferenceSource = std::function<absl::StatusOr<std::vector<v1::Party>>()>;
  absl::StatusOr<int> LoadReferenceData(const storage::Origin& origin,
                                        const ReferenceSource& source);

  // The database this store writes to.
  storage::Store* store() const { return store_; }

 private:
  storage::Store* store_;
  absl::Mutex write_mu_;
};

}  // namespace corridor::areas

#endif  // CORRIDOR_SERVICES_AREAS_PARTY_STORE_H_
