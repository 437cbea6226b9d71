#include "common/request_context.h"

#include <string>

#include "absl/strings/str_cat.h"

namespace corridor {
namespace {
constexpr size_t kMaxPrincipalBytes = 128;
}  // namespace

v1::Principal PrincipalOf(const grpc::ServerContext& context) {
  v1::Principal principal;
  const auto& metadata = context.client_metadata();
  auto it = metadata.find(kPrincipalHeader);
  std::string name = "anonymous";
  if (it != metadata.end() && it->second.size() > 0) {
    name.assign(it->second.data(), std::min(it->second.size(), kMaxPrincipalBytes));
  }
  principal.set_name(name);
  principal.set_authenticated(false);
  principal.set_peer(context.peer());
  return principal;
}

storage::Origin OriginOf(const grpc::ServerContext& context, absl::string_view service,
                         absl::string_view method) {
  storage::Origin origin;
  origin.principal = PrincipalOf(context);
  origin.rpc = absl::StrCat("/", service, "/", method);
  return origin;
}

}  // namespace corridor
