// The record of 2016 against what the parties agreed, end to end with the
// real corridorctl and servers:
// - the 9 September 2016 US-Russia arrangement on Castello Road, checked
//   against the road's 2016 history (../shared/data/route_events.csv, loaded
//   at first start) and reports filed here; exactly the breaching reports
//   become violations, each held against the party the report names;
// - the April 2016 approval procedure: a step answered late and one still
//   pending are overdue violations naming the step and its authority; a
//   denial withdrawn supersedes its violation;
// - the agreements service run as its own process and killed with SIGKILL
//   in the middle of evaluating a long record: after a restart every
//   violation is there exactly once, written once.
#include <grpcpp/grpcpp.h>
#include <signal.h>

#include <fstream>
#include <map>
#include <set>
#include <random>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "corridor/v1/agreements.pb.h"
#include "common/credentials.h"
#include "corridor/v1/audit.pb.h"
#include "corridor/v1/denials.pb.h"
#include "corridor/v1/routes.grpc.pb.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "tests/testing/subprocess.h"
#include "tests/testing/temp_dir.h"

namespace corridor::agreements {
namespace {

using ::corridor::testing::BinaryPath;
using ::corridor::testing::CommandResult;
using ::corridor::testing::RunCorridorctl;
using ::corridor::testing::ServerProcess;
using ::testing::HasSubstr;

// The arrangement's Castello Road terms as the Russian MFA published them
// (TASS, 27 Sep 2016: RESEARCH-siege-facts.md, section 3.2); the
// ceasefire took effect on 12 September.
constexpr char kCastelloArrangement[] = R"({
  "id": "us-russia-2016-09-09",
  "name": "US-Russia arrangement on Aleppo, 9 September 2016",
  "parties": ["Syrian government and allies", "Armed opposition"],
  "in_force_from": {"year": 2016, "month": 9, "day": 12},
  "terms": [{
    "id": "castello-demilitarized",
    "text": "Pro-government forces and opposition units will pull back simultaneously from Castello Road, and the vacated area will be considered a 'demilitarized zone'.",
    "consequence": "Each Side reserves the right to withdraw from this arrangement if they believe the terms have not been fulfilled.",
    "route_kept_open": {"route_id": "castello-road"}
  }],
  "sources": [{"citation": "TASS, 27 Sep 2016, http://tass.com/politics/902557"}]
})";

// The approval procedure agreed in April 2016 (OCHA-OCT16) answered
// monthly plans within seven working days (BS-OBRIEN-JAN17).
constexpr char kApprovalProcedure[] = R"({
  "id": "approval-procedure-2016",
  "name": "Convoy approval procedure agreed with the Government, April 2016",
  "parties": ["Syrian government"],
  "in_force_from": {"year": 2016, "month": 4, "day": 1},
  "terms": [
    {"id": "answer-within-7", "consequence": "Named in the Secretary-General's monthly report",
     "requests_answered_within": {"area_ids": ["ALP-EAST"], "working_days": 7}},
    {"id": "no-interference", "consequence": "Named in the Secretary-General's monthly report",
     "no_denials": {"party": "Syrian government", "category": "ACCESS_CONSTRAINT_INTERFERENCE"}}
  ],
  "sources": [{"citation": "OCHA-OCT16; BS-OBRIEN-JAN17"}]
})";

class ComplianceScenarioTest : public ::testing::Test {
 protected:
  void StartPlatform(const std::string& services = "") {
    std::vector<std::string> args = {"--data_dir=" + dir_.Sub("data")};
    if (!services.empty()) args.push_back("--services=" + services);
    auto server = ServerProcess::Start(BinaryPath("corridord"), args, dir_.path());
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    for (const char* role : {"coordinator", "oversight"}) {
      auto token = corridor::testing::CreateTokenFile(server_->address(), dir_.Sub("data"), role,
                                                      dir_.Sub(std::string(role) + ".token"));
      ASSERT_TRUE(token.ok()) << token.status();
    }
  }

  CommandResult As(const std::string& role, std::vector<std::string> args) {
    if (!servers_.empty()) args.insert(args.begin(), servers_);
    return RunCorridorctl(server_->address(), std::move(args), dir_.Sub(role + ".token"));
  }

  void Register(const std::string& json, const std::string& name) {
    std::ofstream(dir_.Sub(name)) << json;
    CommandResult created = As("oversight", {"agreements", "create", "--file=" + dir_.Sub(name)});
    ASSERT_EQ(created.exit_code, 0) << created.err;
  }

  // Files a road report; its feed position.
  int64_t Report(const std::string& route, const std::string& status, const std::string& day,
                 const std::string& party) {
    CommandResult r = As("coordinator", {"--output=json", "routes", "report", route,
                                         "--status=" + status, "--at=" + day, "--party=" + party,
                                         "--source=scenario test (not a historical report)"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    v1::ReportRouteStatusResponse filed;
    EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(r.out, &filed).ok()) << r.out;
    return filed.report().position();
  }

  uint64_t JournalSize(const std::string& service) {
    CommandResult head = As("oversight", {"audit", "head", "--service=" + service});
    EXPECT_EQ(head.exit_code, 0) << head.err;
    v1::SignedTreeHead parsed;
    EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(head.out, &parsed).ok());
    return parsed.tree_size();
  }

  // The compliance report once the agreement has been evaluated through
  // every entry the followed journals hold now.
  v1::ComplianceReport Settled(const std::string& agreement) {
    std::map<std::string, uint64_t> sizes;
    for (const char* service : {"routes", "convoys", "denials"}) sizes[service] = JournalSize(service);
    v1::ComplianceReport report;
    const absl::Time deadline = absl::Now() + absl::Minutes(2);
    while (absl::Now() < deadline) {
      CommandResult got = As("oversight", {"--output=json", "report", "compliance",
                                           "--agreement=" + agreement});
      if (got.exit_code == 0 &&
          google::protobuf::util::JsonStringToMessage(got.out, &report).ok()) {
        bool done = true;
        for (const auto& [service, size] : sizes) {
          done &= report.evaluated_through().at(service) >= size;
        }
        if (done) return report;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    std::string wanted, reached;
    for (const auto& [service, size] : sizes) {
      absl::StrAppend(&wanted, service, " ", size, " ");
      absl::StrAppend(&reached, service, " ", report.evaluated_through().count(service)
                                                 ? report.evaluated_through().at(service)
                                                 : 0, " ");
    }
    ADD_FAILURE() << "the evaluation of " << agreement << " did not catch up: journals at "
                  << wanted << "; evaluated through " << reached;
    return report;
  }

  std::vector<v1::Violation> Violations(const std::string& agreement, bool all = false) {
    std::vector<std::string> args = {"--output=json", "agreements", "violations",
                                     "--agreement=" + agreement};
    if (all) args.push_back("--all");
    CommandResult got = As("oversight", args);
    EXPECT_EQ(got.exit_code, 0) << got.err;
    v1::ListViolationsResponse parsed;
    EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(got.out, &parsed).ok()) << got.out;
    return {parsed.violations().begin(), parsed.violations().end()};
  }

  const v1::PartyCompliance* PartyOf(const v1::ComplianceReport& report, const std::string& party) {
    for (const v1::PartyCompliance& p : report.parties()) {
      if (p.party() == party) return &p;
    }
    return nullptr;
  }

  corridor::testing::TempDir dir_;
  std::unique_ptr<ServerProcess> server_;
  std::string servers_;  // --servers=... when the agreements service runs apart
};

TEST_F(ComplianceScenarioTest, ExactlyTheReportsBreachingTheCastelloArrangementBecomeViolations) {
  StartPlatform();
  // The road's 2016 history is in the routes journal from the first start:
  // UNDER_FIRE on 7 July and CLOSED on 17 July (before the arrangement),
  // RESTRICTED on 15 September (in force, but not a breach).
  Register(kCastelloArrangement, "castello.json");
  // Reports filed for the scenario (not historical facts):
  Report("castello-road", "closed", "2016-09-10", "Syrian government and allies");  // before
  Report("castello-road", "open", "2016-09-14", "Syrian government and allies");    // kept
  Report("castello-road", "under-fire", "2016-09-20", "Armed opposition");          // breach
  Report("ramouseh-road", "closed", "2016-09-21", "Syrian government and allies");  // other road
  const int64_t closure =
      Report("castello-road", "closed", "2016-09-22", "Syrian government and allies");  // breach

  const v1::ComplianceReport report = Settled("us-russia-2016-09-09");
  std::vector<v1::Violation> violations = Violations("us-russia-2016-09-09");
  ASSERT_EQ(violations.size(), 2u);
  std::map<std::string, const v1::Violation*> by_party;
  for (const v1::Violation& v : violations) by_party[v.party()] = &v;
  ASSERT_TRUE(by_party.count("Armed opposition"));
  ASSERT_TRUE(by_party.count("Syrian government and allies"));
  EXPECT_THAT(by_party["Armed opposition"]->why(),
              HasSubstr("castello-road reported UNDER_FIRE on 2016-09-20"));
  EXPECT_THAT(by_party["Syrian government and allies"]->why(),
              HasSubstr("castello-road reported CLOSED on 2016-09-22"));
  for (const v1::Violation& v : violations) {
    EXPECT_EQ(v.term_id(), "castello-demilitarized");
    EXPECT_THAT(v.consequence(), HasSubstr("reserves the right to withdraw"));
    ASSERT_EQ(v.evidence_size(), 1);
    EXPECT_EQ(v.evidence(0).service(), "routes");
    EXPECT_GT(v.evidence(0).journal_index(), 0u);
  }
  for (const char* party : {"Armed opposition", "Syrian government and allies"}) {
    const v1::PartyCompliance* p = PartyOf(report, party);
    ASSERT_NE(p, nullptr) << party;
    EXPECT_EQ(p->violations_size(), 1) << party;
    EXPECT_EQ(p->violation_count(), 1) << party;
    EXPECT_THAT(p->terms_breached(), ::testing::ElementsAre("castello-demilitarized"));
    ASSERT_EQ(p->consequences_due_size(), 1);
  }
  // The CLI's table says it in words.
  CommandResult table = As("oversight", {"report", "compliance", "--agreement=us-russia-2016-09-09"});
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_THAT(table.out, HasSubstr("Armed opposition"));
  EXPECT_THAT(table.out, HasSubstr("Violations, with their evidence"));

  // The closure was reported in error and is withdrawn: its violation is
  // superseded, not deleted, and the other stands.
  CommandResult withdrawn = As("coordinator", {"routes", "withdraw", absl::StrCat(closure),
                                               "--reason=the closure was of the Ramouseh road"});
  ASSERT_EQ(withdrawn.exit_code, 0) << withdrawn.err;
  Settled("us-russia-2016-09-09");
  std::vector<v1::Violation> standing = Violations("us-russia-2016-09-09");
  ASSERT_EQ(standing.size(), 1u);
  EXPECT_EQ(standing[0].party(), "Armed opposition");
  int superseded = 0;
  for (const v1::Violation& v : Violations("us-russia-2016-09-09", /*all=*/true)) {
    superseded += v.state() == v1::VIOLATION_STATE_SUPERSEDED;
  }
  EXPECT_EQ(superseded, 1);
}

TEST_F(ComplianceScenarioTest, LateAndPendingApprovalStepsAndAWithdrawnDenial) {
  StartPlatform();
  Register(kApprovalProcedure, "procedure.json");
  CommandResult submitted =
      As("coordinator", {"--output=csv", "convoys", "submit", "--agency=WFP", "--area=ALP-EAST",
                         "--planned=2016-10-10", "--requested=2016-10-02", "--beneficiaries=1000",
                         "--cargo=flour:food:10:tonnes", "--key=scenario-1"});
  ASSERT_EQ(submitted.exit_code, 0) << submitted.err;
  const std::string convoy = submitted.out.substr(submitted.out.find('\n') + 1, 19);
  for (std::vector<std::string> step :
       {std::vector<std::string>{"--step=monthly plan", "--authority=Ministry of Foreign Affairs",
                                 "--requested=2016-10-02", "--answered=2016-10-06"},
        // The agreement's party under another spelling: one party in the report.
        {"--step=facilitation letter", "--authority=Government of Syria", "--requested=2016-10-02",
         "--answered=2016-10-25"},
        {"--step=security committee", "--authority=Aleppo security committee",
         "--requested=2016-10-26"}}) {
    step.insert(step.begin(), {"convoys", "step", convoy});
    CommandResult r = As("coordinator", step);
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  // A step answered before it was asked is refused, naming the field.
  CommandResult bad = As("coordinator", {"convoys", "step", convoy, "--step=x", "--authority=y",
                                         "--requested=2016-10-10", "--answered=2016-10-01"});
  EXPECT_EQ(bad.exit_code, 4);
  EXPECT_THAT(bad.err, HasSubstr("step.answered_on"));
  CommandResult denial = As(
      "coordinator", {"--output=json", "denials", "record", "--party=Syrian government",
                      "--area=ALP-EAST", "--category=interference", "--at=2016-10-20",
                      "--description=medical items removed", "--source=scenario test"});
  ASSERT_EQ(denial.exit_code, 0) << denial.err;
  v1::Denial recorded;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(denial.out, &recorded).ok());

  v1::ComplianceReport report = Settled("approval-procedure-2016");
  std::map<std::string, v1::Violation> by_id;
  for (const v1::Violation& v : Violations("approval-procedure-2016")) by_id[v.id()] = v;
  ASSERT_EQ(by_id.size(), 3u);
  const std::string prefix = "approval-procedure-2016/answer-within-7/convoys/" + convoy + "/step/";
  ASSERT_TRUE(by_id.count(prefix + "facilitation letter"));
  EXPECT_EQ(by_id[prefix + "facilitation letter"].party(), "Government of Syria");
  EXPECT_EQ(by_id[prefix + "facilitation letter"].party_id(), "syrian-government");
  EXPECT_EQ(by_id[prefix + "security committee"].party_id(), "") << "an authority, not a party";
  int government_rows = 0;
  for (const v1::PartyCompliance& p : report.parties()) {
    if (p.party_id() != "syrian-government") continue;
    ++government_rows;
    EXPECT_EQ(p.party(), "Syrian government") << "the agreement's own words";
    EXPECT_EQ(p.violation_count(), 2) << "the late letter and the denial";
  }
  EXPECT_EQ(government_rows, 1);
  EXPECT_EQ(by_id[prefix + "facilitation letter"].days_late(), 10);
  ASSERT_TRUE(by_id.count(prefix + "security committee"));
  EXPECT_EQ(by_id[prefix + "security committee"].party(), "Aleppo security committee");
  EXPECT_FALSE(by_id.count(prefix + "monthly plan")) << "answered in 4 working days";
  const std::string denial_violation =
      "approval-procedure-2016/no-interference/denials/" + recorded.id();
  ASSERT_TRUE(by_id.count(denial_violation));
  bool letters_reported = false;
  for (const v1::StepDelay& d : report.step_delays()) {
    if (d.step() == "facilitation letter") {
      letters_reported = true;
      EXPECT_EQ(d.answered(), 1);
      EXPECT_EQ(d.median_working_days(), 17);
    }
  }
  EXPECT_TRUE(letters_reported);

  // A report on October measures what was pending to 31 October, not to
  // the day it is asked for: the security committee, asked on Wednesday
  // 26 October, had waited 3 working days (27, 30, 31). The facilitation
  // letter, answered on the 25th, was still pending at the end of a report
  // that stops on the 20th.
  std::map<std::string, v1::StepDelay> october, to_20th;
  for (const auto& [to, delays] :
       {std::pair<std::string, std::map<std::string, v1::StepDelay>*>{"2016-10-31", &october},
        {"2016-10-20", &to_20th}}) {
    CommandResult got = As("oversight", {"--output=json", "report", "compliance",
                                         "--agreement=approval-procedure-2016", "--to=" + to});
    ASSERT_EQ(got.exit_code, 0) << got.err;
    v1::ComplianceReport period;
    ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(got.out, &period).ok()) << got.out;
    for (const v1::StepDelay& d : period.step_delays()) (*delays)[d.step()] = d;
  }
  ASSERT_TRUE(october.count("security committee"));
  EXPECT_EQ(october["security committee"].pending(), 1);
  EXPECT_EQ(october["security committee"].worst_working_days(), 3);
  EXPECT_EQ(october["facilitation letter"].answered(), 1);
  EXPECT_EQ(october["facilitation letter"].worst_working_days(), 17);
  ASSERT_TRUE(to_20th.count("facilitation letter"));
  EXPECT_EQ(to_20th["facilitation letter"].answered(), 0);
  EXPECT_EQ(to_20th["facilitation letter"].pending(), 1);
  EXPECT_EQ(to_20th["facilitation letter"].worst_working_days(), 14);
  EXPECT_FALSE(to_20th.count("security committee")) << "asked after the period";

  // The denial is withdrawn: its violation is superseded, not deleted.
  CommandResult withdrawn = As("coordinator", {"denials", "withdraw", recorded.id(),
                                               "--reason=recorded in error"});
  ASSERT_EQ(withdrawn.exit_code, 0) << withdrawn.err;
  Settled("approval-procedure-2016");
  EXPECT_EQ(Violations("approval-procedure-2016").size(), 2u);
  bool superseded = false;
  for (const v1::Violation& v : Violations("approval-procedure-2016", /*all=*/true)) {
    if (v.id() == denial_violation) {
      superseded = v.state() == v1::VIOLATION_STATE_SUPERSEDED;
      EXPECT_THAT(v.superseded_because(), HasSubstr("withdrawn"));
    }
  }
  EXPECT_TRUE(superseded);
}

TEST_F(ComplianceScenarioTest, AKilledAgreementsServiceNeitherMissesNorDoublesAViolation) {
  StartPlatform("auth,areas,routes,convoys,denials");
  // A long record, filed straight over gRPC: 1,500 breaching reports among
  // 3,000, so that the evaluation takes long enough to be interrupted.
  absl::StatusOr<std::string> token = ReadTokenFile(dir_.Sub("coordinator.token"));
  ASSERT_TRUE(token.ok());
  auto routes = v1::RouteService::NewStub(
      grpc::CreateChannel(server_->address(), grpc::InsecureChannelCredentials()));
  constexpr int kReports = 3000;
  for (int i = 0; i < kReports; ++i) {
    v1::ReportRouteStatusRequest request;
    request.set_route_id("castello-road");
    request.set_status(i % 2 == 0 ? v1::ROUTE_STATUS_CLOSED : v1::ROUTE_STATUS_RESTRICTED);
    const absl::Time at = absl::FromCivil(absl::CivilSecond(2016, 9, 12, 0, 0, 0), absl::UTCTimeZone()) +
                          absl::Minutes(10 * i);
    request.mutable_observed_at()->set_seconds(absl::ToUnixSeconds(at));
    request.mutable_source()->set_citation("scenario test (not a historical report)");
    request.set_controlling_party(i % 4 == 0 ? "Syrian government and allies" : "Armed opposition");
    grpc::ClientContext context;
    AttachBearerToken(&context, *token);
    v1::ReportRouteStatusResponse response;
    ASSERT_TRUE(routes->ReportRouteStatus(&context, request, &response).ok());
  }
  auto start_agreements = [&]() {
    auto process = ServerProcess::Start(
        BinaryPath("corridor-agreements"),
        {"--data_dir=" + dir_.Sub("agreements-data"),
         "--service_token_file=" + dir_.Sub("data/credentials/service.token"),
         "--peers=auth=" + server_->address() + ",areas=" + server_->address() +
             ",routes=" + server_->address() + ",convoys=" + server_->address() +
             ",denials=" + server_->address(),
         "--log_rpcs=errors"},
        dir_.path());
    EXPECT_TRUE(process.ok()) << process.status();
    return process.ok() ? *std::move(process) : nullptr;
  };
  std::unique_ptr<ServerProcess> agreements = start_agreements();
  ASSERT_NE(agreements, nullptr);
  servers_ = "--servers=agreements=" + agreements->address();
  Register(kCastelloArrangement, "castello.json");
  // Kill it part-way through the evaluation.
  size_t seen = 0;
  for (const absl::Time until = absl::Now() + absl::Minutes(1); absl::Now() < until && seen < 20;) {
    seen = Violations("us-russia-2016-09-09").size();
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ASSERT_GE(seen, 20u);
  ASSERT_LT(seen, kReports / 2u) << "the evaluation finished before the kill; it proves nothing";
  std::cerr << "killed the agreements service with " << seen << " violations found\n";
  EXPECT_EQ(agreements->StopWith(SIGKILL), 128 + SIGKILL);
  agreements = start_agreements();
  ASSERT_NE(agreements, nullptr);
  servers_ = "--servers=agreements=" + agreements->address();

  const v1::ComplianceReport report = Settled("us-russia-2016-09-09");
  std::vector<v1::Violation> violations = Violations("us-russia-2016-09-09");
  EXPECT_EQ(violations.size(), kReports / 2u);
  // The report counts them all and carries 50 per party at most.
  int counted = 0;
  for (const v1::PartyCompliance& p : report.parties()) {
    counted += p.violation_count();
    EXPECT_LE(p.violations_size(), 50);
  }
  EXPECT_EQ(counted, kReports / 2);
  std::set<std::string> ids;
  for (const v1::Violation& v : violations) {
    ids.insert(v.id());
    EXPECT_EQ(v.version(), 1) << v.id() << " was written more than once";
  }
  EXPECT_EQ(ids.size(), violations.size());
  EXPECT_EQ(agreements->StopWith(SIGTERM), 0);
}

}  // namespace
}  // namespace corridor::agreements
