#include "services/auth/token_service.h"

#include "common/field_limits.h"
#include "common/validation.h"
#include "services/auth/token_validation.h"

namespace corridor::auth {

grpc::Status TokenService::CreateToken(grpc::ServerContext* context,
                                       const v1::CreateTokenRequest* request,
                                       v1::CreateTokenResponse* response) {
  return Serve(context, "CreateToken", response,
               [&](const storage::Origin& origin) -> absl::StatusOr<v1::CreateTokenResponse> {
                 CORRIDOR_RETURN_IF_ERROR(CheckFieldLimits(*request));
                 CORRIDOR_RETURN_IF_ERROR(ValidateCreate(*request));
                 return tokens_->Create(origin, *request);
               });
}

grpc::Status TokenService::ListTokens(grpc::ServerContext* context,
                                      const v1::ListTokensRequest* request,
                                      v1::ListTokensResponse* response) {
  return Serve(context, "ListTokens", response,
               [&](const storage::Origin&) -> absl::StatusOr<v1::ListTokensResponse> {
                 CORRIDOR_ASSIGN_OR_RETURN(const int page_size,
                                           PageSizeOf("page", request->page()));
                 return tokens_->List(*request, page_size);
               });
}

grpc::Status TokenService::RevokeToken(grpc::ServerContext* context,
                                       const v1::RevokeTokenRequest* request,
                                       v1::TokenInfo* response) {
  return Serve(context, "RevokeToken", response,
               [&](const storage::Origin& origin) -> absl::StatusOr<v1::TokenInfo> {
                 CORRIDOR_RETURN_IF_ERROR(CheckFieldLimits(*request));
                 CORRIDOR_RETURN_IF_ERROR(ValidateRevoke(*request));
                 return tokens_->Revoke(origin, *request);
               });
}

grpc::Status TokenService::WhoAmI(grpc::ServerContext* context, const v1::WhoAmIRequest*,
                                  v1::TokenInfo* response) {
  return Serve(context, "WhoAmI", response,
               [&](const storage::Origin& origin) -> absl::StatusOr<v1::TokenInfo> {
                 // The stored token says when and by whom it was made.
                 absl::StatusOr<v1::TokenInfo> stored = tokens_->Get(origin.principal.token_id());
                 if (stored.ok()) return stored;
                 v1::TokenInfo info;
                 info.set_id(origin.principal.token_id());
                 info.set_role(origin.principal.role());
                 info.set_agency(origin.principal.agency());
                 info.set_name(origin.principal.name());
                 return info;
               });
}

grpc::Status TokenService::Authenticate(grpc::ServerContext* context,
                                        const v1::AuthenticateRequest* request,
                                        v1::AuthenticateResponse* response) {
  // A refused token is an answer, not an error of the call.
  return Serve(context, "Authenticate", response,
               [&](const storage::Origin&) -> absl::StatusOr<v1::AuthenticateResponse> {
                 v1::AuthenticateResponse answer;
                 absl::StatusOr<v1::TokenInfo> token = tokens_->Authenticate(request->token());
                 if (token.ok()) {
                   *answer.mutable_token() = *std::move(token);
                 } else {
                   answer.set_refused(std::string(token.status().message()));
                 }
                 return answer;
               });
}

}  // namespace corridor::auth
