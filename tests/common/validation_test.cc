#include "common/validation.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace corridor {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

v1::Date MakeDate(int y, int m, int d) {
  v1::Date date;
  date.set_year(y);
  date.set_month(m);
  date.set_day(d);
  return date;
}

TEST(ValidationTest, TextChecksNameTheField) {
  EXPECT_TRUE(CheckText("name", "Douma", 10, true).ok());
  EXPECT_TRUE(CheckText("name", "دوما", 10, true).ok());  // 8 bytes of Arabic
  absl::Status blank = CheckText("area.name_en", "   ", 10, true);
  EXPECT_EQ(blank.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(blank.message()), StartsWith("area.name_en: "));
  EXPECT_THAT(std::string(CheckText("n", std::string(11, 'x'), 10, false).message()),
              HasSubstr("limit is 10"));
  EXPECT_FALSE(CheckText("n", "bad\x01", 10, false).ok());
  EXPECT_FALSE(CheckText("n", "\xC3\x28", 10, false).ok());
}

TEST(ValidationTest, Utf8RejectsOverlongSurrogatesAndTruncation) {
  EXPECT_TRUE(IsValidUtf8("plain ascii"));
  EXPECT_TRUE(IsValidUtf8("\xD8\xAF\xD9\x88\xD9\x85\xD8\xA7"));  // دوما
  EXPECT_TRUE(IsValidUtf8("\xF0\x9F\x98\x80"));                  // emoji
  EXPECT_FALSE(IsValidUtf8("\xC0\xAF"));                          // overlong '/'
  EXPECT_FALSE(IsValidUtf8("\xED\xA0\x80"));                      // surrogate
  EXPECT_FALSE(IsValidUtf8("\xD8"));                              // truncated
  EXPECT_FALSE(IsValidUtf8("\xF4\x90\x80\x80"));                  // > U+10FFFF
}

TEST(ValidationTest, GeoPointRange) {
  v1::GeoPoint p;
  p.set_latitude(33.5);
  p.set_longitude(36.4);
  EXPECT_TRUE(CheckGeoPoint("location", p).ok());
  p.set_latitude(91);
  EXPECT_THAT(std::string(CheckGeoPoint("location", p).message()),
              StartsWith("location.latitude: "));
  p.set_latitude(0);
  p.set_longitude(-180.5);
  EXPECT_THAT(std::string(CheckGeoPoint("location", p).message()),
              StartsWith("location.longitude: "));
  p.set_longitude(std::nan(""));
  EXPECT_FALSE(CheckGeoPoint("location", p).ok());
}

TEST(ValidationTest, DatesMustExist) {
  EXPECT_TRUE(CheckDate("d", MakeDate(2016, 7, 17)).ok());
  EXPECT_TRUE(CheckDate("d", MakeDate(2016, 2, 29)).ok());
  EXPECT_FALSE(CheckDate("d", MakeDate(2017, 2, 29)).ok());
  EXPECT_FALSE(CheckDate("d", MakeDate(2016, 13, 1)).ok());
  EXPECT_FALSE(CheckDate("d", MakeDate(1899, 1, 1)).ok());
  EXPECT_FALSE(CheckDate("d", MakeDate(2016, 4, 31)).ok());
  EXPECT_LT(DateNumber(MakeDate(2016, 12, 31)), DateNumber(MakeDate(2017, 1, 1)));
}

TEST(ValidationTest, ParseDateAcceptsOnlyIsoDays) {
  auto date = ParseDate("--date", "2016-09-12");
  ASSERT_TRUE(date.ok());
  EXPECT_EQ(FormatDate(*date), "2016-09-12");
  EXPECT_THAT(std::string(ParseDate("--date", "12/09/2016").status().message()),
              StartsWith("--date: "));
  EXPECT_FALSE(ParseDate("--date", "2016-02-30").ok());
  EXPECT_FALSE(ParseDate("--date", "2016-9-12").ok());
}

TEST(ValidationTest, PageSizeDefaultsAndLimits) {
  v1::PageRequest page;
  EXPECT_EQ(*PageSizeOf("page", page), kDefaultPageSize);
  page.set_page_size(500);
  EXPECT_EQ(*PageSizeOf("page", page), 500);
  page.set_page_size(501);
  EXPECT_THAT(std::string(PageSizeOf("page", page).status().message()),
              StartsWith("page.page_size: "));
  page.set_page_size(-1);
  EXPECT_FALSE(PageSizeOf("page", page).ok());
}

TEST(ValidationTest, SourceNeedsACitationWhenRequired) {
  v1::Source source;
  EXPECT_TRUE(CheckSource("source", source, false).ok());
  EXPECT_THAT(std::string(CheckSource("source", source, true).message()),
              StartsWith("source.citation: "));
  source.set_citation("SW4-TSI");
  EXPECT_TRUE(CheckSource("source", source, true).ok());
}

// Found by fuzzing the import path: a year beyond 9999 reached protobuf's
// Timestamp conversion, which aborts the process instead of refusing.
TEST(ValidationTest, DatesAndTimesOutsideWhatATimestampHoldsAreRefused) {
  bool is_date = false;
  absl::StatusOr<absl::Time> day = ParseDateOrTime("column occurred_at", "2016-09-15", &is_date);
  ASSERT_TRUE(day.ok()) << day.status();
  EXPECT_TRUE(is_date);
  EXPECT_EQ(absl::ToUnixSeconds(*day), 1473897600);
  absl::StatusOr<absl::Time> time = ParseDateOrTime("--since", "2016-09-15T14:30:00Z", &is_date);
  ASSERT_TRUE(time.ok()) << time.status();
  EXPECT_FALSE(is_date);
  for (const char* text : {"403232-01-10", "10000-01-01T00:00:00Z", "infinite-future",
                           "infinite-past", "0000-12-31T00:00:00Z"}) {
    absl::StatusOr<absl::Time> refused = ParseDateOrTime("column occurred_at", text);
    EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument) << text;
    EXPECT_THAT(std::string(refused.status().message()), StartsWith("column occurred_at: "))
        << text;
  }
  EXPECT_THAT(std::string(ParseDateOrTime("--since", "15/09/2016").status().message()),
              HasSubstr("is not a date (2016-09-15) or an RFC 3339 time"));
}

}  // namespace
}  // namespace corridor
