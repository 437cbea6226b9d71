#include "services/access.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "common/credentials.h"

namespace corridor {
namespace {

constexpr char kBearerPrefix[] = "Bearer ";

absl::StatusOr<std::string> BearerTokenOf(const grpc::ServerContext& context) {
  const auto& metadata = context.client_metadata();
  auto it = metadata.find(kAuthorizationHeader);
  if (it == metadata.end()) {
    return absl::UnauthenticatedError(
        "this call needs a bearer token (metadata \"authorization: Bearer <token>\"); "
        "corridorctl reads it from $CORRIDOR_TOKEN_FILE or $CORRIDOR_TOKEN, and the platform "
        "wrote its first admin token to <data_dir>/credentials/admin.token");
  }
  absl::string_view value(it->second.data(), it->second.size());
  if (!absl::ConsumePrefix(&value, kBearerPrefix)) {
    return absl::UnauthenticatedError(
        "the authorization metadata must be \"Bearer <token>\"; other schemes are not accepted");
  }
  return std::string(absl::StripAsciiWhitespace(value));
}

}  // namespace

v1::Principal PrincipalFor(const v1::TokenInfo& token, const std::string& peer) {
  v1::Principal principal;
  principal.set_name(token.name());
  principal.set_authenticated(true);
  principal.set_peer(peer);
  principal.set_role(token.role());
  principal.set_agency(token.agency());
  principal.set_token_id(token.id());
  return principal;
}

std::string RoleName(v1::Role role) {
  absl::string_view name = v1::Role_Name(role);
  absl::ConsumePrefix(&name, "ROLE_");
  return absl::AsciiStrToLower(name);
}

absl::StatusOr<storage::Origin> AccessControl::Admit(const grpc::ServerContext& context,
                                                     absl::string_view service,
                                                     absl::string_view method) const {
  absl::StatusOr<std::string> token = BearerTokenOf(context);
  if (!token.ok()) return token.status();
  absl::StatusOr<v1::TokenInfo> info = authenticator_->Authenticate(*token);
  if (!info.ok()) return info.status();

  storage::Origin origin;
  origin.rpc = absl::StrCat("/", service, "/", method);
  if (!RoleMayCall(info->role(), origin.rpc)) {
    std::vector<std::string> names;
    for (v1::Role role : RolesAllowed(origin.rpc)) names.push_back(RoleName(role));
    return absl::PermissionDeniedError(absl::StrCat(
        "the ", RoleName(info->role()), " token \"", info->name(), "\" may not call ", origin.rpc,
        names.empty() ? "; no role may"
                      : absl::StrCat("; it is open to: ", absl::StrJoin(names, ", ")),
        ". Ask an admin for a token with the right role"));
  }
  origin.principal = PrincipalFor(*info, context.peer());
  return origin;
}

}  // namespace corridor
