#include "common/csv.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace corridor {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(CsvTest, ParsesQuotedFieldsWithCommasQuotesAndNewlines) {
  auto rows = ParseCsv("a,\"b, c\",\"say \"\"hi\"\"\"\r\n\"multi\nline\",,x\n");
  ASSERT_TRUE(rows.ok()) << rows.status();
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_THAT((*rows)[0], ElementsAre("a", "b, c", "say \"hi\""));
  EXPECT_THAT((*rows)[1], ElementsAre("multi\nline", "", "x"));
}

TEST(CsvTest, KeepsEmptyTrailingFieldsAndSkipsBlankLines) {
  auto rows = ParseCsv("a,b,\n\n1,,\n");
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_THAT((*rows)[0], ElementsAre("a", "b", ""));
  EXPECT_THAT((*rows)[1], ElementsAre("1", "", ""));
}

TEST(CsvTest, ParsesALastLineWithoutNewline) {
  auto rows = ParseCsv("a,b\n1,2");
  ASSERT_TRUE(rows.ok());
  EXPECT_THAT(rows->back(), ElementsAre("1", "2"));
}

TEST(CsvTest, RefusesAnUnclosedQuoteNamingItsLine) {
  auto rows = ParseCsv("a,b\n1,\"open\n2,3\n");
  EXPECT_EQ(rows.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(rows.status().message()), HasSubstr("line 2"));
}

TEST(CsvTest, RefusesTextAfterAClosingQuote) {
  EXPECT_FALSE(ParseCsv("\"a\"b,c\n").ok());
}

TEST(CsvTest, TableLooksUpByColumnAndChecksWidth) {
  auto table = CsvTable::Parse("id,name\nX,Ex\nY,Why\n");
  ASSERT_TRUE(table.ok());
  EXPECT_EQ(table->rows(), 2u);
  EXPECT_EQ(table->Get(1, "name"), "Why");
  EXPECT_EQ(table->Get(1, "missing"), "");
  EXPECT_FALSE(CsvTable::Parse("id,name\nX\n").ok());
  EXPECT_FALSE(CsvTable::Parse("").ok());
}

TEST(CsvTest, FieldQuotingRoundTrips) {
  const std::string tricky = "a \"quoted\", multi\nline value";
  auto rows = ParseCsv(CsvField(tricky) + "," + CsvField("plain") + "\n");
  ASSERT_TRUE(rows.ok());
  EXPECT_THAT((*rows)[0], ElementsAre(tricky, "plain"));
  EXPECT_EQ(CsvField("plain"), "plain");
}

// Found by fuzzing: a row of one empty field, written as an empty line,
// read back as no row at all.
TEST(CsvTest, RowsRoundTripIncludingASingleEmptyField) {
  const std::vector<std::vector<std::string>> rows = {{"a", ""}, {""}, {"", ""}, {"x\ny"}};
  std::string text;
  for (const auto& row : rows) text += CsvRow(row) + "\n";
  EXPECT_EQ(CsvRow({""}), "\"\"");
  auto back = ParseCsv(text);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(*back, rows);
}

}  // namespace
}  // namespace corridor
