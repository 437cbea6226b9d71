#include "tests/testing/test_credentials.h"

#include <chrono>

#include "absl/strings/str_cat.h"
#include "common/credentials.h"
#include "gtest/gtest.h"

namespace corridor::testing {
namespace {

std::unique_ptr<auth::AuthModule> OpenTokenStore(const std::string& dir) {
  ModuleOptions options;
  options.data_dir = dir;
  options.sync = false;
  absl::StatusOr<std::unique_ptr<auth::AuthModule>> module = auth::AuthModule::Open(options);
  EXPECT_TRUE(module.ok()) << module.status();
  return module.ok() ? *std::move(module) : nullptr;
}

}  // namespace

TestCredentials::TestCredentials(const std::string& dir)
    : module_(OpenTokenStore(dir)),
      // In-process tests hold many streams on one token; the cap has its own
      // test (transport_abuse_test).
      access_(module_ != nullptr ? module_->authenticator() : nullptr,
              /*max_streams_per_token=*/10000) {}

std::string TestCredentials::Token(v1::Role role, const std::string& name,
                                   const std::string& agency) {
  const std::string key = absl::StrCat(role, "/", name, "/", agency);
  auto it = tokens_.find(key);
  if (it != tokens_.end()) return it->second;
  v1::CreateTokenRequest request;
  request.set_role(role);
  request.set_name(name);
  request.set_agency(agency);
  absl::StatusOr<v1::CreateTokenResponse> created = module_->CreateToken(request);
  EXPECT_TRUE(created.ok()) << created.status();
  if (!created.ok()) return "";
  ids_[key] = created->info().id();
  return tokens_[key] = created->token();
}

void TestCredentials::Revoke(v1::Role role, const std::string& name, const std::string& agency) {
  Token(role, name, agency);
  v1::RevokeTokenRequest request;
  request.set_id(ids_[absl::StrCat(role, "/", name, "/", agency)]);
  request.set_reason("revoked by the test");
  absl::StatusOr<v1::TokenInfo> revoked = module_->RevokeToken(request);
  EXPECT_TRUE(revoked.ok()) << revoked.status();
}

std::unique_ptr<grpc::ClientContext> TestCredentials::Context(v1::Role role,
                                                              const std::string& name,
                                                              const std::string& agency) {
  auto context = std::make_unique<grpc::ClientContext>();
  AttachBearerToken(context.get(), Token(role, name, agency));
  context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(15));
  return context;
}

}  // namespace corridor::testing
