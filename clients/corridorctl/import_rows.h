// `corridorctl import convoys|denials|incidents FILE.csv`, without the network: the
// file parsed into rows, and each row into the request it stands for.
// Apart from the command so that it can be fuzzed (tests/fuzz).
#ifndef CORRIDOR_CLIENTS_CORRIDORCTL_IMPORT_ROWS_H_
#define CORRIDOR_CLIENTS_CORRIDORCTL_IMPORT_ROWS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "corridor/v1/convoys.pb.h"
#include "corridor/v1/denials.pb.h"
#include "corridor/v1/incidents.pb.h"

namespace corridor::cli {

// --cargo text ("wheat flour:food:1200:bags;insulin:medical:300:vials"),
// or an import's manifest cell, into the request's manifest (exports write
// it back the same way).
absl::Status ParseCargo(const std::string& text, v1::SubmitConvoyRequestRequest* request);

// A CSV file to import: its header, its data rows, and the line each row
// starts on (for error messages).
struct ImportFile {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  std::vector<int> lines;
};

// Parses RFC 4180 CSV with a header row, skipping an HXL hashtag row under
// it (as `export --format=hxl` writes). INVALID_ARGUMENT if the text is not
// CSV or has no header. Rows may have any number of fields.
absl::StatusOr<ImportFile> ParseImportFile(absl::string_view text);

// Checks the header of a `kind` file ("denials", "convoys", "incidents")
// before anything is sent: INVALID_ARGUMENT naming a column the import
// needs that it lacks, a column it has twice, or a column that is neither
// read by the import nor written by `export` (`export_columns`): most
// likely a misspelling, which would otherwise store every row without that
// field; the closest known column is suggested. `not_read` gets the
// file's columns that the import does not read (an export's derived
// columns, such as area_name; and what an import cannot restore).
absl::Status CheckImportHeader(absl::string_view kind, const std::vector<std::string>& header,
                               const std::vector<std::string>& export_columns,
                               std::vector<std::string>* not_read);

// A service's refusal of an imported `kind` row ("denials", "convoys") in
// the file's terms: the column holding the refused request field
// (facts.area_id, outcome.occurred_on, approval_steps[0].answered_on...)
// first, then the service's words and the field:
// "column area_id: the areas service has no area ... (facts.area_id)".
// `message` as it is when no column holds the field.
std::string RefusalInColumns(absl::string_view kind, absl::string_view field,
                             absl::string_view message);

// One data row, its cells looked up by column name.
class ImportRow {
 public:
  ImportRow(const std::vector<std::string>& header, const std::vector<std::string>& cells)
      : header_(header), cells_(cells) {}
  // The cell in `column`, without surrounding whitespace; empty if the
  // file has no such column or the row is too short to reach it.
  std::string Get(absl::string_view column) const;

 private:
  const std::vector<std::string>& header_;
  const std::vector<std::string>& cells_;
};

// A whole number in `column`: INVALID_ARGUMENT naming the column if it is
// not one, or if it is empty and `required`. Leaves `out` empty otherwise.
absl::Status ParseCountCell(const ImportRow& row, absl::string_view column, bool required,
                            std::optional<int64_t>* out);

// An OCHA access-constraint category in column `category`.
absl::Status ParseCategoryCell(const ImportRow& row, bool required,
                               v1::AccessConstraintCategory* out);

// The request a row of a denials file (columns as `export denials` writes
// them) or of a convoys file stands for. A row without an idempotency_key
// gets one derived from its content, so that importing a file again stores
// nothing twice. INVALID_ARGUMENT naming the column for a cell that cannot
// be read; the service validates the rest.
absl::StatusOr<v1::RecordDenialRequest> DenialFromRow(const ImportRow& row);
absl::StatusOr<v1::SubmitConvoyRequestRequest> ConvoyFromRow(const ImportRow& row);
// An incidents row, columns as `export incidents` writes them; its sources
// cell ("CITATION (killed 10, injured 22); CITATION") keeps each source's
// figures.
absl::StatusOr<v1::RecordIncidentRequest> IncidentFromRow(const ImportRow& row);

// A convoys row as one ImportConvoy call: the request (requested_on
// required) and the steps its status implies, each dated from its own
// column (approved_on, dispatched_date, outcome_date) or, for the last
// step, from status_date. INVALID_ARGUMENT naming the column that is
// missing or unreadable. `note` goes on every step.
absl::StatusOr<v1::ImportConvoyRequest> ImportConvoyFromRow(const ImportRow& row,
                                                            const std::string& note);

}  // namespace corridor::cli

#endif  // CORRIDOR_CLIENTS_CORRIDORCTL_IMPORT_ROWS_H_
