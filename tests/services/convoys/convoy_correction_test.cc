// Corrections on their own: what may be corrected in which state, what
// follows from a correction, and the field each refusal names.
#include "services/convoys/convoy_correction.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/convoys/convoy_lifecycle.h"

namespace corridor::convoys {
namespace {

using ::testing::HasSubstr;

v1::Date D(int y, int m, int d) {
  v1::Date date;
  date.set_year(y);
  date.set_month(m);
  date.set_day(d);
  return date;
}

// Requested 20,000, approved 20,000, dispatched 18 Oct, delivered 19 Oct to
// 1,450 people: the reached figure was typed one digit short.
v1::Convoy Delivered() {
  v1::Convoy c;
  c.set_id("cv-1");
  c.set_status(v1::CONVOY_STATUS_DELIVERED);
  *c.mutable_planned_date() = D(2016, 10, 19);
  *c.mutable_requested_on() = D(2016, 10, 1);
  c.set_beneficiaries_requested(20000);
  c.set_beneficiaries_approved(20000);
  c.set_beneficiaries_reached(1450);
  *c.mutable_approved_on() = D(2016, 10, 10);
  *c.mutable_dispatched_date() = D(2016, 10, 18);
  *c.mutable_outcome_date() = D(2016, 10, 19);
  *c.mutable_status_date() = D(2016, 10, 19);
  v1::ManifestLine* line = c.add_manifest();
  line->set_item("insulin");
  line->set_unit("vials");
  line->set_quantity(300);
  return c;
}

TEST(ApplyCorrectionTest, AMistypedReachedFigureIsPutRight) {
  v1::Convoy convoy = Delivered();
  v1::ConvoyCorrection c;
  c.set_beneficiaries_reached(14500);
  ASSERT_TRUE(ApplyCorrection(c, &convoy).ok());
  EXPECT_EQ(convoy.beneficiaries_reached(), 14500);
  EXPECT_EQ(convoy.status(), v1::CONVOY_STATUS_DELIVERED);
}

TEST(ApplyCorrectionTest, NeverMoreReachedThanApproved) {
  v1::Convoy convoy = Delivered();
  v1::ConvoyCorrection c;
  c.set_beneficiaries_reached(25000);
  const absl::Status status = ApplyCorrection(c, &convoy);
  EXPECT_TRUE(absl::IsInvalidArgument(status));
  EXPECT_THAT(status.message(), HasSubstr("correction.beneficiaries_reached"));
}

TEST(ApplyCorrectionTest, OneOutcomeForAnother) {
  v1::Convoy partial = Delivered();
  v1::ConvoyCorrection c;
  c.set_outcome(v1::CONVOY_STATUS_PARTIALLY_DELIVERED);
  ASSERT_TRUE(ApplyCorrection(c, &partial).ok());
  EXPECT_EQ(partial.status(), v1::CONVOY_STATUS_PARTIALLY_DELIVERED);

  // Turned back needs who turned it back.
  v1::Convoy turned = Delivered();
  c.set_outcome(v1::CONVOY_STATUS_TURNED_BACK);
  absl::Status status = ApplyCorrection(c, &turned);
  EXPECT_THAT(status.message(), HasSubstr("correction.responsible_party"));
  turned = Delivered();
  c.set_responsible_party("Syrian government");
  c.set_category(v1::ACCESS_CONSTRAINT_MOVEMENT_RESTRICTION);
  ASSERT_TRUE(ApplyCorrection(c, &turned).ok());
  EXPECT_TRUE(RelaysDenial(turned.status()));

  // And back: delivered after all, the responsible party goes.
  v1::ConvoyCorrection back;
  back.set_outcome(v1::CONVOY_STATUS_DELIVERED);
  ASSERT_TRUE(ApplyCorrection(back, &turned).ok());
  EXPECT_TRUE(turned.responsible_party().empty());
  EXPECT_FALSE(RelaysDenial(turned.status()));
}

TEST(ApplyCorrectionTest, ACancelledConvoyReachedNobodyAndLostNothing) {
  v1::Convoy convoy = Delivered();
  convoy.mutable_manifest(0)->set_quantity_removed(40);
  v1::ConvoyCorrection c;
  c.set_outcome(v1::CONVOY_STATUS_CANCELLED);
  EXPECT_THAT(ApplyCorrection(c, &convoy).message(), HasSubstr("correction.replace_losses"));
  convoy = Delivered();
  convoy.mutable_manifest(0)->set_quantity_removed(40);
  c.set_replace_losses(true);
  ASSERT_TRUE(ApplyCorrection(c, &convoy).ok());
  EXPECT_FALSE(convoy.has_beneficiaries_reached());
  EXPECT_EQ(convoy.manifest(0).quantity_removed(), 0);
}

TEST(ApplyCorrectionTest, ValuesTheStateDoesNotHaveAreRefusedAsPreconditions) {
  v1::Convoy requested = Delivered();
  requested.set_status(v1::CONVOY_STATUS_REQUESTED);
  requested.clear_beneficiaries_approved();
  requested.clear_beneficiaries_reached();
  requested.clear_dispatched_date();
  requested.clear_outcome_date();
  v1::ConvoyCorrection outcome;
  outcome.set_outcome(v1::CONVOY_STATUS_DELIVERED);
  absl::Status status = ApplyCorrection(outcome, &requested);
  EXPECT_TRUE(absl::IsFailedPrecondition(status));
  EXPECT_THAT(status.message(), HasSubstr("correction.outcome"));
  v1::ConvoyCorrection approved;
  approved.set_beneficiaries_approved(10);
  EXPECT_THAT(ApplyCorrection(approved, &requested).message(),
              HasSubstr("correction.beneficiaries_approved"));
  v1::ConvoyCorrection dispatched;
  *dispatched.mutable_dispatched_date() = D(2016, 10, 1);
  EXPECT_TRUE(absl::IsFailedPrecondition(ApplyCorrection(dispatched, &requested)));
}

TEST(ApplyCorrectionTest, ApprovedPeopleDecideFullOrPartialApproval) {
  v1::Convoy convoy = Delivered();
  convoy.set_status(v1::CONVOY_STATUS_APPROVED);
  convoy.clear_beneficiaries_reached();
  v1::ConvoyCorrection c;
  c.set_beneficiaries_approved(15000);
  ASSERT_TRUE(ApplyCorrection(c, &convoy).ok());
  EXPECT_EQ(convoy.status(), v1::CONVOY_STATUS_PARTIALLY_APPROVED);
  c.set_beneficiaries_approved(20000);
  ASSERT_TRUE(ApplyCorrection(c, &convoy).ok());
  EXPECT_EQ(convoy.status(), v1::CONVOY_STATUS_APPROVED);
}

TEST(ApplyCorrectionTest, DatesKeepTheirOrder) {
  v1::Convoy convoy = Delivered();
  v1::ConvoyCorrection late_request;
  *late_request.mutable_requested_on() = D(2016, 11, 1);
  EXPECT_THAT(ApplyCorrection(late_request, &convoy).message(),
              HasSubstr("correction.requested_on"));
  convoy = Delivered();
  v1::ConvoyCorrection early_outcome;
  *early_outcome.mutable_outcome_date() = D(2016, 10, 17);
  EXPECT_THAT(ApplyCorrection(early_outcome, &convoy).message(),
              HasSubstr("correction.outcome_date"));
  convoy = Delivered();
  *early_outcome.mutable_outcome_date() = D(2016, 10, 20);
  ASSERT_TRUE(ApplyCorrection(early_outcome, &convoy).ok());
  EXPECT_EQ(convoy.status_date().day(), 20);  // the outcome's date is the status's
}

TEST(ApplyCorrectionTest, EachStepStaysOnOrAfterTheOneBeforeIt) {
  v1::Convoy convoy = Delivered();
  v1::ConvoyCorrection late_approval;
  *late_approval.mutable_approved_on() = D(2016, 10, 20);  // dispatched 18 Oct
  EXPECT_THAT(ApplyCorrection(late_approval, &convoy).message(),
              HasSubstr("correction.dispatched_date: 2016-10-18 is before the convoy was "
                        "approved (2016-10-20)"));
  convoy = Delivered();
  v1::ConvoyCorrection early_approval;
  *early_approval.mutable_approved_on() = D(2016, 9, 20);  // requested 1 Oct
  EXPECT_THAT(ApplyCorrection(early_approval, &convoy).message(),
              HasSubstr("correction.approved_on"));
  EXPECT_TRUE(CheckDateOrder(Delivered(), "occurred_on").ok());
}

TEST(ApplyCorrectionTest, TheAreaAndRoadOfAWronglyEnteredRequest) {
  v1::Convoy convoy = Delivered();
  convoy.set_area_id("EG-DUMA");
  convoy.set_route_id("castello-road");
  v1::ConvoyCorrection c;
  c.set_area_id("EG-ARBIN");
  c.set_route_id("-");
  ASSERT_TRUE(ApplyCorrection(c, &convoy).ok());
  EXPECT_EQ(convoy.area_id(), "EG-ARBIN");
  EXPECT_TRUE(convoy.route_id().empty());
}

TEST(ApplyCorrectionTest, LossesAreReplacedWhole) {
  v1::Convoy convoy = Delivered();
  convoy.mutable_manifest(0)->set_quantity_refused(10);
  v1::ConvoyCorrection c;
  c.set_replace_losses(true);
  v1::LineLoss* loss = c.add_losses();
  loss->set_line(0);
  loss->set_removed(40);
  ASSERT_TRUE(ApplyCorrection(c, &convoy).ok());
  EXPECT_EQ(convoy.manifest(0).quantity_removed(), 40);
  EXPECT_EQ(convoy.manifest(0).quantity_refused(), 0);
  loss->set_line(3);
  EXPECT_THAT(ApplyCorrection(c, &convoy).message(), HasSubstr("correction.losses[0].line"));
}

}  // namespace
}  // namespace corridor::convoys
