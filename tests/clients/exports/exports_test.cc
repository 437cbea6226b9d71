// The export library against a real corridord: sheets built from the
// records the services hold (filters applied, areas joined), and each
// writer's output of them.
#include <sstream>

#include "absl/strings/str_split.h"
#include "clients/exports/record_source.h"
#include "clients/exports/sheets.h"
#include "clients/exports/writers.h"
#include "common/credentials.h"
#include "common/service_channels.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/subprocess.h"
#include "tests/testing/temp_dir.h"

namespace corridor::exports {
namespace {

using ::corridor::testing::BinaryPath;
using ::corridor::testing::RunCorridorctl;
using ::corridor::testing::ServerProcess;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

std::vector<std::string> Lines(const std::string& text) {
  return absl::StrSplit(text, '\n', absl::SkipEmpty());
}

size_t Count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

class ExportsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto server = ServerProcess::Start(BinaryPath("corridord"), {"--data_dir=" + dir_.Sub("data")},
                                       dir_.path());
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    auto token_file = corridor::testing::CreateTokenFile(
        server_->address(), dir_.Sub("data"), "coordinator", dir_.Sub("coordinator.token"));
    ASSERT_TRUE(token_file.ok()) << token_file.status();
    token_file_ = *token_file;
    absl::StatusOr<std::string> token = ReadTokenFile(token_file_);
    ASSERT_TRUE(token.ok()) << token.status();
    token_ = *token;
    channels_ =
        std::make_unique<ServiceChannels>(server_->address(), grpc::InsecureChannelCredentials());
  }

  std::unique_ptr<RecordSource> Source(const std::string& token) {
    return NewGrpcRecordSource(
        {[this](const std::string& service) { return channels_->For(service); },
         [token](grpc::ClientContext* context) { AttachBearerToken(context, token); },
         [this](const std::string&, size_t) { ++progress_reports_; }});
  }

  void RecordDenial(const std::string& party, const std::string& area, const std::string& at) {
    auto result = RunCorridorctl(
        server_->address(),
        {"denials", "record", "--party=" + party, "--area=" + area, "--category=violence",
         "--at=" + at, "--description=stopped", "--source=sitrep", "--key=" + party + at},
        token_file_);
    ASSERT_EQ(result.exit_code, 0) << result.err;
  }

  corridor::testing::TempDir dir_;
  std::unique_ptr<ServerProcess> server_;
  std::string token_file_, token_;
  std::unique_ptr<ServiceChannels> channels_;
  int progress_reports_ = 0;
};

TEST_F(ExportsTest, AreasSheetHoldsTheReferenceDataAndPlacesWhatHasCoordinates) {
  absl::StatusOr<Sheet> sheet = AreasSheet(*Source(token_));
  ASSERT_TRUE(sheet.ok()) << sheet.status();
  EXPECT_EQ(sheet->rows.size(), 51u);
  EXPECT_EQ(sheet->points.size(), 51u);
  EXPECT_EQ(RowsWithoutPoint(*sheet).size(), 5u);
  EXPECT_EQ(sheet->columns[0].name, "id");
  EXPECT_EQ(sheet->columns[0].hxl, "#loc+id");
  EXPECT_GT(progress_reports_, 0);

  std::ostringstream geojson;
  WriteGeoJson(*sheet, geojson);
  EXPECT_EQ(Count(geojson.str(), "\"Feature\""), 51u);
  EXPECT_EQ(Count(geojson.str(), "\"geometry\":null"), 5u);
}

TEST_F(ExportsTest, DenialsSheetAppliesTheFiltersAndJoinsTheArea) {
  RecordDenial("Armed opposition", "EG-DUMA", "2016-09-03");
  RecordDenial("Armed opposition", "EG-DUMA", "2016-10-03");
  RecordDenial("ISIS", "EG-DUMA", "2016-09-04");
  v1::ListDenialsRequest filter;
  filter.set_party("Armed opposition");
  absl::StatusOr<Sheet> sheet = DenialsSheet(*Source(token_), filter);
  ASSERT_TRUE(sheet.ok()) << sheet.status();
  ASSERT_EQ(sheet->rows.size(), 2u);
  ASSERT_EQ(sheet->rows[0].size(), sheet->columns.size());
  EXPECT_EQ(sheet->columns.back().name, "longitude");
  EXPECT_EQ(sheet->rows[0][3], "Armed opposition");
  EXPECT_THAT(sheet->rows[0], ::testing::Contains("Douma"));

  std::ostringstream csv, hxl, json;
  WriteCsv(*sheet, csv);
  Write(ExportFormat::kHxl, *sheet, hxl);
  WriteJson(*sheet, json);
  EXPECT_EQ(Lines(csv.str()).size(), 3u);
  EXPECT_THAT(Lines(csv.str())[0], StartsWith("id,revision,occurred_at,party,party_id,area_id"));
  ASSERT_EQ(Lines(hxl.str()).size(), 4u);
  EXPECT_THAT(Lines(hxl.str())[1], StartsWith("#meta+id,#meta+revision,#date+occurred"));
  EXPECT_THAT(json.str(), StartsWith("[\n{\"id\":"));
  EXPECT_EQ(Count(json.str(), "\"party\":\"Armed opposition\""), 2u);
}

TEST_F(ExportsTest, ConvoysSheetWritesTheManifestAsSubmitTakesIt) {
  auto submitted =
      RunCorridorctl(server_->address(),
                     {"convoys", "submit", "--agency=WFP", "--area=EG-DUMA", "--planned=2016-10-01",
                      "--requested=2015-12-01", "--beneficiaries=1000",
                      "--cargo=flour:food:10:tonnes", "--key=k1"},
                     token_file_);
  ASSERT_EQ(submitted.exit_code, 0) << submitted.err;
  ExportQuery query;
  query.kind = ExportKind::kConvoys;
  absl::StatusOr<Sheet> sheet = SheetFor(*Source(token_), query);
  ASSERT_TRUE(sheet.ok()) << sheet.status();
  ASSERT_EQ(sheet->rows.size(), 1u);
  EXPECT_THAT(sheet->rows[0], ::testing::Contains("flour:food:10:tonnes"));
  EXPECT_THAT(sheet->rows[0], ::testing::Contains("requested"));
}

// A convoy's whole life reaches its export: the dates it was requested,
// dispatched and ended, its approval steps, and what checkpoints removed
// and refused, line by line; GeoJSON and JSON write numbers as numbers, and
// CSV still neutralises what a spreadsheet would run.
TEST_F(ExportsTest, ConvoyExportsCarryStepsDatesAndLossesWithNumbersAsNumbers) {
  auto ctl = [&](std::vector<std::string> args) {
    auto result = RunCorridorctl(server_->address(), std::move(args), token_file_);
    EXPECT_EQ(result.exit_code, 0) << result.err;
    return result;
  };
  auto submitted = ctl({"--output=csv", "convoys", "submit", "--agency=WFP", "--area=EG-DUMA",
                        "--planned=2016-10-10", "--requested=2016-10-01", "--beneficiaries=1000",
                        "--cargo=flour:food:10:tonnes;insulin:medical:300:vials;"
                        "@SUM(1+1):wash:5:kits",
                        "--key=life"});
  const std::string id = submitted.out.substr(submitted.out.find('\n') + 1, 19);
  ctl({"convoys", "step", id, "--step=facilitation letter",
       "--authority=Ministry of Foreign Affairs", "--requested=2016-10-01", "--answered=2016-10-04",
       "--outcome=granted"});
  ctl({"convoys", "step", id, "--step=security committee",
       "--authority=Damascus security committee", "--requested=2016-10-02"});
  ctl({"convoys", "approve", id, "--beneficiaries=800", "--date=2016-10-05"});
  ctl({"convoys", "dispatch", id, "--date=2016-10-10"});
  ctl({"convoys", "outcome", id, "--outcome=partially-delivered", "--reached=700", "--removed=1:40",
       "--refused=2:1", "--date=2016-10-11"});

  auto csv = ctl({"export", "convoys"});
  std::vector<std::string> lines = Lines(csv.out);
  ASSERT_EQ(lines.size(), 2u) << csv.out;
  for (const char* column : {"requested_on", "dispatched_date", "outcome_date", "approval_steps",
                             "items_removed", "items_refused", "category_name"}) {
    EXPECT_THAT(lines[0], HasSubstr(column));
  }
  EXPECT_THAT(lines[1], HasSubstr(",2016-10-01,2016-10-10,2016-10-11,"));
  EXPECT_THAT(lines[1], HasSubstr("facilitation letter|Ministry of Foreign Affairs|2016-10-01|"
                                  "2016-10-04|granted;security committee|Damascus security "
                                  "committee|2016-10-02||pending"));
  EXPECT_THAT(lines[1], HasSubstr(",insulin:40:vials,"));
  EXPECT_THAT(lines[1], HasSubstr(",\"'@SUM(1+1):1:kits\",")) << "neutralised";
  auto hxl = ctl({"export", "convoys", "--format=hxl"});
  EXPECT_THAT(Lines(hxl.out)[1],
              HasSubstr("#date+requested,#date+dispatched,#date+outcome,#access+type+name,"
                        "#access+approval+steps,#item+removed,#item+refused"));

  auto geojson = ctl({"export", "convoys", "--format=geojson"});
  for (const char* number : {"\"beneficiaries_requested\":1000", "\"beneficiaries_approved\":800",
                             "\"beneficiaries_reached\":700", "\"latitude\":33.5698594",
                             "\"category\":null", "\"transitions\":"}) {
    EXPECT_THAT(geojson.out, HasSubstr(number)) << geojson.out;
  }
  EXPECT_THAT(geojson.out, HasSubstr("\"items_removed\":\"insulin:40:vials\""));
  EXPECT_THAT(geojson.out, HasSubstr("\"dispatched_date\":\"2016-10-10\""));
  EXPECT_THAT(geojson.out, Not(HasSubstr("\"1000\"")));
  auto json = ctl({"export", "convoys", "--format=json"});
  EXPECT_THAT(json.out, HasSubstr("\"beneficiaries_reached\":700"));

  // The other sheets too.
  RecordDenial("Armed opposition", "EG-DUMA", "2016-09-03");
  auto denials = ctl({"export", "denials", "--format=geojson"});
  for (const char* typed : {"\"revision\":1", "\"category\":4", "\"people_affected\":null",
                            "\"awaiting_confirmation\":false", "\"longitude\":36.3991420"}) {
    EXPECT_THAT(denials.out, HasSubstr(typed)) << denials.out;
  }
  auto areas = ctl({"export", "areas", "--format=geojson"});
  EXPECT_THAT(areas.out, Not(HasSubstr("\"population\":\""))) << areas.out;
  EXPECT_THAT(areas.out, Not(HasSubstr("\"latitude\":\""))) << areas.out;
  EXPECT_THAT(areas.out, HasSubstr("\"population\":12520"));  // Yarmouk, as reported
}

TEST(ExportWritersTest, JsonWritesOnlyValidNumbersBare) {
  Sheet sheet;
  sheet.columns = {{"id", "#meta+id"},
                   {"n", "#value", CellKind::kNumber},
                   {"flag", "#status", CellKind::kBoolean}};
  sheet.rows = {{"a", "-0.5", "true"}, {"b", "", ""}, {"c", "012", "yes"}, {"d", "1e+5", "false"}};
  sheet.points = {std::nullopt, std::nullopt, std::nullopt, std::nullopt};
  std::ostringstream json;
  WriteJson(sheet, json);
  EXPECT_EQ(json.str(),
            "[\n{\"id\":\"a\",\"n\":-0.5,\"flag\":true},\n{\"id\":\"b\",\"n\":null,\"flag\":null},"
            "\n{\"id\":\"c\",\"n\":\"012\",\"flag\":\"yes\"},\n{\"id\":\"d\",\"n\":1e+5,\"flag\":"
            "false}\n]\n");
}

TEST_F(ExportsTest, AFailedCallIsTheServicesStatusNotText) {
  absl::StatusOr<Sheet> sheet = AreasSheet(*Source("not-a-token"));
  ASSERT_FALSE(sheet.ok());
  EXPECT_EQ(sheet.status().code(), absl::StatusCode::kUnauthenticated);
}

TEST(ExportWritersTest, NeutraliseFormulasAndLabelDownloads) {
  Sheet sheet;
  sheet.columns = {{"id", "#meta+id"}, {"party", "#group"}};
  sheet.rows = {{"d-1", "=SUM(1+1)"}};
  sheet.points = {std::nullopt};
  std::ostringstream csv;
  WriteCsv(sheet, csv);
  EXPECT_THAT(csv.str(), HasSubstr("'=SUM(1+1)"));
  EXPECT_THAT(RowsWithoutPoint(sheet), ElementsAre("d-1"));
  EXPECT_EQ(FileName("denials", ExportFormat::kHxl), "corridor-denials-hxl.csv");
  EXPECT_EQ(FileName("areas", ExportFormat::kGeoJson), "corridor-areas.geojson");
  EXPECT_EQ(ContentType(ExportFormat::kGeoJson), "application/geo+json");
}

TEST(ExportWritersTest, FormatsAndKindsAreParsedOrRefusedByName) {
  EXPECT_EQ(*ParseExportFormat("format", "GeoJSON"), ExportFormat::kGeoJson);
  absl::StatusOr<ExportFormat> bad = ParseExportFormat("--format", "xls");
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(std::string(bad.status().message()),
              StartsWith("--format: \"xls\" is not one of csv"));
  EXPECT_EQ(*ParseExportKind("convoys"), ExportKind::kConvoys);
  EXPECT_EQ(ParseExportKind("tokens").status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace corridor::exports
