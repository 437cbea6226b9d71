#include "services/denials/denial_validation.h"

#include "gmock/gmock.h"
#include "google/protobuf/util/time_util.h"
#include "gtest/gtest.h"

namespace corridor::denials {
namespace {

using ::testing::HasSubstr;

v1::RecordDenialRequest Good() {
  v1::RecordDenialRequest r;
  r.set_idempotency_key("k");
  v1::DenialFacts* f = r.mutable_facts();
  f->set_party("Party A");
  f->set_area_id("EG-DUMA");
  f->set_category(v1::ACCESS_CONSTRAINT_VIOLENCE);
  f->mutable_occurred_at()->set_seconds(1473638400);  // 2016-09-12
  f->set_description("shelling");
  f->mutable_source()->set_citation("OCHA");
  return r;
}

// Each bad request is refused with INVALID_ARGUMENT naming its field.
TEST(DenialValidationTest, EachBadFieldIsNamed) {
  const absl::Time now = absl::FromUnixSeconds(1700000000);
  ASSERT_TRUE(ValidateRecord(Good(), now).ok());
  struct Case {
    std::function<void(v1::RecordDenialRequest*)> spoil;
    const char* field;
  };
  const std::vector<Case> cases = {
      {[](auto* r) { r->mutable_facts()->clear_party(); }, "facts.party"},
      {[](auto* r) { r->mutable_facts()->set_party(" Party A"); }, "facts.party"},
      {[](auto* r) { r->mutable_facts()->set_area_id("bad id!"); }, "facts.area_id"},
      {[](auto* r) { r->mutable_facts()->set_route_id("x/y"); }, "facts.route_id"},
      {[](auto* r) { r->mutable_facts()->clear_occurred_at(); }, "facts.occurred_at"},
      {[](auto* r) { r->mutable_facts()->mutable_occurred_at()->set_seconds(1800000000); },
       "facts.occurred_at"},
      {[](auto* r) {
         r->mutable_facts()->set_category(v1::ACCESS_CONSTRAINT_CATEGORY_UNSPECIFIED);
       },
       "facts.category"},
      {[](auto* r) { r->mutable_facts()->clear_description(); }, "facts.description"},
      {[](auto* r) { r->mutable_facts()->mutable_source()->clear_citation(); },
       "facts.source.citation"},
      {[](auto* r) { r->mutable_facts()->add_evidence(); }, "facts.evidence[0]"},
      {[](auto* r) { r->mutable_facts()->add_evidence()->set_uri("ftp://x"); },
       "facts.evidence[0].uri"},
      {[](auto* r) { r->mutable_facts()->add_evidence()->set_sha256("abc"); },
       "facts.evidence[0].sha256"},
      {[](auto* r) { r->mutable_facts()->set_people_affected(-1); }, "facts.people_affected"},
      {[](auto* r) { r->clear_idempotency_key(); }, "idempotency_key"},
      {[](auto* r) { r->clear_facts(); }, "facts"},
  };
  for (const Case& c : cases) {
    v1::RecordDenialRequest r = Good();
    c.spoil(&r);
    absl::Status s = ValidateRecord(r, now);
    EXPECT_TRUE(absl::IsInvalidArgument(s)) << c.field;
    EXPECT_THAT(std::string(s.message()), ::testing::StartsWith(std::string(c.field) + ":")) << s;
  }
}

TEST(DenialValidationTest, CorrectionsNeedAReasonAndStatsAPeriodAndAGrouping) {
  v1::CorrectDenialRequest c;
  c.set_denial_id("dn-0123456789abcdef");
  c.set_withdraw(true);
  EXPECT_THAT(std::string(ValidateCorrect(c, absl::Now()).message()), HasSubstr("reason"));
  c.set_denial_id("cv-0123456789abcdef");
  c.set_reason("dup");
  EXPECT_THAT(std::string(ValidateCorrect(c, absl::Now()).message()), HasSubstr("denial_id"));

  v1::DenialStatsRequest s;
  EXPECT_THAT(std::string(ValidateStats(s).message()), HasSubstr("from"));
  s.mutable_from()->set_year(2016);
  s.mutable_from()->set_month(9);
  *s.mutable_to() = s.from();
  // Named as gRPC and the JSON gateway take them.
  EXPECT_THAT(std::string(ValidateStats(s).message()),
              HasSubstr("group_by: is required: STATS_DIMENSION_PARTY"));
  s.set_group_by(v1::STATS_DIMENSION_MONTH);
  EXPECT_TRUE(ValidateStats(s).ok());
  s.mutable_to()->set_year(2015);
  EXPECT_THAT(std::string(ValidateStats(s).message()), HasSubstr("to: is before from"));

  v1::ListDenialsRequest l;
  l.mutable_since()->set_seconds(100);
  l.mutable_until()->set_seconds(50);
  EXPECT_THAT(std::string(ValidateList(l).message()), HasSubstr("until"));
  // A filter's category is optional: a wrong one is wrong, not missing.
  l.clear_until();
  l.set_category(static_cast<v1::AccessConstraintCategory>(99));
  EXPECT_THAT(std::string(ValidateList(l).message()),
              HasSubstr("category: is 99, not one of OCHA's access-constraint categories (1 "));
}

}  // namespace
}  // namespace corridor::denials
