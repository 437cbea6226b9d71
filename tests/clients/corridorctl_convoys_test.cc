// End to end: the corridorctl binary against a running corridord with every
// service: a road watched live, convoys through their whole life, and the
// access report checked against figures computed by hand.
#include <thread>

#include "absl/strings/str_split.h"
#include "corridor/v1/convoys.pb.h"
#include "corridor/v1/routes.pb.h"
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

class CorridorctlConvoysTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new corridor::testing::TempDir();
    auto server = ServerProcess::Start(BinaryPath("corridord"), {"--data_dir=" + dir_->Sub("data")},
                                       dir_->path());
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = server->release();
    auto token = corridor::testing::CreateTokenFile(server_->address(), dir_->Sub("data"),
                                                    "coordinator", dir_->Sub("coordinator.token"));
    ASSERT_TRUE(token.ok()) << token.status();
  }
  static void TearDownTestSuite() {
    delete server_;
    delete dir_;
  }

  CommandResult Ctl(std::vector<std::string> args) {
    return RunCorridorctl(server_->address(), std::move(args), dir_->Sub("coordinator.token"));
  }

  // Runs a command that prints one JSON message and parses it.
  template <typename Message>
  Message CtlJson(std::vector<std::string> args) {
    args.insert(args.begin(), "--output=json");
    CommandResult result = Ctl(args);
    EXPECT_EQ(result.exit_code, 0) << result.err;
    Message message;
    auto parsed = google::protobuf::util::JsonStringToMessage(result.out, &message);
    EXPECT_TRUE(parsed.ok()) << parsed.ToString() << "\n" << result.out;
    return message;
  }

  v1::Convoy Submit(const std::string& key, const std::string& planned, const std::string& people) {
    return CtlJson<v1::Convoy>(
        {"convoys", "submit", "--agency=WFP", "--area=ALP-EAST", "--route=castello-road",
         "--planned=" + planned, "--requested=2015-12-01", "--beneficiaries=" + people,
         "--key=" + key, "--cargo=wheat flour:food:120:tonnes;insulin:medical:300:vials",
         "--source=WFP convoy plan"});
  }

  static corridor::testing::TempDir* dir_;
  static ServerProcess* server_;
};

corridor::testing::TempDir* CorridorctlConvoysTest::dir_ = nullptr;
ServerProcess* CorridorctlConvoysTest::server_ = nullptr;

TEST_F(CorridorctlConvoysTest, ARoadReportShowsUpInAWatchingTerminal) {
  // The watcher resumes after the six reference reports, so it sees the two
  // filed below whenever it connects: no race with the reports.
  CommandResult watched;
  std::thread watcher([&] {
    watched = Ctl({"routes", "watch", "--route=castello-road", "--after=6", "--count=2"});
  });
  CommandResult closed = Ctl({"routes", "report", "castello-road", "--status=closed",
                              "--source=OCHA flash update", "--checkpoint=Castello junction"});
  CommandResult other = Ctl({"routes", "report", "ramouseh-road", "--status=open", "--source=x"});
  CommandResult open =
      Ctl({"routes", "report", "castello-road", "--status=open", "--source=OCHA flash update"});
  watcher.join();
  ASSERT_EQ(closed.exit_code, 0) << closed.err;
  ASSERT_EQ(open.exit_code, 0) << open.err;
  ASSERT_EQ(watched.exit_code, 0) << watched.err;
  std::vector<std::string> lines = absl::StrSplit(watched.out, '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 2u) << watched.out;
  EXPECT_THAT(lines[0], HasSubstr("castello-road  restricted -> closed"));
  EXPECT_THAT(lines[0], HasSubstr("at Castello junction"));
  EXPECT_THAT(lines[1], HasSubstr("castello-road  closed -> open"));
  EXPECT_THAT(watched.out, ::testing::Not(HasSubstr("ramouseh")));

  CommandResult history = Ctl({"routes", "history", "castello-road", "--output=csv"});
  ASSERT_EQ(history.exit_code, 0);
  EXPECT_THAT(history.out, HasSubstr("WIKI-SUMMER; GUARDIAN-EA"));  // the 2016 record is kept
}

TEST_F(CorridorctlConvoysTest, ConvoysGoThroughTheirLifeAndTheAccessReportAddsUp) {
  // A: 10,000 requested, 8,000 approved, dispatched, 7,500 reached; 40
  //    vials of insulin removed at a checkpoint.
  v1::Convoy a = Submit("e2e-a", "2016-10-10", "10000");
  ASSERT_FALSE(a.id().empty());
  EXPECT_EQ(a.status(), v1::CONVOY_STATUS_REQUESTED);
  v1::Convoy retried = Submit("e2e-a", "2016-10-10", "10000");
  EXPECT_EQ(retried.id(), a.id());  // the same --key creates nothing twice

  EXPECT_EQ(CtlJson<v1::Convoy>({"convoys", "approve", a.id(), "--beneficiaries=8000",
                                 "--date=2016-10-05", "--source=UN OCHA"})
                .status(),
            v1::CONVOY_STATUS_PARTIALLY_APPROVED);
  EXPECT_EQ(CtlJson<v1::Convoy>({"convoys", "dispatch", a.id(), "--date=2016-10-10"}).status(),
            v1::CONVOY_STATUS_DISPATCHED);
  v1::Convoy delivered = CtlJson<v1::Convoy>(
      {"convoys", "outcome", a.id(), "--outcome=partially-delivered", "--reached=7500",
       "--removed=1:40", "--date=2016-10-11", "--source=field report"});
  EXPECT_EQ(delivered.status(), v1::CONVOY_STATUS_PARTIALLY_DELIVERED);
  EXPECT_EQ(delivered.manifest(1).quantity_removed(), 40);

  // An illegal step: refused, naming the state, exit code 4, nothing changed.
  CommandResult illegal = Ctl({"convoys", "dispatch", a.id()});
  EXPECT_EQ(illegal.exit_code, 4);
  EXPECT_THAT(illegal.err, HasSubstr("is PARTIALLY_DELIVERED, so it cannot become DISPATCHED"));
  CommandResult history = Ctl({"convoys", "history", a.id(), "--output=csv"});
  ASSERT_EQ(history.exit_code, 0);
  EXPECT_EQ(std::count(history.out.begin(), history.out.end(), '\n'), 5);  // header + 4

  // B: 5,000 requested, denied.
  v1::Convoy b = Submit("e2e-b", "2016-10-20", "5000");
  v1::Convoy denied =
      CtlJson<v1::Convoy>({"convoys", "deny", b.id(), "--party=Syrian government",
                           "--reason=no facilitation letter", "--category=2", "--date=2016-10-18"});
  EXPECT_EQ(denied.status(), v1::CONVOY_STATUS_DENIED);
  EXPECT_EQ(denied.constraint_category(), v1::ACCESS_CONSTRAINT_MOVEMENT_RESTRICTION);

  // C: 3,000 requested, approved in full, delivered to 3,000 on 25 Oct.
  v1::Convoy c = Submit("e2e-c", "2016-10-24", "3000");
  EXPECT_EQ(CtlJson<v1::Convoy>(
                {"convoys", "approve", c.id(), "--beneficiaries=3000", "--date=2016-10-20"})
                .status(),
            v1::CONVOY_STATUS_APPROVED);
  CtlJson<v1::Convoy>({"convoys", "dispatch", c.id(), "--date=2016-10-24"});
  CtlJson<v1::Convoy>(
      {"convoys", "outcome", c.id(), "--outcome=delivered", "--reached=3000", "--date=2016-10-25"});

  v1::AccessReport report = CtlJson<v1::AccessReport>(
      {"report", "access", "--from=2016-10-01", "--to=2016-10-31", "--area=ALP-EAST"});
  ASSERT_EQ(report.areas_size(), 1);
  const v1::AreaAccess& row = report.areas(0);
  EXPECT_EQ(row.area_id(), "ALP-EAST");
  EXPECT_EQ(row.requests(), 3);
  EXPECT_EQ(row.approved(), 2);
  EXPECT_EQ(row.denied(), 1);
  EXPECT_EQ(row.delivered(), 2);
  EXPECT_EQ(row.beneficiaries_requested(), 18000);
  EXPECT_EQ(row.beneficiaries_approved(), 11000);
  EXPECT_EQ(row.beneficiaries_reached(), 10500);
  EXPECT_NEAR(row.share_approved(), 2.0 / 3, 1e-9);
  EXPECT_NEAR(row.share_delivered(), 2.0 / 3, 1e-9);
  ASSERT_EQ(row.items_lost_size(), 1);
  EXPECT_EQ(row.items_lost(0).category(), v1::CARGO_CATEGORY_MEDICAL);
  EXPECT_EQ(row.items_lost(0).removed(), 40);
  EXPECT_EQ(row.last_delivery().day(), 25);
  EXPECT_EQ(row.days_since_last_delivery(), 6);  // 25 to 31 October
  // Eastern Aleppo's population is given only as "more than 275,000": no
  // figure is invented for it.
  EXPECT_FALSE(row.has_people_in_need());

  // The table for people: every area, the never-reached ones first.
  CommandResult table = Ctl({"report", "access", "--from=2016-10-01", "--to=2016-10-31"});
  ASSERT_EQ(table.exit_code, 0) << table.err;
  // The area rows come first, then the period's totals.
  const std::string rows = table.out.substr(0, table.out.find("\nTotals "));
  std::vector<std::string> lines = absl::StrSplit(rows, '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 52u);  // header + 51 areas
  EXPECT_THAT(lines.back(), HasSubstr("ALP-EAST"));
  EXPECT_THAT(lines[1], HasSubstr("never"));
  EXPECT_THAT(table.err, HasSubstr("50 of 51 areas had no delivery"));

  CommandResult listed = Ctl({"convoys", "list", "--area=ALP-EAST", "--status=denied"});
  ASSERT_EQ(listed.exit_code, 0);
  EXPECT_THAT(listed.out, HasSubstr(b.id()));
  EXPECT_THAT(listed.out, ::testing::Not(HasSubstr(a.id())));
}

// An admin adds a road from the command line; coordinators then report on
// it and send convoys along it.
TEST_F(CorridorctlConvoysTest, AnAdminCreatesARoadThatConvoysThenUse) {
  const std::string admin = corridor::testing::AdminTokenFile(dir_->Sub("data"));
  auto as_admin = [&](std::vector<std::string> args) {
    return RunCorridorctl(server_->address(), std::move(args), admin);
  };
  CommandResult created =
      as_admin({"--output=json", "routes", "create", "--id=bab-al-hawa-road",
                "--name=Bab al-Hawa road", "--serves=ALP-EAST, EG-DUMA", "--party=Armed opposition",
                "--description=from the Turkish border crossing", "--source=OCHA access map",
                "--source-note=as of 2016-10"});
  ASSERT_EQ(created.exit_code, 0) << created.err;
  v1::Route route;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(created.out, &route).ok()) << created.out;
  EXPECT_EQ(route.id(), "bab-al-hawa-road");
  EXPECT_EQ(route.name(), "Bab al-Hawa road");
  ASSERT_EQ(route.serves_area_ids_size(), 2);
  EXPECT_EQ(route.serves_area_ids(1), "EG-DUMA");
  EXPECT_EQ(route.controlling_party(), "Armed opposition");
  ASSERT_EQ(route.sources_size(), 1);
  EXPECT_EQ(route.sources(0).note(), "as of 2016-10");

  CommandResult listed = Ctl({"routes", "get", "bab-al-hawa-road"});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_THAT(listed.out, HasSubstr("Bab al-Hawa road"));
  v1::Convoy convoy = CtlJson<v1::Convoy>({"convoys", "submit", "--agency=WFP", "--area=EG-DUMA",
                                           "--route=bab-al-hawa-road", "--planned=2016-10-01",
                                           "--requested=2015-12-01", "--beneficiaries=100",
                                           "--cargo=flour:food:1:tonnes"});
  EXPECT_EQ(convoy.route_id(), "bab-al-hawa-road");

  // Each missing or bad flag is named; a second road with the id is refused.
  CommandResult no_name = as_admin({"routes", "create", "--id=nameless-road"});
  EXPECT_EQ(no_name.exit_code, 2);
  EXPECT_THAT(no_name.err, HasSubstr("--name is required"));
  CommandResult no_id = as_admin({"routes", "create", "--name=Somewhere"});
  EXPECT_EQ(no_id.exit_code, 2);
  EXPECT_THAT(no_id.err, HasSubstr("--id is required"));
  CommandResult empty_serves =
      as_admin({"routes", "create", "--id=empty-road", "--name=Empty", "--serves=,"});
  EXPECT_EQ(empty_serves.exit_code, 2);
  EXPECT_THAT(empty_serves.err, HasSubstr("--serves names no area"));
  CommandResult unknown_flag =
      as_admin({"routes", "create", "--id=x-road", "--name=X", "--status=open"});
  EXPECT_EQ(unknown_flag.exit_code, 2);
  EXPECT_THAT(unknown_flag.err, HasSubstr("--status is not a flag of \"routes create\""));
  CommandResult bad_id = as_admin({"routes", "create", "--id=Not A Slug", "--name=X"});
  EXPECT_EQ(bad_id.exit_code, 4);
  EXPECT_THAT(bad_id.err, HasSubstr("route.id"));
  CommandResult again =
      as_admin({"routes", "create", "--id=bab-al-hawa-road", "--name=Bab al-Hawa road"});
  EXPECT_NE(again.exit_code, 0);
  EXPECT_THAT(again.err, HasSubstr("already exists"));
  // Only admins manage roads.
  CommandResult coordinator = Ctl({"routes", "create", "--id=c-road", "--name=C"});
  EXPECT_NE(coordinator.exit_code, 0);
  EXPECT_THAT(coordinator.err, HasSubstr("admin"));
}

TEST_F(CorridorctlConvoysTest, BadConvoyInputIsRefusedNamingTheField) {
  CommandResult cargo =
      Ctl({"convoys", "submit", "--agency=WFP", "--area=ALP-EAST", "--planned=2016-10-10",
           "--requested=2015-12-01", "--beneficiaries=10", "--cargo=flour:bread:1:kg"});
  EXPECT_EQ(cargo.exit_code, 2);
  EXPECT_THAT(cargo.err, HasSubstr("category: \"bread\" is not one of food, medical"));
  CommandResult area =
      Ctl({"convoys", "submit", "--agency=WFP", "--area=ATLANTIS", "--planned=2016-10-10",
           "--requested=2015-12-01", "--beneficiaries=10", "--cargo=flour:food:1:kg"});
  EXPECT_EQ(area.exit_code, 4);
  EXPECT_THAT(area.err, HasSubstr("area_id: the areas service has no area \"ATLANTIS\""));
  CommandResult missing = Ctl({"convoys", "get", "cv-0000000000000000"});
  EXPECT_EQ(missing.exit_code, 5);

  // A refused field is named by the flag that sets it: an attacked convoy
  // needs the party held responsible.
  v1::Convoy attacked = Submit("e2e-attacked", "2016-09-19", "78000");
  ASSERT_FALSE(attacked.id().empty());
  CommandResult approved =
      Ctl({"convoys", "approve", attacked.id(), "--beneficiaries=78000", "--date=2016-09-10"});
  ASSERT_EQ(approved.exit_code, 0) << approved.err;
  ASSERT_EQ(Ctl({"convoys", "dispatch", attacked.id(), "--date=2016-09-19"}).exit_code, 0);
  CommandResult no_party = Ctl({"convoys", "outcome", attacked.id(), "--outcome=attacked",
                                "--category=7", "--date=2016-09-19"});
  EXPECT_EQ(no_party.exit_code, 4);
  EXPECT_THAT(no_party.err,
              HasSubstr("refused --party (the request's responsible_party): is required"));
  EXPECT_THAT(no_party.err, HasSubstr("Fix --party and run the command again"));
}

}  // namespace
}  // namespace corridor::cli
