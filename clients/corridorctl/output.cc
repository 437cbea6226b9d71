#include "clients/corridorctl/output.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/csv.h"
#include "google/protobuf/util/json_util.h"

namespace corridor::cli {
namespace {

bool IsContinuationByte(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

// The first `chars` characters of `text`, never splitting a character.
std::string Truncate(absl::string_view text, size_t chars) {
  if (DisplayWidth(text) <= chars) return std::string(text);
  size_t count = 0, i = 0;
  for (; i < text.size(); ++i) {
    if (!IsContinuationByte(text[i])) {
      if (count == chars - 1) break;
      ++count;
    }
  }
  return absl::StrCat(text.substr(0, i), "…");
}

}  // namespace

absl::StatusOr<OutputFormat> ParseOutputFormat(absl::string_view text) {
  if (text == "table") return OutputFormat::kTable;
  if (text == "json") return OutputFormat::kJson;
  if (text == "csv") return OutputFormat::kCsv;
  return absl::InvalidArgumentError(
      absl::StrCat("--output: \"", text, "\" is not a format; use table, json or csv"));
}

size_t DisplayWidth(absl::string_view text) {
  size_t width = 0;
  for (char c : text) {
    if (!IsContinuationByte(c)) ++width;
  }
  return width;
}

void PrintTable(const Grid& grid, std::ostream& out, size_t max_cell) {
  std::vector<std::vector<std::string>> cells;
  cells.push_back(grid.header);
  for (const auto& row : grid.rows) {
    std::vector<std::string> shortened;
    for (const std::string& cell : row) shortened.push_back(Truncate(cell, max_cell));
    cells.push_back(std::move(shortened));
  }
  std::vector<size_t> widths(grid.header.size(), 0);
  for (const auto& row : cells) {
    for (size_t i = 0; i < row.size() && i < widths.size(); ++i) {
      widths[i] = std::max(widths[i], DisplayWidth(row[i]));
    }
  }
  for (const auto& row : cells) {
    std::string line;
    for (size_t i = 0; i < row.size(); ++i) {
      line += row[i];
      if (i + 1 < row.size()) {
        line += std::string(widths[i] - DisplayWidth(row[i]) + 2, ' ');
      }
    }
    out << line << "\n";
  }
}

void PrintCsv(const Grid& grid, std::ostream& out) {
  out << CsvRow(grid.header) << "\n";
  for (const auto& row : grid.rows) out << CsvRow(row) << "\n";
}

void PrintJson(const google::protobuf::Message& message, std::ostream& out) {
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = true;
  options.preserve_proto_field_names = true;
  std::string json;
  (void)google::protobuf::util::MessageToJsonString(message, &json, options);
  out << json;
  if (json.empty() || json.back() != '\n') out << "\n";
}

void PrintResult(OutputFormat format, const google::protobuf::Message& raw, const Grid& grid,
                 std::ostream& out, size_t max_cell) {
  switch (format) {
    case OutputFormat::kJson:
      PrintJson(raw, out);
      return;
    case OutputFormat::kCsv:
      PrintCsv(grid, out);
      return;
    case OutputFormat::kTable:
      PrintTable(grid, out, max_cell);
      return;
  }
}

void PrintList(OutputFormat format, const google::protobuf::Message& raw, const Grid& grid,
               const ListNotes& notes, std::ostream& out, std::ostream& err) {
  const bool csv_rows = format == OutputFormat::kCsv && notes.csv != nullptr;
  PrintResult(format, raw, csv_rows ? *notes.csv : grid, out, notes.max_cell);
  if (format != OutputFormat::kTable) return;
  const size_t count = grid.rows.size();
  const bool counted = !notes.one.empty();
  if (counted) err << count << " " << (count == 1 ? notes.one : notes.many);
  if (!notes.next_page_token.empty()) {
    err << (counted ? "; more" : "more") << " with --page-token=" << notes.next_page_token;
  }
  if (counted || !notes.next_page_token.empty()) err << "\n";
}

std::string TimeText(const google::protobuf::Timestamp& t) {
  if (t.seconds() == 0 && t.nanos() == 0) return "";
  const absl::Time time = absl::FromUnixSeconds(t.seconds()) + absl::Nanoseconds(t.nanos());
  if (t.seconds() % 86400 == 0 && t.nanos() == 0) {
    return absl::FormatTime("%Y-%m-%d", time, absl::UTCTimeZone());
  }
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", time, absl::UTCTimeZone());
}

std::string WithThousands(int64_t n) {
  std::string digits = absl::StrCat(n < 0 ? -n : n);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return n < 0 ? "-" + out : out;
}

}  // namespace corridor::cli
