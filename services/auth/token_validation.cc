#include "services/auth/token_validation.h"

#include "common/status_macros.h"
#include "common/validation.h"

namespace corridor::auth {

absl::Status ValidateCreate(const v1::CreateTokenRequest& request) {
  if (request.role() == v1::ROLE_UNSPECIFIED || !v1::Role_IsValid(request.role())) {
    return InvalidField("role", "required: coordinator, partner, oversight, admin or service");
  }
  if (request.role() == v1::ROLE_PARTNER) {
    CORRIDOR_RETURN_IF_ERROR(CheckText("agency", request.agency(), kMaxAgencyBytes, true));
  } else if (!request.agency().empty()) {
    return InvalidField("agency", "only partner tokens act for an agency; leave it empty");
  }
  return CheckText("name", request.name(), kMaxNameBytes, false);
}

absl::Status ValidateRevoke(const v1::RevokeTokenRequest& request) {
  CORRIDOR_RETURN_IF_ERROR(CheckText("id", request.id(), kMaxNameBytes, true));
  return CheckText("reason", request.reason(), kMaxReasonBytes, true);
}

}  // namespace corridor::auth
