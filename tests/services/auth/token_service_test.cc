// corridor.v1.TokenService over a real gRPC server on a loopback port, with
// the auth module's RocksDB in a temporary folder: who may manage tokens,
// and what each call answers.
#include "services/auth/token_service.h"

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>

#include "common/credentials.h"
#include "common/server.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/auth/auth_module.h"
#include "tests/testing/temp_dir.h"

namespace corridor::auth {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

class TokenServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ModuleOptions options;
    options.data_dir = dir_.Sub("auth");
    absl::StatusOr<std::unique_ptr<AuthModule>> module = AuthModule::Open(options);
    ASSERT_TRUE(module.ok()) << module.status();
    module_ = *std::move(module);
    absl::StatusOr<std::unique_ptr<ServiceHost>> host =
        ServiceHost::Start(ServerOptions(), module_->Services());
    ASSERT_TRUE(host.ok()) << host.status();
    host_ = *std::move(host);
    stub_ = v1::TokenService::NewStub(grpc::CreateChannel(
        "127.0.0.1:" + std::to_string(host_->port()), grpc::InsecureChannelCredentials()));
    admin_ = Made(v1::ROLE_ADMIN, "admin").token();
  }

  void TearDown() override {
    stub_.reset();
    host_.reset();
    module_.reset();
  }

  // A token made without a call, as the first start makes the admin's.
  v1::CreateTokenResponse Made(v1::Role role, const std::string& name) {
    v1::CreateTokenRequest request;
    request.set_role(role);
    request.set_name(name);
    absl::StatusOr<v1::CreateTokenResponse> created = module_->CreateToken(request);
    EXPECT_TRUE(created.ok()) << created.status();
    return created.ok() ? *created : v1::CreateTokenResponse();
  }

  std::unique_ptr<grpc::ClientContext> As(const std::string& token) {
    auto context = std::make_unique<grpc::ClientContext>();
    AttachBearerToken(context.get(), token);
    context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(15));
    return context;
  }

  testing::TempDir dir_;
  std::unique_ptr<AuthModule> module_;
  std::unique_ptr<ServiceHost> host_;
  std::unique_ptr<v1::TokenService::Stub> stub_;
  std::string admin_;
};

TEST_F(TokenServiceTest, AnAdminCreatesATokenThatThenKnowsWhoItIs) {
  v1::CreateTokenRequest request;
  request.set_role(v1::ROLE_PARTNER);
  request.set_agency("WFP");
  v1::CreateTokenResponse created;
  grpc::Status status = stub_->CreateToken(As(admin_).get(), request, &created);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(created.info().created_by().name(), "admin");

  v1::TokenInfo me;
  status = stub_->WhoAmI(As(created.token()).get(), v1::WhoAmIRequest(), &me);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(me.id(), created.info().id());
  EXPECT_EQ(me.role(), v1::ROLE_PARTNER);
  EXPECT_EQ(me.agency(), "WFP");
}

TEST_F(TokenServiceTest, BadRequestsAreRefusedNamingTheField) {
  v1::CreateTokenRequest create;
  create.set_role(v1::ROLE_COORDINATOR);
  create.set_agency("WFP");
  v1::CreateTokenResponse created;
  grpc::Status status = stub_->CreateToken(As(admin_).get(), create, &created);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), StartsWith("agency: "));

  v1::RevokeTokenRequest revoke;
  revoke.set_id("tk-0000000000000000");
  v1::TokenInfo info;
  status = stub_->RevokeToken(As(admin_).get(), revoke, &info);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), StartsWith("reason: "));

  revoke.set_reason("never existed");
  status = stub_->RevokeToken(As(admin_).get(), revoke, &info);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_THAT(status.error_message(), StartsWith("id: "));
}

TEST_F(TokenServiceTest, OnlyAdminsManageTokensAndBadTokensAreUnauthenticated) {
  const std::string coordinator = Made(v1::ROLE_COORDINATOR, "coordinator").token();
  v1::CreateTokenRequest request;
  request.set_role(v1::ROLE_ADMIN);
  v1::CreateTokenResponse created;
  grpc::Status status = stub_->CreateToken(As(coordinator).get(), request, &created);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);

  v1::ListTokensResponse listed;
  status = stub_->ListTokens(As("ctk_malformed").get(), v1::ListTokensRequest(), &listed);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  status = stub_->ListTokens(As(admin_).get(), v1::ListTokensRequest(), &listed);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(listed.tokens_size(), 2);  // the admin's and the coordinator's
}

TEST_F(TokenServiceTest, ARevokedTokenIsRefusedAtOnceAndAuthenticateSaysWhy) {
  const v1::CreateTokenResponse coordinator = Made(v1::ROLE_COORDINATOR, "coordinator");
  const std::string service = Made(v1::ROLE_SERVICE, "corridor-services").token();

  v1::AuthenticateRequest check;
  check.set_token(coordinator.token());
  v1::AuthenticateResponse answer;
  grpc::Status status = stub_->Authenticate(As(service).get(), check, &answer);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(answer.token().id(), coordinator.info().id());

  v1::RevokeTokenRequest revoke;
  revoke.set_id(coordinator.info().id());
  revoke.set_reason("device lost");
  v1::TokenInfo revoked;
  status = stub_->RevokeToken(As(admin_).get(), revoke, &revoked);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_TRUE(revoked.revoked());

  v1::TokenInfo me;
  status = stub_->WhoAmI(As(coordinator.token()).get(), v1::WhoAmIRequest(), &me);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  answer.Clear();
  status = stub_->Authenticate(As(service).get(), check, &answer);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_FALSE(answer.has_token());
  EXPECT_THAT(answer.refused(), HasSubstr("was revoked"));
}

}  // namespace
}  // namespace corridor::auth
