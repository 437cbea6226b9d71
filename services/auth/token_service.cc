#include "services/auth/token_service.h"

#include "common/status.h"
#include "common/validation.h"
#include "services/auth/token_validation.h"

namespace corridor::auth {

grpc::Status TokenService::CreateToken(grpc::ServerContext* context,
                                       const v1::CreateTokenRequest* request,
                                       v1::CreateTokenResponse* response) {
  absl::StatusOr<storage::Origin> origin = Admit(context, "CreateToken");
  if (!origin.ok()) return ToGrpc(origin.status());
  if (absl::Status s = ValidateCreate(*request); !s.ok()) return ToGrpc(s);
  return RespondTo(*origin, tokens_->Create(*origin, *request), response);
}

grpc::Status TokenService::ListTokens(grpc::ServerContext* context,
                                      const v1::ListTokensRequest* request,
                                      v1::ListTokensResponse* response) {
  absl::StatusOr<storage::Origin> origin = Admit(context, "ListTokens");
  if (!origin.ok()) return ToGrpc(origin.status());
  absl::StatusOr<int> page_size = PageSizeOf("page", request->page());
  if (!page_size.ok()) return ToGrpc(page_size.status());
  return RespondTo(*origin, tokens_->List(*request, *page_size), response);
}

grpc::Status TokenService::RevokeToken(grpc::ServerContext* context,
                                       const v1::RevokeTokenRequest* request,
                                       v1::TokenInfo* response) {
  absl::StatusOr<storage::Origin> origin = Admit(context, "RevokeToken");
  if (!origin.ok()) return ToGrpc(origin.status());
  if (absl::Status s = ValidateRevoke(*request); !s.ok()) return ToGrpc(s);
  return RespondTo(*origin, tokens_->Revoke(*origin, *request), response);
}

grpc::Status TokenService::WhoAmI(grpc::ServerContext* context, const v1::WhoAmIRequest*,
                                  v1::TokenInfo* response) {
  absl::StatusOr<storage::Origin> origin = Admit(context, "WhoAmI");
  if (!origin.ok()) return ToGrpc(origin.status());
  const v1::Principal& principal = origin->principal;
  response->set_id(principal.token_id());
  response->set_role(principal.role());
  response->set_agency(principal.agency());
  response->set_name(principal.name());
  return grpc::Status::OK;
}

grpc::Status TokenService::Authenticate(grpc::ServerContext* context,
                                        const v1::AuthenticateRequest* request,
                                        v1::AuthenticateResponse* response) {
  absl::StatusOr<storage::Origin> origin = Admit(context, "Authenticate");
  if (!origin.ok()) return ToGrpc(origin.status());
  absl::StatusOr<v1::TokenInfo> token = tokens_->Authenticate(request->token());
  if (token.ok()) {
    *response->mutable_token() = *std::move(token);
  } else {
    response->set_refused(std::string(token.status().message()));
  }
  return grpc::Status::OK;
}

}  // namespace corridor::auth
