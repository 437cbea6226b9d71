#include "common/error_details.h"

#include "common/status.h"
#include "gmock/gmock.h"
#include "google/rpc/error_details.pb.h"
#include "gtest/gtest.h"

namespace corridor {
namespace {

google::rpc::Status DetailsOf(const absl::Status& status) {
  google::rpc::Status rich;
  EXPECT_TRUE(rich.ParseFromString(ToGrpc(status).error_details()));
  return rich;
}

TEST(ErrorDetailsTest, TheFieldAMessageStartsWithIsItsPath) {
  EXPECT_EQ(FieldOfMessage("area.location.latitude: must be between -90 and 90"),
            "area.location.latitude");
  EXPECT_EQ(FieldOfMessage("convoy.manifest[2].quantity: must be positive"),
            "convoy.manifest[2].quantity");
  EXPECT_EQ(FieldOfMessage("version: stale"), "version");
  EXPECT_EQ(FieldOfMessage("area not found"), "");
  EXPECT_EQ(FieldOfMessage("this is a mirror, a read-only copy: send it there"), "");
  EXPECT_EQ(FieldOfMessage("Area.id: capitalised is no field"), "");
  EXPECT_EQ(FieldOfMessage("manifest[]: no index"), "");
  EXPECT_EQ(FieldOfMessage("2fa: starts with a digit"), "");
}

TEST(ErrorDetailsTest, ABadFieldIsABadRequestWithItsViolation) {
  const google::rpc::Status rich =
      DetailsOf(absl::InvalidArgumentError("area.location.latitude: must be between -90 and 90"));
  EXPECT_EQ(rich.code(), static_cast<int>(absl::StatusCode::kInvalidArgument));
  EXPECT_EQ(rich.message(), "area.location.latitude: must be between -90 and 90");
  ASSERT_EQ(rich.details_size(), 2);
  google::rpc::ErrorInfo info;
  ASSERT_TRUE(rich.details(0).UnpackTo(&info));
  EXPECT_EQ(info.reason(), "INVALID_FIELD");
  EXPECT_EQ(info.domain(), "corridor.v1");
  EXPECT_EQ(info.metadata().at("field"), "area.location.latitude");
  google::rpc::BadRequest bad_request;
  ASSERT_TRUE(rich.details(1).UnpackTo(&bad_request));
  ASSERT_EQ(bad_request.field_violations_size(), 1);
  EXPECT_EQ(bad_request.field_violations(0).field(), "area.location.latitude");
  EXPECT_EQ(bad_request.field_violations(0).description(), "must be between -90 and 90");
}

TEST(ErrorDetailsTest, MissingAndTakenRecordsNameTheirKindAndName) {
  google::rpc::ResourceInfo resource;
  ASSERT_TRUE(
      DetailsOf(absl::NotFoundError("id: no convoy \"cv-1\"")).details(1).UnpackTo(&resource));
  EXPECT_EQ(resource.resource_type(), "convoy");
  EXPECT_EQ(resource.resource_name(), "cv-1");
  ASSERT_TRUE(
      DetailsOf(absl::AlreadyExistsError("id: area \"EG-DUMA\" already exists; choose another id"))
          .details(1)
          .UnpackTo(&resource));
  EXPECT_EQ(resource.resource_type(), "area");
  EXPECT_EQ(resource.resource_name(), "EG-DUMA");
  ASSERT_TRUE(DetailsOf(absl::NotFoundError("party not found")).details(1).UnpackTo(&resource));
  EXPECT_EQ(resource.resource_type(), "party");
}

TEST(ErrorDetailsTest, RefusalsOfStateAndVersionArePreconditionFailures) {
  google::rpc::PreconditionFailure failure;
  const google::rpc::Status step =
      DetailsOf(absl::FailedPreconditionError("status: a DELIVERED convoy cannot be dispatched"));
  ASSERT_TRUE(step.details(1).UnpackTo(&failure));
  EXPECT_EQ(failure.violations(0).type(), "STATE");
  EXPECT_EQ(failure.violations(0).subject(), "status");
  ASSERT_TRUE(DetailsOf(absl::AbortedError("version: stale")).details(1).UnpackTo(&failure));
  EXPECT_EQ(failure.violations(0).type(), "VERSION");
  google::rpc::ErrorInfo info;
  ASSERT_TRUE(DetailsOf(absl::FailedPreconditionError("this is a mirror, a read-only copy"))
                  .details(0)
                  .UnpackTo(&info));
  EXPECT_EQ(info.reason(), "READ_ONLY_MIRROR");
}

TEST(ErrorDetailsTest, EveryCodeHasAStableReason) {
  EXPECT_EQ(ErrorReason(absl::PermissionDeniedError("x")), "ROLE_NOT_ALLOWED");
  EXPECT_EQ(ErrorReason(absl::UnauthenticatedError("x")), "TOKEN_REJECTED");
  EXPECT_EQ(ErrorReason(absl::ResourceExhaustedError("x")), "LIMIT_EXCEEDED");
  EXPECT_EQ(ErrorReason(absl::InvalidArgumentError("no field here")), "INVALID_REQUEST");
  EXPECT_EQ(ErrorReason(absl::DataLossError("x")), "SERVER_FAULT");
  EXPECT_EQ(ErrorReason(absl::UnavailableError("x")), "UNAVAILABLE");
}

// What the servers attach is what a client (corridorctl, corridor-web)
// reads back.
TEST(ErrorDetailsTest, AClientReadsBackTheReasonAndTheField) {
  const absl::Status refused = WithReason(
      absl::InvalidArgumentError("request_id: \"r-1\" was first sent with a different request"),
      "REQUEST_ID_REUSED");
  const ReadDetails read = ReadErrorDetails(RichStatus(refused).SerializeAsString());
  EXPECT_EQ(read.reason, "REQUEST_ID_REUSED");
  ASSERT_EQ(read.field_violations.size(), 1u);
  EXPECT_EQ(read.field_violations[0].first, "request_id");
  EXPECT_EQ(read.field_violations[0].second, "\"r-1\" was first sent with a different request");
  EXPECT_EQ(ReadErrorDetails("").reason, "");
  EXPECT_TRUE(ReadErrorDetails("not a status").field_violations.empty());
}

}  // namespace
}  // namespace corridor
