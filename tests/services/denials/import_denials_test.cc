// ImportDenials over real gRPC, with the areas service (areas and the party
// registry) in the same server as corridord runs them: rows committed one
// write per request, a re-run storing nothing, each refused row named by
// line and field while the rest are stored, and callers refused as a whole.
#include <grpcpp/grpcpp.h>

#include "clients/imports/import_stream.h"
#include "common/ids.h"
#include "common/server.h"
#include "corridor/v1/denials.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/areas/areas_module.h"
#include "services/denials/denials_module.h"
#include "tests/testing/module_host.h"
#include "tests/testing/temp_dir.h"
#include "tests/testing/test_credentials.h"

namespace corridor::denials {
namespace {

using ::testing::HasSubstr;

const char* const kAreas[] = {"EG-DUMA", "WG-DARAYYA", "RD-MADAYA"};

v1::RecordDenialRequest Row(int n) {
  v1::RecordDenialRequest r;
  v1::DenialFacts* facts = r.mutable_facts();
  facts->set_party(n % 2 ? "ISIS" : "Syrian government and affiliated militias");
  facts->set_area_id(kAreas[n % 3]);
  facts->mutable_occurred_at()->set_seconds(1473206400 + n * 3600);  // from 2016-09-07
  facts->set_category(v1::ACCESS_CONSTRAINT_MOVEMENT_RESTRICTION);
  facts->set_description("convoy held at the checkpoint");
  facts->mutable_source()->set_citation("OCHA sitrep");
  facts->set_people_affected(10);
  r.set_idempotency_key("import/" + std::to_string(n));
  return r;
}

class ImportDenialsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(
        host_.Start({{"areas", areas::OpenAreasModule}, {"denials", OpenDenialsModule}}).ok());
    denials_ = v1::DenialService::NewStub(host_.channel());
  }

  // Sends `requests` over one ImportDenials stream as `role`; the answers.
  grpc::Status Import(const std::vector<v1::ImportDenialsRequest>& requests,
                      std::vector<v1::ImportBatchResponse>* answers,
                      v1::Role role = v1::ROLE_COORDINATOR) {
    auto context = credentials_.Context(role, "importer", role == v1::ROLE_PARTNER ? "WFP" : "");
    auto stream = denials_->ImportDenials(context.get());
    size_t next = 0;
    return imports::SendImport<v1::ImportDenialsRequest>(
        stream.get(),
        [&](v1::ImportDenialsRequest* request) {
          if (next == requests.size()) return false;
          *request = requests[next++];
          return true;
        },
        [&](const v1::ImportBatchResponse& answer, int) { answers->push_back(answer); });
  }

  // Rows first..first+count-1 as one request, each on line n + 2.
  static v1::ImportDenialsRequest Rows(int first, int count) {
    v1::ImportDenialsRequest request;
    for (int n = first; n < first + count; ++n) {
      v1::ImportDenialRow* row = request.add_rows();
      row->set_line(n + 2);
      *row->mutable_denial() = Row(n);
    }
    return request;
  }

  v1::DenialStatsResponse StatsByArea() {
    v1::DenialStatsRequest request;
    request.set_group_by(v1::STATS_DIMENSION_AREA);
    request.mutable_from()->set_year(2016);
    request.mutable_from()->set_month(1);
    request.mutable_to()->set_year(2017);
    request.mutable_to()->set_month(12);
    v1::DenialStatsResponse stats;
    grpc::Status s =
        denials_->DenialStats(credentials_.Context(v1::ROLE_OVERSIGHT).get(), request, &stats);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return stats;
  }

  bool Stored(const std::string& key) {
    v1::GetDenialRequest request;
    request.set_id(DenialIdFor(key));
    v1::Denial denial;
    return denials_->GetDenial(credentials_.Context(v1::ROLE_OVERSIGHT).get(), request, &denial)
        .ok();
  }

  testing::TempDir dir_;
  testing::TestCredentials credentials_{dir_.Sub("auth")};
  testing::ModuleHost host_{&dir_, &credentials_};
  std::unique_ptr<v1::DenialService::Stub> denials_;
};

TEST_F(ImportDenialsTest, EachRequestIsOneJournalEntryAndARerunStoresNothing) {
  std::vector<v1::ImportBatchResponse> answers;
  grpc::Status s = Import({Rows(0, 300), Rows(300, 200)}, &answers);
  ASSERT_TRUE(s.ok()) << s.error_message();
  ASSERT_EQ(answers.size(), 2u);
  EXPECT_EQ(answers[0].rows_stored(), 300);
  EXPECT_EQ(answers[1].rows_stored(), 200);
  EXPECT_EQ(answers[0].refused_size() + answers[1].refused_size(), 0);
  // One journal entry per row, as 500 single writes would have made;
  // nothing else writes, so the second request's follow the first's.
  EXPECT_EQ(answers[1].first_journal_index(), answers[0].first_journal_index() + 300);
  EXPECT_TRUE(Stored("import/0"));
  EXPECT_TRUE(Stored("import/499"));

  // The counters add up as 500 single writes would: 167 rows per area
  // (n % 3 == 0 and 1), 166 for the third, 10 people each.
  v1::DenialStatsResponse stats = StatsByArea();
  EXPECT_EQ(stats.total().denials(), 500);
  EXPECT_EQ(stats.total().people_affected(), 5000);
  std::map<std::string, int64_t> by_area;
  for (const v1::DenialStatsRow& row : stats.rows()) by_area[row.group()] = row.denials();
  EXPECT_EQ(by_area["EG-DUMA"], 167);
  EXPECT_EQ(by_area["WG-DARAYYA"], 167);
  EXPECT_EQ(by_area["RD-MADAYA"], 166);

  std::vector<v1::ImportBatchResponse> again;
  s = Import({Rows(0, 300), Rows(300, 200)}, &again);
  ASSERT_TRUE(s.ok()) << s.error_message();
  ASSERT_EQ(again.size(), 2u);
  EXPECT_EQ(again[0].rows_stored() + again[1].rows_stored(), 0);
  EXPECT_EQ(again[0].rows_already_stored() + again[1].rows_already_stored(), 500);
  EXPECT_FALSE(again[0].has_first_journal_index()) << "a re-run writes no journal entry";
  EXPECT_EQ(StatsByArea().total().denials(), 500);
}

TEST_F(ImportDenialsTest, RefusedRowsNameTheirLineAndFieldAndTheOthersAreStored) {
  // A key stored before, with other facts than row 5 will give it.
  std::vector<v1::ImportBatchResponse> first;
  v1::ImportDenialsRequest earlier = Rows(5, 1);
  earlier.mutable_rows(0)->mutable_denial()->mutable_facts()->set_people_affected(99);
  ASSERT_TRUE(Import({earlier}, &first).ok());

  v1::ImportDenialsRequest request = Rows(0, 8);
  request.mutable_rows(1)->mutable_denial()->mutable_facts()->set_area_id("NO-SUCH-AREA");
  request.mutable_rows(2)->mutable_denial()->mutable_facts()->set_party("Nobody we know");
  request.mutable_rows(3)->mutable_denial()->set_request_id("r-1");
  request.mutable_rows(4)->mutable_denial()->mutable_facts()->set_description(
      std::string(5000, 'x'));
  // Row 6 repeats row 0 (a retry within the file); row 7 reuses row 0's
  // key for other facts.
  *request.mutable_rows(6)->mutable_denial() = Row(0);
  *request.mutable_rows(7)->mutable_denial() = Row(0);
  request.mutable_rows(7)->mutable_denial()->mutable_facts()->set_people_affected(1);

  std::vector<v1::ImportBatchResponse> answers;
  grpc::Status s = Import({request}, &answers);
  ASSERT_TRUE(s.ok()) << s.error_message();
  ASSERT_EQ(answers.size(), 1u);
  const v1::ImportBatchResponse& answer = answers[0];
  EXPECT_EQ(answer.rows_stored(), 1) << "row 0";
  EXPECT_EQ(answer.rows_already_stored(), 1) << "row 6";
  std::map<int64_t, v1::ImportRowRefusal> refused;
  for (const v1::ImportRowRefusal& r : answer.refused()) refused[r.line()] = r;
  ASSERT_EQ(refused.size(), 6u) << answer.DebugString();
  EXPECT_EQ(refused[3].field(), "facts.area_id");
  EXPECT_EQ(refused[3].reason(), "INVALID_FIELD");
  EXPECT_THAT(refused[3].message(), HasSubstr("NO-SUCH-AREA"));
  EXPECT_EQ(refused[4].field(), "facts.party");
  EXPECT_EQ(refused[5].field(), "request_id");
  EXPECT_EQ(refused[6].field(), "facts.description");
  EXPECT_THAT(refused[6].message(), HasSubstr("the limit is"));
  EXPECT_EQ(refused[7].reason(), "ALREADY_EXISTS");
  EXPECT_EQ(refused[7].field(), "idempotency_key");
  EXPECT_EQ(refused[9].reason(), "ALREADY_EXISTS");
  EXPECT_THAT(refused[9].message(), HasSubstr("twice in this import"));
  EXPECT_TRUE(Stored("import/0"));
  EXPECT_FALSE(Stored("import/1"));
  EXPECT_EQ(StatsByArea().total().denials(), 2) << "row 0 and the earlier import";
}

TEST_F(ImportDenialsTest, ARoleThatMayNotRecordIsRefusedAndNothingIsStored) {
  std::vector<v1::ImportBatchResponse> answers;
  grpc::Status s = Import({Rows(0, 10)}, &answers, v1::ROLE_PARTNER);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED) << s.error_message();
  EXPECT_TRUE(answers.empty());
  EXPECT_FALSE(Stored("import/0"));
}

// An attacker's finding: a stream opened before its token was revoked went
// on storing rows.
TEST_F(ImportDenialsTest, AStreamStopsWritingOnceItsTokenIsRevoked) {
  auto context = credentials_.Context(v1::ROLE_COORDINATOR, "leaver");
  auto stream = denials_->ImportDenials(context.get());
  v1::ImportBatchResponse answer;
  ASSERT_TRUE(stream->Write(Rows(0, 5)));
  ASSERT_TRUE(stream->Read(&answer));
  EXPECT_EQ(answer.rows_stored(), 5);
  credentials_.Revoke(v1::ROLE_COORDINATOR, "leaver");
  stream->Write(Rows(5, 5));
  stream->WritesDone();
  EXPECT_FALSE(stream->Read(&answer));
  grpc::Status s = stream->Finish();
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED) << s.error_message();
  EXPECT_TRUE(Stored("import/4"));
  EXPECT_FALSE(Stored("import/5"));
}

// An attacker's finding: a coordinator could record under the key the
// convoys service relays a convoy's denial with, before the convoy was
// denied, and so take its place.
TEST_F(ImportDenialsTest, KeysOfTheConvoysServicesRelaysAreRefused) {
  v1::ImportDenialsRequest request = Rows(0, 2);
  request.mutable_rows(1)->mutable_denial()->set_idempotency_key("convoys/cv-0123456789abcdef/2");
  std::vector<v1::ImportBatchResponse> answers;
  ASSERT_TRUE(Import({request}, &answers).ok());
  ASSERT_EQ(answers.size(), 1u);
  EXPECT_EQ(answers[0].rows_stored(), 1);
  ASSERT_EQ(answers[0].refused_size(), 1);
  EXPECT_EQ(answers[0].refused(0).line(), 3);
  EXPECT_EQ(answers[0].refused(0).field(), "idempotency_key");
  EXPECT_THAT(answers[0].refused(0).message(), HasSubstr("convoys service's"));
  v1::Denial denial;
  grpc::Status unary = denials_->RecordDenial(credentials_.Context(v1::ROLE_COORDINATOR).get(),
                                              request.rows(1).denial(), &denial);
  EXPECT_EQ(unary.error_code(), grpc::StatusCode::PERMISSION_DENIED) << unary.error_message();
}

// An attacker's finding: a key twice in one request was compared with the
// earlier row even when that row was refused, not with what is stored.
TEST_F(ImportDenialsTest, ALaterCopyOfARefusedRowIsAnsweredAgainstWhatIsStored) {
  std::vector<v1::ImportBatchResponse> first;
  ASSERT_TRUE(Import({Rows(0, 1)}, &first).ok());  // import/0 with facts A
  v1::ImportDenialsRequest request = Rows(0, 2);
  // Line 2: import/0 with facts B (refused); line 3: import/0 with facts A.
  *request.mutable_rows(0)->mutable_denial() = Row(0);
  request.mutable_rows(0)->mutable_denial()->mutable_facts()->set_people_affected(1);
  *request.mutable_rows(1)->mutable_denial() = Row(0);
  std::vector<v1::ImportBatchResponse> answers;
  ASSERT_TRUE(Import({request}, &answers).ok());
  ASSERT_EQ(answers.size(), 1u);
  EXPECT_EQ(answers[0].rows_already_stored(), 1) << answers[0].DebugString();
  ASSERT_EQ(answers[0].refused_size(), 1);
  EXPECT_EQ(answers[0].refused(0).line(), 2);
  EXPECT_THAT(answers[0].refused(0).message(), HasSubstr("recorded other facts"));
}

TEST_F(ImportDenialsTest, ARequestOverTheRowLimitEndsTheStreamNamingRows) {
  std::vector<v1::ImportBatchResponse> answers;
  grpc::Status s = Import({Rows(0, 10), Rows(10, 1001)}, &answers);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("rows: has 1001 items; the limit is 1000 per request"));
  ASSERT_EQ(answers.size(), 1u) << "the request before it was answered";
  EXPECT_TRUE(Stored("import/9"));
  EXPECT_FALSE(Stored("import/10"));
}

}  // namespace
}  // namespace corridor::denials
