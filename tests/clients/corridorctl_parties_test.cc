// End to end through corridorctl against a running corridord: the party
// registry as a coordinator and an admin meet it. Spellings of one party
// are one party in denial statistics, area lists and road reports; text
// that names no party is refused with the closest names until an admin
// adds the spelling.
#include "absl/strings/str_cat.h"
#include "corridor/v1/denials.pb.h"
#include "corridor/v1/parties.pb.h"
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

class CorridorctlPartiesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto server = ServerProcess::Start(BinaryPath("corridord"), {"--data_dir=" + dir_.Sub("data")},
                                       dir_.path());
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    auto token = corridor::testing::CreateTokenFile(server_->address(), dir_.Sub("data"),
                                                    "coordinator", dir_.Sub("coordinator.token"));
    ASSERT_TRUE(token.ok()) << token.status();
  }

  CommandResult Ctl(std::vector<std::string> args) {
    return RunCorridorctl(server_->address(), std::move(args), dir_.Sub("coordinator.token"));
  }
  CommandResult Admin(std::vector<std::string> args) {
    return RunCorridorctl(server_->address(), std::move(args),
                          corridor::testing::AdminTokenFile(dir_.Sub("data")));
  }

  template <typename Message>
  Message Json(const CommandResult& result) {
    EXPECT_EQ(result.exit_code, 0) << result.err;
    Message message;
    auto parsed = google::protobuf::util::JsonStringToMessage(result.out, &message);
    EXPECT_TRUE(parsed.ok()) << parsed.ToString() << "\n" << result.out;
    return message;
  }

  CommandResult RecordDenial(const std::string& party, const std::string& key) {
    return Ctl({"--output=json", "denials", "record", "--party=" + party, "--area=EG-DUMA",
                "--category=movement-restriction", "--at=2016-09-07",
                "--description=convoy held at the checkpoint", "--source=OCHA sitrep",
                "--key=" + key});
  }

  testing::TempDir dir_;
  std::unique_ptr<ServerProcess> server_;
};

TEST_F(CorridorctlPartiesTest, TheRegistryIsListedAndResolvesEverySpelling) {
  CommandResult list = Ctl({"parties", "list"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  EXPECT_THAT(list.out, HasSubstr("syrian-government"));
  EXPECT_THAT(list.out, HasSubstr("الحكومة السورية"));
  EXPECT_THAT(list.err, HasSubstr("6 parties"));

  const auto resolved = Json<v1::ResolvePartyResponse>(
      Ctl({"--output=json", "parties", "resolve", "syrian government and affiliated militias"}));
  EXPECT_EQ(resolved.party().id(), "syrian-government");

  CommandResult none = Ctl({"parties", "resolve", "Syrian Arab Army"});
  EXPECT_EQ(none.exit_code, 5) << none.out;
  EXPECT_THAT(none.err, HasSubstr("the closest: Syrian Government (syrian-government)"));
}

TEST_F(CorridorctlPartiesTest, SpellingsAreOnePartyAndUnknownTextWaitsForAnAdmin) {
  for (const char* spelling : {"Syrian Government forces", "Government of Syria"}) {
    const auto denial = Json<v1::Denial>(RecordDenial(spelling, spelling));
    EXPECT_EQ(denial.facts().party(), spelling);
    EXPECT_EQ(denial.facts().party_id(), "syrian-government");
  }
  CommandResult stats = Ctl({"denials", "stats", "--by=party", "--from=2016-01", "--to=2016-12"});
  ASSERT_EQ(stats.exit_code, 0) << stats.err;
  EXPECT_THAT(stats.out, HasSubstr("Syrian Government"));
  EXPECT_THAT(stats.out, HasSubstr("syrian-government"));
  const auto by_party = Json<v1::DenialStatsResponse>(
      Ctl({"--output=json", "denials", "stats", "--by=party", "--from=2016-01", "--to=2016-12"}));
  ASSERT_EQ(by_party.rows_size(), 1);
  EXPECT_EQ(by_party.rows(0).denials(), 2);

  // A coordinator's unknown spelling is refused, naming the field and the
  // closest party; nothing is stored.
  CommandResult refused = RecordDenial("Syrian Arab Army", "saa-1");
  EXPECT_EQ(refused.exit_code, 4) << refused.out;
  EXPECT_THAT(refused.err, HasSubstr("refused --party (the request's facts.party): no party of "
                                     "the registry is called \"Syrian Arab Army\""));
  EXPECT_THAT(refused.err, HasSubstr("Syrian Government (syrian-government)"));
  // Only an admin adds a spelling.
  CommandResult not_admin = Ctl({"parties", "alias", "syrian-government", "Syrian Arab Army"});
  EXPECT_EQ(not_admin.exit_code, 7) << not_admin.err;
  CommandResult alias = Admin({"parties", "alias", "syrian-government", "Syrian Arab Army"});
  ASSERT_EQ(alias.exit_code, 0) << alias.err;
  const auto added = Json<v1::Denial>(RecordDenial("Syrian Arab Army", "saa-1"));
  EXPECT_EQ(added.facts().party_id(), "syrian-government");

  // A new party, then a denial by it.
  CommandResult created = Admin(
      {"parties", "create", "--id=jaysh-al-islam", "--name=Jaysh al-Islam", "--name-ar=جيش الإسلام",
       "--coalition=armed-opposition", "--aliases=Army of Islam|Jaish al-Islam", "--note=test"});
  ASSERT_EQ(created.exit_code, 0) << created.err;
  EXPECT_EQ(Json<v1::Denial>(RecordDenial("Army of Islam", "jai-1")).facts().party_id(),
            "jaysh-al-islam");
}

TEST_F(CorridorctlPartiesTest, AreasAndRoadReportsGoByTheParty) {
  CommandResult by_alias =
      Ctl({"--output=csv", "areas", "list", "--party=Syrian Government forces"});
  CommandResult by_id = Ctl({"--output=csv", "areas", "list", "--party=syrian-government"});
  // A misspelt party is not "no areas": it is refused with the closest.
  CommandResult typo = Ctl({"areas", "list", "--party=Syrain Goverment"});
  EXPECT_EQ(typo.exit_code, 4);
  EXPECT_THAT(typo.err, HasSubstr("Syrian Government (syrian-government)"));
  CommandResult denials = Ctl({"denials", "list", "--party=Syrain Goverment"});
  EXPECT_EQ(denials.exit_code, 4);
  ASSERT_EQ(by_alias.exit_code, 0) << by_alias.err;
  EXPECT_EQ(by_alias.out, by_id.out);
  EXPECT_THAT(by_alias.out, HasSubstr("EG-DUMA"));   // "...and affiliated militias"
  EXPECT_THAT(by_alias.out, HasSubstr("ALP-EAST"));  // "...and allies (Russia, ...)"

  // A road no one party holds, as the reference data's "Contested".
  const auto contested = Json<v1::ReportRouteStatusResponse>(
      Ctl({"--output=json", "routes", "report", "castello-road", "--status=under-fire",
           "--at=2016-09-19", "--source=test", "--party=Contested"}));
  EXPECT_EQ(contested.report().controlling_party_id(), "unattributed");
  CommandResult unknown = Ctl({"routes", "report", "castello-road", "--status=under-fire",
                               "--at=2016-09-19", "--source=test", "--party=Syrian Arab Army"});
  EXPECT_EQ(unknown.exit_code, 4);
  EXPECT_THAT(unknown.err, HasSubstr("controlling_party: no party of the registry"));
  const auto report = Json<v1::ReportRouteStatusResponse>(
      Ctl({"--output=json", "routes", "report", "castello-road", "--status=closed",
           "--at=2016-09-20", "--source=test", "--party=Syrian government and allies"}));
  EXPECT_EQ(report.report().controlling_party_id(), "syrian-government");
  EXPECT_EQ(report.route().controlling_party_id(), "syrian-government");
}

}  // namespace
}  // namespace corridor::cli
