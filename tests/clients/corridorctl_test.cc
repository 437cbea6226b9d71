// End to end: the corridorctl binary against a running areas service,
// signed in as the platform's first admin (who manages areas).
#include <signal.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/subprocess.h"
#include "tests/testing/temp_dir.h"

namespace corridor::cli {
namespace {

using ::corridor::testing::BinaryPath;
using ::corridor::testing::CommandResult;
using ::corridor::testing::RunCommand;
using ::corridor::testing::RunCorridorctl;
using ::corridor::testing::ServerProcess;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

class CorridorctlTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new corridor::testing::TempDir();
    auto server = ServerProcess::Start(BinaryPath("corridord"),
                                       {"--services=auth,areas", "--data_dir=" + dir_->Sub("data")},
                                       dir_->path());
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = server->release();
  }
  static void TearDownTestSuite() {
    delete server_;
    delete dir_;
  }

  CommandResult Ctl(std::vector<std::string> args) {
    return RunCorridorctl(server_->address(), std::move(args),
                          corridor::testing::AdminTokenFile(dir_->Sub("data")));
  }

  static corridor::testing::TempDir* dir_;
  static ServerProcess* server_;
};

corridor::testing::TempDir* CorridorctlTest::dir_ = nullptr;
ServerProcess* CorridorctlTest::server_ = nullptr;

TEST_F(CorridorctlTest, ListShowsTheBesiegedAreasAsATable) {
  CommandResult result = Ctl({"areas", "list"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_THAT(result.out, StartsWith("ID "));
  EXPECT_THAT(result.out, HasSubstr("EG-DUMA"));
  EXPECT_THAT(result.out, HasSubstr("Douma"));
  EXPECT_THAT(result.out, HasSubstr("Madaya"));
  EXPECT_THAT(result.out, HasSubstr("12,520"));  // Yarmouk, as reported
  EXPECT_THAT(result.out, HasSubstr("~200,000"));
  EXPECT_THAT(result.err, HasSubstr("51 areas"));
}

TEST_F(CorridorctlTest, ListFiltersByStatusAndGovernorate) {
  CommandResult result = Ctl({"areas", "list", "--status=besieged", "--governorate=SY07"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_THAT(result.out, HasSubstr("IDL-FOUA"));
  EXPECT_THAT(result.out, Not(HasSubstr("EG-DUMA")));
  EXPECT_THAT(result.err, HasSubstr("2 areas"));
}

TEST_F(CorridorctlTest, JsonAndCsvOutputs) {
  CommandResult json = Ctl({"--output=json", "areas", "get", "EG-DUMA"});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  EXPECT_THAT(json.out, HasSubstr("\"id\": \"EG-DUMA\""));
  EXPECT_THAT(json.out, HasSubstr("\"name_en\": \"Douma\""));
  EXPECT_THAT(json.out, HasSubstr("\"status\": \"AREA_STATUS_BESIEGED\""));

  CommandResult csv = Ctl({"--output", "csv", "areas", "list", "--limit=3"});
  ASSERT_EQ(csv.exit_code, 0) << csv.err;
  EXPECT_THAT(csv.out, StartsWith("ID,NAME,STATUS,SINCE,GOVERNORATE,BESIEGING PARTY,POPULATION,"
                                  "NAME_AR,LATITUDE,LONGITUDE,VERSION\n"));
  EXPECT_EQ(std::count(csv.out.begin(), csv.out.end(), '\n'), 4);
}

TEST_F(CorridorctlTest, CreateSetStatusAndHistory) {
  CommandResult created =
      Ctl({"areas", "create", "--id=CLI-TEST", "--name=CLI test town", "--name-ar=بلدة",
           "--governorate=SY12", "--status=hard-to-reach", "--since=2016-01-10",
           "--source=CLI test", "--lat=32.6", "--lon=36.1"});
  ASSERT_EQ(created.exit_code, 0) << created.err;
  EXPECT_THAT(created.out, HasSubstr("CLI test town"));

  CommandResult changed = Ctl({"areas", "set-status", "CLI-TEST", "--status=besieged",
                               "--date=2016-06-01", "--source=SW3-TSI", "--note=road cut"});
  ASSERT_EQ(changed.exit_code, 0) << changed.err;
  EXPECT_THAT(changed.out, HasSubstr("besieged"));

  CommandResult history = Ctl({"areas", "history", "CLI-TEST"});
  ASSERT_EQ(history.exit_code, 0) << history.err;
  size_t besieged = history.out.find("2016-06-01");
  size_t hard = history.out.find("2016-01-10");
  ASSERT_NE(besieged, std::string::npos) << history.out;
  ASSERT_NE(hard, std::string::npos) << history.out;
  EXPECT_LT(besieged, hard) << "newest first";
  EXPECT_THAT(history.out, HasSubstr("road cut"));
}

// An area the CLI created has a population without a date or source and a
// location without a precision: the details show what is there, without
// stray separators or empty brackets.
TEST_F(CorridorctlTest, AreaDetailsLeaveOutWhatIsNotRecorded) {
  CommandResult created = Ctl({"areas", "create", "--id=BARE-TOWN", "--name=Bare town",
                               "--governorate=SY12", "--status=besieged", "--source=CLI test",
                               "--lat=32.6", "--lon=36.1", "--population=12000"});
  ASSERT_EQ(created.exit_code, 0) << created.err;
  CommandResult bare = Ctl({"areas", "get", "BARE-TOWN"});
  ASSERT_EQ(bare.exit_code, 0) << bare.err;
  EXPECT_THAT(bare.out, HasSubstr("32.600000, 36.100000\n")) << bare.out;
  EXPECT_THAT(bare.out, HasSubstr("12,000\n")) << bare.out;
  EXPECT_THAT(bare.out, Not(HasSubstr("()"))) << bare.out;
  EXPECT_THAT(bare.out, Not(HasSubstr("— ,"))) << bare.out;

  CommandResult nothing = Ctl({"areas", "create", "--id=NO-FIGURES", "--name=No figures",
                               "--governorate=SY12", "--status=besieged", "--source=CLI test"});
  ASSERT_EQ(nothing.exit_code, 0) << nothing.err;
  CommandResult empty = Ctl({"areas", "get", "NO-FIGURES"});
  ASSERT_EQ(empty.exit_code, 0) << empty.err;
  EXPECT_THAT(empty.out, HasSubstr("not recorded")) << empty.out;
  EXPECT_THAT(empty.out, Not(HasSubstr("— ,"))) << empty.out;

  // The reference data's full entries keep their date and source.
  CommandResult yarmouk = Ctl({"areas", "get", "DAM-YARMOUK"});
  ASSERT_EQ(yarmouk.exit_code, 0) << yarmouk.err;
  EXPECT_THAT(yarmouk.out, HasSubstr("12,520 — 27 Sep 2017, ")) << yarmouk.out;
}

// whoami shows the token as it was issued, when and by whom included.
TEST_F(CorridorctlTest, WhoAmIShowsWhenTheTokenWasCreated) {
  CommandResult who = Ctl({"--output=csv", "whoami"});
  ASSERT_EQ(who.exit_code, 0) << who.err;
  std::vector<std::string> lines = absl::StrSplit(who.out, '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 2u) << who.out;
  EXPECT_THAT(lines[0], StartsWith("ID,ROLE,AGENCY,NAME,CREATED,CREATED BY,REVOKED"));
  std::vector<std::string> cells = absl::StrSplit(lines[1], ',');
  ASSERT_GE(cells.size(), 6u) << lines[1];
  EXPECT_EQ(cells[1], "admin");
  EXPECT_THAT(cells[4], ::testing::MatchesRegex("20[0-9][0-9]-[0-9][0-9]-[0-9][0-9]T.*Z"))
      << lines[1];
}

// CSV injection: text a spreadsheet would run is neutralised, coordinates
// west of Greenwich and south of the equator stay numbers, in exports and
// in --output=csv alike.
TEST_F(CorridorctlTest, CsvNeutralisesFormulasButKeepsNegativeCoordinatesNumbers) {
  CommandResult created =
      Ctl({"areas", "create", "--id=CSV-INJ", "--name==HYPERLINK(\"http://example.org\",\"Douma\")",
           "--party=ISIS", "--group=@SUM(1+1)", "--governorate=SY12", "--status=besieged",
           "--source=-2+3+cmd|' /C calc'!A0", "--lat=-12.25", "--lon=-0.5"});
  ASSERT_EQ(created.exit_code, 0) << created.err;
  CommandResult exported = Ctl({"export", "areas"});
  ASSERT_EQ(exported.exit_code, 0) << exported.err;
  std::string row;
  for (absl::string_view line : absl::StrSplit(exported.out, '\n')) {
    if (absl::StartsWith(line, "CSV-INJ,")) row = std::string(line);
  }
  EXPECT_THAT(row, StartsWith("CSV-INJ,\"'=HYPERLINK(\"\"http://example.org\"\",\"\"Douma\"\")\","))
      << exported.out;
  EXPECT_THAT(row, HasSubstr(",-12.2500000,-0.5000000,besieged,"));
  EXPECT_THAT(row, HasSubstr(",\"'@SUM(1+1)\","));
  CommandResult listed = Ctl({"--output=csv", "areas", "get", "CSV-INJ"});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_THAT(listed.out, Not(HasSubstr(",=HYPERLINK"))) << listed.out;
  EXPECT_THAT(listed.out, Not(HasSubstr(",@SUM"))) << listed.out;
}

// The review's finding: --out=FILE opened FILE.partial without O_EXCL or
// O_NOFOLLOW, so a symlink planted there had the token written through it.
TEST_F(CorridorctlTest, TokenOutNeverWritesThroughASymlinkAtItsPartialFile) {
  const std::string victim = dir_->Sub("victim.txt");
  const std::string out = dir_->Sub("planted.token");
  std::ofstream(victim) << "someone else's file\n";
  std::filesystem::permissions(victim, std::filesystem::perms(0644));
  std::filesystem::create_symlink(victim, out + ".partial");
  CommandResult created =
      Ctl({"admin", "token", "create", "--role=oversight", "--name=symlink-test", "--out=" + out});
  ASSERT_EQ(created.exit_code, 0) << created.err;
  std::ifstream victim_in(victim);
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(victim_in), {}), "someone else's file\n");
  EXPECT_FALSE(std::filesystem::is_symlink(out));
  struct stat info;
  ASSERT_EQ(::lstat(out.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 07777, 0600u);
  EXPECT_EQ(::lstat(victim.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 07777, 0644u);
  EXPECT_EQ(RunCorridorctl(server_->address(), {"whoami"}, out).exit_code, 0);
}

TEST_F(CorridorctlTest, TokenOutNeverReplacesAnExistingFile) {
  const std::string out = dir_->Sub("ombudsman.token");
  ASSERT_EQ(Ctl({"admin", "token", "create", "--role=oversight", "--name=first", "--out=" + out})
                .exit_code,
            0);
  std::ifstream first_in(out);
  const std::string first(std::istreambuf_iterator<char>(first_in), {});
  const size_t tokens_before = Ctl({"admin", "token", "list"}).out.size();

  CommandResult again =
      Ctl({"admin", "token", "create", "--role=oversight", "--name=second", "--out=" + out});
  EXPECT_EQ(again.exit_code, 2) << again.err;
  EXPECT_THAT(again.err, HasSubstr("--out: " + out + " exists already"));
  std::ifstream after_in(out);
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(after_in), {}), first);
  // Refused before anything was made: no second token to revoke.
  EXPECT_EQ(Ctl({"admin", "token", "list"}).out.size(), tokens_before);
}

TEST_F(CorridorctlTest, UpdateChangesOnlyTheFieldsGiven) {
  ASSERT_EQ(Ctl({"areas", "create", "--id=CLI-UPD", "--name=Before", "--governorate=SY04",
                 "--status=besieged", "--source=x", "--party=ISIS"})
                .exit_code,
            0);
  CommandResult updated = Ctl({"areas", "update", "CLI-UPD", "--name-ar=قبل", "--population=1500"});
  ASSERT_EQ(updated.exit_code, 0) << updated.err;
  CommandResult json = Ctl({"--output=json", "areas", "get", "CLI-UPD"});
  EXPECT_THAT(json.out, HasSubstr("\"name_en\": \"Before\""));
  EXPECT_THAT(json.out, HasSubstr("\"name_ar\": \"قبل\""));
  EXPECT_THAT(json.out, HasSubstr("\"besieging_party\": \"ISIS\""));
  EXPECT_THAT(json.out, HasSubstr("\"count\": \"1500\""));
  EXPECT_THAT(json.out, HasSubstr("\"version\": \"2\""));

  CommandResult bad = Ctl({"areas", "update", "CLI-UPD", "--lat=33"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_THAT(bad.err, HasSubstr("--lat and --lon go together"));
  EXPECT_EQ(Ctl({"areas", "update", "NO-SUCH-AREA", "--name=x"}).exit_code, 5);
}

TEST_F(CorridorctlTest, BadFieldIsExplainedWithExitCode4) {
  CommandResult result = Ctl({"areas", "create", "--id=CLI-BAD", "--name=Bad", "--governorate=SY03",
                              "--status=besieged", "--source=x", "--lat=95", "--lon=36"});
  EXPECT_EQ(result.exit_code, 4);
  // The field comes from the error details (BadRequest), not the text.
  EXPECT_THAT(result.err, HasSubstr("refused the field area.location.latitude: "));
  EXPECT_THAT(result.err, HasSubstr("Fix that field"));
  EXPECT_EQ(Ctl({"areas", "get", "CLI-BAD"}).exit_code, 5);
}

// A write whose answer does not come is sent again with the same request
// id (which makes a repeat harmless), and the wait is said out loud.
TEST_F(CorridorctlTest, AWriteIsRetriedWhenTheServerCannotBeReached) {
  CommandResult result = RunCorridorctl(
      "127.0.0.1:1",
      {"areas", "set-status", "EG-DUMA", "--status=besieged", "--date=2016-01-01", "--source=x"},
      corridor::testing::AdminTokenFile(dir_->Sub("data")));
  EXPECT_EQ(result.exit_code, 3) << result.err;
  EXPECT_THAT(result.err, HasSubstr("(attempt 2 of 3)"));
  EXPECT_THAT(result.err, HasSubstr("(attempt 3 of 3)"));
  EXPECT_THAT(result.err, HasSubstr("its request id makes sure it is applied at most once"));
  // A read is not retried.
  CommandResult read = RunCorridorctl("127.0.0.1:1", {"areas", "get", "EG-DUMA"},
                                      corridor::testing::AdminTokenFile(dir_->Sub("data")));
  EXPECT_EQ(read.exit_code, 3);
  EXPECT_THAT(read.err, Not(HasSubstr("attempt")));
}

TEST_F(CorridorctlTest, DuplicateIdIsExitCode4) {
  CommandResult result = Ctl({"areas", "create", "--id=EG-DUMA", "--name=Dup", "--governorate=SY03",
                              "--status=besieged", "--source=x"});
  EXPECT_EQ(result.exit_code, 4);
  EXPECT_THAT(result.err, HasSubstr("already exists"));
}

TEST_F(CorridorctlTest, UnknownAreaIsExitCode5) {
  CommandResult result = Ctl({"areas", "get", "NO-SUCH-AREA"});
  EXPECT_EQ(result.exit_code, 5);
  EXPECT_THAT(result.err, HasSubstr("no area \"NO-SUCH-AREA\""));
}

TEST_F(CorridorctlTest, UsageErrorsAreExitCode2) {
  EXPECT_EQ(Ctl({}).exit_code, 2);
  CommandResult unknown_flag = Ctl({"areas", "list", "--colour=red"});
  EXPECT_EQ(unknown_flag.exit_code, 2);
  EXPECT_THAT(unknown_flag.err, HasSubstr("--colour is not a flag"));
  CommandResult bad_status = Ctl({"areas", "list", "--status=sieged"});
  EXPECT_EQ(bad_status.exit_code, 2);
  EXPECT_THAT(bad_status.err, HasSubstr("is not one of"));
  EXPECT_EQ(Ctl({"--output=yaml", "areas", "list"}).exit_code, 2);
  EXPECT_EQ(
      Ctl({"areas", "set-status", "EG-DUMA", "--status=besieged", "--date=12/1/2016", "--source=x"})
          .exit_code,
      2);
}

TEST_F(CorridorctlTest, UnreachableServerIsExitCode3InPlainWords) {
  CommandResult result = RunCommand(
      {BinaryPath("corridorctl"), "--server=127.0.0.1:1", "--timeout=2", "areas", "list"});
  EXPECT_EQ(result.exit_code, 3);
  EXPECT_THAT(result.err,
              HasSubstr("Check the address (--server or $CORRIDOR_SERVER; now 127.0.0.1:1)"));
}

TEST_F(CorridorctlTest, HelpPrintsUsage) {
  CommandResult result = RunCommand({BinaryPath("corridorctl"), "help"});
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_THAT(result.out, HasSubstr("areas set-status"));
}

}  // namespace
}  // namespace corridor::cli
