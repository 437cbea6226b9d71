// corridor.v1.TokenService: creating, listing and revoking bearer tokens,
// and checking them for services that do not hold the token store.
#ifndef CORRIDOR_SERVICES_AUTH_TOKEN_SERVICE_H_
#define CORRIDOR_SERVICES_AUTH_TOKEN_SERVICE_H_

#include "corridor/v1/auth.grpc.pb.h"
#include "services/auth/token_store.h"
#include "services/common/admitted_service.h"

namespace corridor::auth {

class TokenService final : public AdmittedService<v1::TokenService> {
 public:
  // Both must outlive the service.
  TokenService(TokenStore* tokens, const AccessControl* access)
      : AdmittedService(access), tokens_(tokens) {}

  grpc::Status CreateToken(grpc::ServerContext* context, const v1::CreateTokenRequest* request,
                           v1::CreateTokenResponse* response) override;
  grpc::Status ListTokens(grpc::ServerContext* context, const v1::ListTokensRequest* request,
                          v1::ListTokensResponse* response) override;
  grpc::Status RevokeToken(grpc::ServerContext* context, const v1::RevokeTokenRequest* request,
                           v1::TokenInfo* response) override;
  grpc::Status WhoAmI(grpc::ServerContext* context, const v1::WhoAmIRequest* request,
                      v1::TokenInfo* response) override;
  grpc::Status Authenticate(grpc::ServerContext* context, const v1::AuthenticateRequest* request,
                            v1::AuthenticateResponse* response) override;

 private:
  TokenStore* tokens_;
};

}  // namespace corridor::auth

#endif  // CORRIDOR_SERVICES_AUTH_TOKEN_SERVICE_H_
