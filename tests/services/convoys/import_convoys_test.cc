// ImportConvoys over real gRPC, with the areas service in the same server:
// past convoys and their steps committed one write per request, a re-run
// storing nothing, a partner's rows for another agency and a step its
// status forbids refused by line while the rest are stored.
#include <grpcpp/grpcpp.h>

#include <thread>

#include "clients/imports/import_stream.h"
#include "common/ids.h"
#include "common/server.h"
#include "corridor/v1/convoys.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/areas/areas_module.h"
#include "services/convoys/convoys_module.h"
#include "tests/testing/module_host.h"
#include "tests/testing/temp_dir.h"
#include "tests/testing/test_credentials.h"

namespace corridor::convoys {
namespace {

using ::testing::HasSubstr;

v1::Date Day(int year, int month, int day) {
  v1::Date d;
  d.set_year(year);
  d.set_month(month);
  d.set_day(day);
  return d;
}

// Convoy `n` of `agency`, delivered when n is even, denied when it is odd.
v1::ImportConvoyRequest Convoy(int n, const std::string& agency = "WFP") {
  v1::ImportConvoyRequest r;
  v1::SubmitConvoyRequestRequest* submit = r.mutable_submit();
  submit->set_agency(agency);
  submit->set_area_id("EG-DUMA");
  *submit->mutable_planned_date() = Day(2016, 10, 1 + n % 28);
  *submit->mutable_requested_on() = Day(2016, 9, 1);
  v1::ManifestLine* line = submit->add_manifest();
  line->set_item("flour");
  line->set_category(v1::CARGO_CATEGORY_FOOD);
  line->set_quantity(10);
  line->set_unit("tonnes");
  submit->set_beneficiaries_requested(1000);
  submit->set_idempotency_key("import/" + std::to_string(n));
  if (n % 2 == 1) {
    *r.mutable_deny()->mutable_occurred_on() = Day(2016, 9, 20);
    r.mutable_deny()->set_denying_party("Syrian government and affiliated militias");
    r.mutable_deny()->set_reason("no facilitation letter");
    r.mutable_deny()->set_category(v1::ACCESS_CONSTRAINT_MOVEMENT_RESTRICTION);
    return r;
  }
  *r.mutable_approve()->mutable_occurred_on() = Day(2016, 9, 20);
  r.mutable_approve()->set_beneficiaries_approved(1000);
  *r.mutable_dispatch()->mutable_occurred_on() = submit->planned_date();
  *r.mutable_outcome()->mutable_occurred_on() = submit->planned_date();
  r.mutable_outcome()->set_outcome(v1::CONVOY_STATUS_DELIVERED);
  r.mutable_outcome()->set_beneficiaries_reached(900);
  return r;
}

v1::ImportConvoysRequest Rows(int first, int count) {
  v1::ImportConvoysRequest request;
  for (int n = first; n < first + count; ++n) {
    v1::ImportConvoyRow* row = request.add_rows();
    row->set_line(n + 2);
    *row->mutable_convoy() = Convoy(n);
  }
  return request;
}

class ImportConvoysTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(
        host_.Start({{"areas", areas::OpenAreasModule}, {"convoys", OpenConvoysModule}}).ok());
    convoys_ = v1::ConvoyService::NewStub(host_.channel());
  }

  grpc::Status Import(const std::vector<v1::ImportConvoysRequest>& requests,
                      std::vector<v1::ImportBatchResponse>* answers,
                      std::unique_ptr<grpc::ClientContext> context) {
    auto stream = convoys_->ImportConvoys(context.get());
    size_t next = 0;
    return imports::SendImport<v1::ImportConvoysRequest>(
        stream.get(),
        [&](v1::ImportConvoysRequest* request) {
          if (next == requests.size()) return false;
          *request = requests[next++];
          return true;
        },
        [&](const v1::ImportBatchResponse& answer, int) { answers->push_back(answer); });
  }

  std::unique_ptr<grpc::ClientContext> Coordinator() {
    return credentials_.Context(v1::ROLE_COORDINATOR, "importer");
  }

  absl::StatusOr<v1::Convoy> Get(int n, const std::string& agency = "WFP") {
    v1::GetConvoyRequest request;
    request.set_id(ConvoyIdFor(agency, "import/" + std::to_string(n)));
    v1::Convoy convoy;
    grpc::Status s = convoys_->GetConvoy(Coordinator().get(), request, &convoy);
    if (!s.ok()) return absl::NotFoundError(s.error_message());
    return convoy;
  }

  testing::TempDir dir_;
  testing::TestCredentials credentials_{dir_.Sub("auth")};
  testing::ModuleHost host_{&dir_, &credentials_};
  std::unique_ptr<v1::ConvoyService::Stub> convoys_;
};

TEST_F(ImportConvoysTest, ConvoysAndTheirStepsAreStoredOneWritePerRequestAndOnce) {
  std::vector<v1::ImportBatchResponse> answers;
  grpc::Status s = Import({Rows(0, 120), Rows(120, 80)}, &answers, Coordinator());
  ASSERT_TRUE(s.ok()) << s.error_message();
  ASSERT_EQ(answers.size(), 2u);
  EXPECT_EQ(answers[0].rows_stored(), 120) << answers[0].DebugString();
  EXPECT_EQ(answers[1].rows_stored(), 80);
  EXPECT_EQ(answers[1].first_journal_index(), answers[0].first_journal_index() + 120)
      << "one journal entry per convoy";
  absl::StatusOr<v1::Convoy> delivered = Get(0);
  ASSERT_TRUE(delivered.ok()) << delivered.status();
  EXPECT_EQ(delivered->status(), v1::CONVOY_STATUS_DELIVERED);
  EXPECT_EQ(delivered->transitions(), 4);
  absl::StatusOr<v1::Convoy> denied = Get(199);
  ASSERT_TRUE(denied.ok()) << denied.status();
  EXPECT_EQ(denied->status(), v1::CONVOY_STATUS_DENIED);
  EXPECT_FALSE(denied->responsible_party_id().empty()) << "the party text was resolved";

  std::vector<v1::ImportBatchResponse> again;
  s = Import({Rows(0, 120), Rows(120, 80)}, &again, Coordinator());
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(again[0].rows_stored() + again[1].rows_stored(), 0);
  EXPECT_EQ(again[0].rows_already_stored() + again[1].rows_already_stored(), 200);
  EXPECT_FALSE(again[0].has_first_journal_index());
}

// An attacker's finding: two streams racing on the same new keys both
// answered that they had stored every row. Whichever loses the race must
// answer "already stored" for the rows the other wrote.
TEST_F(ImportConvoysTest, TwoStreamsRacingOnTheSameKeysStoreEachConvoyOnceAndSaySo) {
  for (int round = 0; round < 4; ++round) {
    const int first = round * 300;
    std::vector<v1::ImportBatchResponse> a, b;
    grpc::Status sa, sb;
    std::thread other([&] { sb = Import({Rows(first, 300)}, &b, Coordinator()); });
    sa = Import({Rows(first, 300)}, &a, Coordinator());
    other.join();
    ASSERT_TRUE(sa.ok() && sb.ok()) << sa.error_message() << sb.error_message();
    ASSERT_EQ(a.size(), 1u);
    ASSERT_EQ(b.size(), 1u);
    EXPECT_EQ(a[0].rows_stored() + b[0].rows_stored(), 300) << "round " << round;
    EXPECT_EQ(a[0].rows_already_stored() + b[0].rows_already_stored(), 300) << "round " << round;
    EXPECT_EQ(a[0].refused_size() + b[0].refused_size(), 0);
  }
}

TEST_F(ImportConvoysTest, APartnersRowsForAnotherAgencyAndImpossibleStepsAreRefusedByLine) {
  v1::ImportConvoysRequest request = Rows(0, 4);
  // Line 3: another agency's convoy. Line 4: dispatched without approval.
  *request.mutable_rows(1)->mutable_convoy() = Convoy(1, "UNICEF");
  request.mutable_rows(2)->mutable_convoy()->clear_approve();
  std::vector<v1::ImportBatchResponse> answers;
  grpc::Status s =
      Import({request}, &answers, credentials_.Context(v1::ROLE_PARTNER, "wfp-staff", "WFP"));
  ASSERT_TRUE(s.ok()) << s.error_message();
  ASSERT_EQ(answers.size(), 1u);
  EXPECT_EQ(answers[0].rows_stored(), 2) << answers[0].DebugString();
  ASSERT_EQ(answers[0].refused_size(), 2) << answers[0].DebugString();
  EXPECT_EQ(answers[0].refused(0).line(), 3);
  EXPECT_EQ(answers[0].refused(0).field(), "submit.agency");
  EXPECT_EQ(answers[0].refused(0).reason(), "OTHER_AGENCY");
  EXPECT_EQ(answers[0].refused(1).line(), 4);
  EXPECT_THAT(answers[0].refused(1).message(), HasSubstr("dispatch"));
  EXPECT_TRUE(Get(0).ok());
  EXPECT_FALSE(Get(1, "UNICEF").ok());
  EXPECT_FALSE(Get(2).ok());
  EXPECT_TRUE(Get(3).ok());
}

// What an export writes of a convoy, an import must store again: the
// approval's steps, and what checkpoints removed and refused.
TEST_F(ImportConvoysTest, ApprovalStepsAndLossesAreStoredWithTheConvoy) {
  v1::ImportConvoysRequest request = Rows(0, 2);
  v1::ImportConvoyRequest* whole = request.mutable_rows(0)->mutable_convoy();
  v1::ApprovalStep* letter = whole->add_approval_steps();
  letter->set_step("facilitation letter");
  letter->set_authority("Ministry of Foreign Affairs");
  *letter->mutable_requested_on() = Day(2016, 9, 2);
  *letter->mutable_answered_on() = Day(2016, 9, 15);
  letter->set_outcome(v1::STEP_OUTCOME_GRANTED);
  v1::ApprovalStep* security = whole->add_approval_steps();
  *security = *letter;
  security->set_step("security clearance");
  security->set_authority("National Security Bureau");
  security->clear_answered_on();
  security->set_outcome(v1::STEP_OUTCOME_PENDING);
  v1::LineLoss* loss = whole->mutable_outcome()->add_losses();
  loss->set_line(0);
  loss->set_removed(2.5);
  loss->set_refused(1);
  // Line 3: a step answered before it was asked; nothing of the row stays.
  v1::ApprovalStep* backwards = request.mutable_rows(1)->mutable_convoy()->add_approval_steps();
  *backwards = *letter;
  *backwards->mutable_answered_on() = Day(2016, 9, 1);

  std::vector<v1::ImportBatchResponse> answers;
  grpc::Status s = Import({request}, &answers, Coordinator());
  ASSERT_TRUE(s.ok()) << s.error_message();
  ASSERT_EQ(answers.size(), 1u);
  EXPECT_EQ(answers[0].rows_stored(), 1) << answers[0].DebugString();
  ASSERT_EQ(answers[0].refused_size(), 1) << answers[0].DebugString();
  EXPECT_EQ(answers[0].refused(0).line(), 3);
  EXPECT_EQ(answers[0].refused(0).field(), "approval_steps[0].answered_on");
  EXPECT_FALSE(Get(1).ok());

  absl::StatusOr<v1::Convoy> stored = Get(0);
  ASSERT_TRUE(stored.ok()) << stored.status();
  EXPECT_EQ(stored->status(), v1::CONVOY_STATUS_DELIVERED);
  ASSERT_EQ(stored->approval_steps_size(), 2);
  EXPECT_EQ(stored->approval_steps(0).step(), "facilitation letter");
  EXPECT_EQ(stored->approval_steps(0).answered_on().day(), 15);
  EXPECT_EQ(stored->approval_steps(1).outcome(), v1::STEP_OUTCOME_PENDING);
  EXPECT_EQ(stored->manifest(0).quantity_removed(), 2.5);
  EXPECT_EQ(stored->manifest(0).quantity_refused(), 1);
  EXPECT_EQ(stored->transitions(), 6) << "submission, two steps, approval, dispatch, outcome";
}

}  // namespace
}  // namespace corridor::convoys
