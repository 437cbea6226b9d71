#include "services/auth/auth_module.h"

#include <fstream>

#include "common/credentials.h"
#include "common/log.h"
#include "common/status_macros.h"
#include "services/auth/token_validation.h"

namespace corridor::auth {
namespace {

storage::Origin BootstrapOrigin() {
  storage::Origin origin;
  origin.principal.set_name("corridor-first-start");
  origin.rpc = "first-start";
  return origin;
}

bool FileExists(const std::string& path) { return std::ifstream(path).good(); }

}  // namespace

AuthModule::AuthModule(ServiceStorage storage, std::unique_ptr<TokenStore> tokens)
    : storage_(std::move(storage)),
      tokens_(std::move(tokens)),
      access_(tokens_.get()),
      service_(tokens_.get(), &access_) {}

absl::StatusOr<std::unique_ptr<AuthModule>> AuthModule::Open(const ModuleOptions& options) {
  absl::StatusOr<ServiceStorage> storage = OpenServiceStorage(options, {&TokensTable().schema()});
  if (!storage.ok()) return storage.status();
  storage->change_feed = false;
  absl::StatusOr<std::unique_ptr<TokenStore>> tokens = TokenStore::Open(storage->store.get());
  if (!tokens.ok()) return tokens.status();
  return std::unique_ptr<AuthModule>(new AuthModule(*std::move(storage), *std::move(tokens)));
}

std::vector<HostedService> AuthModule::Services() {
  return {{&service_, v1::TokenService::service_full_name()}};
}

absl::StatusOr<v1::CreateTokenResponse> AuthModule::CreateToken(
    const v1::CreateTokenRequest& request) {
  CORRIDOR_RETURN_IF_ERROR(ValidateCreate(request));
  return tokens_->Create(BootstrapOrigin(), request);
}

absl::StatusOr<v1::TokenInfo> AuthModule::RevokeToken(const v1::RevokeTokenRequest& request) {
  CORRIDOR_RETURN_IF_ERROR(ValidateRevoke(request));
  return tokens_->Revoke(BootstrapOrigin(), request);
}

absl::StatusOr<std::string> AuthModule::PrepareCredentials(const std::string& admin_token_path,
                                                           const std::string& service_token_path) {
  if (tokens_->empty()) {
    v1::CreateTokenRequest admin;
    admin.set_role(v1::ROLE_ADMIN);
    admin.set_name("first-admin");
    absl::StatusOr<v1::CreateTokenResponse> created = CreateToken(admin);
    if (!created.ok()) return created.status();
    if (absl::Status s = WriteTokenFile(admin_token_path, created->token()); !s.ok()) return s;
    CORRIDOR_LOG(INFO) << "first start: an admin token (" << created->info().id()
                       << ") was saved in " << admin_token_path
                       << ", readable only by you. Use it with: export CORRIDOR_TOKEN_FILE="
                       << admin_token_path;
  } else if (FileExists(admin_token_path)) {
    CORRIDOR_LOG(INFO) << "the first admin token is in " << admin_token_path
                       << " (export CORRIDOR_TOKEN_FILE=" << admin_token_path << ")";
  }

  if (FileExists(service_token_path)) {
    absl::StatusOr<std::string> saved = ReadTokenFile(service_token_path);
    if (saved.ok()) {
      absl::StatusOr<v1::TokenInfo> info = tokens_->Authenticate(*saved);
      if (info.ok() && info->role() == v1::ROLE_SERVICE) return saved;
    }
    CORRIDOR_LOG(WARNING) << "the service token in " << service_token_path
                          << " no longer works (revoked, or not a service token); "
                             "saving a new one there";
  }
  v1::CreateTokenRequest service;
  service.set_role(v1::ROLE_SERVICE);
  service.set_name("corridor-services");
  absl::StatusOr<v1::CreateTokenResponse> created = CreateToken(service);
  if (!created.ok()) return created.status();
  if (absl::Status s = WriteTokenFile(service_token_path, created->token()); !s.ok()) return s;
  CORRIDOR_LOG(INFO) << "services call each other with the service token (" << created->info().id()
                     << ") saved in " << service_token_path
                     << "; give it to services run elsewhere with --service_token_file";
  return created->token();
}

}  // namespace corridor::auth
