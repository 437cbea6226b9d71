// The access report's arithmetic on its own: totals of people and requests,
// enclaves reported as the sum of their members, the split by area status
// (as it stood on the period's last day) and by delivery mode, medical
// evacuations counted apart.
#include "services/convoys/access_report.h"

#include "gtest/gtest.h"

namespace corridor::convoys {
namespace {

v1::Date D(int y, int m, int d) {
  v1::Date date;
  date.set_year(y);
  date.set_month(m);
  date.set_day(d);
  return date;
}

v1::Convoy Requested(int64_t people, v1::DeliveryMode mode = v1::DELIVERY_MODE_ROAD) {
  v1::Convoy c;
  c.set_status(v1::CONVOY_STATUS_REQUESTED);
  c.set_beneficiaries_requested(people);
  c.set_mode(mode);
  c.set_kind(v1::REQUEST_KIND_AID_DELIVERY);
  return c;
}

v1::Convoy Delivered(int64_t requested, int64_t approved, int64_t reached,
                     v1::DeliveryMode mode = v1::DELIVERY_MODE_ROAD) {
  v1::Convoy c = Requested(requested, mode);
  c.set_status(reached < approved ? v1::CONVOY_STATUS_PARTIALLY_DELIVERED
                                  : v1::CONVOY_STATUS_DELIVERED);
  c.set_beneficiaries_approved(approved);
  c.set_beneficiaries_reached(reached);
  return c;
}

v1::Convoy Denied(int64_t requested) {
  v1::Convoy c = Requested(requested);
  c.set_status(v1::CONVOY_STATUS_DENIED);
  return c;
}

v1::Area Area(const std::string& id, const std::string& group, bool aggregate = false) {
  v1::Area a;
  a.set_id(id);
  a.set_name_en(id);
  a.set_area_group(group);
  a.set_aggregate(aggregate);
  return a;
}

TEST(AccessTallyTest, SharesOfPeopleAndOfConvoysAreNotTheSame) {
  // The example: one convoy for 20,000 people reached 14,500 of
  // them. By convoys that is 100% delivered; by people, 72.5%.
  AccessTally tally;
  tally.Add(Delivered(20000, 20000, 14500));
  const v1::AccessTotals totals = tally.ToTotals();
  EXPECT_EQ(totals.delivered(), 1);
  EXPECT_DOUBLE_EQ(totals.share_requests_delivered(), 1.0);
  EXPECT_DOUBLE_EQ(totals.share_people_reached(), 0.725);
}

TEST(AccessTallyTest, CountsEachStageOfTheLifeCycle) {
  AccessTally tally;
  tally.Add(Requested(5000));
  tally.Add(Denied(3000));
  tally.Add(Delivered(10000, 8000, 7500));
  v1::Convoy lost = Delivered(1000, 1000, 1000);
  v1::ManifestLine* line = lost.add_manifest();
  line->set_category(v1::CARGO_CATEGORY_MEDICAL);
  line->set_unit("vials");
  line->set_quantity(300);
  line->set_quantity_removed(40);
  tally.Add(lost);
  const v1::AccessTotals t = tally.ToTotals();
  EXPECT_EQ(t.requests(), 4);
  EXPECT_EQ(t.pending(), 1);
  EXPECT_EQ(t.approved(), 2);
  EXPECT_EQ(t.denied(), 1);
  EXPECT_EQ(t.delivered(), 2);
  EXPECT_EQ(t.people_requested(), 19000);
  EXPECT_EQ(t.people_approved(), 9000);
  EXPECT_EQ(t.people_reached(), 8500);
  EXPECT_DOUBLE_EQ(t.share_people_reached(), 8500.0 / 19000);
  ASSERT_EQ(t.items_lost_size(), 1);
  EXPECT_EQ(t.items_lost(0).removed(), 40);
}

TEST(AccessTallyTest, CancelledRequestsAreCountedSoTheStagesAddUp) {
  AccessTally tally;
  tally.Add(Requested(100));
  tally.Add(Denied(100));
  tally.Add(Delivered(100, 100, 100));
  v1::Convoy unanswered = Requested(100);
  unanswered.set_status(v1::CONVOY_STATUS_CANCELLED);
  tally.Add(unanswered);
  v1::Convoy after_approval = Delivered(100, 100, 0);
  after_approval.set_status(v1::CONVOY_STATUS_CANCELLED);
  after_approval.clear_beneficiaries_reached();
  tally.Add(after_approval);
  const v1::AccessTotals t = tally.ToTotals();
  EXPECT_EQ(t.cancelled(), 2);
  EXPECT_EQ(t.cancelled_unanswered(), 1);
  EXPECT_EQ(t.requests(), t.pending() + t.denied() + t.approved() + t.cancelled_unanswered());
}

TEST(AccessTallyTest, NoShareWithoutAWhole) {
  const v1::AccessTotals empty = AccessTally().ToTotals();
  EXPECT_FALSE(empty.has_share_people_reached());
  EXPECT_FALSE(empty.has_share_requests_delivered());
}

TEST(StatusOnTest, TheLatestChangeOnOrBeforeTheDayStands) {
  std::vector<v1::StatusChange> history(3);
  history[0].set_sequence(1);
  history[0].set_status(v1::AREA_STATUS_WATCHLIST);
  history[1].set_sequence(2);
  history[1].set_status(v1::AREA_STATUS_BESIEGED);
  *history[1].mutable_effective_date() = D(2016, 7, 17);
  history[2].set_sequence(3);
  history[2].set_status(v1::AREA_STATUS_EVACUATED);
  *history[2].mutable_effective_date() = D(2016, 12, 22);
  EXPECT_EQ(StatusOn(history, D(2016, 10, 31)), v1::AREA_STATUS_BESIEGED);
  EXPECT_EQ(StatusOn(history, D(2017, 1, 31)), v1::AREA_STATUS_EVACUATED);
  // Before any dated change: the undated listing is all that is known.
  EXPECT_EQ(StatusOn(history, D(2016, 1, 31)), v1::AREA_STATUS_WATCHLIST);
  history.erase(history.begin());
  EXPECT_EQ(StatusOn(history, D(2016, 1, 31)), v1::AREA_STATUS_UNSPECIFIED);
}

TEST(StatusOnTest, HistoryIsReadOnlyWhenTheCurrentStatusIsNewerThanTheDay) {
  v1::Area area = Area("A", "");
  area.set_status(v1::AREA_STATUS_EVACUATED);
  *area.mutable_status_since() = D(2016, 12, 22);
  EXPECT_TRUE(NeedsStatusHistory(area, D(2016, 10, 31)));
  EXPECT_FALSE(NeedsStatusHistory(area, D(2017, 1, 31)));
  area.clear_status_since();
  area.set_status_changes(1);
  EXPECT_FALSE(NeedsStatusHistory(area, D(2016, 10, 31)));
  area.set_status_changes(2);
  EXPECT_TRUE(NeedsStatusHistory(area, D(2016, 10, 31)));
}

class AssembleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    areas_ = {Area("EG", "Eastern Ghouta", /*aggregate=*/true), Area("EG-DUMA", "Eastern Ghouta"),
              Area("EG-HARASTA", "Eastern Ghouta"), Area("MADAYA", "Madaya"), Area("TALBISEH", "")};
    inputs_.members = MembersOfAggregates(areas_);
    for (const v1::Area& a : areas_) {
      inputs_.is_aggregate[a.id()] = a.aggregate();
      inputs_.tallies[a.id()];
    }
    inputs_.status_on_end = {{"EG", v1::AREA_STATUS_BESIEGED},
                             {"EG-DUMA", v1::AREA_STATUS_BESIEGED},
                             {"EG-HARASTA", v1::AREA_STATUS_BESIEGED},
                             {"MADAYA", v1::AREA_STATUS_BESIEGED},
                             {"TALBISEH", v1::AREA_STATUS_HARD_TO_REACH}};
    inputs_.tallies["EG-DUMA"].Add(Delivered(20000, 20000, 14500));
    inputs_.tallies["EG-DUMA"].last_delivery = D(2016, 10, 19);
    inputs_.tallies["EG-HARASTA"].Add(Denied(5000));
    inputs_.tallies["MADAYA"].Add(Delivered(40000, 40000, 40000, v1::DELIVERY_MODE_AIRDROP));
    inputs_.tallies["TALBISEH"].Add(Requested(8000, v1::DELIVERY_MODE_UNSPECIFIED));
    v1::Convoy evacuation = Delivered(30, 20, 18);
    evacuation.set_kind(v1::REQUEST_KIND_MEDICAL_EVACUATION);
    inputs_.tallies["MADAYA"].Add(evacuation);
  }

  v1::AccessReport Assemble() {
    for (const v1::Area& a : areas_) inputs_.rows.push_back(&a);
    return AssembleAccessReport(inputs_, D(2016, 10, 1), D(2016, 10, 31));
  }

  std::vector<v1::Area> areas_;
  ReportInputs inputs_;
};

TEST_F(AssembleTest, AnEnclaveIsTheSumOfItsMembersNeverNotReachedWhileOneWas) {
  const v1::AccessReport report = Assemble();
  const v1::AreaAccess& enclave = report.areas(0);
  ASSERT_EQ(enclave.area_id(), "EG");
  EXPECT_EQ(enclave.member_area_ids_size(), 2);
  EXPECT_EQ(enclave.requests(), 2);
  EXPECT_EQ(enclave.beneficiaries_reached(), 14500);
  EXPECT_FALSE(enclave.not_reached());
  EXPECT_EQ(enclave.days_since_last_delivery(), 12);
  EXPECT_TRUE(report.areas(2).not_reached());  // Harasta itself was not reached
}

TEST_F(AssembleTest, TotalsCountEachRequestOnceAndSplitByStatusAndMode) {
  const v1::AccessReport report = Assemble();
  const v1::AccessTotals& all = report.totals();
  EXPECT_EQ(all.requests(), 4);  // the enclave row adds nothing of its own
  EXPECT_EQ(all.people_requested(), 73000);
  EXPECT_EQ(all.people_reached(), 54500);
  EXPECT_DOUBLE_EQ(all.share_people_reached(), 54500.0 / 73000);
  EXPECT_EQ(all.denied(), 1);
  EXPECT_EQ(all.pending(), 1);

  ASSERT_EQ(report.by_area_status_size(), 3);
  EXPECT_TRUE(report.by_area_status(2).has_area_status());  // "other" is labelled too
  EXPECT_EQ(report.by_area_status(0).area_status(), v1::AREA_STATUS_BESIEGED);
  EXPECT_EQ(report.by_area_status(0).areas(), 3);  // communities, not the enclave row
  EXPECT_EQ(report.by_area_status(0).totals().people_requested(), 65000);
  EXPECT_EQ(report.by_area_status(1).area_status(), v1::AREA_STATUS_HARD_TO_REACH);
  EXPECT_EQ(report.by_area_status(1).totals().people_requested(), 8000);
  EXPECT_EQ(report.by_area_status(2).totals().requests(), 0);

  ASSERT_EQ(report.by_mode_size(), 3);
  EXPECT_EQ(report.by_mode(0).mode(), v1::DELIVERY_MODE_UNSPECIFIED);
  EXPECT_EQ(report.by_mode(0).totals().people_requested(), 8000);
  EXPECT_EQ(report.by_mode(1).mode(), v1::DELIVERY_MODE_ROAD);
  EXPECT_EQ(report.by_mode(1).totals().requests(), 2);
  EXPECT_EQ(report.by_mode(2).mode(), v1::DELIVERY_MODE_AIRDROP);
  EXPECT_EQ(report.by_mode(2).totals().people_reached(), 40000);
}

TEST_F(AssembleTest, EvacuationsAreCountedApartFromAid) {
  const v1::AccessReport report = Assemble();
  EXPECT_EQ(report.evacuations().requests(), 1);
  EXPECT_EQ(report.evacuations().people_requested(), 30);
  EXPECT_EQ(report.evacuations().people_reached(), 18);
  EXPECT_EQ(report.areas(3).area_id(), "MADAYA");
  EXPECT_EQ(report.areas(3).requests(), 1);  // the aid convoy only
  EXPECT_EQ(report.areas(3).evacuations().people_reached(), 18);
}

TEST_F(AssembleTest, AReportOfTheEnclaveAloneStillCountsItsMembers) {
  inputs_.rows = {&areas_[0]};
  const v1::AccessReport report = AssembleAccessReport(inputs_, D(2016, 10, 1), D(2016, 10, 31));
  ASSERT_EQ(report.areas_size(), 1);
  EXPECT_EQ(report.totals().requests(), 2);
  EXPECT_EQ(report.totals().people_reached(), 14500);
}

}  // namespace
}  // namespace corridor::convoys
