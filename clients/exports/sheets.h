// Exports as sheets: the records of one kind as rows of text under named
// columns (with the HXL hashtags HDX tools read), each row placed on the
// map at its area's coordinates when the area has some. Writers (writers.h)
// turn a sheet into CSV, HXL, GeoJSON or JSON.
//
//   std::unique_ptr<RecordSource> source = NewGrpcRecordSource(options);
//   absl::StatusOr<Sheet> sheet = DenialsSheet(*source, filter);
//   if (sheet.ok()) Write(ExportFormat::kHxl, *sheet, out);
#ifndef CORRIDOR_CLIENTS_EXPORTS_SHEETS_H_
#define CORRIDOR_CLIENTS_EXPORTS_SHEETS_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "clients/exports/record_source.h"
#include "corridor/v1/common.pb.h"

namespace corridor::exports {

// What a column's cells hold, for the formats that type their values
// (GeoJSON and JSON write numbers and booleans bare, and an empty cell of
// either as null); CSV and HXL write every cell as text.
enum class CellKind { kText, kNumber, kBoolean };

// One column: its CSV name, its HXL hashtag and what its cells hold.
struct Column {
  std::string name;
  std::string hxl;
  CellKind kind = CellKind::kText;
};

struct Sheet {
  std::vector<Column> columns;
  // One cell per column in each row; the first cell is the record's id.
  std::vector<std::vector<std::string>> rows;
  // One per row: where it lies, if anywhere.
  std::vector<std::optional<v1::GeoPoint>> points;
};

// Denials and convoys join their area's name, governorate P-code and
// coordinates. A convoy's row carries its whole record as oversight reads
// it: the dates requested, planned, dispatched and of the outcome, the
// approval steps, and what was removed or refused at checkpoints, line by
// line. Errors are the RecordSource's.
absl::StatusOr<Sheet> DenialsSheet(RecordSource& source, const v1::ListDenialsRequest& filter);
absl::StatusOr<Sheet> ConvoysSheet(RecordSource& source, const v1::ListConvoysRequest& filter);
absl::StatusOr<Sheet> AreasSheet(RecordSource& source);
// Incidents join their area as denials do, but are placed at their own
// coordinates when they have some (else at their area's). A row carries
// the recorded casualties and each source with the figures it reported.
absl::StatusOr<Sheet> IncidentsSheet(RecordSource& source, const v1::ListIncidentsRequest& filter);

enum class ExportKind { kDenials, kConvoys, kAreas, kIncidents };

// "denials", "convoys", "areas" or "incidents"; INVALID_ARGUMENT otherwise.
absl::StatusOr<ExportKind> ParseExportKind(absl::string_view text);

// What one export reads: its kind and, for denials and convoys, the list
// filters (the request's page is ignored).
struct ExportQuery {
  ExportKind kind = ExportKind::kAreas;
  v1::ListDenialsRequest denials;
  v1::ListConvoysRequest convoys;
  v1::ListIncidentsRequest incidents;
};

// The names of the columns an export of `kind` writes, in order (areas:
// none here; they are not imported).
std::vector<std::string> ColumnNames(ExportKind kind);

// The sheet of `query.kind`.
absl::StatusOr<Sheet> SheetFor(RecordSource& source, const ExportQuery& query);

}  // namespace corridor::exports

#endif  // CORRIDOR_CLIENTS_EXPORTS_SHEETS_H_
