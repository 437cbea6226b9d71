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

// CSV injection (OWASP): a cell a spreadsheet would run is written quoted,
// behind a single quote.
TEST(CsvTest, CellsThatWouldRunAsFormulasAreNeutralised) {
  EXPECT_EQ(CsvField("=HYPERLINK(\"http://x\",\"y\")"),
            "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"");
  EXPECT_EQ(CsvField("+1+cmd|' /C calc'!A0"), "\"'+1+cmd|' /C calc'!A0\"");
  EXPECT_EQ(CsvField("-2+3+cmd|' /C calc'!A0"), "\"'-2+3+cmd|' /C calc'!A0\"");
  EXPECT_EQ(CsvField("@SUM(1+1)"), "\"'@SUM(1+1)\"");
  EXPECT_EQ(CsvField("\t=1+1"), "\"'\t=1+1\"");
  EXPECT_EQ(CsvField("\r=1+1"), "\"'\r=1+1\"");
  EXPECT_EQ(CsvField("-"), "\"'-\"");
  EXPECT_EQ(CsvField("-1,5"), "\"'-1,5\"");
  EXPECT_EQ(CsvField("-0x10"), "\"'-0x10\"");
  EXPECT_EQ(CsvField("-inf"), "\"'-inf\"");
  // A value that starts with a single quote and then a formula keeps its
  // own quote: one more is put before it.
  EXPECT_EQ(CsvField("'=1+1"), "\"''=1+1\"");
  EXPECT_EQ(CsvField("'-0.5"), "\"''-0.5\"");
  EXPECT_EQ(CsvRow({"a", "=1+1", "b"}), "a,\"'=1+1\",b");
}

TEST(CsvTest, NumbersAndOrdinaryTextAreWrittenAsTheyAre) {
  for (const char* number : {"-0.5000000", "-12", "+3", "-1.5e3", "-.5", "-2E-7", "36.3991420"}) {
    EXPECT_EQ(CsvField(number), number);
  }
  for (const char* text :
       {"Douma", "2016-09-03", "a=b", "x-y", "'quoted'", "'", "#meta+id", " =1+1", "rock'n'roll"}) {
    EXPECT_EQ(CsvField(text), text);
  }
}

TEST(CsvTest, NeutralisedCellsReadBackAsTheyWere) {
  const std::vector<std::vector<std::string>> rows = {
      {"=1+1", "+1", "-1+1", "@x", "\tx", "\rx", "-0.5", "-"},
      {"'=1+1", "''-0.5", "'", "'x", "'-", "=", "", "plain"}};
  std::string text;
  for (const auto& row : rows) text += CsvRow(row) + "\n";
  auto back = ParseCsv(text);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(*back, rows) << text;
  // Only a quoted field loses its quote: an unquoted one was not written by
  // CsvField.
  auto unquoted = ParseCsv("'=1+1,\"'=1+1\"\n");
  ASSERT_TRUE(unquoted.ok());
  EXPECT_THAT((*unquoted)[0], ElementsAre("'=1+1", "=1+1"));
}

}  // namespace
}  // namespace corridor
