// The auth service's records: bearer tokens, stored as the SHA-256 of their
// secret with their role, agency and name, in the service's own RocksDB and
// journal (so that every token created or revoked is audited). All tokens
// are also kept in memory, since every call of every service is
// authenticated against them. Thread-safe.
#ifndef CORRIDOR_SERVICES_AUTH_TOKEN_STORE_H_
#define CORRIDOR_SERVICES_AUTH_TOKEN_STORE_H_

#include <memory>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "corridor/v1/auth.pb.h"
#include "services/common/access.h"
#include "storage/store.h"
#include "storage/table.h"

namespace corridor::auth {

const storage::Table<v1::StoredToken>& TokensTable();

class TokenStore final : public Authenticator {
 public:
  // Loads every token of `store`, which must outlive the result.
  static absl::StatusOr<std::unique_ptr<TokenStore>> Open(storage::Store* store);

  // `request` must have passed ValidateCreate (token_validation.h).
  absl::StatusOr<v1::CreateTokenResponse> Create(const storage::Origin& origin,
                                                 const v1::CreateTokenRequest& request);
  // Oldest first.
  absl::StatusOr<v1::ListTokensResponse> List(const v1::ListTokensRequest& request,
                                              int page_size) const;
  // NOT_FOUND naming id; a revoked token is returned as it is. `request`
  // must have passed ValidateRevoke.
  absl::StatusOr<v1::TokenInfo> Revoke(const storage::Origin& origin,
                                       const v1::RevokeTokenRequest& request);

  // The token `id` as it is stored (without its secret's digest); NOT_FOUND
  // naming id.
  absl::StatusOr<v1::TokenInfo> Get(absl::string_view id) const;

  absl::StatusOr<v1::TokenInfo> Authenticate(
      absl::string_view token, absl::Time deadline = absl::InfiniteFuture()) const override;

  // True if no token was ever created: the first start.
  bool empty() const;

 private:
  explicit TokenStore(storage::Store* store) : store_(store) {}

  struct Entry {
    v1::StoredToken token;
    uint64_t version = 0;
  };

  storage::Store* store_;
  // Serializes writers, so that memory and database never disagree.
  absl::Mutex write_mu_;
  mutable absl::Mutex mu_;
  absl::flat_hash_map<std::string, Entry> tokens_ ABSL_GUARDED_BY(mu_);
};

}  // namespace corridor::auth

#endif  // CORRIDOR_SERVICES_AUTH_TOKEN_STORE_H_
