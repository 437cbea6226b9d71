// Convoy request validation: each bad field is named.
#include "services/convoys/convoy_validation.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace corridor::convoys {
namespace {

using ::testing::StartsWith;

const absl::CivilDay kToday(2016, 12, 1);

v1::SubmitConvoyRequestRequest Good() {
  v1::SubmitConvoyRequestRequest r;
  r.set_agency("SARC");
  r.set_area_id("RD-MADAYA");
  r.mutable_planned_date()->set_year(2016);
  r.mutable_planned_date()->set_month(10);
  r.mutable_planned_date()->set_day(1);
  r.mutable_requested_on()->set_year(2015);
  r.mutable_requested_on()->set_month(12);
  r.mutable_requested_on()->set_day(1);
  auto* line = r.add_manifest();
  line->set_item("flour");
  line->set_category(v1::CARGO_CATEGORY_FOOD);
  line->set_quantity(10);
  line->set_unit("tonnes");
  r.set_beneficiaries_requested(40000);
  r.set_idempotency_key("k");
  return r;
}

std::string Message(const absl::Status& s) { return std::string(s.message()); }

TEST(ConvoyValidationTest, AGoodSubmissionPasses) { EXPECT_TRUE(ValidateSubmit(Good()).ok()); }

TEST(ConvoyValidationTest, EachBadSubmitFieldIsNamed) {
  struct Case {
    std::function<void(v1::SubmitConvoyRequestRequest*)> spoil;
    std::string field;
  };
  const std::vector<Case> cases = {
      {[](auto* r) { r->clear_agency(); }, "agency:"},
      {[](auto* r) { r->set_area_id("EG DUMA"); }, "area_id:"},
      {[](auto* r) { r->set_route_id("castello road"); }, "route_id:"},
      {[](auto* r) { r->clear_planned_date(); }, "planned_date:"},
      {[](auto* r) { r->mutable_planned_date()->set_month(13); }, "planned_date"},
      {[](auto* r) { r->clear_manifest(); }, "manifest:"},
      {[](auto* r) { r->mutable_manifest(0)->clear_item(); }, "manifest[0].item:"},
      {[](auto* r) { r->mutable_manifest(0)->set_category(v1::CargoCategory(42)); },
       "manifest[0].category:"},
      {[](auto* r) { r->mutable_manifest(0)->set_quantity(-1); }, "manifest[0].quantity:"},
      {[](auto* r) { r->mutable_manifest(0)->set_quantity(std::nan("")); },
       "manifest[0].quantity:"},
      {[](auto* r) { r->mutable_manifest(0)->clear_unit(); }, "manifest[0].unit:"},
      {[](auto* r) { r->mutable_manifest(0)->set_quantity_removed(1); },
       "manifest[0].quantity_removed:"},
      {[](auto* r) { r->set_beneficiaries_requested(0); }, "beneficiaries_requested:"},
      {[](auto* r) { r->clear_idempotency_key(); }, "idempotency_key:"},
      {[](auto* r) { r->set_note(std::string("\xff\xfe", 2)); }, "note:"},
  };
  for (const Case& c : cases) {
    v1::SubmitConvoyRequestRequest request = Good();
    c.spoil(&request);
    absl::Status s = ValidateSubmit(request);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << c.field;
    EXPECT_THAT(Message(s), StartsWith(c.field));
  }
}

TEST(ConvoyValidationTest, OutcomesNeedWhatTheirKindNeeds) {
  v1::RecordConvoyOutcomeRequest r;
  r.set_convoy_id("cv-1");
  r.set_outcome(v1::CONVOY_STATUS_DISPATCHED);
  EXPECT_THAT(Message(ValidateOutcome(r, kToday)), StartsWith("outcome:"));
  r.set_outcome(v1::CONVOY_STATUS_DELIVERED);
  EXPECT_THAT(Message(ValidateOutcome(r, kToday)), StartsWith("beneficiaries_reached:"));
  r.set_beneficiaries_reached(10);
  EXPECT_TRUE(ValidateOutcome(r, kToday).ok());
  r.set_outcome(v1::CONVOY_STATUS_ATTACKED);
  EXPECT_THAT(Message(ValidateOutcome(r, kToday)), StartsWith("responsible_party:"));
  r.set_responsible_party("unknown armed group");
  EXPECT_THAT(Message(ValidateOutcome(r, kToday)), StartsWith("category:"));
  r.set_category(v1::ACCESS_CONSTRAINT_VIOLENCE);
  EXPECT_TRUE(ValidateOutcome(r, kToday).ok());
  auto* loss = r.add_losses();
  loss->set_line(0);
  EXPECT_THAT(Message(ValidateOutcome(r, kToday)), StartsWith("losses[0].removed:"));
  loss->set_removed(3);
  r.add_losses()->CopyFrom(*loss);
  EXPECT_THAT(Message(ValidateOutcome(r, kToday)), StartsWith("losses[1].line:"));
  r.mutable_losses()->RemoveLast();
  r.mutable_occurred_on()->set_year(2017);
  r.mutable_occurred_on()->set_month(1);
  r.mutable_occurred_on()->set_day(1);
  EXPECT_THAT(Message(ValidateOutcome(r, kToday)), StartsWith("occurred_on:"));
}

TEST(ConvoyValidationTest, DenialsNeedPartyReasonAndAnOchaCategory) {
  v1::DenyConvoyRequest r;
  r.set_convoy_id("cv-1");
  EXPECT_THAT(Message(ValidateDeny(r, kToday)), StartsWith("denying_party:"));
  r.set_denying_party("x");
  EXPECT_THAT(Message(ValidateDeny(r, kToday)), StartsWith("reason:"));
  r.set_reason("y");
  EXPECT_THAT(Message(ValidateDeny(r, kToday)), StartsWith("category:"));
  r.set_category(v1::AccessConstraintCategory(10));
  EXPECT_THAT(Message(ValidateDeny(r, kToday)), StartsWith("category:"));
  r.set_category(v1::ACCESS_CONSTRAINT_HOSTILITIES);
  EXPECT_TRUE(ValidateDeny(r, kToday).ok());
}

TEST(ConvoyValidationTest, AccessReportNeedsAnOrderedPeriod) {
  v1::GetAccessReportRequest r;
  EXPECT_THAT(Message(ValidateAccessReport(r)), StartsWith("from:"));
  r.mutable_from()->set_year(2016);
  r.mutable_from()->set_month(12);
  r.mutable_from()->set_day(1);
  EXPECT_THAT(Message(ValidateAccessReport(r)), StartsWith("to:"));
  r.mutable_to()->set_year(2016);
  r.mutable_to()->set_month(11);
  r.mutable_to()->set_day(1);
  EXPECT_THAT(Message(ValidateAccessReport(r)), StartsWith("to: is before from"));
}

}  // namespace
}  // namespace corridor::convoys
