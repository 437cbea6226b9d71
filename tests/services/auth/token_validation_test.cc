// The auth service's request validation: each refusal names its field.
#include "services/auth/token_validation.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace corridor::auth {
namespace {

using ::testing::StartsWith;

v1::CreateTokenRequest Create(v1::Role role, const std::string& agency = "",
                              const std::string& name = "") {
  v1::CreateTokenRequest request;
  request.set_role(role);
  request.set_agency(agency);
  request.set_name(name);
  return request;
}

// The message of a refusal, which must be INVALID_ARGUMENT.
std::string Refusal(const absl::Status& status) {
  EXPECT_TRUE(absl::IsInvalidArgument(status)) << status;
  return std::string(status.message());
}

TEST(TokenValidationTest, AcceptsEveryRoleWithWhatItNeeds) {
  EXPECT_TRUE(ValidateCreate(Create(v1::ROLE_COORDINATOR)).ok());
  EXPECT_TRUE(ValidateCreate(Create(v1::ROLE_OVERSIGHT, "", "Monitoring mechanism")).ok());
  EXPECT_TRUE(ValidateCreate(Create(v1::ROLE_ADMIN)).ok());
  EXPECT_TRUE(ValidateCreate(Create(v1::ROLE_SERVICE, "", "corridor-services")).ok());
  EXPECT_TRUE(ValidateCreate(Create(v1::ROLE_PARTNER, "UNICEF")).ok());
}

TEST(TokenValidationTest, RefusesAMissingOrUnknownRole) {
  EXPECT_THAT(Refusal(ValidateCreate(Create(v1::ROLE_UNSPECIFIED))), StartsWith("role: "));
  EXPECT_THAT(Refusal(ValidateCreate(Create(static_cast<v1::Role>(99)))), StartsWith("role: "));
}

TEST(TokenValidationTest, OnlyPartnersActForAnAgencyAndTheyMustNameIt) {
  EXPECT_THAT(Refusal(ValidateCreate(Create(v1::ROLE_PARTNER))), StartsWith("agency: "));
  EXPECT_THAT(Refusal(ValidateCreate(Create(v1::ROLE_COORDINATOR, "WFP"))), StartsWith("agency: "));
}

TEST(TokenValidationTest, RefusesANameTooLongOrNotText) {
  EXPECT_THAT(
      Refusal(ValidateCreate(Create(v1::ROLE_ADMIN, "", std::string(kMaxNameBytes + 1, 'x')))),
      StartsWith("name: "));
  EXPECT_THAT(Refusal(ValidateCreate(Create(v1::ROLE_ADMIN, "", "bad\xff"))), StartsWith("name: "));
  EXPECT_TRUE(ValidateCreate(Create(v1::ROLE_ADMIN, "", std::string(kMaxNameBytes, 'x'))).ok());
}

TEST(TokenValidationTest, ARevocationNamesTheTokenAndItsReason) {
  v1::RevokeTokenRequest request;
  EXPECT_THAT(Refusal(ValidateRevoke(request)), StartsWith("id: "));
  request.set_id("tk-0123456789abcdef");
  EXPECT_THAT(Refusal(ValidateRevoke(request)), StartsWith("reason: "));
  request.set_reason(std::string(kMaxReasonBytes + 1, 'r'));
  EXPECT_THAT(Refusal(ValidateRevoke(request)), StartsWith("reason: "));
  request.set_reason("laptop stolen at the checkpoint");
  EXPECT_TRUE(ValidateRevoke(request).ok());
}

}  // namespace
}  // namespace corridor::auth
