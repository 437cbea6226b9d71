// End to end for a coordinator and an oversight body: the corridorctl
// binary against a running corridord records the Urum al-Kubra convoy
// attack with the figures each source gave, refuses bad figures naming the
// field, corrects and withdraws incidents with the statistics following,
// and sees a convoy recorded as attacked arrive as an incident exactly once.
#include <algorithm>
#include <fstream>
#include <sstream>

#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "corridor/v1/incidents.pb.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/message_differencer.h"
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

// The Board of Inquiry's and the UN spokesperson's figures differ
// (../shared/data/RESEARCH-siege-facts.md §3.3): both are kept.
const std::vector<std::string> kUrumAlKubra = {
    "incidents",
    "record",
    "--type=attack_on_convoy",
    "--at=2016-09-19",
    "--lat=36.1477873",
    "--lon=36.9474545",
    "--place=Urum al-Kubra (Big Orm, C1029)",
    "--weapons=barrel_bomb,rocket",
    "--populated=yes",
    "--killed=10",
    "--injured=22",
    "--sources=BOI-S/2016/1093 killed=10 injured=22; UN-SPOX-30SEP16 killed=18",
    "--party=Syrian government",
    "--confidence=medium",
    "--basis=UN investigators (WIKI-ALEPPO, secondary); Russia rejected the attribution",
    "--description=UN/SARC convoy of 31 trucks struck while unloading at the SARC warehouse",
    "--key=urum-al-kubra-2016-09-19"};

class CorridorctlIncidentsTest : public ::testing::Test {
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

  v1::ListIncidentsResponse ListJson(std::vector<std::string> filters) {
    std::vector<std::string> args = {"--output=json", "incidents", "list"};
    args.insert(args.end(), filters.begin(), filters.end());
    CommandResult r = Ctl(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    v1::ListIncidentsResponse list;
    EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(r.out, &list).ok()) << r.out;
    return list;
  }

  v1::IncidentStatsResponse StatsJson(const std::string& by) {
    CommandResult r = Ctl(
        {"--output=json", "incidents", "stats", "--by=" + by, "--from=2016-01", "--to=2016-12"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    v1::IncidentStatsResponse stats;
    EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(r.out, &stats).ok()) << r.out;
    return stats;
  }

  corridor::testing::TempDir dir_;
  std::unique_ptr<ServerProcess> server_;
};

TEST_F(CorridorctlIncidentsTest, KeepsEachSourcesFiguresBesideTheRecordedOnes) {
  CommandResult recorded = Ctl(kUrumAlKubra);
  ASSERT_EQ(recorded.exit_code, 0) << recorded.err;
  EXPECT_THAT(recorded.out, HasSubstr("10 killed, 22 injured"));
  EXPECT_THAT(recorded.out, HasSubstr("UN-SPOX-30SEP16 (reported 18 killed, ? injured)"));
  EXPECT_THAT(recorded.out, HasSubstr("medium: UN investigators"));
  EXPECT_THAT(recorded.out, HasSubstr("(known to the day)"));

  const v1::ListIncidentsResponse list = ListJson({"--weapon=barrel_bomb"});
  ASSERT_EQ(list.incidents_size(), 1);
  const v1::IncidentFacts& facts = list.incidents(0).facts();
  EXPECT_EQ(facts.party_id(), "syrian-government");
  EXPECT_EQ(facts.precision(), v1::TIME_PRECISION_DAY);
  ASSERT_EQ(facts.sources_size(), 2);
  EXPECT_EQ(facts.sources(0).reported().total().killed(), 10);
  EXPECT_EQ(facts.sources(1).reported().total().killed(), 18);
  EXPECT_FALSE(facts.sources(1).reported().total().has_injured());
  EXPECT_FALSE(facts.casualties().children().has_killed()) << "never invented";

  // The same key again is a retry: still one incident.
  ASSERT_EQ(Ctl(kUrumAlKubra).exit_code, 0);
  EXPECT_EQ(ListJson({}).incidents_size(), 1);
  EXPECT_EQ(ListJson({"--weapon=chemical"}).incidents_size(), 0);
  EXPECT_EQ(ListJson({"--party=Government of Syria"}).incidents_size(), 1);
}

TEST_F(CorridorctlIncidentsTest, BadFiguresAreRefusedNamingTheFieldAndNothingIsStored) {
  ASSERT_EQ(Ctl(kUrumAlKubra).exit_code, 0);
  struct Case {
    std::vector<std::string> flags;
    std::string names;
  };
  const std::vector<Case> cases = {
      {{"--killed=10", "--civilians-killed=12"}, "facts.casualties.civilians.killed"},
      {{"--party=Syrian government", "--basis=x"}, "facts.attribution_confidence"},
      {{"--party=Syrian government", "--confidence=high"}, "facts.attribution_basis"},
      {{"--weapons=barrel_bomb,barrel_bomb"}, "facts.weapons[1]"},
      {{"--at=2016-09-19T10:00:00Z", "--area=ALP-EAST", "--party=Nobody We Know",
        "--confidence=low", "--basis=x"},
       "facts.party"},
  };
  for (const Case& c : cases) {
    std::vector<std::string> args = {"incidents", "record", "--type=air_strike",
                                     "--description=strike", "--sources=SW-REPORT"};
    if (std::none_of(c.flags.begin(), c.flags.end(),
                     [](const std::string& f) { return f.rfind("--at=", 0) == 0; })) {
      args.push_back("--at=2016-10-02");
      args.push_back("--area=ALP-EAST");
    }
    args.insert(args.end(), c.flags.begin(), c.flags.end());
    CommandResult r = Ctl(args);
    EXPECT_EQ(r.exit_code, 4) << c.names << ": " << r.err;
    EXPECT_THAT(r.err, HasSubstr(c.names));
  }
  CommandResult nowhere = Ctl({"incidents", "record", "--type=shelling", "--at=2016-10-02",
                               "--description=shelling", "--sources=SW"});
  EXPECT_EQ(nowhere.exit_code, 4);
  EXPECT_THAT(nowhere.err, HasSubstr("facts.area_id"));
  CommandResult negative =
      Ctl({"incidents", "record", "--type=shelling", "--at=2016-10-02", "--area=ALP-EAST",
           "--killed=-3", "--description=s", "--sources=SW"});
  EXPECT_EQ(negative.exit_code, 2);
  EXPECT_THAT(negative.err, HasSubstr("--killed"));
  EXPECT_EQ(ListJson({}).incidents_size(), 1);
  EXPECT_EQ(StatsJson("month").total().incidents(), 1);
}

TEST_F(CorridorctlIncidentsTest, CorrectionsAndWithdrawalsMoveTheStatistics) {
  ASSERT_EQ(Ctl(kUrumAlKubra).exit_code, 0);
  CommandResult strike = Ctl({"--output=json", "incidents", "record", "--type=air_strike",
                              "--at=2016-10", "--area=ALP-EAST", "--weapons=barrel_bomb",
                              "--killed=4", "--description=barrel bombs on a market",
                              "--sources=SW-REPORT-4", "--key=alp-east-strike"});
  ASSERT_EQ(strike.exit_code, 0) << strike.err;
  v1::Incident incident;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(strike.out, &incident).ok());
  EXPECT_EQ(incident.facts().precision(), v1::TIME_PRECISION_MONTH);

  v1::IncidentStatsResponse by_weapon = StatsJson("weapon");
  ASSERT_EQ(by_weapon.rows_size(), 2);
  EXPECT_EQ(by_weapon.rows(0).weapon(), v1::WEAPON_BARREL_BOMB);
  EXPECT_EQ(by_weapon.rows(0).incidents(), 2);
  EXPECT_EQ(by_weapon.rows(0).killed(), 14);
  EXPECT_EQ(by_weapon.total().incidents(), 2) << "one incident, two weapons, counted once";
  EXPECT_EQ(by_weapon.total().killed(), 14);

  CommandResult corrected = Ctl(
      {"incidents", "correct", incident.id(), "--killed=7", "--reason=the second report's count"});
  ASSERT_EQ(corrected.exit_code, 0) << corrected.err;
  EXPECT_EQ(StatsJson("month").total().killed(), 17);
  v1::IncidentStatsResponse by_party = StatsJson("party");
  ASSERT_EQ(by_party.rows_size(), 2);  // the government, and no party named

  ASSERT_EQ(Ctl({"incidents", "withdraw", incident.id(), "--reason=duplicate of another report"})
                .exit_code,
            0);
  EXPECT_EQ(StatsJson("month").total().killed(), 10);
  EXPECT_EQ(ListJson({}).incidents_size(), 1);
  CommandResult history = Ctl({"incidents", "history", incident.id()});
  ASSERT_EQ(history.exit_code, 0);
  EXPECT_THAT(history.out, HasSubstr("withdrawn"));
  EXPECT_THAT(history.out, HasSubstr("the second report's count"));
  EXPECT_EQ(Ctl({"incidents", "correct", incident.id(), "--killed=1", "--reason=again"}).exit_code,
            4);
}

TEST_F(CorridorctlIncidentsTest, ExportsPlaceAnIncidentWhereItHappenedAndImportKeepsTheSources) {
  ASSERT_EQ(Ctl(kUrumAlKubra).exit_code, 0);
  const std::string csv = dir_.Sub("incidents.csv");
  CommandResult exported = Ctl({"export", "incidents", "--format=hxl", "--out=" + csv});
  ASSERT_EQ(exported.exit_code, 0) << exported.err;
  std::ifstream in(csv);
  std::string header, hashtags, row;
  std::getline(in, header);
  std::getline(in, hashtags);
  std::getline(in, row);
  EXPECT_THAT(hashtags, HasSubstr("#affected+killed"));
  EXPECT_THAT(hashtags, HasSubstr("#group+name+perpetrator"));
  EXPECT_THAT(row,
              HasSubstr("BOI-S/2016/1093 (killed 10, injured 22); UN-SPOX-30SEP16 (killed 18)"));
  EXPECT_THAT(row, HasSubstr("barrel-bomb rocket"));
  in.close();

  CommandResult geojson = Ctl({"export", "incidents", "--format=geojson"});
  ASSERT_EQ(geojson.exit_code, 0) << geojson.err;
  EXPECT_THAT(geojson.out, HasSubstr("\"coordinates\":[36.9474545,36.1477873]"))
      << "the incident's own place, not its area's";

  // The same file again stores nothing, even after a correction (the file
  // holds the current revision); the file under a new key stores one more
  // incident with the same facts and sources.
  CommandResult again = Ctl({"import", "incidents", csv});
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_THAT(again.err, HasSubstr("0 new, 1 already stored"));
  ASSERT_EQ(Ctl({"incidents", "correct", ListJson({}).incidents(0).id(), "--injured=23",
                 "--reason=test correction", "--children-injured=4"})
                .exit_code,
            0);
  ASSERT_EQ(Ctl({"export", "incidents", "--format=hxl", "--out=" + csv}).exit_code, 0);
  CommandResult corrected = Ctl({"import", "incidents", csv});
  EXPECT_EQ(corrected.exit_code, 0) << corrected.err;
  EXPECT_THAT(corrected.err, HasSubstr("0 new, 1 already stored"));
  std::ifstream original(csv);
  std::stringstream text;
  text << original.rdbuf();
  std::string copied = text.str();
  const size_t key = copied.find("urum-al-kubra-2016-09-19");
  ASSERT_NE(key, std::string::npos);
  copied.replace(key, std::string("urum-al-kubra-2016-09-19").size(), "urum-copy");
  std::ofstream(dir_.Sub("copy.csv")) << copied;
  CommandResult imported = Ctl({"import", "incidents", dir_.Sub("copy.csv")});
  ASSERT_EQ(imported.exit_code, 0) << imported.err;
  const v1::ListIncidentsResponse both = ListJson({});
  ASSERT_EQ(both.incidents_size(), 2);
  v1::IncidentFacts first = both.incidents(0).facts(), second = both.incidents(1).facts();
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(first, second))
      << first.DebugString() << "\n"
      << second.DebugString();
}

TEST_F(CorridorctlIncidentsTest, AConvoyRecordedAsAttackedBecomesOneIncident) {
  CommandResult submitted =
      Ctl({"--output=csv", "convoys", "submit", "--agency=SARC", "--area=ALP-EAST",
           "--planned=2016-09-19", "--requested=2016-09-01", "--beneficiaries=78000",
           "--cargo=flour:food:10:tonnes", "--key=urum-convoy"});
  ASSERT_EQ(submitted.exit_code, 0) << submitted.err;
  const std::string id = submitted.out.substr(submitted.out.find('\n') + 1, 19);
  ASSERT_EQ(Ctl({"convoys", "approve", id, "--beneficiaries=78000", "--date=2016-09-10"}).exit_code,
            0);
  ASSERT_EQ(Ctl({"convoys", "dispatch", id, "--date=2016-09-19"}).exit_code, 0);
  CommandResult attacked =
      Ctl({"convoys", "outcome", id, "--outcome=attacked", "--party=Syrian government",
           "--category=violence", "--note=struck while unloading", "--date=2016-09-19",
           "--source=UN-SPOX-30SEP16"});
  ASSERT_EQ(attacked.exit_code, 0) << attacked.err;

  v1::ListIncidentsResponse list;
  const absl::Time give_up = absl::Now() + absl::Seconds(20);
  while (absl::Now() < give_up) {
    list = ListJson({"--convoy=" + id});
    if (list.incidents_size() > 0) break;
    absl::SleepFor(absl::Milliseconds(100));
  }
  ASSERT_EQ(list.incidents_size(), 1);
  const v1::IncidentFacts& facts = list.incidents(0).facts();
  EXPECT_EQ(facts.type(), v1::INCIDENT_TYPE_ATTACK_ON_CONVOY);
  EXPECT_EQ(facts.party_id(), "syrian-government");
  EXPECT_EQ(facts.attribution_confidence(), v1::ATTRIBUTION_CONFIDENCE_LOW);
  EXPECT_EQ(facts.sources(0).source().citation(), "UN-SPOX-30SEP16");
  EXPECT_FALSE(facts.casualties().total().has_killed()) << "a convoy's outcome states none";
  EXPECT_EQ(facts.area_id(), "ALP-EAST");

  // Corrected: not attacked after all. The incident is withdrawn.
  ASSERT_EQ(Ctl({"convoys", "correct", id, "--outcome=delivered", "--reached=78000",
                 "--reason=the attack was on another convoy"})
                .exit_code,
            0);
  const absl::Time withdrawn_by = absl::Now() + absl::Seconds(20);
  while (absl::Now() < withdrawn_by && ListJson({"--convoy=" + id}).incidents_size() > 0) {
    absl::SleepFor(absl::Milliseconds(100));
  }
  EXPECT_EQ(ListJson({"--convoy=" + id}).incidents_size(), 0);
  EXPECT_EQ(ListJson({}).incidents_size(), 0);
}

}  // namespace
}  // namespace corridor::cli
