// Request validation for the auth service: pure functions, no storage.
// Each returns INVALID_ARGUMENT naming the first bad field, or OK.
#ifndef CORRIDOR_SERVICES_AUTH_TOKEN_VALIDATION_H_
#define CORRIDOR_SERVICES_AUTH_TOKEN_VALIDATION_H_

#include <cstddef>

#include "absl/status/status.h"
#include "corridor/v1/auth.pb.h"

namespace corridor::auth {

inline constexpr size_t kMaxNameBytes = 100;
inline constexpr size_t kMaxAgencyBytes = 200;  // as a convoy's agency
inline constexpr size_t kMaxReasonBytes = 1000;

// A known role; an agency for partner tokens and only for them; a name of
// at most kMaxNameBytes (optional: an unnamed token is named by its role).
absl::Status ValidateCreate(const v1::CreateTokenRequest& request);

// The id of the token, and the reason it is revoked, both required.
absl::Status ValidateRevoke(const v1::RevokeTokenRequest& request);

}  // namespace corridor::auth

#endif  // CORRIDOR_SERVICES_AUTH_TOKEN_VALIDATION_H_
