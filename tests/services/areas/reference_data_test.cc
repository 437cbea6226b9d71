#include "services/areas/reference_data.h"

#include <set>

#include "common/csv.h"
#include "gtest/gtest.h"

namespace corridor::areas {
namespace {

class ReferenceDataTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto parsed = ParseBesiegedAreasCsv(EmbeddedBesiegedAreasCsv());
    ASSERT_TRUE(parsed.ok()) << parsed.status();
    for (const auto& request : *parsed) by_id_[request.area().id()] = request;
    raw_ = *CsvTable::Parse(EmbeddedBesiegedAreasCsv());
  }
  const v1::Area& Area(const std::string& id) { return by_id_.at(id).area(); }

  std::map<std::string, v1::CreateAreaRequest> by_id_;
  CsvTable raw_ = *CsvTable::Parse("a\n");
};

TEST_F(ReferenceDataTest, LoadsEveryRowOfTheList) {
  EXPECT_EQ(by_id_.size(), 51u);
  EXPECT_EQ(by_id_.size(), raw_.rows());
  EXPECT_EQ(Area("EG-DUMA").name_en(), "Douma");
  EXPECT_EQ(Area("EG-DUMA").governorate().pcode(), "SY03");
  EXPECT_EQ(Area("EG-DUMA").community_pcode(), "C2338");
  EXPECT_EQ(Area("ALP-EAST").governorate().pcode(), "SY02");
}

TEST_F(ReferenceDataTest, InventsNoCoordinates) {
  // Rows without coordinates in the source have no location.
  for (size_t row = 0; row < raw_.rows(); ++row) {
    const v1::Area& area = Area(raw_.Get(row, "community_id"));
    EXPECT_EQ(area.has_location(), !raw_.Get(row, "lat").empty()) << area.id();
  }
  EXPECT_FALSE(Area("EG-OTAYA").has_location());
  EXPECT_NEAR(Area("EG-DUMA").location().latitude(), 33.5698594, 1e-9);
  EXPECT_NEAR(Area("EG-DUMA").location().longitude(), 36.399142, 1e-9);
}

TEST_F(ReferenceDataTest, PopulationIsANumberOnlyWhereTheSourceGivesOne) {
  EXPECT_FALSE(Area("EG-DUMA").has_population());
  EXPECT_EQ(Area("DAM-YARMOUK").population().count(), 12520);
  EXPECT_FALSE(Area("DAM-YARMOUK").population().approximate());
  EXPECT_EQ(Area("WG-DARAYYA").population().count(), 4000);
  EXPECT_TRUE(Area("WG-DARAYYA").population().approximate());
  // "more than 275,000" is a lower bound: kept as reported, no count.
  EXPECT_FALSE(Area("ALP-EAST").population().has_count());
  EXPECT_EQ(Area("ALP-EAST").population().as_reported(), "more than 275,000");
  // A range stays a range.
  EXPECT_FALSE(Area("HOM-WAER").population().has_count());
}

TEST_F(ReferenceDataTest, StatusFollowsTheCitedListing) {
  EXPECT_EQ(Area("EG-DUMA").status(), v1::AREA_STATUS_BESIEGED);
  EXPECT_EQ(Area("RD-QUDSAYA").status(), v1::AREA_STATUS_WATCHLIST);
  EXPECT_EQ(Area("EG-HARASTA").status(), v1::AREA_STATUS_BESIEGED);  // UN listing only
  // On Siege Watch's watchlist, declared besieged by the UN on 5 Oct 2016.
  EXPECT_EQ(Area("ALP-EAST").status(), v1::AREA_STATUS_BESIEGED);
  EXPECT_EQ(Area("DAM-QABOUN").status(), v1::AREA_STATUS_BESIEGED);
  EXPECT_EQ(Area("RD-BUQQEIN").status(), v1::AREA_STATUS_UNCONFIRMED);
  EXPECT_EQ(Area("ALP-NUBLZAHRAA").status(), v1::AREA_STATUS_UNCONFIRMED);
  EXPECT_EQ(by_id_.at("EG-MISRABA").status_source().citation(),
            "Siege Watch listing: not confirmed in sources read; UN listing: listed Sep 2017 "
            "(OCHA-MAP-SEP17)");
  // No date is given for the listings, so none is invented.
  for (const auto& [id, request] : by_id_) {
    EXPECT_FALSE(request.has_status_effective_date()) << id;
    EXPECT_FALSE(request.status_source().citation().empty()) << id;
  }
}

TEST_F(ReferenceDataTest, TheEnclaveTotalIsMarkedAsAnAggregate) {
  EXPECT_TRUE(Area("EG-TOTAL").aggregate());
  EXPECT_FALSE(Area("EG-DUMA").aggregate());
  int aggregates = 0;
  for (const auto& [id, request] : by_id_) aggregates += request.area().aggregate();
  EXPECT_EQ(aggregates, 1);
}

TEST_F(ReferenceDataTest, MalformedInputIsRefusedWithTheRow) {
  auto missing_column = ParseBesiegedAreasCsv("community_id,community_name\nX,Y\n");
  EXPECT_FALSE(missing_column.ok());
  std::string header(EmbeddedBesiegedAreasCsv().substr(0, EmbeddedBesiegedAreasCsv().find('\n') + 1));
  // A row with an invalid governorate P-code.
  std::string first_row(EmbeddedBesiegedAreasCsv().substr(header.size()));
  first_row = first_row.substr(0, first_row.find("\nEG-ARBIN"));
  size_t at = first_row.find(",SY03,");
  ASSERT_NE(at, std::string::npos);
  first_row.replace(at, 6, ",SY99,");
  auto refused = ParseBesiegedAreasCsv(header + first_row + "\n");
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("row 2 (EG-DUMA)"), std::string::npos)
      << refused.status();
  EXPECT_NE(refused.status().message().find("governorate.pcode"), std::string::npos);
}

}  // namespace
}  // namespace corridor::areas
