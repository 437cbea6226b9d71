// Sheets (sheets.h) written out in the formats humanitarian tools read:
// CSV, HXL (CSV with a hashtag row under the header, for HDX), GeoJSON
// (RFC 7946, for maps) and JSON (an array of objects, for scripts). Cells
// a spreadsheet would run as formulas are neutralised (common/csv.h).
#ifndef CORRIDOR_CLIENTS_EXPORTS_WRITERS_H_
#define CORRIDOR_CLIENTS_EXPORTS_WRITERS_H_

#include <ostream>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "clients/exports/sheets.h"

namespace corridor::exports {

enum class ExportFormat { kCsv, kHxl, kGeoJson, kJson };

// "csv", "hxl", "geojson" or "json", in any case; INVALID_ARGUMENT naming
// `field` otherwise.
absl::StatusOr<ExportFormat> ParseExportFormat(absl::string_view field, absl::string_view text);

void WriteCsv(const Sheet& sheet, std::ostream& out);
void WriteHxl(const Sheet& sheet, std::ostream& out);
// A row without a point is a feature with a null geometry (valid GeoJSON).
void WriteGeoJson(const Sheet& sheet, std::ostream& out);
void WriteJson(const Sheet& sheet, std::ostream& out);
// The writer of `format`.
void Write(ExportFormat format, const Sheet& sheet, std::ostream& out);

// The ids (first cells) of the rows that have no point: the features
// GeoJSON writes without a geometry.
std::vector<std::string> RowsWithoutPoint(const Sheet& sheet);

// How a download of `format` is labelled: "text/csv", and
// "corridor-denials-hxl.csv" for kind "denials".
std::string ContentType(ExportFormat format);
std::string FileName(absl::string_view kind, ExportFormat format);

}  // namespace corridor::exports

#endif  // CORRIDOR_CLIENTS_EXPORTS_WRITERS_H_
