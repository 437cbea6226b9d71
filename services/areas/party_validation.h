// Checks of the party registry's requests (corridor/v1/parties.proto):
// INVALID_ARGUMENT naming the field, or OK. Pure.
#ifndef CORRIDOR_SERVICES_AREAS_PARTY_VALIDATION_H_
#define CORRIDOR_SERVICES_AREAS_PARTY_VALIDATION_H_

#include "absl/status/status.h"
#include "corridor/v1/parties.pb.h"

namespace corridor::areas {

// 2-64 of a-z, 0-9 and '-'.
absl::Status ValidatePartyId(absl::string_view field, absl::string_view id);
// The id, a name (English required, Arabic optional), aliases, coalition
// and note, each within its limits; no two of its names the same.
absl::Status ValidatePartyCreate(const v1::CreatePartyRequest& request);
absl::Status ValidateAddAliases(const v1::AddPartyAliasesRequest& request);
absl::Status ValidateResolve(const v1::ResolvePartyRequest& request);

}  // namespace corridor::areas

#endif  // CORRIDOR_SERVICES_AREAS_PARTY_VALIDATION_H_
