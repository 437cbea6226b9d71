// The auth service: the token store, its gRPC service, and the credentials
// a first start needs.
#ifndef CORRIDOR_SERVICES_AUTH_AUTH_MODULE_H_
#define CORRIDOR_SERVICES_AUTH_AUTH_MODULE_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "services/common/access.h"
#include "services/auth/token_service.h"
#include "services/auth/token_store.h"
#include "services/common/module.h"

namespace corridor::auth {

class AuthModule final : public ServiceModule {
 public:
  // options.access is not used: the auth service checks its callers against
  // its own token store.
  static absl::StatusOr<std::unique_ptr<AuthModule>> Open(const ModuleOptions& options);

  std::vector<HostedService> Services() override;
  const ServiceStorage& storage() const override { return storage_; }

  // Authenticates against the token store, without a call.
  const Authenticator* authenticator() const { return tokens_.get(); }

  // On first start (no token exists yet) creates an admin token and saves
  // it in `admin_token_path` (0600). Then returns a service token for this
  // process's calls to other services: the one saved in
  // `service_token_path` if it still works, else a new one saved there.
  absl::StatusOr<std::string> PrepareCredentials(const std::string& admin_token_path,
                                                 const std::string& service_token_path);

  // Makes a token without a call, for tests and first start.
  absl::StatusOr<v1::CreateTokenResponse> CreateToken(const v1::CreateTokenRequest& request);
  // Revokes a token without a call, for tests.
  absl::StatusOr<v1::TokenInfo> RevokeToken(const v1::RevokeTokenRequest& request);

 private:
  AuthModule(ServiceStorage storage, std::unique_ptr<TokenStore> tokens);

  ServiceStorage storage_;
  std::unique_ptr<TokenStore> tokens_;
  AccessControl access_;
  TokenService service_;
};

}  // namespace corridor::auth

#endif  // CORRIDOR_SERVICES_AUTH_AUTH_MODULE_H_
