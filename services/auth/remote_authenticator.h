// Authenticates callers of a process that does not host the auth service, by
// asking the auth service (TokenService.Authenticate) with this process's
// service credential. Answers are remembered for a few seconds, so a
// revoked token keeps working on other processes for at most that long.
#ifndef CORRIDOR_SERVICES_AUTH_REMOTE_AUTHENTICATOR_H_
#define CORRIDOR_SERVICES_AUTH_REMOTE_AUTHENTICATOR_H_

#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/service_channels.h"
#include "services/common/access.h"

namespace corridor::auth {

class RemoteAuthenticator final : public Authenticator {
 public:
  // How long an accepted token is taken on trust before it is checked again.
  static constexpr absl::Duration kCacheFor = absl::Seconds(5);

  // `peers` (which reaches "auth" and carries the service credential) must
  // outlive this object.
  explicit RemoteAuthenticator(const ServiceDirectory* peers) : peers_(peers) {}

  absl::StatusOr<v1::TokenInfo> Authenticate(
      absl::string_view token, absl::Time deadline = absl::InfiniteFuture()) const override;

 private:
  struct Cached {
    v1::TokenInfo info;
    absl::Time expires;
  };
  const ServiceDirectory* peers_;
  mutable absl::Mutex mu_;
  mutable absl::flat_hash_map<std::string, Cached> cache_ ABSL_GUARDED_BY(mu_);
};

}  // namespace corridor::auth

#endif  // CORRIDOR_SERVICES_AUTH_REMOTE_AUTHENTICATOR_H_
