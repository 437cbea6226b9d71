// Who may call what. Every handler of every service starts by admitting its
// call here: the bearer token is authenticated, and the caller's role is
// checked against the rule of the method (access_policy.cc). The result is
// the origin the journal and the records carry, so a client can never
// claim to be someone else.
#ifndef CORRIDOR_SERVICES_ACCESS_H_
#define CORRIDOR_SERVICES_ACCESS_H_

#include <grpcpp/server_context.h>

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "corridor/v1/auth.pb.h"
#include "storage/mutation.h"

namespace corridor {

// Turns a bearer token into what it stands for.
class Authenticator {
 public:
  virtual ~Authenticator() = default;
  // UNAUTHENTICATED if the token is malformed, unknown or revoked (the
  // message says which, never repeating the token); UNAVAILABLE if it cannot
  // be checked right now.
  virtual absl::StatusOr<v1::TokenInfo> Authenticate(absl::string_view token) const = 0;
};

// The roles that may call `full_method` ("/corridor.v1.ConvoyService/
// GetConvoy"); empty if the method has no rule, which admits nobody.
std::vector<v1::Role> RolesAllowed(absl::string_view full_method);

// True if `role` may call `full_method`; what every call checks.
bool RoleMayCall(v1::Role role, absl::string_view full_method);

// Every method that has a rule, for tests and documentation.
std::vector<std::string> MethodsWithRules();

// "coordinator" for v1::ROLE_COORDINATOR, and so on.
std::string RoleName(v1::Role role);

class AccessControl {
 public:
  // `authenticator` must outlive this object.
  explicit AccessControl(const Authenticator* authenticator) : authenticator_(authenticator) {}

  // Admits a call of `method` of `service` (its full name, e.g.
  // "corridor.v1.ConvoyService"), or says why not: UNAUTHENTICATED without
  // a valid bearer token, PERMISSION_DENIED if the caller's role may not
  // make this call.
  absl::StatusOr<storage::Origin> Admit(const grpc::ServerContext& context,
                                        absl::string_view service, absl::string_view method) const;

 private:
  const Authenticator* authenticator_;
};

// The principal a verified token stands for, on the connection of `peer`.
v1::Principal PrincipalFor(const v1::TokenInfo& token, const std::string& peer);

}  // namespace corridor

#endif  // CORRIDOR_SERVICES_ACCESS_H_
