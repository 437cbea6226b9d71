// End to end, as a coordinator and an oversight body would: a month of an
// inter-agency convoy plan entered through corridorctl against a running
// corridord, read back as the period's totals (people reached of people
// requested, by area status and by mode, evacuations apart); a mistyped
// figure and a wrong outcome corrected, the relayed denial following; and
// an import that stores each row whole or not at all.
#include <fstream>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
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

class CorridorctlMonthTest : public ::testing::Test {
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

  // A request of the October 2016 plan, made on 1 October.
  std::string Submit(const std::string& key, const std::string& area, const std::string& people,
                     const std::string& mode, const std::string& kind = "aid-delivery") {
    std::vector<std::string> args = {"convoys",
                                     "submit",
                                     "--agency=UN inter-agency",
                                     "--area=" + area,
                                     "--planned=2016-10-15",
                                     "--requested=2016-10-01",
                                     "--beneficiaries=" + people,
                                     "--key=" + key,
                                     "--kind=" + kind};
    if (!mode.empty()) args.push_back("--mode=" + mode);
    if (kind == "aid-delivery") args.push_back("--cargo=wheat flour:food:100:tonnes");
    return CtlJson<v1::Convoy>(args).id();
  }

  void Deliver(const std::string& id, const std::string& approved, const std::string& reached) {
    CtlJson<v1::Convoy>(
        {"convoys", "approve", id, "--beneficiaries=" + approved, "--date=2016-10-10"});
    CtlJson<v1::Convoy>({"convoys", "dispatch", id, "--date=2016-10-15"});
    CtlJson<v1::Convoy>(
        {"convoys", "outcome", id,
         std::string("--outcome=") + (reached == approved ? "delivered" : "partially-delivered"),
         "--reached=" + reached, "--date=2016-10-16"});
  }

  // The denials recorded for a convoy, once the relay has had its chance.
  std::vector<v1::Denial> DenialsOf(const std::string& convoy, size_t want) {
    v1::ListDenialsResponse listed;
    for (int i = 0; i < 100; ++i) {
      listed = CtlJson<v1::ListDenialsResponse>({"denials", "list", "--convoy=" + convoy});
      if (static_cast<size_t>(listed.denials_size()) == want) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return {listed.denials().begin(), listed.denials().end()};
  }

  corridor::testing::TempDir dir_;
  std::unique_ptr<ServerProcess> server_;
};

TEST_F(CorridorctlMonthTest, AMonthOfThePlanAddsUpToThePeopleReachedOfThoseRequested) {
  const std::string duma = Submit("oct-duma", "EG-DUMA", "20000", "road");
  const std::string arbin = Submit("oct-arbin", "EG-ARBIN", "10000", "road");
  const std::string madaya = Submit("oct-madaya", "RD-MADAYA", "40000", "airdrop");
  const std::string aleppo = Submit("oct-aleppo", "ALP-EAST", "30000", "");
  const std::string evacuation =
      Submit("oct-medevac", "RD-MADAYA", "30", "road", "medical-evacuation");
  Deliver(duma, "20000", "1450");  // mistyped: 14,500 were reached
  Deliver(madaya, "40000", "40000");
  CtlJson<v1::Convoy>({"convoys", "deny", arbin, "--party=Syrian government",
                       "--reason=no facilitation letter", "--category=2", "--date=2016-10-12"});
  Deliver(evacuation, "20", "18");

  // The coordinator corrects the mistyped figure; the history keeps both.
  v1::Convoy corrected =
      CtlJson<v1::Convoy>({"convoys", "correct", duma, "--reached=14500",
                           "--reason=typed 1,450 for 14,500", "--source=WFP distribution report"});
  EXPECT_EQ(corrected.beneficiaries_reached(), 14500);
  EXPECT_EQ(corrected.corrections(), 1);
  CommandResult history = Ctl({"convoys", "history", duma, "--output=csv"});
  EXPECT_THAT(history.out,
              HasSubstr("CORRECTED (reached 1,450 -> 14,500), now partially-delivered"));
  EXPECT_THAT(history.out, HasSubstr("typed 1,450 for 14,500"));

  v1::AccessReport report =
      CtlJson<v1::AccessReport>({"report", "access", "--from=2016-10-01", "--to=2016-10-31"});
  const v1::AccessTotals& all = report.totals();
  EXPECT_EQ(all.requests(), 4);
  EXPECT_EQ(all.pending(), 1);  // eastern Aleppo's request was never answered
  EXPECT_EQ(all.denied(), 1);
  EXPECT_EQ(all.delivered(), 2);
  EXPECT_EQ(all.people_requested(), 100000);
  EXPECT_EQ(all.people_reached(), 54500);
  EXPECT_DOUBLE_EQ(all.share_people_reached(), 0.545);
  EXPECT_EQ(report.evacuations().people_requested(), 30);
  EXPECT_EQ(report.evacuations().people_reached(), 18);

  // Every status group and every mode adds back up to the whole.
  int64_t by_status = 0, by_mode = 0;
  for (const v1::StatusTotals& s : report.by_area_status())
    by_status += s.totals().people_reached();
  for (const v1::ModeTotals& m : report.by_mode()) by_mode += m.totals().people_requested();
  EXPECT_EQ(by_status, 54500);
  EXPECT_EQ(by_mode, 100000);
  ASSERT_GE(report.by_mode_size(), 3);
  EXPECT_EQ(report.by_mode(0).mode(), v1::DELIVERY_MODE_UNSPECIFIED);  // Aleppo's, not recorded
  EXPECT_EQ(report.by_mode(report.by_mode_size() - 1).mode(), v1::DELIVERY_MODE_AIRDROP);

  // The Eastern Ghouta enclave row is the sum of its communities: reached,
  // because Douma was.
  bool saw_enclave = false;
  for (const v1::AreaAccess& row : report.areas()) {
    if (row.area_id() != "EG-TOTAL") continue;
    saw_enclave = true;
    EXPECT_FALSE(row.not_reached());
    EXPECT_EQ(row.requests(), 2);
    EXPECT_EQ(row.beneficiaries_reached(), 14500);
  }
  EXPECT_TRUE(saw_enclave);

  // The table a person reads says which share is which.
  CommandResult table = Ctl({"report", "access", "--from=2016-10-01", "--to=2016-10-31"});
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_THAT(table.out, HasSubstr("% PEOPLE REACHED"));
  EXPECT_THAT(table.out, HasSubstr("54.5%"));
  EXPECT_THAT(table.out, HasSubstr("medical evacuations"));
}

TEST_F(CorridorctlMonthTest, ACorrectedOutcomeCorrectsOrWithdrawsItsDenial) {
  const std::string convoy = Submit("attacked", "RD-MADAYA", "5000", "road");
  CtlJson<v1::Convoy>({"convoys", "approve", convoy, "--beneficiaries=5000", "--date=2016-10-10"});
  CtlJson<v1::Convoy>({"convoys", "dispatch", convoy, "--date=2016-10-15"});
  CtlJson<v1::Convoy>({"convoys", "outcome", convoy, "--outcome=turned-back", "--party=Hezbollah",
                       "--category=2", "--date=2016-10-15"});
  std::vector<v1::Denial> denials = DenialsOf(convoy, 1);
  ASSERT_EQ(denials.size(), 1u);
  EXPECT_EQ(denials[0].facts().party(), "Hezbollah");

  // The wrong party was named: the denial follows the correction.
  v1::Convoy fixed = CtlJson<v1::Convoy>(
      {"convoys", "correct", convoy, "--party=Jaish al-Fatah", "--reason=misattributed"});
  EXPECT_EQ(fixed.denial_id(), denials[0].id());
  for (int i = 0; i < 100 && DenialsOf(convoy, 1)[0].facts().party() != "Jaish al-Fatah"; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(DenialsOf(convoy, 1)[0].facts().party(), "Jaish al-Fatah");

  // It was delivered after all: the denial is withdrawn (no longer listed).
  v1::Convoy delivered =
      CtlJson<v1::Convoy>({"convoys", "correct", convoy, "--outcome=delivered", "--reached=5000",
                           "--reason=the field report was of another convoy"});
  EXPECT_EQ(delivered.status(), v1::CONVOY_STATUS_DELIVERED);
  EXPECT_TRUE(delivered.denial_id().empty());
  EXPECT_TRUE(DenialsOf(convoy, 0).empty());
}

TEST_F(CorridorctlMonthTest, StepsAreDatedInOrderAndAWrongAreaIsCorrected) {
  const std::string convoy = Submit("ordered", "EG-DUMA", "5000", "road");  // made 1 Oct
  CommandResult early =
      Ctl({"convoys", "approve", convoy, "--beneficiaries=5000", "--date=2016-09-20"});
  EXPECT_EQ(early.exit_code, 4);
  EXPECT_THAT(early.err, HasSubstr("refused --date (the request's occurred_on): 2016-09-20 is "
                                   "before the convoy was requested"));
  CtlJson<v1::Convoy>({"convoys", "approve", convoy, "--beneficiaries=5000", "--date=2016-10-10"});
  CommandResult dispatch = Ctl({"convoys", "dispatch", convoy, "--date=2016-10-05"});
  EXPECT_THAT(dispatch.err, HasSubstr("is before the convoy was approved (2016-10-10)"));

  // Entered against Douma, meant for Arbin: the area is corrected, and the
  // reports follow.
  v1::Convoy moved = CtlJson<v1::Convoy>(
      {"convoys", "correct", convoy, "--area=EG-ARBIN", "--reason=entered against the wrong town"});
  EXPECT_EQ(moved.area_id(), "EG-ARBIN");
  CommandResult nowhere = Ctl({"convoys", "correct", convoy, "--area=ATLANTIS", "--reason=typo"});
  EXPECT_EQ(nowhere.exit_code, 4);
  EXPECT_THAT(nowhere.err, HasSubstr("correction.area_id"));
  v1::AccessReport report = CtlJson<v1::AccessReport>(
      {"report", "access", "--from=2016-10-01", "--to=2016-10-31", "--area=EG-DUMA,EG-ARBIN"});
  ASSERT_EQ(report.areas_size(), 2);
  EXPECT_EQ(report.areas(0).area_id(), "EG-ARBIN");
  EXPECT_EQ(report.areas(0).requests(), 1);
  EXPECT_EQ(report.areas(1).requests(), 0);
}

TEST_F(CorridorctlMonthTest, APastRequestNeedsTheDayItWasMade) {
  CommandResult undated =
      Ctl({"convoys", "submit", "--agency=WFP", "--area=RD-MADAYA", "--planned=2016-10-15",
           "--beneficiaries=100", "--cargo=flour:food:1:tonnes"});
  EXPECT_EQ(undated.exit_code, 4) << undated.err;
  EXPECT_THAT(undated.err, HasSubstr("requested_on"));
  EXPECT_THAT(undated.err, HasSubstr("(today, the default) is after planned_date 2016-10-15"));
}

TEST_F(CorridorctlMonthTest, AnImportStoresEachRowWholeOrNotAtAll) {
  const std::string path = dir_.Sub("plan.csv");
  std::ofstream(path)
      << "agency,area_id,planned_date,requested_on,beneficiaries_requested,manifest,status,"
         "status_date,approved_on,dispatched_date,beneficiaries_approved,beneficiaries_reached,"
         "idempotency_key\n"
      // Whole: approved, dispatched, delivered, each on its own day.
      << "WFP,EG-DUMA,2016-10-19,2016-10-01,20000,wheat flour:food:100:tonnes,DELIVERED,"
         "2016-10-19,2016-10-10,2016-10-18,20000,14500,row-1\n"
      // More reached than approved: refused, and nothing of it is stored.
      << "WFP,EG-DUMA,2016-10-19,2016-10-01,20000,wheat flour:food:100:tonnes,DELIVERED,"
         "2016-10-19,2016-10-10,2016-10-18,100,14500,row-2\n"
      // Dispatched, but no dispatch date: refused, naming the column.
      << "WFP,EG-DUMA,2016-10-19,2016-10-01,20000,wheat flour:food:100:tonnes,DELIVERED,"
         "2016-10-19,2016-10-10,,20000,14500,row-3\n"
      // No day the request was made: refused rather than dated today.
      << "WFP,EG-DUMA,2016-10-19,,20000,wheat flour:food:100:tonnes,,,,,,,row-4\n";
  CommandResult imported = Ctl({"import", "convoys", path});
  EXPECT_EQ(imported.exit_code, 4) << imported.err;
  EXPECT_THAT(imported.err, HasSubstr("4 rows: 1 new, 0 already stored, 3 refused"));
  // The service's refusal, in the file's terms: the column, then the field.
  EXPECT_THAT(imported.err, HasSubstr("line 3: column beneficiaries_reached: 14500 is more than "
                                      "the 100 approved (outcome.beneficiaries_reached)"));
  EXPECT_THAT(imported.err, HasSubstr("line 4: column dispatched_date: is required"));
  EXPECT_THAT(imported.err, HasSubstr("line 5: column requested_on: is required"));

  v1::ListConvoysResponse listed = CtlJson<v1::ListConvoysResponse>({"convoys", "list"});
  ASSERT_EQ(listed.convoys_size(), 1);  // the refused rows left nothing behind
  const v1::Convoy& stored = listed.convoys(0);
  EXPECT_EQ(stored.status(), v1::CONVOY_STATUS_DELIVERED);  // as the row says
  EXPECT_EQ(stored.requested_on().day(), 1);
  EXPECT_EQ(stored.approved_on().day(), 10);
  EXPECT_EQ(stored.dispatched_date().day(), 18);
  EXPECT_EQ(stored.outcome_date().day(), 19);

  // A re-run stores nothing twice.
  CommandResult again = Ctl({"import", "convoys", path});
  EXPECT_THAT(again.err, HasSubstr("4 rows: 0 new, 1 already stored, 3 refused"));
}

// A convoy's approval steps and what checkpoints took survive an import
// (as an export writes them, so the export of the import gives them back),
// and a cell that cannot be stored refuses its row, naming the column.
TEST_F(CorridorctlMonthTest, AnImportKeepsApprovalStepsAndWhatCheckpointsTook) {
  const std::string steps =
      "facilitation letter|Ministry of Foreign Affairs|2016-10-01|2016-10-05|granted;"
      "security clearance|National Security Bureau|2016-10-02||pending";
  const std::string path = dir_.Sub("taken.csv");
  std::ofstream(path)
      << "agency,area_id,planned_date,requested_on,beneficiaries_requested,manifest,status,"
         "approved_on,dispatched_date,outcome_date,beneficiaries_approved,beneficiaries_reached,"
         "approval_steps,items_removed,items_refused,idempotency_key\n"
      << "WHO,EG-DUMA,2016-10-19,2016-10-01,20000,"
         "\"insulin:medical:300:vials;surgical kits:medical:40:kits;flour:food:100:tonnes\","
         "PARTIALLY_DELIVERED,2016-10-10,2016-10-18,2016-10-19,20000,12000,\""
      << steps
      << "\",insulin:40:vials;surgical kits:40:kits,flour:5:tonnes,taken-1\n"
      // Losses without an outcome, and a loss of an item the convoy did not carry.
      << "WHO,EG-DUMA,2016-10-19,2016-10-01,20000,insulin:medical:300:vials,APPROVED,"
         "2016-10-10,,,20000,,,insulin:40:vials,,taken-2\n"
      << "WHO,EG-DUMA,2016-10-19,2016-10-01,20000,insulin:medical:300:vials,DELIVERED,"
         "2016-10-10,2016-10-18,2016-10-19,20000,20000,,,antibiotics:10:boxes,taken-3\n"
      // More lost than carried (the service refuses it), a quantity that is
      // not one, and a step answered before it was asked.
      << "WHO,EG-DUMA,2016-10-19,2016-10-01,20000,insulin:medical:300:vials,DELIVERED,"
         "2016-10-10,2016-10-18,2016-10-19,20000,20000,,insulin:500:vials,,taken-4\n"
      << "WHO,EG-DUMA,2016-10-19,2016-10-01,20000,insulin:medical:300:vials,DELIVERED,"
         "2016-10-10,2016-10-18,2016-10-19,20000,20000,,insulin:ten:vials,,taken-5\n"
      << "WHO,EG-DUMA,2016-10-19,2016-10-01,20000,insulin:medical:300:vials,APPROVED,"
         "2016-10-10,,,20000,,letter|MoFA|2016-10-05|2016-10-02|granted,,,taken-6\n";
  CommandResult imported = Ctl({"import", "convoys", path});
  EXPECT_EQ(imported.exit_code, 4) << imported.err;
  EXPECT_THAT(imported.err, HasSubstr("6 rows: 1 new, 0 already stored, 5 refused"));
  EXPECT_THAT(imported.err,
              HasSubstr("line 3: column items_removed: is recorded with the "
                        "convoy's outcome, and the row's status (APPROVED) has none"));
  EXPECT_THAT(imported.err, HasSubstr("line 4: column items_refused: entry 1 "
                                      "(\"antibiotics:10:boxes\") names no line of the manifest"));
  EXPECT_THAT(imported.err, HasSubstr("line 5: column items_removed/items_refused: "));
  EXPECT_THAT(imported.err, HasSubstr("(outcome.losses[0])"));
  EXPECT_THAT(imported.err,
              HasSubstr("line 6: column items_removed: entry 1 (\"insulin:ten:vials\") "
                        "has \"ten\" where a quantity belongs"));
  EXPECT_THAT(imported.err,
              HasSubstr("line 7: column approval_steps: 2016-10-02 is before the step "
                        "was asked (its requested_on, 2016-10-05) "
                        "(approval_steps[0].answered_on)"));
  EXPECT_THAT(imported.err, ::testing::Not(HasSubstr("not restorable")));

  v1::ListConvoysResponse listed = CtlJson<v1::ListConvoysResponse>({"convoys", "list"});
  ASSERT_EQ(listed.convoys_size(), 1);
  const v1::Convoy& stored = listed.convoys(0);
  ASSERT_EQ(stored.approval_steps_size(), 2);
  EXPECT_EQ(stored.approval_steps(1).authority(), "National Security Bureau");
  EXPECT_EQ(stored.manifest(0).quantity_removed(), 40);
  EXPECT_EQ(stored.manifest(1).quantity_removed(), 40);
  EXPECT_EQ(stored.manifest(2).quantity_refused(), 5);

  CommandResult exported = Ctl({"export", "convoys"});
  ASSERT_EQ(exported.exit_code, 0) << exported.err;
  EXPECT_THAT(exported.out, HasSubstr(steps));
  EXPECT_THAT(exported.out, HasSubstr("insulin:40:vials;surgical kits:40:kits,flour:5:tonnes"));
}

}  // namespace
}  // namespace corridor::cli
