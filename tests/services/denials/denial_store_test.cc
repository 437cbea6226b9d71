#include "services/denials/denial_store.h"

#include <map>
#include <random>

#include "common/ids.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/time_util.h"
#include "gtest/gtest.h"
#include "tests/testing/temp_dir.h"
#include "tests/testing/temp_store.h"

namespace corridor::denials {
namespace {

using google::protobuf::util::TimeUtil;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

storage::Origin Coordinator() {
  storage::Origin origin;
  origin.principal.set_name("coordinator");
  origin.rpc = "/corridor.v1.DenialService/RecordDenial";
  return origin;
}

google::protobuf::Timestamp At(int year, int month, int day) {
  return TimeUtil::SecondsToTimestamp(
      absl::ToUnixSeconds(absl::FromCivil(absl::CivilDay(year, month, day), absl::UTCTimeZone())));
}

v1::RecordDenialRequest Denial(const std::string& key, const std::string& party,
                               const std::string& area, v1::AccessConstraintCategory category,
                               google::protobuf::Timestamp at, int64_t people = -1) {
  v1::RecordDenialRequest r;
  r.set_idempotency_key(key);
  v1::DenialFacts* f = r.mutable_facts();
  f->set_party(party);
  f->set_area_id(area);
  f->set_category(category);
  *f->mutable_occurred_at() = at;
  f->set_description("convoy stopped at checkpoint");
  f->mutable_source()->set_citation("OCHA sitrep");
  if (people >= 0) f->set_people_affected(people);
  return r;
}

constexpr auto kMovement = v1::ACCESS_CONSTRAINT_MOVEMENT_RESTRICTION;
constexpr auto kViolence = v1::ACCESS_CONSTRAINT_VIOLENCE;
constexpr auto kHostilities = v1::ACCESS_CONSTRAINT_HOSTILITIES;

v1::YearMonth Month(int year, int month) {
  v1::YearMonth m;
  m.set_year(year);
  m.set_month(month);
  return m;
}

class DenialStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = corridor::testing::OpenTestStore(dir_.Sub("db"));
    ASSERT_NE(store_, nullptr);
    denials_ = std::make_unique<DenialStore>(store_.get());
  }

  v1::Denial Record(const v1::RecordDenialRequest& r) {
    absl::StatusOr<v1::Denial> d = denials_->Record(Coordinator(), r);
    EXPECT_TRUE(d.ok()) << d.status();
    return d.value_or(v1::Denial());
  }

  std::vector<std::string> ListIds(v1::ListDenialsRequest request, int page_size = 500) {
    std::vector<std::string> ids;
    do {
      absl::StatusOr<v1::ListDenialsResponse> page = denials_->List(request, page_size);
      EXPECT_TRUE(page.ok()) << page.status();
      if (!page.ok()) break;
      for (const v1::Denial& d : page->denials()) ids.push_back(d.id());
      request.mutable_page()->set_page_token(page->next_page_token());
    } while (!request.page().page_token().empty());
    return ids;
  }

  // group -> {denials, people, with people}
  std::map<std::string, std::vector<int64_t>> Stats(v1::DenialStatsRequest request) {
    absl::StatusOr<v1::DenialStatsResponse> stats = denials_->Stats(request);
    EXPECT_TRUE(stats.ok()) << stats.status();
    std::map<std::string, std::vector<int64_t>> out;
    if (!stats.ok()) return out;
    for (const auto& row : stats->rows()) {
      out[row.group()] = {row.denials(), row.people_affected(), row.denials_with_people_affected()};
    }
    out["total"] = {stats->total().denials(), stats->total().people_affected(),
                    stats->total().denials_with_people_affected()};
    return out;
  }

  corridor::testing::TempDir dir_;
  std::unique_ptr<storage::Store> store_;
  std::unique_ptr<DenialStore> denials_;
};

TEST_F(DenialStoreTest, RetryReturnsTheFirstRecordAndAReusedKeyIsRefused) {
  const v1::Denial first = Record(Denial("k1", "Party A", "EG-DUMA", kMovement, At(2016, 9, 1)));
  EXPECT_EQ(first.id(), DenialIdFor("k1"));
  EXPECT_EQ(first.revision(), 1);
  EXPECT_EQ(first.recorded_by().name(), "coordinator");
  const v1::Denial retry = Record(Denial("k1", "Party A", "EG-DUMA", kMovement, At(2016, 9, 1)));
  EXPECT_EQ(retry.id(), first.id());
  EXPECT_EQ(retry.version(), 1);
  absl::StatusOr<v1::Denial> reused = denials_->Record(
      Coordinator(), Denial("k1", "Party B", "EG-DUMA", kMovement, At(2016, 9, 1)));
  EXPECT_TRUE(absl::IsAlreadyExists(reused.status()));
  EXPECT_THAT(reused.status().message(), HasSubstr("idempotency_key"));
  // Counted once.
  v1::DenialStatsRequest stats;
  *stats.mutable_from() = Month(2016, 1);
  *stats.mutable_to() = Month(2016, 12);
  stats.set_group_by(v1::STATS_DIMENSION_PARTY);
  EXPECT_EQ(Stats(stats)["total"][0], 1);
}

TEST_F(DenialStoreTest, CorrectionsSupersedeKeepEveryRevisionAndMoveTheCounters) {
  const v1::Denial d = Record(Denial("c1", "Party A", "EG-DUMA", kMovement, At(2016, 9, 1), 100));
  v1::CorrectDenialRequest fix;
  fix.set_denial_id(d.id());
  fix.set_expected_revision(1);
  *fix.mutable_facts() = d.facts();
  fix.mutable_facts()->set_party("Party B");
  fix.mutable_facts()->set_people_affected(250);
  fix.set_reason("the checkpoint was held by Party B");
  absl::StatusOr<v1::Denial> fixed = denials_->Correct(Coordinator(), fix);
  ASSERT_TRUE(fixed.ok()) << fixed.status();
  EXPECT_EQ(fixed->revision(), 2);
  EXPECT_EQ(fixed->facts().party(), "Party B");

  // A correction made against revision 1 again is stale.
  fix.mutable_facts()->set_party("Party C");
  EXPECT_TRUE(absl::IsAborted(denials_->Correct(Coordinator(), fix).status()));

  v1::GetDenialHistoryRequest history;
  history.set_denial_id(d.id());
  absl::StatusOr<v1::GetDenialHistoryResponse> h = denials_->History(history, 50);
  ASSERT_TRUE(h.ok()) << h.status();
  ASSERT_EQ(h->revisions_size(), 2);
  EXPECT_EQ(h->revisions(0).facts().party(), "Party A");
  EXPECT_EQ(h->revisions(1).facts().party(), "Party B");
  EXPECT_EQ(h->revisions(1).correction_reason(), "the checkpoint was held by Party B");

  v1::DenialStatsRequest stats;
  *stats.mutable_from() = Month(2016, 9);
  *stats.mutable_to() = Month(2016, 9);
  stats.set_group_by(v1::STATS_DIMENSION_PARTY);
  auto by_party = Stats(stats);
  EXPECT_EQ(by_party.count("Party A"), 0u);
  EXPECT_THAT(by_party["Party B"], ElementsAre(1, 250, 1));

  v1::ListDenialsRequest by_a;
  by_a.set_party("Party A");
  EXPECT_TRUE(ListIds(by_a).empty());

  // Withdrawn: kept with its history, no longer listed or counted.
  v1::CorrectDenialRequest withdraw;
  withdraw.set_denial_id(d.id());
  withdraw.set_withdraw(true);
  withdraw.set_reason("duplicate of another report");
  absl::StatusOr<v1::Denial> withdrawn = denials_->Correct(Coordinator(), withdraw);
  ASSERT_TRUE(withdrawn.ok()) << withdrawn.status();
  EXPECT_TRUE(withdrawn->withdrawn());
  EXPECT_TRUE(ListIds(v1::ListDenialsRequest()).empty());
  EXPECT_THAT(Stats(stats)["total"], ElementsAre(0, 0, 0));
  EXPECT_TRUE(absl::IsFailedPrecondition(denials_->Correct(Coordinator(), withdraw).status()));
  EXPECT_EQ(denials_->History(history, 50)->revisions_size(), 3);
}

TEST_F(DenialStoreTest, ListFiltersCombineNewestFirstOverPeriodsAndPages) {
  Record(Denial("l1", "Party A", "EG-DUMA", kMovement, At(2016, 8, 30)));
  Record(Denial("l2", "Party A", "EG-DUMA", kViolence, At(2016, 9, 5)));
  Record(Denial("l3", "Party A", "MADAYA", kMovement, At(2016, 9, 10)));
  Record(Denial("l4", "Party B", "EG-DUMA", kMovement, At(2016, 9, 15)));
  Record(Denial("l5", "Party A", "EG-DUMA", kMovement, At(2016, 9, 20)));
  auto id = [](const char* key) { return DenialIdFor(key); };

  v1::ListDenialsRequest all;
  EXPECT_THAT(ListIds(all, 2), ElementsAre(id("l5"), id("l4"), id("l3"), id("l2"), id("l1")));

  v1::ListDenialsRequest september_a;
  september_a.set_party("Party A");
  *september_a.mutable_since() = At(2016, 9, 1);
  *september_a.mutable_until() = At(2016, 10, 1);
  EXPECT_THAT(ListIds(september_a, 1), ElementsAre(id("l5"), id("l3"), id("l2")));

  v1::ListDenialsRequest a_duma_movement = september_a;
  a_duma_movement.set_area_id("EG-DUMA");
  a_duma_movement.set_category(kMovement);
  a_duma_movement.clear_since();
  EXPECT_THAT(ListIds(a_duma_movement), ElementsAre(id("l5"), id("l1")));

  v1::ListDenialsRequest duma_violence;
  duma_violence.set_area_id("EG-DUMA");
  duma_violence.set_category(kViolence);
  EXPECT_THAT(ListIds(duma_violence), ElementsAre(id("l2")));

  // A token is bound to its filters.
  absl::StatusOr<v1::ListDenialsResponse> first = denials_->List(september_a, 1);
  ASSERT_TRUE(first.ok());
  v1::ListDenialsRequest other;
  other.set_party("Party B");
  other.mutable_page()->set_page_token(first->next_page_token());
  absl::StatusOr<v1::ListDenialsResponse> replay = denials_->List(other, 1);
  EXPECT_TRUE(absl::IsInvalidArgument(replay.status()));
  EXPECT_THAT(replay.status().message(), HasSubstr("page_token"));
}

TEST_F(DenialStoreTest, StatsGroupByEachDimensionWithAFilter) {
  Record(Denial("s1", "Party A", "EG-DUMA", kMovement, At(2016, 8, 30), 10));
  Record(Denial("s2", "Party A", "EG-DUMA", kViolence, At(2016, 9, 5), 20));
  Record(Denial("s3", "Party A", "MADAYA", kMovement, At(2016, 9, 10)));
  Record(Denial("s4", "Party B", "EG-DUMA", kMovement, At(2016, 9, 15), 40));
  Record(Denial("s5", "Party A", "EG-DUMA", kHostilities, At(2016, 12, 31), 50));
  v1::DenialStatsRequest r;
  *r.mutable_from() = Month(2016, 9);
  *r.mutable_to() = Month(2016, 12);

  r.set_group_by(v1::STATS_DIMENSION_MONTH);
  auto by_month = Stats(r);
  EXPECT_THAT(by_month["2016-09"], ElementsAre(3, 60, 2));
  EXPECT_THAT(by_month["2016-12"], ElementsAre(1, 50, 1));
  EXPECT_EQ(by_month.count("2016-08"), 0u);

  r.set_group_by(v1::STATS_DIMENSION_CATEGORY);
  r.set_party("Party A");
  auto a_by_category = Stats(r);
  EXPECT_THAT(a_by_category["ACCESS_CONSTRAINT_MOVEMENT_RESTRICTION"], ElementsAre(1, 0, 0));
  EXPECT_THAT(a_by_category["ACCESS_CONSTRAINT_VIOLENCE"], ElementsAre(1, 20, 1));
  EXPECT_THAT(a_by_category["total"], ElementsAre(3, 70, 2));

  r.set_party("");
  r.set_category(kMovement);
  r.set_group_by(v1::STATS_DIMENSION_AREA);
  auto movement_by_area = Stats(r);
  EXPECT_THAT(movement_by_area["EG-DUMA"], ElementsAre(1, 40, 1));
  EXPECT_THAT(movement_by_area["MADAYA"], ElementsAre(1, 0, 0));

  // Two filters by month: one pair's range.
  r.set_party("Party A");
  r.set_area_id("EG-DUMA");
  r.clear_category();
  r.set_group_by(v1::STATS_DIMENSION_MONTH);
  auto a_duma = Stats(r);
  EXPECT_THAT(a_duma["2016-09"], ElementsAre(1, 20, 1));
  EXPECT_THAT(a_duma["2016-12"], ElementsAre(1, 50, 1));

  // Three dimensions at once are refused, naming the field.
  r.set_group_by(v1::STATS_DIMENSION_CATEGORY);
  absl::StatusOr<v1::DenialStatsResponse> refused = denials_->Stats(r);
  EXPECT_TRUE(absl::IsInvalidArgument(refused.status()));
  EXPECT_THAT(refused.status().message(), HasSubstr("group_by"));
}

// The counters must always equal a recount of the records, whatever mix of
// records and corrections produced them.
TEST_F(DenialStoreTest, CountersAgreeWithARecountAfterRandomCorrections) {
  std::mt19937 random(7);
  const std::vector<std::string> parties = {"Party A", "Party B", "Party C"};
  const std::vector<std::string> areas = {"EG-DUMA", "MADAYA", "ALP-EAST", "FOUA"};
  std::vector<std::string> ids;
  auto random_facts = [&](v1::DenialFacts* f) {
    f->set_party(parties[random() % parties.size()]);
    f->set_area_id(areas[random() % areas.size()]);
    f->set_category(static_cast<v1::AccessConstraintCategory>(1 + random() % 9));
    *f->mutable_occurred_at() = At(2016, 1 + random() % 12, 1 + random() % 28);
    f->set_description("d");
    f->mutable_source()->set_citation("s");
    if (random() % 3 != 0) {
      f->set_people_affected(random() % 1000);
    } else {
      f->clear_people_affected();
    }
  };
  for (int i = 0; i < 300; ++i) {
    v1::RecordDenialRequest r;
    r.set_idempotency_key("r" + std::to_string(i));
    random_facts(r.mutable_facts());
    ids.push_back(Record(r).id());
  }
  for (int i = 0; i < 150; ++i) {
    v1::CorrectDenialRequest c;
    c.set_denial_id(ids[random() % ids.size()]);
    c.set_reason("fix");
    if (random() % 10 == 0) {
      c.set_withdraw(true);
    } else {
      random_facts(c.mutable_facts());
    }
    absl::StatusOr<v1::Denial> done = denials_->Correct(Coordinator(), c);
    ASSERT_TRUE(done.ok() || absl::IsFailedPrecondition(done.status())) << done.status();
  }
  // Recount from the records.
  std::map<std::string, std::vector<int64_t>> expected;
  v1::ListDenialsRequest all;
  do {
    auto page = denials_->List(all, 500);
    ASSERT_TRUE(page.ok());
    for (const v1::Denial& d : page->denials()) {
      const v1::DenialFacts& f = d.facts();
      if (f.party() != "Party B") continue;
      auto& sums = expected[v1::AccessConstraintCategory_Name(f.category())];
      if (sums.empty()) sums = {0, 0, 0};
      sums[0] += 1;
      sums[1] += f.has_people_affected() ? f.people_affected() : 0;
      sums[2] += f.has_people_affected() ? 1 : 0;
    }
    all.mutable_page()->set_page_token(page->next_page_token());
  } while (!all.page().page_token().empty());
  v1::DenialStatsRequest r;
  *r.mutable_from() = Month(2016, 1);
  *r.mutable_to() = Month(2016, 12);
  r.set_group_by(v1::STATS_DIMENSION_CATEGORY);
  r.set_party("Party B");
  auto actual = Stats(r);
  actual.erase("total");
  EXPECT_EQ(actual, expected);
}

}  // namespace
}  // namespace corridor::denials

namespace corridor::denials {
namespace {

// Denials stored before the party registry carry only their text; at start
// each gets the id of the party its text names, and the statistics follow:
// two spellings of one party become one group, and the total is unchanged.
TEST_F(DenialStoreTest, StoredDenialsGetTheirPartysIdAndStatisticsFollow) {
  Record(Denial("old-1", "Syrian Government forces", "EG-DUMA", kMovement, At(2016, 9, 1), 100));
  Record(Denial("old-2", "Syrian government and affiliated militias", "EG-DUMA", kViolence,
                At(2016, 9, 2), 50));
  Record(Denial("old-3", "Checkpoint 4 militia", "EG-DUMA", kMovement, At(2016, 9, 3)));
  v1::DenialStatsRequest by_party;
  *by_party.mutable_from() = Month(2016, 1);
  *by_party.mutable_to() = Month(2016, 12);
  by_party.set_group_by(v1::STATS_DIMENSION_PARTY);
  ASSERT_EQ(Stats(by_party).size(), 4u);  // three texts and the total

  v1::Party government;
  government.set_id("syrian-government");
  government.set_name("Syrian Government");
  government.add_aliases("Syrian Government forces");
  government.add_aliases("Syrian government and affiliated militias");
  absl::StatusOr<PartyResolution> resolution = denials_->ResolveStoredParties({government});
  ASSERT_TRUE(resolution.ok()) << resolution.status();
  EXPECT_EQ(resolution->resolved, 2);
  EXPECT_THAT(resolution->unresolved, ElementsAre(std::make_pair("Checkpoint 4 militia", 1)));

  std::map<std::string, std::vector<int64_t>> stats = Stats(by_party);
  EXPECT_EQ(stats.size(), 3u);
  EXPECT_EQ(stats["syrian-government"], (std::vector<int64_t>{2, 150, 2}));
  EXPECT_EQ(stats["Checkpoint 4 militia"][0], 1);
  EXPECT_EQ(stats["total"], (std::vector<int64_t>{3, 150, 2}));
  // Lists go by the party too; the text each denial gave is kept.
  v1::ListDenialsRequest list;
  list.set_party("syrian-government");
  EXPECT_EQ(ListIds(list).size(), 2u);
  absl::StatusOr<v1::Denial> first = denials_->Get("id", DenialIdFor("old-1"));
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->facts().party(), "Syrian Government forces");
  EXPECT_EQ(first->facts().party_id(), "syrian-government");

  // A second pass finds nothing left to do.
  resolution = denials_->ResolveStoredParties({government});
  ASSERT_TRUE(resolution.ok());
  EXPECT_EQ(resolution->resolved, 0);
}

}  // namespace
}  // namespace corridor::denials
