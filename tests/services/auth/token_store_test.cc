// The token store on a real RocksDB in a temporary folder: tokens made,
// checked and revoked, and what survives a reopen.
#include "services/auth/token_store.h"

#include <string>
#include <tuple>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/auth/token.h"
#include "tests/testing/temp_dir.h"

namespace corridor::auth {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

storage::Origin Admin() {
  storage::Origin origin;
  origin.principal.set_role(v1::ROLE_ADMIN);
  origin.principal.set_name("first-admin");
  origin.rpc = "/corridor.v1.TokenService/CreateToken";
  return origin;
}

v1::CreateTokenRequest Request(v1::Role role, const std::string& agency = "",
                               const std::string& name = "") {
  v1::CreateTokenRequest request;
  request.set_role(role);
  request.set_agency(agency);
  request.set_name(name);
  return request;
}

class TokenStoreTest : public ::testing::Test {
 protected:
  void SetUp() override { Open(); }

  void Open() {
    tokens_.reset();
    store_.reset();
    storage::StoreOptions options;
    options.path = dir_.path();
    absl::StatusOr<std::unique_ptr<storage::Store>> store = storage::Store::Open(options);
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
    absl::StatusOr<std::unique_ptr<TokenStore>> tokens = TokenStore::Open(store_.get());
    ASSERT_TRUE(tokens.ok()) << tokens.status();
    tokens_ = *std::move(tokens);
  }

  v1::CreateTokenResponse Create(const v1::CreateTokenRequest& request) {
    absl::StatusOr<v1::CreateTokenResponse> created = tokens_->Create(Admin(), request);
    EXPECT_TRUE(created.ok()) << created.status();
    return created.ok() ? *created : v1::CreateTokenResponse();
  }

  absl::StatusOr<v1::TokenInfo> Revoke(const std::string& id) {
    v1::RevokeTokenRequest request;
    request.set_id(id);
    request.set_reason("left the organisation");
    return tokens_->Revoke(Admin(), request);
  }

  // The listed tokens' ids, in the order listed.
  std::vector<std::string> ListedIds(bool include_revoked) {
    std::vector<std::string> ids;
    for (const v1::TokenInfo& token : Listed(include_revoked)) ids.push_back(token.id());
    return ids;
  }

  std::vector<v1::TokenInfo> Listed(bool include_revoked) {
    v1::ListTokensRequest request;
    request.set_include_revoked(include_revoked);
    absl::StatusOr<v1::ListTokensResponse> listed = tokens_->List(request, 100);
    EXPECT_TRUE(listed.ok()) << listed.status();
    if (!listed.ok()) return {};
    return {listed->tokens().begin(), listed->tokens().end()};
  }

  testing::TempDir dir_;
  std::unique_ptr<storage::Store> store_;
  std::unique_ptr<TokenStore> tokens_;
};

TEST_F(TokenStoreTest, ACreatedTokenAuthenticatesAsWhatItWasMadeFor) {
  EXPECT_TRUE(tokens_->empty());
  const v1::CreateTokenResponse created = Create(Request(v1::ROLE_PARTNER, "UNICEF"));
  EXPECT_FALSE(tokens_->empty());
  EXPECT_THAT(created.token(), ::testing::StartsWith("ctk_"));
  EXPECT_THAT(created.info().id(), ::testing::StartsWith("tk-"));
  EXPECT_EQ(created.info().name(), "partner UNICEF");  // unnamed: named by what it is for
  EXPECT_EQ(created.info().created_by().name(), "first-admin");

  absl::StatusOr<v1::TokenInfo> info = tokens_->Authenticate(created.token());
  ASSERT_TRUE(info.ok()) << info.status();
  EXPECT_EQ(info->id(), created.info().id());
  EXPECT_EQ(info->role(), v1::ROLE_PARTNER);
  EXPECT_EQ(info->agency(), "UNICEF");
}

TEST_F(TokenStoreTest, RefusesMalformedUnknownAndWrongSecretTokensWithoutRepeatingThem) {
  const v1::CreateTokenResponse created = Create(Request(v1::ROLE_COORDINATOR));
  absl::StatusOr<NewToken> stranger = GenerateToken();
  ASSERT_TRUE(stranger.ok());
  std::string wrong_secret = created.token();
  wrong_secret.back() = wrong_secret.back() == '0' ? '1' : '0';
  for (const std::string& token :
       {std::string("not-a-token"), std::string(""), stranger->text, wrong_secret}) {
    absl::StatusOr<v1::TokenInfo> info = tokens_->Authenticate(token);
    ASSERT_FALSE(info.ok()) << token;
    EXPECT_TRUE(absl::IsUnauthenticated(info.status())) << info.status();
    if (!token.empty()) {
      EXPECT_THAT(std::string(info.status().message()), Not(HasSubstr(token)));
    }
  }
}

TEST_F(TokenStoreTest, ARevokedTokenNoLongerAuthenticatesAndRevokingAgainChangesNothing) {
  const v1::CreateTokenResponse created = Create(Request(v1::ROLE_OVERSIGHT, "", "observer"));
  absl::StatusOr<v1::TokenInfo> revoked = Revoke(created.info().id());
  ASSERT_TRUE(revoked.ok()) << revoked.status();
  EXPECT_TRUE(revoked->revoked());
  EXPECT_EQ(revoked->revoke_reason(), "left the organisation");
  EXPECT_EQ(revoked->revoked_by().name(), "first-admin");

  absl::StatusOr<v1::TokenInfo> info = tokens_->Authenticate(created.token());
  EXPECT_TRUE(absl::IsUnauthenticated(info.status())) << info.status();
  EXPECT_THAT(std::string(info.status().message()), HasSubstr("was revoked"));

  absl::StatusOr<v1::TokenInfo> again = Revoke(created.info().id());
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->revoked_at().seconds(), revoked->revoked_at().seconds());
  EXPECT_EQ(again->revoked_at().nanos(), revoked->revoked_at().nanos());
}

TEST_F(TokenStoreTest, RevokingAnUnknownTokenNamesTheId) {
  absl::StatusOr<v1::TokenInfo> revoked = Revoke("tk-0000000000000000");
  EXPECT_TRUE(absl::IsNotFound(revoked.status())) << revoked.status();
  EXPECT_THAT(std::string(revoked.status().message()), ::testing::StartsWith("id: "));
}

TEST_F(TokenStoreTest, ListsLiveTokensOldestFirstAndRevokedOnlyWhenAsked) {
  const std::string first = Create(Request(v1::ROLE_ADMIN, "", "a")).info().id();
  const std::string second = Create(Request(v1::ROLE_COORDINATOR, "", "b")).info().id();
  const std::string third = Create(Request(v1::ROLE_SERVICE, "", "c")).info().id();
  ASSERT_TRUE(Revoke(second).ok());
  EXPECT_THAT(ListedIds(false), ::testing::UnorderedElementsAre(first, third));
  EXPECT_THAT(ListedIds(true), ::testing::UnorderedElementsAre(first, second, third));
  // Oldest first, by creation time and then id: tokens made within the same
  // second (the clock's precision here) share a time.
  for (bool include_revoked : {false, true}) {
    const std::vector<v1::TokenInfo> listed = Listed(include_revoked);
    for (size_t i = 1; i < listed.size(); ++i) {
      const auto order = [](const v1::TokenInfo& t) {
        return std::make_tuple(t.created_at().seconds(), t.created_at().nanos(), t.id());
      };
      EXPECT_LT(order(listed[i - 1]), order(listed[i])) << "position " << i;
    }
  }
}

TEST_F(TokenStoreTest, TokensAndRevocationsSurviveAReopen) {
  const v1::CreateTokenResponse kept = Create(Request(v1::ROLE_COORDINATOR, "", "kept"));
  const v1::CreateTokenResponse revoked = Create(Request(v1::ROLE_COORDINATOR, "", "gone"));
  ASSERT_TRUE(Revoke(revoked.info().id()).ok());
  Open();
  EXPECT_FALSE(tokens_->empty());
  absl::StatusOr<v1::TokenInfo> info = tokens_->Authenticate(kept.token());
  ASSERT_TRUE(info.ok()) << info.status();
  EXPECT_EQ(info->name(), "kept");
  EXPECT_TRUE(absl::IsUnauthenticated(tokens_->Authenticate(revoked.token()).status()));
}

}  // namespace
}  // namespace corridor::auth
