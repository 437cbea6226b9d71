// The convoy store on a real RocksDB: idempotent submits, transitions under
// contention, figure checks against the stored convoy, the access report.
#include "services/convoys/convoy_store.h"

#include "common/ids.h"

#include <atomic>
#include <thread>

#include "common/validation.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/convoys/convoy_validation.h"
#include "tests/testing/temp_dir.h"

namespace corridor::convoys {
namespace {

using ::testing::HasSubstr;

const absl::CivilDay kToday(2016, 12, 1);

v1::Date D(int y, int m, int d) {
  v1::Date date;
  date.set_year(y);
  date.set_month(m);
  date.set_day(d);
  return date;
}

v1::SubmitConvoyRequestRequest Submission(const std::string& key, const std::string& area,
                                          const v1::Date& planned, int64_t beneficiaries) {
  v1::SubmitConvoyRequestRequest request;
  request.set_agency("WFP");
  request.set_area_id(area);
  *request.mutable_planned_date() = planned;
  *request.mutable_requested_on() = D(2015, 12, 1);
  v1::ManifestLine* flour = request.add_manifest();
  flour->set_item("wheat flour");
  flour->set_category(v1::CARGO_CATEGORY_FOOD);
  flour->set_quantity(100);
  flour->set_unit("tonnes");
  v1::ManifestLine* kits = request.add_manifest();
  kits->set_item("surgical kits");
  kits->set_category(v1::CARGO_CATEGORY_MEDICAL);
  kits->set_quantity(40);
  kits->set_unit("kits");
  request.set_beneficiaries_requested(beneficiaries);
  request.set_idempotency_key(key);
  return request;
}

class ConvoyStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    storage::StoreOptions options;
    options.path = dir_.path();
    auto store = storage::Store::Open(options);
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
    convoys_ = std::make_unique<ConvoyStore>(store_.get());
    principal_.principal.set_name("tester");
    principal_.rpc = "test";
  }

  // One area's row of the access report, as the service assembles it.
  absl::StatusOr<v1::AreaAccess> Access(const v1::Area& area, const v1::Date& from,
                                        const v1::Date& to) {
    absl::StatusOr<AreaTally> tally = convoys_->TallyArea(area.id(), from, to);
    if (!tally.ok()) return tally.status();
    ReportInputs inputs;
    inputs.rows = {&area};
    inputs.tallies[area.id()] = *std::move(tally);
    inputs.status_on_end[area.id()] = area.status();
    inputs.is_aggregate[area.id()] = false;
    return AssembleAccessReport(inputs, from, to).areas(0);
  }

  v1::Convoy Submit(const std::string& key, const std::string& area, const v1::Date& planned,
                    int64_t beneficiaries) {
    auto request = Submission(key, area, planned, beneficiaries);
    EXPECT_TRUE(ValidateSubmit(request).ok());
    auto convoy = convoys_->Submit(principal_, request, kToday);
    EXPECT_TRUE(convoy.ok()) << convoy.status();
    return convoy.value_or(v1::Convoy());
  }

  absl::StatusOr<v1::Convoy> Approve(const std::string& id, int64_t people, int64_t version = 0,
                                     v1::Date on = D(2016, 11, 1)) {
    v1::ApproveConvoyRequest request;
    request.set_convoy_id(id);
    request.set_beneficiaries_approved(people);
    request.set_expected_version(version);
    *request.mutable_occurred_on() = on;
    return convoys_->Approve(principal_, request, kToday);
  }

  absl::StatusOr<v1::Convoy> Dispatch(const std::string& id, int64_t version = 0,
                                      v1::Date on = D(2016, 11, 2)) {
    v1::DispatchConvoyRequest request;
    request.set_convoy_id(id);
    request.set_expected_version(version);
    *request.mutable_occurred_on() = on;
    return convoys_->Dispatch(principal_, request, kToday);
  }

  absl::StatusOr<v1::Convoy> Outcome(const std::string& id, v1::ConvoyStatus outcome,
                                     int64_t reached, v1::Date on,
                                     std::vector<v1::LineLoss> losses = {}) {
    v1::RecordConvoyOutcomeRequest request;
    request.set_convoy_id(id);
    request.set_outcome(outcome);
    request.set_beneficiaries_reached(reached);
    *request.mutable_occurred_on() = on;
    for (auto& loss : losses) *request.add_losses() = loss;
    if (outcome == v1::CONVOY_STATUS_TURNED_BACK || outcome == v1::CONVOY_STATUS_ATTACKED) {
      request.set_responsible_party("checkpoint commander");
      request.set_category(v1::ACCESS_CONSTRAINT_MOVEMENT_RESTRICTION);
    }
    absl::Status valid = ValidateOutcome(request, kToday);
    if (!valid.ok()) return valid;
    return convoys_->RecordOutcome(principal_, request, kToday, {});
  }

  absl::StatusOr<v1::Convoy> Deny(const std::string& id, v1::Date on) {
    v1::DenyConvoyRequest request;
    request.set_convoy_id(id);
    request.set_denying_party("Syrian government");
    request.set_reason("no facilitation letter");
    request.set_category(v1::ACCESS_CONSTRAINT_ENTRY_IMPEDIMENTS);
    *request.mutable_occurred_on() = on;
    return convoys_->Deny(principal_, request, kToday, {});
  }

  int HistoryLength(const std::string& id) {
    v1::GetConvoyHistoryRequest request;
    request.set_convoy_id(id);
    auto history = convoys_->History(request, 500);
    EXPECT_TRUE(history.ok()) << history.status();
    return history.ok() ? history->events_size() : -1;
  }

  v1::Area Area(const std::string& id, std::optional<int64_t> population) {
    v1::Area area;
    area.set_id(id);
    area.set_name_en(id);
    area.set_status(v1::AREA_STATUS_BESIEGED);
    if (population) area.mutable_population()->set_count(*population);
    return area;
  }

  testing::TempDir dir_;
  std::unique_ptr<storage::Store> store_;
  std::unique_ptr<ConvoyStore> convoys_;
  storage::Origin principal_;
};

TEST_F(ConvoyStoreTest, ARetriedSubmitReturnsTheSameConvoyAndCreatesNothingTwice) {
  v1::Convoy first = Submit("key-1", "EG-DUMA", D(2016, 11, 10), 5000);
  v1::Convoy again = Submit("key-1", "EG-DUMA", D(2016, 11, 10), 5000);
  EXPECT_EQ(first.id(), again.id());
  EXPECT_EQ(again.version(), 1);
  EXPECT_EQ(HistoryLength(first.id()), 1);
  // The key belongs to the agency, whatever its case; another agency's
  // identical key is another convoy.
  EXPECT_EQ(ConvoyIdFor("wfp", "key-1"), first.id());
  EXPECT_NE(ConvoyIdFor("UNICEF", "key-1"), first.id());
}

TEST_F(ConvoyStoreTest, ReusingAKeyForADifferentRequestIsRefusedNamingTheKey) {
  v1::Convoy first = Submit("key-2", "EG-DUMA", D(2016, 11, 10), 5000);
  auto other =
      convoys_->Submit(principal_, Submission("key-2", "EG-DUMA", D(2016, 11, 10), 6000), kToday);
  EXPECT_EQ(other.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_THAT(other.status().message(), HasSubstr("idempotency_key"));
  EXPECT_THAT(other.status().message(), HasSubstr(first.id()));
  EXPECT_EQ(convoys_->Get("id", first.id())->beneficiaries_requested(), 5000);
}

TEST_F(ConvoyStoreTest, ConcurrentSubmitsWithOneKeyCreateOneConvoy) {
  constexpr int kThreads = 16;
  std::vector<std::string> ids(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      auto convoy =
          convoys_->Submit(principal_, Submission("same", "EG-DUMA", D(2016, 11, 10), 10), kToday);
      ASSERT_TRUE(convoy.ok()) << convoy.status();
      ids[t] = convoy->id();
    });
  }
  for (auto& t : threads) t.join();
  for (const std::string& id : ids) EXPECT_EQ(id, ids[0]);
  v1::ListConvoysRequest list;
  EXPECT_EQ(convoys_->List(list, 500)->convoys_size(), 1);
  EXPECT_EQ(HistoryLength(ids[0]), 1);
}

// Many threads race to move one convoy, each stating the version it read:
// per version exactly one wins, the others are told it changed, and the
// history holds exactly the winners.
TEST_F(ConvoyStoreTest, RacingTransitionsAtOneVersionHaveExactlyOneWinner) {
  v1::Convoy convoy = Submit("race", "EG-DUMA", D(2016, 11, 10), 1000);
  constexpr int kThreads = 12;

  auto race = [&](const std::function<absl::StatusOr<v1::Convoy>(int)>& attempt) {
    std::atomic<int> wins{0}, aborted{0}, other{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        auto result = attempt(t);
        if (result.ok()) {
          ++wins;
        } else if (absl::IsAborted(result.status())) {
          ++aborted;
        } else {
          ++other;
          ADD_FAILURE() << result.status();
        }
      });
    }
    for (auto& t : threads) t.join();
    EXPECT_EQ(wins.load(), 1);
    EXPECT_EQ(aborted.load(), kThreads - 1);
  };

  // Each thread approves a different number of people: the stored figure
  // must be the winner's, whole.
  race([&](int t) { return Approve(convoy.id(), 100 + t, /*version=*/1); });
  auto approved = convoys_->Get("id", convoy.id());
  ASSERT_TRUE(approved.ok());
  EXPECT_EQ(approved->version(), 2);
  EXPECT_GE(approved->beneficiaries_approved(), 100);
  EXPECT_LT(approved->beneficiaries_approved(), 100 + kThreads);

  race([&](int) { return Dispatch(convoy.id(), /*version=*/2); });
  EXPECT_EQ(convoys_->Get("id", convoy.id())->version(), 3);
  EXPECT_EQ(HistoryLength(convoy.id()), 3);
}

// Without a stated version, racing transitions are serialized by the life
// cycle: one cancel wins, every other sees the convoy already final.
TEST_F(ConvoyStoreTest, RacingTransitionsWithoutVersionLoseNothingAndBreakNoRule) {
  v1::Convoy convoy = Submit("race2", "EG-DUMA", D(2016, 11, 10), 1000);
  std::atomic<int> wins{0}, refused{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 12; ++t) {
    threads.emplace_back([&] {
      auto result = Outcome(convoy.id(), v1::CONVOY_STATUS_CANCELLED, 0, D(2016, 11, 3));
      if (result.ok()) ++wins;
      if (absl::IsFailedPrecondition(result.status())) ++refused;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(wins.load(), 1);
  EXPECT_EQ(refused.load(), 11);
  EXPECT_EQ(HistoryLength(convoy.id()), 2);
}

TEST_F(ConvoyStoreTest, FiguresInconsistentWithTheConvoyAreRefusedNamingTheField) {
  v1::Convoy convoy = Submit("figures", "EG-DUMA", D(2016, 11, 10), 1000);
  auto too_many = Approve(convoy.id(), 1001);
  EXPECT_EQ(too_many.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(too_many.status().message(), HasSubstr("beneficiaries_approved: 1001"));
  EXPECT_EQ(convoys_->Get("id", convoy.id())->status(), v1::CONVOY_STATUS_REQUESTED);

  ASSERT_TRUE(Approve(convoy.id(), 900).ok());
  ASSERT_TRUE(Dispatch(convoy.id()).ok());
  v1::LineLoss no_such_line;
  no_such_line.set_line(2);
  no_such_line.set_removed(1);
  auto bad_line =
      Outcome(convoy.id(), v1::CONVOY_STATUS_DELIVERED, 800, D(2016, 11, 3), {no_such_line});
  EXPECT_THAT(bad_line.status().message(), HasSubstr("losses[0].line"));
  v1::LineLoss too_much;
  too_much.set_line(1);
  too_much.set_removed(30);
  too_much.set_refused(11);
  auto over = Outcome(convoy.id(), v1::CONVOY_STATUS_DELIVERED, 800, D(2016, 11, 3), {too_much});
  EXPECT_THAT(over.status().message(), HasSubstr("carried only 40"));
  auto before_dispatch = Outcome(convoy.id(), v1::CONVOY_STATUS_DELIVERED, 800, D(2016, 11, 1));
  EXPECT_THAT(before_dispatch.status().message(), HasSubstr("occurred_on"));
  auto reached_too_many = Outcome(convoy.id(), v1::CONVOY_STATUS_DELIVERED, 901, D(2016, 11, 3));
  EXPECT_THAT(reached_too_many.status().message(), HasSubstr("beneficiaries_reached"));
  // None of it was written.
  EXPECT_EQ(convoys_->Get("id", convoy.id())->status(), v1::CONVOY_STATUS_DISPATCHED);
  EXPECT_EQ(HistoryLength(convoy.id()), 3);
}

TEST_F(ConvoyStoreTest, ListFiltersByAreaStatusAndPeriodNewestFirst) {
  Submit("l1", "EG-DUMA", D(2016, 10, 1), 10);
  Submit("l2", "EG-DUMA", D(2016, 11, 1), 10);
  Submit("l3", "RD-MADAYA", D(2016, 11, 5), 10);
  v1::Convoy denied = Submit("l4", "EG-DUMA", D(2016, 12, 1), 10);
  ASSERT_TRUE(Deny(denied.id(), D(2016, 11, 20)).ok());

  v1::ListConvoysRequest duma;
  duma.set_area_id("EG-DUMA");
  auto all_duma = convoys_->List(duma, 500);
  ASSERT_TRUE(all_duma.ok());
  ASSERT_EQ(all_duma->convoys_size(), 3);
  EXPECT_EQ(all_duma->convoys(0).planned_date().month(), 12);
  EXPECT_EQ(all_duma->convoys(2).planned_date().month(), 10);

  *duma.mutable_planned_from() = D(2016, 10, 15);
  *duma.mutable_planned_to() = D(2016, 11, 30);
  auto period = convoys_->List(duma, 500);
  ASSERT_EQ(period->convoys_size(), 1);
  EXPECT_EQ(period->convoys(0).planned_date().month(), 11);

  v1::ListConvoysRequest denied_only;
  denied_only.set_status(v1::CONVOY_STATUS_DENIED);
  auto found = convoys_->List(denied_only, 500);
  ASSERT_EQ(found->convoys_size(), 1);
  EXPECT_EQ(found->convoys(0).id(), denied.id());

  // Pages of one, following the token, give the same three in order.
  v1::ListConvoysRequest paged;
  paged.set_area_id("EG-DUMA");
  std::vector<std::string> ids;
  do {
    auto page = convoys_->List(paged, 1);
    ASSERT_TRUE(page.ok()) << page.status();
    for (const auto& c : page->convoys()) ids.push_back(c.id());
    paged.mutable_page()->set_page_token(page->next_page_token());
  } while (!paged.page().page_token().empty());
  ASSERT_EQ(ids.size(), 3u);
  EXPECT_EQ(ids[0], all_duma->convoys(0).id());
  EXPECT_EQ(ids[2], all_duma->convoys(2).id());
}

// Figures computed by hand from the convoys below.
TEST_F(ConvoyStoreTest, AccessReportRowMatchesHandComputedFigures) {
  // An old delivery before the period: counts only for "last delivery".
  v1::Convoy old = Submit("a0", "EG-DUMA", D(2016, 6, 1), 100);
  ASSERT_TRUE(Approve(old.id(), 100, 0, D(2016, 6, 1)).ok());
  ASSERT_TRUE(Dispatch(old.id(), 0, D(2016, 6, 2)).ok());
  ASSERT_TRUE(Outcome(old.id(), v1::CONVOY_STATUS_DELIVERED, 100, D(2016, 6, 3)).ok());

  // In the period (Nov 2016): four requests.
  v1::Convoy full = Submit("a1", "EG-DUMA", D(2016, 11, 2), 1000);    // delivered 1000 of 1000
  v1::Convoy part = Submit("a2", "EG-DUMA", D(2016, 11, 9), 2000);    // 1500 approved, 1200 reached
  v1::Convoy denied = Submit("a3", "EG-DUMA", D(2016, 11, 16), 500);  // denied
  v1::Convoy back = Submit("a4", "EG-DUMA", D(2016, 11, 23), 800);    // 800 approved, turned back
  ASSERT_TRUE(Approve(full.id(), 1000, 0, D(2016, 11, 1)).ok());
  ASSERT_TRUE(Dispatch(full.id(), 0, D(2016, 11, 2)).ok());
  ASSERT_TRUE(Outcome(full.id(), v1::CONVOY_STATUS_DELIVERED, 1000, D(2016, 11, 3)).ok());
  ASSERT_TRUE(Approve(part.id(), 1500, 0, D(2016, 11, 8)).ok());
  ASSERT_TRUE(Dispatch(part.id(), 0, D(2016, 11, 9)).ok());
  v1::LineLoss kits;  // 12 surgical kits removed, 3 refused
  kits.set_line(1);
  kits.set_removed(12);
  kits.set_refused(3);
  ASSERT_TRUE(
      Outcome(part.id(), v1::CONVOY_STATUS_PARTIALLY_DELIVERED, 1200, D(2016, 11, 10), {kits})
          .ok());
  ASSERT_TRUE(Deny(denied.id(), D(2016, 11, 15)).ok());
  ASSERT_TRUE(Approve(back.id(), 800, 0, D(2016, 11, 22)).ok());
  ASSERT_TRUE(Dispatch(back.id(), 0, D(2016, 11, 23)).ok());
  v1::LineLoss flour;  // 5 tonnes of flour removed before it was turned back
  flour.set_line(0);
  flour.set_removed(5);
  ASSERT_TRUE(Outcome(back.id(), v1::CONVOY_STATUS_TURNED_BACK, 0, D(2016, 11, 23), {flour}).ok());
  // Another area and a convoy after the period: neither counts.
  Submit("x1", "RD-MADAYA", D(2016, 11, 5), 999);
  Submit("x2", "EG-DUMA", D(2016, 12, 1), 999);

  auto row = Access(Area("EG-DUMA", 112000), D(2016, 11, 1), D(2016, 11, 30));
  ASSERT_TRUE(row.ok()) << row.status();
  EXPECT_EQ(row->people_in_need(), 112000);
  EXPECT_EQ(row->requests(), 4);
  EXPECT_EQ(row->approved(), 3);  // full, part, back
  EXPECT_EQ(row->denied(), 1);
  EXPECT_EQ(row->delivered(), 2);  // full, part
  EXPECT_EQ(row->beneficiaries_requested(), 1000 + 2000 + 500 + 800);
  EXPECT_EQ(row->beneficiaries_approved(), 1000 + 1500 + 800);
  EXPECT_EQ(row->beneficiaries_reached(), 1000 + 1200);
  EXPECT_DOUBLE_EQ(row->share_approved(), 0.75);
  EXPECT_DOUBLE_EQ(row->share_delivered(), 0.5);
  ASSERT_EQ(row->items_lost_size(), 2);
  EXPECT_EQ(row->items_lost(0).category(), v1::CARGO_CATEGORY_FOOD);
  EXPECT_EQ(row->items_lost(0).unit(), "tonnes");
  EXPECT_EQ(row->items_lost(0).removed(), 5);
  EXPECT_EQ(row->items_lost(1).category(), v1::CARGO_CATEGORY_MEDICAL);
  EXPECT_EQ(row->items_lost(1).removed(), 12);
  EXPECT_EQ(row->items_lost(1).refused(), 3);
  // Last delivery 10 Nov; the period ends 30 Nov: 20 days.
  EXPECT_EQ(DateNumber(row->last_delivery()), 20161110u);
  EXPECT_EQ(row->days_since_last_delivery(), 20);
  EXPECT_FALSE(row->not_reached());

  // October: nothing planned, but the June delivery is the last one known.
  auto october = Access(Area("EG-DUMA", 112000), D(2016, 10, 1), D(2016, 10, 31));
  ASSERT_TRUE(october.ok());
  EXPECT_EQ(october->requests(), 0);
  EXPECT_FALSE(october->has_share_approved());
  EXPECT_TRUE(october->not_reached());
  EXPECT_EQ(DateNumber(october->last_delivery()), 20160603u);
  EXPECT_EQ(october->days_since_last_delivery(), 150);  // 3 Jun to 31 Oct 2016

  // An area never reached: in the report, with no delivery date and no
  // population invented.
  auto never = Access(Area("RD-MADAYA", std::nullopt), D(2016, 11, 1), D(2016, 11, 30));
  ASSERT_TRUE(never.ok());
  EXPECT_EQ(never->requests(), 1);
  EXPECT_TRUE(never->not_reached());
  EXPECT_FALSE(never->has_last_delivery());
  EXPECT_FALSE(never->has_days_since_last_delivery());
  EXPECT_FALSE(never->has_people_in_need());
}

}  // namespace
}  // namespace corridor::convoys
