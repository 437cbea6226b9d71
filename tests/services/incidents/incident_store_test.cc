// The incidents store on a real RocksDB: what the indexes list and what the
// counters add up to, checked against the records themselves after random
// records, corrections and withdrawals.
#include "services/incidents/incident_store.h"

#include <map>
#include <random>

#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/time_util.h"
#include "gtest/gtest.h"
#include "services/incidents/incident_tables.h"
#include "services/incidents/incident_validation.h"
#include "tests/testing/temp_dir.h"
#include "tests/testing/temp_store.h"

namespace corridor::incidents {
namespace {

using google::protobuf::util::TimeUtil;

storage::Origin Coordinator() {
  storage::Origin origin;
  origin.principal.set_name("coordinator");
  origin.rpc = "/corridor.v1.IncidentService/RecordIncident";
  return origin;
}

v1::YearMonth Month(int year, int month) {
  v1::YearMonth m;
  m.set_year(year);
  m.set_month(month);
  return m;
}

v1::RecordIncidentRequest Incident(const std::string& key, const std::string& party,
                                   const std::string& area, v1::IncidentType type,
                                   std::vector<v1::Weapon> weapons, int day, int64_t killed) {
  v1::RecordIncidentRequest r;
  r.set_idempotency_key(key);
  v1::IncidentFacts* f = r.mutable_facts();
  *f->mutable_occurred_at() = TimeUtil::SecondsToTimestamp(
      absl::ToUnixSeconds(absl::FromCivil(absl::CivilDay(2016, 1, 1) + day, absl::UTCTimeZone())));
  f->set_precision(v1::TIME_PRECISION_DAY);
  f->set_area_id(area);
  f->set_type(type);
  for (v1::Weapon w : weapons) f->add_weapons(w);
  if (killed >= 0) f->mutable_casualties()->mutable_total()->set_killed(killed);
  if (!party.empty()) {
    f->set_party(party);
    f->set_party_id(party);
    f->set_attribution_confidence(v1::ATTRIBUTION_CONFIDENCE_MEDIUM);
    f->set_attribution_basis("test");
  }
  f->set_description("test incident");
  f->add_sources()->mutable_source()->set_citation("test source");
  EXPECT_TRUE(ValidateRecord(r, absl::Now()).ok()) << ValidateRecord(r, absl::Now());
  return r;
}

class IncidentStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = corridor::testing::OpenTestStore(dir_.Sub("db"));
    ASSERT_NE(store_, nullptr);
    incidents_ = std::make_unique<IncidentStore>(store_.get());
  }

  v1::IncidentStatsResponse Stats(v1::IncidentStatsDimension by, const std::string& party = "") {
    v1::IncidentStatsRequest request;
    *request.mutable_from() = Month(2016, 1);
    *request.mutable_to() = Month(2017, 12);
    request.set_group_by(by);
    request.set_party(party);
    absl::StatusOr<v1::IncidentStatsResponse> stats = incidents_->Stats(request);
    EXPECT_TRUE(stats.ok()) << stats.status();
    return stats.value_or(v1::IncidentStatsResponse());
  }

  std::vector<v1::Incident> ListAll(v1::ListIncidentsRequest request, int page_size) {
    std::vector<v1::Incident> all;
    do {
      absl::StatusOr<v1::ListIncidentsResponse> page = incidents_->List(request, page_size);
      EXPECT_TRUE(page.ok()) << page.status();
      if (!page.ok()) break;
      all.insert(all.end(), page->incidents().begin(), page->incidents().end());
      request.mutable_page()->set_page_token(page->next_page_token());
    } while (!request.page().page_token().empty());
    return all;
  }

  corridor::testing::TempDir dir_;
  std::unique_ptr<storage::Store> store_;
  std::unique_ptr<IncidentStore> incidents_;
};

TEST_F(IncidentStoreTest, CountersAgreeWithTheRecordsAfterRandomCorrections) {
  std::mt19937 random(7);
  const std::vector<std::string> parties = {"syrian-government", "isis", ""};
  const std::vector<std::string> areas = {"ALP-EAST", "EG-DUMA", "DEZ-GOV"};
  const std::vector<v1::Weapon> weapons = {v1::WEAPON_BARREL_BOMB, v1::WEAPON_ARTILLERY,
                                           v1::WEAPON_CHEMICAL};
  std::vector<std::string> ids;
  for (int i = 0; i < 120; ++i) {
    std::vector<v1::Weapon> used;
    for (v1::Weapon w : weapons) {
      if (random() % 2) used.push_back(w);
    }
    const v1::RecordIncidentRequest r = Incident(
        "k" + std::to_string(i), parties[random() % 3], areas[random() % 3],
        static_cast<v1::IncidentType>(1 + random() % 10), used, static_cast<int>(random() % 700),
        random() % 4 == 0 ? -1 : static_cast<int64_t>(random() % 30));
    absl::StatusOr<v1::Incident> incident = incidents_->Record(Coordinator(), r);
    ASSERT_TRUE(incident.ok()) << incident.status();
    ids.push_back(incident->id());
  }
  for (int i = 0; i < 60; ++i) {
    v1::CorrectIncidentRequest c;
    c.set_incident_id(ids[random() % ids.size()]);
    c.set_reason("test");
    absl::StatusOr<v1::Incident> current = incidents_->Get("id", c.incident_id());
    ASSERT_TRUE(current.ok());
    if (current->withdrawn()) continue;
    if (random() % 3 == 0) {
      c.set_withdraw(true);
    } else {
      *c.mutable_facts() = current->facts();
      c.mutable_facts()->mutable_casualties()->mutable_total()->set_killed(random() % 50);
      c.mutable_facts()->set_type(static_cast<v1::IncidentType>(1 + random() % 10));
    }
    ASSERT_TRUE(incidents_->Correct(Coordinator(), c).ok());
  }

  // What the counters should say, from the current records.
  std::map<std::string, std::pair<int64_t, int64_t>> by_weapon, by_type_for_government;
  int64_t incidents = 0, killed = 0, stating_killed = 0;
  for (const std::string& id : ids) {
    absl::StatusOr<v1::Incident> i = incidents_->Get("id", id);
    ASSERT_TRUE(i.ok());
    if (i->withdrawn()) continue;
    const v1::IncidentFacts& f = i->facts();
    ++incidents;
    killed += f.casualties().total().killed();
    stating_killed += f.casualties().total().has_killed();
    for (int w : f.weapons()) {
      auto& [n, k] = by_weapon[v1::Weapon_Name(static_cast<v1::Weapon>(w))];
      ++n;
      k += f.casualties().total().killed();
    }
    if (f.weapons().empty()) {
      auto& [n, k] = by_weapon[""];
      ++n;
      k += f.casualties().total().killed();
    }
    if (f.party_id() == "syrian-government") {
      auto& [n, k] = by_type_for_government[v1::IncidentType_Name(f.type())];
      ++n;
      k += f.casualties().total().killed();
    }
  }
  const v1::IncidentStatsResponse month = Stats(v1::INCIDENT_STATS_DIMENSION_MONTH);
  EXPECT_EQ(month.total().incidents(), incidents);
  EXPECT_EQ(month.total().killed(), killed);
  EXPECT_EQ(month.total().incidents_with_killed(), stating_killed);

  const v1::IncidentStatsResponse weapon = Stats(v1::INCIDENT_STATS_DIMENSION_WEAPON);
  EXPECT_EQ(weapon.total().incidents(), incidents);
  ASSERT_EQ(weapon.rows_size(), static_cast<int>(by_weapon.size()));
  // Every incident is in at least one row: those stating no weapon in "".
  for (const v1::IncidentStatsRow& row : weapon.rows()) {
    EXPECT_EQ(row.incidents(), by_weapon[row.group()].first) << row.group();
    EXPECT_EQ(row.killed(), by_weapon[row.group()].second) << row.group();
  }

  const v1::IncidentStatsResponse government =
      Stats(v1::INCIDENT_STATS_DIMENSION_TYPE, "syrian-government");
  ASSERT_EQ(government.rows_size(), static_cast<int>(by_type_for_government.size()));
  for (const v1::IncidentStatsRow& row : government.rows()) {
    EXPECT_EQ(row.incidents(), by_type_for_government[row.group()].first) << row.group();
    EXPECT_EQ(row.killed(), by_type_for_government[row.group()].second) << row.group();
  }

  // One weapon over time: its "w" counters by month.
  v1::IncidentStatsRequest barrel_by_month;
  *barrel_by_month.mutable_from() = Month(2016, 1);
  *barrel_by_month.mutable_to() = Month(2017, 12);
  barrel_by_month.set_group_by(v1::INCIDENT_STATS_DIMENSION_MONTH);
  barrel_by_month.set_weapon(v1::WEAPON_BARREL_BOMB);
  absl::StatusOr<v1::IncidentStatsResponse> barrel = incidents_->Stats(barrel_by_month);
  ASSERT_TRUE(barrel.ok()) << barrel.status();
  EXPECT_EQ(barrel->total().incidents(), by_weapon["WEAPON_BARREL_BOMB"].first);
  EXPECT_EQ(barrel->total().killed(), by_weapon["WEAPON_BARREL_BOMB"].second);
  barrel_by_month.set_group_by(v1::INCIDENT_STATS_DIMENSION_PARTY);
  EXPECT_THAT(std::string(incidents_->Stats(barrel_by_month).status().message()),
              ::testing::StartsWith("weapon: combines only with group_by MONTH"));

  // Lists: every filter, paged in small pages, matches the records.
  v1::ListIncidentsRequest chemical;
  chemical.set_weapon(v1::WEAPON_CHEMICAL);
  chemical.set_area_id("EG-DUMA");
  const std::vector<v1::Incident> listed = ListAll(chemical, 7);
  for (const v1::Incident& i : listed) {
    EXPECT_EQ(i.facts().area_id(), "EG-DUMA");
    EXPECT_THAT(i.facts().weapons(), ::testing::Contains(v1::WEAPON_CHEMICAL));
    EXPECT_FALSE(i.withdrawn());
  }
  int expected = 0;
  for (const std::string& id : ids) {
    v1::Incident i = *incidents_->Get("id", id);
    const auto& w = i.facts().weapons();
    expected += !i.withdrawn() && i.facts().area_id() == "EG-DUMA" &&
                std::find(w.begin(), w.end(), v1::WEAPON_CHEMICAL) != w.end();
  }
  EXPECT_EQ(static_cast<int>(listed.size()), expected);
  for (size_t i = 1; i < listed.size(); ++i) {
    EXPECT_GE(TimeUtil::TimestampToSeconds(listed[i - 1].facts().occurred_at()),
              TimeUtil::TimestampToSeconds(listed[i].facts().occurred_at()))
        << "newest first";
  }
}

TEST_F(IncidentStoreTest, AKeyReusedForOtherFactsIsRefusedAndTheFirstStands) {
  const v1::RecordIncidentRequest first =
      Incident("urum", "syrian-government", "ALP-EAST", v1::INCIDENT_TYPE_ATTACK_ON_CONVOY,
               {v1::WEAPON_BARREL_BOMB}, 262, 10);
  ASSERT_TRUE(incidents_->Record(Coordinator(), first).ok());
  absl::StatusOr<v1::Incident> retry = incidents_->Record(Coordinator(), first);
  ASSERT_TRUE(retry.ok()) << retry.status();
  EXPECT_EQ(retry->revision(), 1);
  v1::RecordIncidentRequest other = first;
  other.mutable_facts()->mutable_casualties()->mutable_total()->set_killed(18);
  absl::StatusOr<v1::Incident> reused = incidents_->Record(Coordinator(), other);
  EXPECT_TRUE(absl::IsAlreadyExists(reused.status())) << reused.status();
  EXPECT_THAT(reused.status().message(), ::testing::HasSubstr("idempotency_key"));
  EXPECT_EQ(Stats(v1::INCIDENT_STATS_DIMENSION_MONTH).total().killed(), 10);
}

TEST(IncidentValidationTest, NamesTheFieldOfEachMistake) {
  v1::RecordIncidentRequest good =
      Incident("k", "syrian-government", "ALP-EAST", v1::INCIDENT_TYPE_AIR_STRIKE, {}, 10, 3);
  ASSERT_TRUE(ValidateRecord(good, absl::Now()).ok());
  auto refused = [&](std::function<void(v1::IncidentFacts*)> change) {
    v1::RecordIncidentRequest r = good;
    change(r.mutable_facts());
    absl::Status s = ValidateRecord(r, absl::Now());
    EXPECT_TRUE(absl::IsInvalidArgument(s));
    return std::string(s.message());
  };
  EXPECT_THAT(refused([](v1::IncidentFacts* f) { f->mutable_occurred_at()->set_seconds(100); }),
              ::testing::StartsWith("facts.occurred_at: must be 00:00 UTC"));
  EXPECT_THAT(refused([](v1::IncidentFacts* f) { f->set_precision(v1::TIME_PRECISION_MONTH); }),
              ::testing::StartsWith("facts.occurred_at: must be the 1st"));
  EXPECT_THAT(refused([](v1::IncidentFacts* f) {
                f->mutable_casualties()->mutable_children()->set_killed(4);
              }),
              ::testing::StartsWith("facts.casualties.children.killed: 4 is more than"));
  EXPECT_THAT(refused([](v1::IncidentFacts* f) { f->clear_sources(); }),
              ::testing::StartsWith("facts.sources:"));
  EXPECT_THAT(refused([](v1::IncidentFacts* f) {
                f->mutable_sources(0)->mutable_reported()->mutable_total()->set_killed(-1);
              }),
              ::testing::StartsWith("facts.sources[0].reported.total.killed:"));
  EXPECT_THAT(refused([](v1::IncidentFacts* f) {
                f->clear_area_id();
                f->mutable_location()->set_latitude(36.1);
              }),
              ::testing::StartsWith("facts.place_name:"));
  EXPECT_THAT(refused([](v1::IncidentFacts* f) { f->add_weapons(static_cast<v1::Weapon>(99)); }),
              ::testing::StartsWith("facts.weapons[0]:"));
  EXPECT_THAT(refused([](v1::IncidentFacts* f) { f->clear_party(); }),
              ::testing::StartsWith("facts.attribution_confidence:"));
  EXPECT_THAT(refused([](v1::IncidentFacts* f) {
                f->mutable_occurred_at()->set_seconds(absl::ToUnixSeconds(absl::Now()) + 7 * 86400 -
                                                      (absl::ToUnixSeconds(absl::Now()) % 86400));
              }),
              ::testing::HasSubstr("lies in the future"));
}

}  // namespace
}  // namespace corridor::incidents
