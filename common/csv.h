// RFC 4180 CSV: quoted fields, doubled quotes, newlines inside quotes,
// CRLF or LF line ends; and, for spreadsheets, no cell that runs as a
// formula (CSV injection): what CsvField neutralises, ParseCsv restores.
#ifndef CORRIDOR_COMMON_CSV_H_
#define CORRIDOR_COMMON_CSV_H_

#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace corridor {

// Parses CSV text into rows of fields. INVALID_ARGUMENT with the line number
// for an unterminated quote or text after a closing quote. If `row_lines`
// is set, it receives the line each row starts on (a quoted field may span
// lines), for error messages. A quoted field that CsvField neutralised (a
// single quote, then any more, then =, +, -, @, tab or carriage return)
// loses that first single quote, so that what Corridor exports imports
// back unchanged.
absl::StatusOr<std::vector<std::vector<std::string>>> ParseCsv(
    absl::string_view text, std::vector<int>* row_lines = nullptr);

// A CSV file with a header row: fields looked up by column name.
class CsvTable {
 public:
  // INVALID_ARGUMENT if the text is not CSV, has no header, or a row has a
  // different number of fields than the header (the error names the line).
  static absl::StatusOr<CsvTable> Parse(absl::string_view text);

  size_t rows() const { return rows_.size(); }
  bool HasColumn(absl::string_view column) const;
  // The field of `row` in `column`; empty if the column does not exist.
  const std::string& Get(size_t row, absl::string_view column) const;

 private:
  absl::flat_hash_map<std::string, size_t> columns_;
  std::vector<std::vector<std::string>> rows_;
};

// Quotes a field if it holds a comma, quote or line break. A field that a
// spreadsheet would run as a formula, one that starts with =, +, -, @, tab
// or carriage return (after any single quotes), is neutralised as OWASP
// recommends: written quoted, with a single quote before it. A number such
// as -0.5 or +3 is left as it is: a spreadsheet reads it as a number, not a
// formula, and coordinates stay numbers.
std::string CsvField(absl::string_view value);

// One line of CSV (without its line end): the fields quoted as needed and
// joined. A row of one empty field is written `""`, since an empty line
// would read back as no row at all.
std::string CsvRow(const std::vector<std::string>& fields);

}  // namespace corridor

#endif  // CORRIDOR_COMMON_CSV_H_
