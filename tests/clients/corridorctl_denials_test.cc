// End to end for an oversight body: the corridorctl binary against a running
// corridord records denials, lists one party's denials in one month, totals
// them by category, exports them as HXL and GeoJSON, corrects one, and
// imports a file twice with a bad row in it.
#include <unistd.h>

#include <fstream>

#include "absl/strings/str_split.h"
#include "corridor/v1/convoys.pb.h"
#include "corridor/v1/denials.pb.h"
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
using ::testing::StartsWith;

constexpr char kGovernment[] = "--party=Syrian government and affiliated militias";

std::vector<std::string> Lines(const std::string& text) {
  return absl::StrSplit(text, '\n', absl::SkipEmpty());
}

class CorridorctlDenialsTest : public ::testing::Test {
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

  void Record(const std::string& party, const std::string& area, const std::string& category,
              const std::string& at, const std::string& people) {
    CommandResult r =
        Ctl({"denials", "record", party, "--area=" + area, "--category=" + category, "--at=" + at,
             "--people=" + people, "--description=stopped at checkpoint", "--source=OCHA sitrep",
             "--key=" + party + at + category});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }

  corridor::testing::TempDir dir_;
  std::unique_ptr<ServerProcess> server_;
};

TEST_F(CorridorctlDenialsTest, OversightListsOnePartysMonthTotalsByCategoryAndExportsHxl) {
  Record(kGovernment, "EG-DUMA", "movement-restriction", "2016-09-03", "5000");
  Record(kGovernment, "EG-ARBIN", "violence", "2016-09-20T14:30:00Z", "1200");
  Record(kGovernment, "EG-DUMA", "movement-restriction", "2016-10-01", "800");
  Record("--party=ISIS", "DEZ-CITY", "hostilities", "2016-09-10", "90000");

  CommandResult list = Ctl({"--output=csv", "denials", "list", kGovernment, "--month=2016-09"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  std::vector<std::string> rows = Lines(list.out);
  ASSERT_EQ(rows.size(), 3u) << list.out;  // header + 2, newest first
  EXPECT_THAT(rows[1], HasSubstr("2016-09-20T14:30:00Z"));
  EXPECT_THAT(rows[2], HasSubstr("2016-09-03"));

  // A bare --until date includes that day.
  CommandResult range = Ctl(
      {"--output=csv", "denials", "list", kGovernment, "--since=2016-09-03", "--until=2016-09-20"});
  ASSERT_EQ(range.exit_code, 0) << range.err;
  EXPECT_EQ(Lines(range.out).size(), 3u) << range.out;

  CommandResult stats = Ctl({"--output=csv", "denials", "stats", "--by=category", kGovernment,
                             "--from=2016-09", "--to=2016-09"});
  ASSERT_EQ(stats.exit_code, 0) << stats.err;
  EXPECT_THAT(stats.out, HasSubstr("movement-restriction,1,5000,1"));
  EXPECT_THAT(stats.out, HasSubstr("violence,1,1200,1"));
  EXPECT_THAT(stats.out, HasSubstr("total,2,6200,2"));

  CommandResult by_party =
      Ctl({"--output=csv", "denials", "stats", "--by=party", "--from=2016-01", "--to=2016-12"});
  ASSERT_EQ(by_party.exit_code, 0) << by_party.err;
  // Largest count first.
  EXPECT_THAT(Lines(by_party.out)[1], StartsWith("Syrian Government,syrian-government,3,7000,3"));
  EXPECT_THAT(Lines(by_party.out)[2], StartsWith("ISIS (ISIL),isis,1,90000,1"));

  const std::string hxl_path = dir_.Sub("denials.hxl.csv");
  CommandResult hxl = Ctl(
      {"export", "denials", "--format=hxl", kGovernment, "--month=2016-09", "--out=" + hxl_path});
  ASSERT_EQ(hxl.exit_code, 0) << hxl.err;
  std::ifstream file(hxl_path);
  std::string text((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  rows = Lines(text);
  ASSERT_EQ(rows.size(), 4u) << text;  // header, hashtags, 2 denials
  EXPECT_THAT(rows[0], StartsWith("id,revision,occurred_at,party,party_id,area_id"));
  EXPECT_THAT(
      rows[1],
      StartsWith("#meta+id,#meta+revision,#date+occurred,#group+name+denying,#group+code+denying"));
  EXPECT_THAT(rows[1], HasSubstr("#access+type+code"));
  EXPECT_THAT(rows[1], HasSubstr("#affected"));
  EXPECT_THAT(text, HasSubstr("Douma,SY03,33.5698594,36.3991420"));

  // The exported file imports back as the same denials: nothing new.
  CommandResult again = Ctl({"import", "denials", hxl_path});
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_THAT(again.err, HasSubstr("2 rows: 0 new, 2 already stored, 0 refused"));
}

// A denial naming a convoy the convoys service does not hold is refused,
// naming the field, and nothing is written; a real convoy is accepted.
TEST_F(CorridorctlDenialsTest, ADenialNamingAnUnknownConvoyIsRefused) {
  CommandResult unknown =
      Ctl({"denials", "record", kGovernment, "--area=EG-DUMA", "--category=movement-restriction",
           "--at=2016-09-03", "--description=held", "--source=OCHA sitrep",
           "--convoy=cv-0123456789abcdef"});
  EXPECT_EQ(unknown.exit_code, 4) << unknown.err;
  EXPECT_THAT(unknown.err, HasSubstr("facts.convoy_id"));
  EXPECT_THAT(unknown.err, HasSubstr("no convoy \"cv-0123456789abcdef\""));
  CommandResult none = Ctl({"--output=csv", "denials", "list"});
  ASSERT_EQ(none.exit_code, 0) << none.err;
  EXPECT_EQ(Lines(none.out).size(), 1u) << none.out;  // the header only

  CommandResult submitted = Ctl({"--output=json", "convoys", "submit", "--agency=WFP",
                                 "--area=EG-DUMA", "--planned=2016-09-03", "--requested=2015-12-01",
                                 "--beneficiaries=100", "--cargo=flour:food:1:tonnes"});
  ASSERT_EQ(submitted.exit_code, 0) << submitted.err;
  v1::Convoy convoy;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(submitted.out, &convoy).ok());
  CommandResult known = Ctl(
      {"denials", "record", kGovernment, "--area=EG-DUMA", "--category=movement-restriction",
       "--at=2016-09-03", "--description=held", "--source=OCHA sitrep", "--convoy=" + convoy.id()});
  EXPECT_EQ(known.exit_code, 0) << known.err;
}

TEST_F(CorridorctlDenialsTest, GeoJsonKeepsAreasWithoutCoordinatesAndSaysWhich) {
  CommandResult geo = Ctl({"export", "areas", "--format=geojson"});
  ASSERT_EQ(geo.exit_code, 0) << geo.err;
  size_t features = 0, nulls = 0;
  for (size_t at = geo.out.find("\"Feature\""); at != std::string::npos;
       at = geo.out.find("\"Feature\"", at + 1)) {
    ++features;
  }
  for (size_t at = geo.out.find("\"geometry\":null"); at != std::string::npos;
       at = geo.out.find("\"geometry\":null", at + 1)) {
    ++nulls;
  }
  EXPECT_EQ(features, 51u);  // every reference row
  EXPECT_EQ(nulls, 5u);      // the five the sources give no coordinates for
  EXPECT_THAT(geo.err, HasSubstr("5 features have no coordinates"));
}

TEST_F(CorridorctlDenialsTest, CorrectionKeepsHistoryAndImportReportsBadLinesAndRerunsAddNothing) {
  CommandResult made = Ctl({"--output=json", "denials", "record", kGovernment, "--area=EG-DUMA",
                            "--category=interference", "--at=2016-09-03", "--people=300",
                            "--description=medical items removed", "--source=WHO report",
                            "--evidence=https://example.org/report.pdf"});
  ASSERT_EQ(made.exit_code, 0) << made.err;
  v1::Denial denial;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(made.out, &denial).ok());
  CommandResult fixed =
      Ctl({"denials", "correct", denial.id(), "--people=450", "--reason=WHO revised the figure"});
  ASSERT_EQ(fixed.exit_code, 0) << fixed.err;
  CommandResult history = Ctl({"--output=csv", "denials", "history", denial.id()});
  ASSERT_EQ(history.exit_code, 0) << history.err;
  std::vector<std::string> revisions = Lines(history.out);
  ASSERT_EQ(revisions.size(), 3u) << history.out;
  EXPECT_THAT(revisions[1], HasSubstr(",300"));
  EXPECT_THAT(revisions[2], HasSubstr("WHO revised the figure"));
  EXPECT_THAT(revisions[2], HasSubstr(",450"));
  CommandResult no_reason = Ctl({"denials", "correct", denial.id(), "--people=1"});
  EXPECT_EQ(no_reason.exit_code, 2);
  EXPECT_THAT(no_reason.err, HasSubstr("--reason is required"));
  CommandResult no_change = Ctl({"denials", "correct", denial.id(), "--reason=checked again"});
  EXPECT_EQ(no_change.exit_code, 2);
  EXPECT_THAT(no_change.err, HasSubstr("nothing to correct"));

  const std::string path = dir_.Sub("import.csv");
  std::ofstream(path)
      << "party,area_id,occurred_at,category,description,source,people_affected\n"
      << "Armed opposition,EG-DUMA,2016-11-02,2,blocked,OCHA,100\n"
      << "Armed opposition,NOT-AN-AREA,2016-11-03,2,blocked,OCHA,100\n"
      << "Armed opposition,EG-DUMA,2016-11-04,violence,\"shelled,\nthen blocked\",OCHA,\n"
      << "Armed opposition,EG-DUMA,2016-11-05,12,blocked,OCHA,5\n";
  CommandResult first = Ctl({"import", "denials", path});
  EXPECT_EQ(first.exit_code, 4) << first.err;
  EXPECT_THAT(first.err, HasSubstr("line 3: column area_id: "));
  EXPECT_THAT(first.err, HasSubstr("NOT-AN-AREA"));
  EXPECT_THAT(first.err, HasSubstr("(facts.area_id)"));
  EXPECT_THAT(first.err, HasSubstr("line 6: column category"));
  EXPECT_THAT(first.err, HasSubstr("4 rows: 2 new, 0 already stored, 2 refused"));
  CommandResult second = Ctl({"import", "denials", path});
  EXPECT_THAT(second.err, HasSubstr("4 rows: 0 new, 2 already stored, 2 refused"));
  CommandResult listed = Ctl({"--output=csv", "denials", "list", "--party=Armed opposition"});
  EXPECT_EQ(Lines(listed.out).size(), 4u) << listed.out;  // header + 2 (one spans 2 lines)
}

// What an outsider's files did to the import stream: a misspelt or missing
// column stored rows without their field; Excel's byte-order mark hid the
// first column; 600 rows of long texts made one request over 4 MiB.
TEST_F(CorridorctlDenialsTest, ImportChecksTheHeaderFirstAndSplitsLongRowsIntoRequests) {
  const std::string header = "party,area_id,occurred_at,category,description,source,";
  const std::string typo = dir_.Sub("typo.csv");
  std::ofstream(typo) << header << "people_afected\n"
                      << "Armed opposition,EG-DUMA,2016-11-02,2,blocked,OCHA,100\n";
  CommandResult misspelt = Ctl({"import", "denials", typo});
  EXPECT_EQ(misspelt.exit_code, 2) << misspelt.err;
  EXPECT_THAT(misspelt.err, HasSubstr("people_afected"));
  EXPECT_THAT(misspelt.err, HasSubstr("did you mean people_affected?"));
  EXPECT_THAT(misspelt.err, HasSubstr("nothing was imported"));

  const std::string missing = dir_.Sub("missing.csv");
  std::ofstream(missing) << "party,occurred_at,category,description,source\n"
                         << "Armed opposition,2016-11-02,2,blocked,OCHA\n";
  CommandResult no_area = Ctl({"import", "denials", missing});
  EXPECT_EQ(no_area.exit_code, 2) << no_area.err;
  EXPECT_THAT(no_area.err, HasSubstr("has no column area_id"));
  EXPECT_EQ(Lines(Ctl({"--output=csv", "denials", "list"}).out).size(), 1u) << "only the header";

  const std::string bom = dir_.Sub("bom.csv");
  std::ofstream(bom) << "\xEF\xBB\xBF" << header << "people_affected\n"
                     << "Armed opposition,EG-DUMA,2016-11-02,2,blocked,OCHA,100\n";
  CommandResult excel = Ctl({"import", "denials", bom});
  EXPECT_EQ(excel.exit_code, 0) << excel.err;
  EXPECT_THAT(excel.err, HasSubstr("1 row: 1 new"));

  // 600 rows of about 9 KB each: 5 MB, more than one message may carry.
  const std::string long_rows = dir_.Sub("long.csv");
  {
    std::ofstream out(long_rows);
    out << "party,area_id,occurred_at,category,description,source,source_note,idempotency_key\n";
    for (int i = 0; i < 600; ++i) {
      out << "Armed opposition,EG-DUMA,2016-11-02,2," << std::string(3990, 'd') << ","
          << std::string(990, 's') << "," << std::string(3990, 'n') << ",long-" << i << "\n";
    }
  }
  CommandResult long_import = Ctl({"import", "denials", long_rows});
  EXPECT_EQ(long_import.exit_code, 0) << long_import.err;
  EXPECT_THAT(long_import.err, HasSubstr("600 rows: 600 new"));
}

// Issue 20: a partner's own convoy step must not create denials attributed
// to nobody. The relayed denial names the partner, is marked unconfirmed in
// lists, stats and exports until a coordinator confirms it, and counts no
// more people than the convoy was for and did not reach.
TEST_F(CorridorctlDenialsTest, APartnersConvoyDenialNamesThePartnerAndAwaitsConfirmation) {
  auto partner_file = corridor::testing::CreateTokenFile(
      server_->address(), dir_.Sub("data"), "partner", dir_.Sub("partner.token"), "WFP");
  ASSERT_TRUE(partner_file.ok()) << partner_file.status();
  auto partner = [&](std::vector<std::string> args) {
    return RunCorridorctl(server_->address(), std::move(args), *partner_file);
  };
  CommandResult submitted =
      partner({"--output=json", "convoys", "submit", "--agency=WFP", "--area=EG-DUMA",
               "--planned=2016-10-10", "--requested=2016-10-01", "--beneficiaries=10000",
               "--cargo=wheat flour:food:120:tonnes", "--key=wfp-partner-1"});
  ASSERT_EQ(submitted.exit_code, 0) << submitted.err;
  v1::Convoy convoy;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(submitted.out, &convoy).ok())
      << submitted.out;
  const std::string id = convoy.id();
  for (std::vector<std::string> step :
       {std::vector<std::string>{"convoys", "approve", id, "--beneficiaries=8000",
                                 "--date=2016-10-05"},
        {"convoys", "dispatch", id, "--date=2016-10-10"}}) {
    CommandResult r = partner(step);
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  // Turned back or not, a convoy never reached more than it was approved for.
  CommandResult too_many = partner({"convoys", "outcome", id, "--outcome=turned-back",
                                    "--reached=9000", "--party=Syrian government and affiliated "
                                    "militias", "--category=movement-restriction",
                                    "--date=2016-10-11"});
  EXPECT_NE(too_many.exit_code, 0);
  EXPECT_THAT(
      too_many.err,
      HasSubstr(
          "refused --reached (the request's beneficiaries_reached): 9000 is more than the 8000"));
  for (std::vector<std::string> step :
       {std::vector<std::string>{"convoys", "outcome", id, "--outcome=turned-back", "--reached=3000",
         "--party=Syrian government and affiliated militias", "--category=movement-restriction",
         "--date=2016-10-11"}}) {
    CommandResult r = partner(step);
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  // The convoys service relays the denial through its outbox.
  v1::Denial relayed;
  for (int attempt = 0; attempt < 100 && relayed.id().empty(); ++attempt) {
    CommandResult listed = Ctl({"--output=json", "denials", "list", "--convoy=" + id});
    ASSERT_EQ(listed.exit_code, 0) << listed.err;
    v1::ListDenialsResponse response;
    ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(listed.out, &response).ok())
        << listed.out;
    if (response.denials_size() > 0) relayed = response.denials(0);
    if (relayed.id().empty()) usleep(100 * 1000);
  }
  ASSERT_FALSE(relayed.id().empty()) << "the convoy's denial never reached the denials service";
  // A step recorded afterwards on the turned-back convoy relays nothing more
  // (it once relayed a denial with no party, which the denials service
  // refused and the outbox set aside).
  CommandResult late_step =
      partner({"convoys", "step", id, "--step=late letter", "--authority=Other side",
               "--requested=2016-10-01", "--answered=2016-10-20", "--outcome=granted"});
  ASSERT_EQ(late_step.exit_code, 0) << late_step.err;
  usleep(1000 * 1000);
  EXPECT_THAT(server_->Logs(), ::testing::Not(HasSubstr("set aside")));
  EXPECT_EQ(relayed.reported_by().role(), v1::ROLE_PARTNER);
  EXPECT_EQ(relayed.reported_by().agency(), "WFP");
  EXPECT_EQ(relayed.recorded_by().role(), v1::ROLE_SERVICE);
  EXPECT_TRUE(relayed.awaiting_confirmation());
  EXPECT_EQ(relayed.facts().people_affected(), 5000);  // 8,000 approved, 3,000 reached

  // What the partner itself sees: its own agency's principal and the
  // service that recorded it (no one's staff); no network address anywhere.
  CommandResult seen = partner({"--output=json", "denials", "get", relayed.id()});
  ASSERT_EQ(seen.exit_code, 0) << seen.err;
  v1::Denial as_partner;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(seen.out, &as_partner).ok());
  EXPECT_FALSE(as_partner.reported_by().name().empty());
  EXPECT_EQ(as_partner.reported_by().name(), relayed.reported_by().name());
  EXPECT_EQ(as_partner.recorded_by().name(), relayed.recorded_by().name());
  EXPECT_EQ(as_partner.recorded_by().role(), v1::ROLE_SERVICE);
  EXPECT_THAT(seen.out, ::testing::Not(HasSubstr("ipv4:")));

  CommandResult table = Ctl({"denials", "get", relayed.id()});
  EXPECT_THAT(table.out, HasSubstr("awaiting a coordinator's confirmation"));
  EXPECT_THAT(table.out, HasSubstr("partner, WFP"));
  CommandResult stats =
      Ctl({"--output=csv", "denials", "stats", "--by=party", "--from=2016-10", "--to=2016-10"});
  ASSERT_EQ(stats.exit_code, 0) << stats.err;
  EXPECT_THAT(stats.out, HasSubstr("Syrian Government,syrian-government,1,5000,1,1,5000"));
  CommandResult csv = Ctl({"export", "denials", "--convoy=" + id});
  ASSERT_EQ(csv.exit_code, 0) << csv.err;
  EXPECT_THAT(Lines(csv.out)[0],
              HasSubstr("reported_by_role,reported_by_agency,awaiting_confirmation"));
  EXPECT_THAT(Lines(csv.out)[1], HasSubstr("partner,WFP,true"));

  // A partner cannot confirm its own report; a coordinator can, once.
  CommandResult self = partner({"denials", "confirm", relayed.id(), "--reason=we saw it"});
  EXPECT_NE(self.exit_code, 0);
  EXPECT_THAT(self.err, HasSubstr("may not call"));
  CommandResult confirmed = Ctl({"--output=json", "denials", "confirm", relayed.id(),
                                 "--reason=checked with the convoy leader and OCHA's access unit"});
  ASSERT_EQ(confirmed.exit_code, 0) << confirmed.err;
  v1::Denial after;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(confirmed.out, &after).ok());
  EXPECT_FALSE(after.awaiting_confirmation());
  EXPECT_EQ(after.revision(), 2);
  EXPECT_EQ(after.reported_by().agency(), "WFP");
  stats = Ctl({"--output=csv", "denials", "stats", "--by=party", "--from=2016-10", "--to=2016-10"});
  EXPECT_THAT(stats.out, HasSubstr("Syrian Government,syrian-government,1,5000,1,0,0"));
  CommandResult again = Ctl({"denials", "confirm", relayed.id(), "--reason=twice"});
  EXPECT_NE(again.exit_code, 0);
  EXPECT_THAT(again.err, HasSubstr("confirmed already"));

  // A coordinator's own denial needs no confirmation.
  Record(kGovernment, "EG-DUMA", "movement-restriction", "2016-10-20", "10");
  stats = Ctl({"--output=csv", "denials", "stats", "--by=party", "--from=2016-10", "--to=2016-10"});
  EXPECT_THAT(stats.out, HasSubstr("Syrian Government,syrian-government,2,5010,2,0,0"));
}

// CSV injection: what a spreadsheet would run is exported neutralised, and
// the export still imports back as the very same denial.
TEST_F(CorridorctlDenialsTest, FormulasAreExportedNeutralisedAndImportBackUnchanged) {
  CommandResult made =
      Ctl({"denials", "record", "--party=ISIS", "--checkpoint=-2+3+cmd|' /C calc'!A0",
           "--area=EG-DUMA", "--category=interference", "--at=2016-09-03", "--people=300",
           "--description==HYPERLINK(\"http://example.org\",\"details\")", "--source=@SUM(1+1)",
           "--key=csv-injection"});
  ASSERT_EQ(made.exit_code, 0) << made.err;
  const std::string path = dir_.Sub("denials.csv");
  CommandResult exported = Ctl({"export", "denials", "--out=" + path});
  ASSERT_EQ(exported.exit_code, 0) << exported.err;
  std::ifstream file(path);
  const std::string text((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  EXPECT_THAT(text, HasSubstr(",\"'-2+3+cmd|' /C calc'!A0\","));
  EXPECT_THAT(text, HasSubstr(",\"'=HYPERLINK(\"\"http://example.org\"\",\"\"details\"\")\""));
  EXPECT_THAT(text, HasSubstr(",\"'@SUM(1+1)\""));
  EXPECT_THAT(text, HasSubstr(",33.5698594,36.3991420\n"));  // numbers stay numbers

  // Read back as the same facts, or the key would be refused as reused.
  CommandResult again = Ctl({"import", "denials", path});
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_THAT(again.err, HasSubstr("1 row: 0 new, 1 already stored, 0 refused"));
}

}  // namespace
}  // namespace corridor::cli
