#include "services/auth/token_store.h"

#include "absl/strings/str_cat.h"
#include "common/status.h"
#include "common/status_macros.h"
#include "google/protobuf/util/time_util.h"
#include "services/auth/token.h"
#include "storage/key_codec.h"

namespace corridor::auth {
namespace {

using google::protobuf::util::TimeUtil;
using storage::KeyWriter;

}  // namespace

const storage::Table<v1::StoredToken>& TokensTable() {
  static const auto* table = [] {
    auto* t = new storage::Table<v1::StoredToken>(
        {.name = "tokens", .noun = "token", .key_field = "id"},
        [](const v1::StoredToken& t) { return KeyWriter().String(t.info().id()).Release(); },
        [](const v1::StoredToken& t) { return t.info().id(); });
    t->Index("created", [](const v1::StoredToken& t) -> std::vector<std::string> {
      return {KeyWriter()
                  .Int64(TimeUtil::TimestampToMicroseconds(t.info().created_at()))
                  .String(t.info().id())
                  .Release()};
    });
    return t;
  }();
  return *table;
}

absl::StatusOr<std::unique_ptr<TokenStore>> TokenStore::Open(storage::Store* store) {
  std::unique_ptr<TokenStore> tokens(new TokenStore(store));
  storage::ScanOptions scan;
  scan.page_size = 1000;
  CORRIDOR_RETURN_IF_ERROR(storage::ForEachRecord<v1::StoredToken>(
      *store, TokensTable(), scan, [&](v1::StoredToken& token, uint64_t version) {
        std::string id = token.info().id();
        absl::MutexLock lock(&tokens->mu_);
        tokens->tokens_[id] = Entry{std::move(token), version};
        return absl::OkStatus();
      }));
  return tokens;
}

absl::StatusOr<v1::CreateTokenResponse> TokenStore::Create(const storage::Origin& origin,
                                                           const v1::CreateTokenRequest& request) {
  CORRIDOR_ASSIGN_OR_RETURN(const NewToken generated, GenerateToken());

  v1::StoredToken stored;
  v1::TokenInfo* info = stored.mutable_info();
  info->set_id(generated.parts.id);
  info->set_role(request.role());
  info->set_agency(request.agency());
  // Unnamed tokens are named by what they are for, e.g. "partner UNICEF".
  info->set_name(request.name().empty()
                     ? absl::StrCat(RoleName(request.role()),
                                    request.agency().empty() ? "" : " ", request.agency())
                     : request.name());
  *info->mutable_created_at() = TimeUtil::GetCurrentTime();
  *info->mutable_created_by() = origin.principal;
  stored.set_secret_sha256(generated.parts.secret_sha256);

  absl::MutexLock write(&write_mu_);
  storage::Mutation mutation;
  mutation.SetOrigin(origin);
  mutation.Insert(TokensTable(), stored);
  CORRIDOR_ASSIGN_OR_RETURN(const storage::CommitResult result, store_->Commit(mutation));
  {
    absl::MutexLock lock(&mu_);
    tokens_[info->id()] = Entry{stored, result.versions[0]};
  }
  v1::CreateTokenResponse response;
  *response.mutable_info() = *info;
  response.set_token(generated.text);
  return response;
}

absl::StatusOr<v1::ListTokensResponse> TokenStore::List(const v1::ListTokensRequest& request,
                                                        int page_size) const {
  storage::ScanOptions scan;
  scan.index = "created";
  scan.page_size = page_size;
  scan.page_token = request.page().page_token();
  scan.query = request.include_revoked() ? "all" : "live";
  std::vector<std::pair<v1::StoredToken, uint64_t>> page;
  const std::function<bool(const v1::StoredToken&)> keep = [&](const v1::StoredToken& t) {
    return request.include_revoked() || !t.info().revoked();
  };
  v1::ListTokensResponse response;
  CORRIDOR_ASSIGN_OR_RETURN(*response.mutable_next_page_token(),
                            storage::ScanRecords(*store_, TokensTable(), scan, &page, keep));
  for (auto& [token, version] : page) *response.add_tokens() = std::move(*token.mutable_info());
  return response;
}

absl::StatusOr<v1::TokenInfo> TokenStore::Revoke(const storage::Origin& origin,
                                                 const v1::RevokeTokenRequest& request) {
  absl::MutexLock write(&write_mu_);
  Entry entry;
  {
    absl::MutexLock lock(&mu_);
    auto it = tokens_.find(request.id());
    if (it == tokens_.end()) {
      return absl::NotFoundError(
          absl::StrCat("id: no token \"", request.id(), "\"; list tokens to see the ids in use"));
    }
    entry = it->second;
  }
  if (entry.token.info().revoked()) return entry.token.info();
  v1::TokenInfo* info = entry.token.mutable_info();
  info->set_revoked(true);
  *info->mutable_revoked_at() = TimeUtil::GetCurrentTime();
  *info->mutable_revoked_by() = origin.principal;
  info->set_revoke_reason(request.reason());

  storage::Mutation mutation;
  mutation.SetOrigin(origin);
  mutation.Update(TokensTable(), entry.token, entry.version);
  CORRIDOR_ASSIGN_OR_RETURN(const storage::CommitResult result, store_->Commit(mutation));
  entry.version = result.versions[0];
  absl::MutexLock lock(&mu_);
  tokens_[info->id()] = entry;
  return entry.token.info();
}

absl::StatusOr<v1::TokenInfo> TokenStore::Get(absl::string_view id) const {
  absl::ReaderMutexLock lock(&mu_);
  auto it = tokens_.find(id);
  if (it == tokens_.end()) {
    return absl::NotFoundError(
        absl::StrCat("id: no token \"", id, "\"; list tokens to see the ids in use"));
  }
  return it->second.token.info();
}

absl::StatusOr<v1::TokenInfo> TokenStore::Authenticate(absl::string_view token, absl::Time) const {
  CORRIDOR_ASSIGN_OR_RETURN(const TokenParts parts, ParseToken(token));
  absl::ReaderMutexLock lock(&mu_);
  auto it = tokens_.find(parts.id);
  if (it == tokens_.end() || !DigestsEqual(it->second.token.secret_sha256(), parts.secret_sha256)) {
    return absl::UnauthenticatedError(
        "the bearer token is not one this deployment issued (unknown, or its secret is wrong); "
        "ask an admin for a token");
  }
  const v1::TokenInfo& info = it->second.token.info();
  if (info.revoked()) {
    return absl::UnauthenticatedError(
        absl::StrCat("the bearer token ", info.id(), " (\"", info.name(), "\") was revoked on ",
                     TimeUtil::ToString(info.revoked_at()), "; ask an admin for a new one"));
  }
  return info;
}

bool TokenStore::empty() const {
  absl::ReaderMutexLock lock(&mu_);
  return tokens_.empty();
}

}  // namespace corridor::auth
