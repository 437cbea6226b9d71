#include "services/auth/remote_authenticator.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/log.h"
#include "common/service_catalog.h"
#include "corridor/v1/auth.grpc.pb.h"
#include "services/auth/token.h"

namespace corridor::auth {
namespace {

constexpr absl::Duration kTimeout = absl::Seconds(3);
constexpr size_t kMaxCached = 10000;

}  // namespace

absl::StatusOr<v1::TokenInfo> RemoteAuthenticator::Authenticate(absl::string_view token,
                                                                absl::Time deadline) const {
  // A malformed token is refused here, without a call.
  absl::StatusOr<TokenParts> parts = ParseToken(token);
  if (!parts.ok()) return parts.status();
  const std::string key = absl::StrCat(parts->id, parts->secret_sha256);
  const absl::Time now = absl::Now();
  {
    absl::MutexLock lock(&mu_);
    auto it = cache_.find(key);
    if (it != cache_.end() && it->second.expires > now) return it->second.info;
  }

  absl::StatusOr<std::shared_ptr<grpc::Channel>> channel = peers_->ChannelTo(kAuthService);
  if (!channel.ok()) return channel.status();
  auto stub = v1::TokenService::NewStub(*channel);
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(std::min(now + kTimeout, deadline)));
  peers_->AttachCredentials(&context);
  v1::AuthenticateRequest request;
  request.set_token(std::string(token));
  v1::AuthenticateResponse response;
  grpc::Status status = stub->Authenticate(&context, request, &response);
  if (!status.ok()) {
    const std::string why =
        absl::StrCat("your token could not be checked: the auth service at ",
                     peers_->AddressOf(kAuthService), " answered ", status.error_message());
    if (status.error_code() == grpc::StatusCode::UNAUTHENTICATED ||
        status.error_code() == grpc::StatusCode::PERMISSION_DENIED) {
      CORRIDOR_LOG(ERROR) << "the auth service refused this process's service credential ("
                          << status.error_message()
                          << "); give --service_token_file a live token of role service";
    }
    return absl::UnavailableError(why);
  }
  if (!response.refused().empty()) return absl::UnauthenticatedError(response.refused());

  absl::MutexLock lock(&mu_);
  if (cache_.size() >= kMaxCached) cache_.clear();
  cache_[key] = Cached{response.token(), now + kCacheFor};
  return response.token();
}

}  // namespace corridor::auth
