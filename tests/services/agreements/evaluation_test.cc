// The rules, one by one, against hand-made records: which records breach a
// term, who is held responsible, and when.
#include "services/agreements/evaluation.h"

#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "google/protobuf/text_format.h"
#include "google/protobuf/util/time_util.h"
#include "gtest/gtest.h"

namespace corridor::agreements {
namespace {

using google::protobuf::util::TimeUtil;
using ::testing::HasSubstr;

template <typename T>
T Parse(const std::string& text) {
  T message;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(text, &message)) << text;
  return message;
}

google::protobuf::Timestamp At(absl::CivilDay day) {
  return TimeUtil::SecondsToTimestamp(absl::ToUnixSeconds(absl::FromCivil(day, absl::UTCTimeZone())));
}

const absl::CivilDay kToday(2026, 11, 23);

TEST(WorkingDaysTest, FridaysAndSaturdaysDoNotCount) {
  // 2016-10-02 was a Sunday.
  EXPECT_EQ(WorkingDaysBetween(absl::CivilDay(2016, 10, 2), absl::CivilDay(2016, 10, 6)), 4);
  EXPECT_EQ(WorkingDaysBetween(absl::CivilDay(2016, 10, 6), absl::CivilDay(2016, 10, 9)), 1);
  EXPECT_EQ(WorkingDaysBetween(absl::CivilDay(2016, 10, 9), absl::CivilDay(2016, 10, 2)), 0);
  EXPECT_EQ(AddWorkingDays(absl::CivilDay(2016, 10, 2), 7), absl::CivilDay(2016, 10, 11));
  EXPECT_EQ(AddWorkingDays(absl::CivilDay(2016, 10, 6), 1), absl::CivilDay(2016, 10, 9));
}

const char kCastello[] = R"(
  id: "castello" name: "Castello" parties: "Syrian government and allies"
  parties: "Armed opposition" in_force_from { year: 2016 month: 9 day: 12 }
  terms { id: "open" consequence: "withdrawal" route_kept_open { route_id: "castello-road" } }
  sources { citation: "TASS-27SEP16" })";

v1::RouteReport Report(const std::string& route, v1::RouteStatus status, absl::CivilDay day,
                       const std::string& party, int64_t position) {
  v1::RouteReport report;
  report.set_route_id(route);
  report.set_status(status);
  *report.mutable_observed_at() = At(day);
  report.set_controlling_party(party);
  report.set_position(position);
  return report;
}

TEST(RouteKeptOpenTest, OnlyClosedOrUnderFireReportsOfTheRouteWhileInForceBreachIt) {
  const v1::Agreement agreement = Parse<v1::Agreement>(kCastello);
  const absl::CivilDay in_force(2016, 9, 20), before(2016, 9, 11);
  auto found = [&](const v1::RouteReport& r) {
    return ForRouteReport(agreement, r, {"routes", 42}, kToday);
  };
  EXPECT_TRUE(found(Report("castello-road", v1::ROUTE_STATUS_CLOSED, before, "A", 1)).empty());
  EXPECT_TRUE(found(Report("castello-road", v1::ROUTE_STATUS_RESTRICTED, in_force, "A", 2)).empty());
  EXPECT_TRUE(found(Report("ramouseh-road", v1::ROUTE_STATUS_CLOSED, in_force, "A", 3)).empty());
  std::vector<v1::Violation> breach =
      found(Report("castello-road", v1::ROUTE_STATUS_UNDER_FIRE, in_force, "Armed opposition", 4));
  ASSERT_EQ(breach.size(), 1u);
  EXPECT_EQ(breach[0].id(), "castello/open/routes/4");
  EXPECT_EQ(breach[0].party(), "Armed opposition");
  EXPECT_EQ(breach[0].consequence(), "withdrawal");
  EXPECT_EQ(breach[0].source(), "routes/4");
  EXPECT_EQ(breach[0].evidence(0).journal_index(), 42u);
  EXPECT_THAT(breach[0].why(), HasSubstr("castello-road reported UNDER_FIRE on 2016-09-20"));
  std::vector<v1::Violation> unnamed =
      found(Report("castello-road", v1::ROUTE_STATUS_CLOSED, in_force, "", 5));
  ASSERT_EQ(unnamed.size(), 1u);
  EXPECT_THAT(unnamed[0].party(), HasSubstr("unattributed"));
}

TEST(RouteKeptOpenTest, AReportWithdrawnOrCorrectedSinceIsNoEvidence) {
  const v1::Agreement agreement = Parse<v1::Agreement>(kCastello);
  const absl::CivilDay in_force(2016, 9, 20);
  v1::RouteReport closed = Report("castello-road", v1::ROUTE_STATUS_CLOSED, in_force, "A", 6);
  ASSERT_EQ(ForRouteReport(agreement, closed, {"routes", 43}, kToday).size(), 1u);
  closed.set_superseded_by(7);
  EXPECT_TRUE(ForRouteReport(agreement, closed, {"routes", 44}, kToday).empty());
  v1::RouteReport withdrawal = Report("castello-road", v1::ROUTE_STATUS_CLOSED, in_force, "A", 7);
  withdrawal.set_withdrawal(true);
  withdrawal.set_supersedes(6);
  EXPECT_TRUE(ForRouteReport(agreement, withdrawal, {"routes", 44}, kToday).empty());
}

TEST(NoDenialsTest, MatchesPartyAndCategoryAndIgnoresWithdrawnDenials) {
  const v1::Agreement agreement = Parse<v1::Agreement>(R"(
    id: "a" name: "n" parties: "P" in_force_from { year: 2016 month: 1 day: 1 }
    terms { id: "no-interference" consequence: "c"
            no_denials { party: "Party X" category: ACCESS_CONSTRAINT_INTERFERENCE } }
    sources { citation: "s" })");
  v1::Denial denial = Parse<v1::Denial>(R"(
    id: "dn-1" facts { party: "party x" area_id: "EG-DUMA" category: ACCESS_CONSTRAINT_INTERFERENCE
                       occurred_at { seconds: 1473379200 } })");
  std::vector<v1::Violation> found = ForDenial(agreement, denial, 3, {"denials", 7}, kToday);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].party(), "party x");
  EXPECT_EQ(found[0].evidence(0).version(), 3);
  EXPECT_FALSE(found[0].unconfirmed());
  // A partner's report no coordinator has confirmed yet is a violation
  // marked so, never one counted as established (issue 20).
  denial.set_awaiting_confirmation(true);
  found = ForDenial(agreement, denial, 4, {"denials", 8}, kToday);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_TRUE(found[0].unconfirmed());
  denial.set_awaiting_confirmation(false);
  denial.set_withdrawn(true);
  EXPECT_TRUE(ForDenial(agreement, denial, 4, {"denials", 8}, kToday).empty());
  denial.set_withdrawn(false);
  denial.mutable_facts()->set_category(v1::ACCESS_CONSTRAINT_MOVEMENT_RESTRICTION);
  EXPECT_TRUE(ForDenial(agreement, denial, 5, {"denials", 9}, kToday).empty());
}

// With the party registry, a term and a denial name the same party when
// they carry the same party id, whatever their spellings; different ids are
// different parties even if the texts match.
TEST(NoDenialsTest, SpellingsOfOnePartyMatchByTheRegistrysId) {
  const v1::Agreement agreement = Parse<v1::Agreement>(R"(
    id: "a" name: "n" parties: "Syrian Government" party_ids: "syrian-government"
    in_force_from { year: 2016 month: 1 day: 1 }
    terms { id: "none" consequence: "c"
            no_denials { party: "Syrian Government" party_id: "syrian-government" } }
    sources { citation: "s" })");
  v1::Denial denial = Parse<v1::Denial>(R"(
    id: "dn-2" facts { party: "Syrian government and affiliated militias"
                       party_id: "syrian-government" area_id: "EG-DUMA"
                       category: ACCESS_CONSTRAINT_INTERFERENCE
                       occurred_at { seconds: 1473379200 } })");
  std::vector<v1::Violation> found = ForDenial(agreement, denial, 1, {"denials", 1}, kToday);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].party(), "Syrian government and affiliated militias");
  EXPECT_EQ(found[0].party_id(), "syrian-government");
  denial.mutable_facts()->set_party("Syrian Government");
  denial.mutable_facts()->set_party_id("hezbollah");
  EXPECT_TRUE(ForDenial(agreement, denial, 2, {"denials", 2}, kToday).empty());
}

const char kProcedure[] = R"(
  id: "approval" name: "n" parties: "Syrian government" in_force_from { year: 2016 month: 4 day: 1 }
  terms { id: "seven" consequence: "c" requests_answered_within { working_days: 7 } }
  terms { id: "letters" consequence: "c"
          requests_answered_within { working_days: 3 step: "Facilitation letter" } }
  terms { id: "seals" consequence: "c2" no_items_removed { area_ids: "ALP-EAST" } }
  sources { citation: "s" })";

TEST(RequestsAnsweredWithinTest, LateAndStillPendingStepsNameTheStepAndItsAuthority) {
  const v1::Agreement agreement = Parse<v1::Agreement>(kProcedure);
  const v1::Convoy convoy = Parse<v1::Convoy>(R"(
    id: "cv-1" area_id: "ALP-EAST" version: 4
    approval_steps { step: "monthly plan" authority: "Ministry of Foreign Affairs"
                     requested_on { year: 2016 month: 9 day: 25 }
                     answered_on { year: 2016 month: 9 day: 29 } outcome: STEP_OUTCOME_GRANTED }
    approval_steps { step: "facilitation letter" authority: "Syrian government"
                     requested_on { year: 2016 month: 10 day: 2 }
                     answered_on { year: 2016 month: 10 day: 25 } outcome: STEP_OUTCOME_GRANTED }
    approval_steps { step: "security committee" authority: "Aleppo security committee"
                     requested_on { year: 2016 month: 10 day: 26 } outcome: STEP_OUTCOME_PENDING })");
  std::vector<v1::Violation> found =
      ForConvoy(agreement, convoy, {"convoys", 11}, kToday, nullptr);
  std::map<std::string, v1::Violation> by_id;
  for (const v1::Violation& v : found) by_id[v.id()] = v;
  ASSERT_EQ(by_id.size(), 3u) << "two late under 'seven', one under 'letters'";
  const v1::Violation& letter = by_id["approval/seven/convoys/cv-1/step/facilitation letter"];
  EXPECT_EQ(letter.party(), "Syrian government");
  EXPECT_EQ(letter.days_late(), 10);  // deadline 2016-10-11, answered 2016-10-25
  EXPECT_EQ(TimeUtil::TimestampToSeconds(letter.occurred_at()),
            absl::ToUnixSeconds(absl::FromCivil(absl::CivilDay(2016, 10, 12), absl::UTCTimeZone())));
  EXPECT_THAT(letter.why(), HasSubstr("after 17 working days (the term allows 7)"));
  const v1::Violation& pending = by_id["approval/seven/convoys/cv-1/step/security committee"];
  EXPECT_EQ(pending.party(), "Aleppo security committee");
  EXPECT_THAT(pending.why(), HasSubstr("still pending past its deadline of 2016-11-06"));
  EXPECT_TRUE(by_id.count("approval/letters/convoys/cv-1/step/facilitation letter"));
}

TEST(NoItemsRemovedTest, RemovalsAreHeldAgainstTheNamedPartyElseTheBesiegingParty) {
  const v1::Agreement agreement = Parse<v1::Agreement>(kProcedure);
  v1::Convoy convoy = Parse<v1::Convoy>(R"(
    id: "cv-2" area_id: "ALP-EAST" status: CONVOY_STATUS_PARTIALLY_DELIVERED
    outcome_date { year: 2016 month: 10 day: 28 }
    manifest { item: "insulin" quantity: 300 unit: "vials" quantity_removed: 100 })");
  auto besieger = [](const std::string& area) {
    return area == "ALP-EAST" ? NamedParty{"Besieger", "besieger"} : NamedParty{};
  };
  std::vector<v1::Violation> found = ForConvoy(agreement, convoy, {"convoys", 1}, kToday, besieger);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].party(), "Besieger");
  EXPECT_EQ(found[0].party_id(), "besieger");
  EXPECT_THAT(found[0].why(), HasSubstr("removed 100 vials of insulin"));
  convoy.set_responsible_party("Checkpoint 4 militia");
  found = ForConvoy(agreement, convoy, {"convoys", 2}, kToday, besieger);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].party(), "Checkpoint 4 militia");
  EXPECT_FALSE(found[0].unconfirmed());
  // Written last by a partner (its own convoy's outcome): unconfirmed.
  convoy.mutable_meta()->mutable_updated_by()->set_role(v1::ROLE_PARTNER);
  found = ForConvoy(agreement, convoy, {"convoys", 2}, kToday, besieger);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_TRUE(found[0].unconfirmed());
  convoy.set_area_id("EG-DUMA");  // not an area the term covers
  EXPECT_TRUE(ForConvoy(agreement, convoy, {"convoys", 3}, kToday, besieger).empty());
}

TEST(DeliveryEveryTest, EachGapLongerThanAllowedIsOneViolationFromItsFirstOverdueDay) {
  const v1::Agreement agreement = Parse<v1::Agreement>(R"(
    id: "a" name: "n" parties: "P" in_force_from { year: 2016 month: 1 day: 1 }
    in_force_until { year: 2016 month: 6 day: 30 }
    terms { id: "monthly" consequence: "c" delivery_every { area_id: "EG-DUMA" days: 30 } }
    sources { citation: "s" })");
  std::vector<v1::Convoy> deliveries = {
      Parse<v1::Convoy>(R"(id: "d1" area_id: "EG-DUMA" outcome_date { year: 2016 month: 1 day: 20 })"),
      Parse<v1::Convoy>(R"(id: "d2" area_id: "EG-DUMA" outcome_date { year: 2016 month: 2 day: 10 })"),
      Parse<v1::Convoy>(R"(id: "d3" area_id: "EG-DUMA" outcome_date { year: 2016 month: 4 day: 20 })")};
  std::vector<v1::Violation> found =
      ForDeliveries(agreement, "EG-DUMA", deliveries, kToday, [](const std::string&) {
        return NamedParty{"Besieger", ""};
      });
  // Feb 10 -> Apr 20 (70 days) and Apr 20 -> Jun 30 (71 days) are too long.
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[0].id(), "a/monthly/areas/EG-DUMA/gap/2016-02-10");
  EXPECT_EQ(found[0].party(), "Besieger");
  EXPECT_EQ(TimeUtil::TimestampToSeconds(found[0].occurred_at()),
            absl::ToUnixSeconds(absl::FromCivil(absl::CivilDay(2016, 3, 12), absl::UTCTimeZone())));
  EXPECT_EQ(found[1].id(), "a/monthly/areas/EG-DUMA/gap/2016-04-20");
  EXPECT_THAT(found[1].why(), HasSubstr("no delivery to EG-DUMA since 2016-04-20"));
}

}  // namespace
}  // namespace corridor::agreements

namespace corridor::agreements {
namespace {

const char kNoFly[] = R"(
    id: "a" name: "n" parties: "P" in_force_from { year: 2016 month: 9 day: 12 }
    terms { id: "no-fly" consequence: "c" no_air_strikes { area_ids: "ALP-EAST" } }
    terms { id: "no-aid" consequence: "c" no_attacks_on_aid_workers {} }
    sources { citation: "s" })";

v1::Incident Strike(absl::CivilDay day, v1::TimePrecision precision) {
  v1::Incident incident = Parse<v1::Incident>(R"(
    id: "in-1" facts { area_id: "ALP-EAST" type: INCIDENT_TYPE_AIR_STRIKE party: "P"
                       party_id: "p" attribution_confidence: ATTRIBUTION_CONFIDENCE_HIGH
                       attribution_basis: "inquiry" description: "d" })");
  *incident.mutable_facts()->mutable_occurred_at() = At(day);
  incident.mutable_facts()->set_precision(precision);
  return incident;
}

TEST(IncidentTermsTest, OnlyIncidentsInTheListedAreasWhileInForceBreachThem) {
  const v1::Agreement agreement = Parse<v1::Agreement>(kNoFly);
  std::vector<v1::Violation> found =
      ForIncident(agreement, Strike(absl::CivilDay(2016, 9, 20), v1::TIME_PRECISION_DAY), 1,
                  {"incidents", 4}, kToday);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].term_id(), "no-fly");
  EXPECT_EQ(found[0].party_id(), "p");
  EXPECT_FALSE(found[0].unconfirmed());
  EXPECT_EQ(found[0].evidence(0).journal_index(), 4u);
  EXPECT_THAT(found[0].why(), HasSubstr("an air strike at ALP-EAST on 2016-09-20"));
  v1::Incident elsewhere = Strike(absl::CivilDay(2016, 9, 20), v1::TIME_PRECISION_DAY);
  elsewhere.mutable_facts()->set_area_id("EG-DUMA");
  EXPECT_TRUE(ForIncident(agreement, elsewhere, 1, {"incidents", 5}, kToday).empty());
  EXPECT_TRUE(ForIncident(agreement, Strike(absl::CivilDay(2016, 9, 5), v1::TIME_PRECISION_DAY), 1,
                          {"incidents", 6}, kToday)
                  .empty())
      << "before the agreement took force";
  // Aid or medical workers harmed breach the aid term, in any area.
  elsewhere.mutable_facts()->mutable_casualties()->mutable_medical_workers()->set_injured(2);
  found = ForIncident(agreement, elsewhere, 1, {"incidents", 7}, kToday);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].term_id(), "no-aid");
}

// Known only to the month in which the agreement took force: it may fall
// before it, so the violation is shown as unconfirmed, dated within the
// agreement's days (where its report looks), and never dropped.
TEST(IncidentTermsTest, AnIncidentKnownOnlyToTheMonthTheAgreementBeganIsUnconfirmed) {
  const v1::Agreement agreement = Parse<v1::Agreement>(kNoFly);
  std::vector<v1::Violation> found =
      ForIncident(agreement, Strike(absl::CivilDay(2016, 9, 1), v1::TIME_PRECISION_MONTH), 1,
                  {"incidents", 4}, kToday);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_TRUE(found[0].unconfirmed());
  EXPECT_THAT(found[0].why(), HasSubstr("known only to the month"));
  EXPECT_EQ(found[0].occurred_at().seconds(), At(absl::CivilDay(2016, 9, 12)).seconds());
  found = ForIncident(agreement, Strike(absl::CivilDay(2016, 10, 1), v1::TIME_PRECISION_MONTH), 1,
                      {"incidents", 5}, kToday);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_FALSE(found[0].unconfirmed()) << "a month wholly in force";
  EXPECT_TRUE(ForIncident(agreement, Strike(absl::CivilDay(2016, 8, 1), v1::TIME_PRECISION_MONTH),
                          1, {"incidents", 6}, kToday)
                  .empty());
}

}  // namespace
}  // namespace corridor::agreements
