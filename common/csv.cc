#include "common/csv.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "common/status_macros.h"

namespace corridor {
namespace {

// The characters a spreadsheet starts a formula (or DDE command) with.
bool StartsFormula(absl::string_view value) {
  return !value.empty() && (value[0] == '=' || value[0] == '+' || value[0] == '-' ||
                            value[0] == '@' || value[0] == '\t' || value[0] == '\r');
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// A plain decimal number, signed: [+-]digits[.digits][e[+-]digits], or with
// no digits before the point.
bool IsSignedNumber(absl::string_view value) {
  size_t i = 0;
  if (i < value.size() && (value[i] == '+' || value[i] == '-')) ++i;
  size_t digits = 0;
  while (i < value.size() && IsDigit(value[i])) ++i, ++digits;
  if (i < value.size() && value[i] == '.') {
    ++i;
    while (i < value.size() && IsDigit(value[i])) ++i, ++digits;
  }
  if (digits == 0) return false;
  if (i < value.size() && (value[i] == 'e' || value[i] == 'E')) {
    ++i;
    if (i < value.size() && (value[i] == '+' || value[i] == '-')) ++i;
    size_t exponent = 0;
    while (i < value.size() && IsDigit(value[i])) ++i, ++exponent;
    if (exponent == 0) return false;
  }
  return i == value.size();
}

// Whether CsvField puts a single quote before `value`: it starts a formula
// once its own leading single quotes are skipped. Those are counted in, so
// that a value that really starts with a single quote survives ParseCsv
// taking one off.
bool NeedsNeutralising(absl::string_view value) {
  const size_t quotes = value.find_first_not_of('\'');
  if (quotes == absl::string_view::npos) return false;
  const absl::string_view rest = value.substr(quotes);
  if (!StartsFormula(rest)) return false;
  return quotes > 0 || !IsSignedNumber(rest);
}

}  // namespace

absl::StatusOr<std::vector<std::vector<std::string>>> ParseCsv(absl::string_view text,
                                                               std::vector<int>* row_lines) {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row;
  std::string field;
  bool in_quotes = false;
  bool after_quote = false;  // just closed a quoted field
  // CsvField's neutralisation, undone: only ever on a quoted field.
  auto restore = [](std::string* quoted) {
    if (!quoted->empty() && (*quoted)[0] == '\'' && NeedsNeutralising(*quoted)) {
      quoted->erase(0, 1);
    }
  };
  bool row_has_content = false;
  int line = 1;
  int quote_line = 0;
  int row_line = 1;
  auto end_row = [&] {
    if (after_quote) restore(&field);
    row.push_back(std::move(field));
    rows.push_back(std::move(row));
    if (row_lines != nullptr) row_lines->push_back(row_line);
  };
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (!in_quotes && row.empty() && field.empty() && !row_has_content && !after_quote) {
      row_line = line;
    }
    if (in_quotes) {
      if (c == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') {
          field.push_back('"');
          ++i;
        } else {
          in_quotes = false;
          after_quote = true;
        }
      } else {
        if (c == '\n') ++line;
        field.push_back(c);
      }
      continue;
    }
    if (c == ',') {
      if (after_quote) restore(&field);
      row.push_back(std::move(field));
      field.clear();
      after_quote = false;
      row_has_content = true;
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      if (row_has_content || !field.empty() || after_quote) end_row();
      row.clear();
      field.clear();
      after_quote = false;
      row_has_content = false;
      ++line;
    } else if (after_quote) {
      return absl::InvalidArgumentError(
          absl::StrCat("CSV line ", line,
                       ": text after a closing quote; a quote inside a "
                       "quoted field must be doubled (\"\")"));
    } else if (c == '"' && field.empty()) {
      in_quotes = true;
      quote_line = line;
      row_has_content = true;
    } else {
      field.push_back(c);
      row_has_content = true;
    }
  }
  if (in_quotes) {
    return absl::InvalidArgumentError(
        absl::StrCat("CSV line ", quote_line, ": a quoted field is never closed"));
  }
  if (row_has_content || !field.empty() || after_quote) end_row();
  return rows;
}

absl::StatusOr<CsvTable> CsvTable::Parse(absl::string_view text) {
  CORRIDOR_ASSIGN_OR_RETURN(std::vector<std::vector<std::string>> rows, ParseCsv(text));
  if (rows.empty()) {
    return absl::InvalidArgumentError("CSV has no header row");
  }
  CsvTable table;
  const std::vector<std::string>& header = rows.front();
  for (size_t i = 0; i < header.size(); ++i) table.columns_[header[i]] = i;
  for (size_t r = 1; r < rows.size(); ++r) {
    if (rows[r].size() != header.size()) {
      return absl::InvalidArgumentError(absl::StrCat("CSV row ", r + 1, " has ", rows[r].size(),
                                                     " fields but the header has ", header.size()));
    }
    table.rows_.push_back(std::move(rows[r]));
  }
  return table;
}

bool CsvTable::HasColumn(absl::string_view column) const { return columns_.contains(column); }

const std::string& CsvTable::Get(size_t row, absl::string_view column) const {
  static const std::string* empty = new std::string();
  auto it = columns_.find(column);
  if (it == columns_.end()) return *empty;
  return rows_[row][it->second];
}

std::string CsvField(absl::string_view value) {
  const bool neutralise = NeedsNeutralising(value);
  if (!neutralise && value.find_first_of(",\"\r\n") == absl::string_view::npos) {
    return std::string(value);
  }
  return absl::StrCat("\"", neutralise ? "'" : "", absl::StrReplaceAll(value, {{"\"", "\"\""}}),
                      "\"");
}

std::string CsvRow(const std::vector<std::string>& fields) {
  if (fields.size() == 1 && fields[0].empty()) return "\"\"";
  std::string line;
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) line += ',';
    line += CsvField(fields[i]);
  }
  return line;
}

}  // namespace corridor
