// The cessation scenario of issue 25, end to end through corridorctl and a
// running corridord: an agreement that bans barrel bombs and attacks on aid
// workers in listed areas (the civil society letters' demands, as a test
// agreement, not a historical one); four incidents; the compliance report
// naming each violation with its party, evidence and confidence, leaving
// the strike outside the listed areas alone; and the consequences applied,
// with the enforcement gap as a figure.
#include <fstream>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "corridor/v1/agreements.pb.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "tests/testing/subprocess.h"
#include "tests/testing/temp_dir.h"

namespace corridor::cli {
namespace {

using ::corridor::testing::BinaryPath;
using ::corridor::testing::CommandResult;
using ::corridor::testing::RunCorridorctl;
using ::corridor::testing::ServerProcess;
using ::testing::HasSubstr;

constexpr char kAgreement[] = R"json({
  "id": "scenario-cessation",
  "name": "Test cessation of hostilities (scenario)",
  "parties": ["Syrian government", "Armed opposition"],
  "in_force_from": {"year": 2016, "month": 9, "day": 12},
  "terms": [{
    "id": "no-barrel-bombs",
    "consequence": "Referral to the ceasefire task force",
    "no_weapons_used": {"weapons": ["WEAPON_BARREL_BOMB"], "area_ids": ["ALP-EAST", "EG-DUMA"]}
  }, {
    "id": "no-attacks-on-aid",
    "consequence": "Suspension from the humanitarian task force",
    "no_attacks_on_aid_workers": {"area_ids": ["ALP-EAST", "EG-DUMA"]}
  }],
  "sources": [{"citation": "test scenario"}]
})json";

class CessationScenarioTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto server = ServerProcess::Start(BinaryPath("corridord"), {"--data_dir=" + dir_.Sub("data")},
                                       dir_.path());
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    for (const char* role : {"coordinator", "oversight"}) {
      auto token = corridor::testing::CreateTokenFile(server_->address(), dir_.Sub("data"), role,
                                                      dir_.Sub(std::string(role) + ".token"));
      ASSERT_TRUE(token.ok()) << token.status();
    }
  }

  CommandResult As(const std::string& role, std::vector<std::string> args) {
    return RunCorridorctl(server_->address(), std::move(args), dir_.Sub(role + ".token"));
  }

  void Incident(std::vector<std::string> flags) {
    std::vector<std::string> args = {"incidents", "record", "--sources=test report"};
    args.insert(args.end(), flags.begin(), flags.end());
    CommandResult r = As("coordinator", args);
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }

  v1::ListViolationsResponse Violations(int expected) {
    v1::ListViolationsResponse list;
    const absl::Time give_up = absl::Now() + absl::Seconds(30);
    do {
      CommandResult r = As("oversight", {"--output=json", "agreements", "violations",
                                         "--agreement=scenario-cessation"});
      EXPECT_EQ(r.exit_code, 0) << r.err;
      list.Clear();
      EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(r.out, &list).ok()) << r.out;
      if (list.violations_size() >= expected) break;
      absl::SleepFor(absl::Milliseconds(100));
    } while (absl::Now() < give_up);
    return list;
  }

  v1::ComplianceReport Report() {
    CommandResult r = As("oversight", {"--output=json", "report", "compliance",
                                       "--agreement=scenario-cessation", "--to=2016-12-31"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    v1::ComplianceReport report;
    EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(r.out, &report).ok()) << r.out;
    return report;
  }

  corridor::testing::TempDir dir_;
  std::unique_ptr<ServerProcess> server_;
};

const v1::PartyCompliance* PartyOf(const v1::ComplianceReport& report, const std::string& id) {
  for (const v1::PartyCompliance& p : report.parties()) {
    if (p.party_id() == id) return &p;
  }
  return nullptr;
}

TEST_F(CessationScenarioTest, TheReportNamesEachViolationAndTheConsequencesApplied) {
  std::ofstream(dir_.Sub("cessation.json")) << kAgreement;
  CommandResult created =
      As("oversight", {"agreements", "create", "--file=" + dir_.Sub("cessation.json")});
  ASSERT_EQ(created.exit_code, 0) << created.err;
  EXPECT_THAT(created.out, HasSubstr("no barrel-bomb in ALP-EAST, EG-DUMA"));

  // 1. A barrel-bomb strike in a listed area.
  Incident({"--type=air_strike", "--at=2016-09-20", "--area=ALP-EAST", "--weapons=barrel_bomb",
            "--killed=6", "--party=Syrian government", "--confidence=high",
            "--basis=commission of inquiry", "--description=barrel bombs on a bakery",
            "--key=strike-1"});
  // 2. A convoy attack that kills aid workers.
  Incident({"--type=attack_on_convoy", "--at=2016-09-21", "--area=EG-DUMA", "--killed=12",
            "--aid-workers-killed=12", "--party=Syrian government", "--confidence=medium",
            "--basis=two corroborating NGO reports", "--description=convoy struck at the crossing",
            "--key=convoy-attack-2"});
  // 3. A barrel-bomb strike outside the listed areas: no term covers it.
  Incident({"--type=air_strike", "--at=2016-09-22", "--area=EG-ARBIN", "--weapons=barrel_bomb",
            "--party=Syrian government", "--confidence=high", "--basis=commission of inquiry",
            "--description=barrel bombs on a market", "--key=strike-outside-3"});
  // 4. A barrel bomb whose attribution is uncertain.
  Incident({"--type=air_strike", "--at=2016-09-23", "--area=ALP-EAST", "--weapons=barrel_bomb",
            "--party=Armed opposition", "--confidence=low", "--basis=a single social media claim",
            "--description=barrel bomb reported", "--key=uncertain-4"});

  v1::ListViolationsResponse list = Violations(3);
  ASSERT_EQ(list.violations_size(), 3);
  std::map<std::string, v1::Violation> by_term_and_party;
  for (const v1::Violation& v : list.violations()) {
    by_term_and_party[v.term_id() + "/" + v.party_id()] = v;
    ASSERT_EQ(v.evidence_size(), 1);
    EXPECT_EQ(v.evidence(0).service(), "incidents");
    EXPECT_THAT(v.evidence(0).record_id(), ::testing::StartsWith("in-"));
    EXPECT_THAT(v.evidence(0).summary(), ::testing::Not(HasSubstr("EG-ARBIN")));
  }
  const v1::Violation& bomb = by_term_and_party["no-barrel-bombs/syrian-government"];
  EXPECT_EQ(bomb.attribution_confidence(), v1::ATTRIBUTION_CONFIDENCE_HIGH);
  EXPECT_FALSE(bomb.unconfirmed());
  EXPECT_THAT(bomb.why(), HasSubstr("used barrel bomb at ALP-EAST on 2016-09-20"));
  const v1::Violation& aid = by_term_and_party["no-attacks-on-aid/syrian-government"];
  EXPECT_EQ(aid.attribution_confidence(), v1::ATTRIBUTION_CONFIDENCE_MEDIUM);
  EXPECT_THAT(aid.why(), HasSubstr("attack on convoy"));
  const v1::Violation& uncertain = by_term_and_party["no-barrel-bombs/armed-opposition"];
  EXPECT_TRUE(uncertain.unconfirmed()) << "a LOW attribution is never counted as certain";
  EXPECT_EQ(uncertain.attribution_confidence(), v1::ATTRIBUTION_CONFIDENCE_LOW);
  EXPECT_THAT(uncertain.why(), HasSubstr("attribution: low; a single social media claim"));

  // Consequences: one applied, one considered and not applied; a
  // coordinator may not record them.
  EXPECT_EQ(
      As("coordinator", {"agreements", "consequence", bomb.id(), "--applied=yes", "--what=referred",
                         "--by=Task force", "--on=2016-10-01", "--source=minutes"})
          .exit_code,
      7);
  CommandResult applied =
      As("oversight", {"agreements", "consequence", bomb.id(), "--applied=yes",
                       "--what=referred to the ceasefire task force", "--by=Ceasefire task force",
                       "--on=2016-10-01", "--source=task force minutes, 1 Oct 2016"});
  ASSERT_EQ(applied.exit_code, 0) << applied.err;
  CommandResult declined = As("oversight", {"agreements", "consequence", aid.id(), "--applied=no",
                                            "--what=no meeting was held", "--on=2016-10-05",
                                            "--source=task force minutes, 5 Oct 2016"});
  ASSERT_EQ(declined.exit_code, 0) << declined.err;
  CommandResult early = As("oversight", {"agreements", "consequence", aid.id(), "--applied=yes",
                                         "--what=x", "--by=y", "--on=2016-09-01", "--source=z"});
  EXPECT_EQ(early.exit_code, 4);
  EXPECT_THAT(early.err, HasSubstr("consequence.decided_on: 2016-09-01 is before the violation"));
  CommandResult nobody = As("oversight", {"agreements", "consequence", aid.id(), "--applied=yes",
                                          "--what=x", "--on=2016-10-05", "--source=z"});
  EXPECT_EQ(nobody.exit_code, 2);
  EXPECT_THAT(nobody.err, HasSubstr("--by is required"));
  CommandResult unknown =
      As("oversight", {"agreements", "consequence", "scenario-cessation/x/y", "--applied=yes",
                       "--what=x", "--by=y", "--on=2016-10-05", "--source=z"});
  EXPECT_EQ(unknown.exit_code, 5);
  EXPECT_THAT(unknown.err, HasSubstr("consequence.violation_id"));

  const v1::ComplianceReport report = Report();
  const v1::PartyCompliance* government = PartyOf(report, "syrian-government");
  ASSERT_NE(government, nullptr);
  EXPECT_EQ(government->violation_count(), 2);
  EXPECT_THAT(government->terms_breached(),
              ::testing::UnorderedElementsAre("no-barrel-bombs", "no-attacks-on-aid"));
  EXPECT_EQ(government->consequences_applied(), 1);
  EXPECT_EQ(government->violations_without_consequence(), 1);
  const v1::PartyCompliance* opposition = PartyOf(report, "armed-opposition");
  ASSERT_NE(opposition, nullptr);
  EXPECT_EQ(opposition->violation_count(), 1);
  EXPECT_EQ(opposition->unconfirmed_violation_count(), 1);
  EXPECT_THAT(opposition->terms_breached(), ::testing::IsEmpty());
  EXPECT_THAT(opposition->terms_breached_unconfirmed(), ::testing::ElementsAre("no-barrel-bombs"));
  EXPECT_EQ(opposition->violations_without_consequence(), 0) << "not established, none due";

  CommandResult table = As(
      "oversight", {"report", "compliance", "--agreement=scenario-cessation", "--to=2016-12-31"});
  ASSERT_EQ(table.exit_code, 0);
  EXPECT_THAT(table.out, HasSubstr("WITHOUT CONSEQUENCE"));
  EXPECT_THAT(table.out, HasSubstr("applied 2016-10-01 by Ceasefire task force"));
  EXPECT_THAT(table.out, HasSubstr("not applied 2016-10-05"));

  // A correction that raises the uncertain attribution makes it count.
  CommandResult raised =
      As("coordinator", {"incidents", "list", "--party=Armed opposition", "--output=csv"});
  ASSERT_EQ(raised.exit_code, 0) << raised.err;
  const std::string id = raised.out.substr(raised.out.find('\n') + 1, 19);
  ASSERT_EQ(As("coordinator", {"incidents", "correct", id, "--confidence=high",
                               "--basis=inquiry findings", "--reason=the inquiry reported"})
                .exit_code,
            0);
  const absl::Time give_up = absl::Now() + absl::Seconds(30);
  while (absl::Now() < give_up && PartyOf(Report(), "armed-opposition")->terms_breached().empty()) {
    absl::SleepFor(absl::Milliseconds(100));
  }
  EXPECT_THAT(PartyOf(Report(), "armed-opposition")->terms_breached(),
              ::testing::ElementsAre("no-barrel-bombs"));
}

}  // namespace
}  // namespace corridor::cli
