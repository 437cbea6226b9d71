#include "clients/exports/writers.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/csv.h"
#include "common/json.h"

namespace corridor::exports {
namespace {

void WriteCsvRows(const Sheet& sheet, bool hashtags, std::ostream& out) {
  std::vector<std::string> header, tags;
  for (const Column& c : sheet.columns) {
    header.push_back(c.name);
    tags.push_back(c.hxl);
  }
  out << CsvRow(header) << "\n";
  if (hashtags) out << CsvRow(tags) << "\n";
  for (const std::vector<std::string>& row : sheet.rows) out << CsvRow(row) << "\n";
}

// Whether `text` is a number as JSON writes one (RFC 8259, section 6):
// -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
bool IsJsonNumber(absl::string_view text) {
  size_t i = 0;
  auto digits = [&] {
    const size_t start = i;
    while (i < text.size() && absl::ascii_isdigit(static_cast<unsigned char>(text[i]))) ++i;
    return i - start;
  };
  if (i < text.size() && text[i] == '-') ++i;
  const size_t first = i;
  const size_t whole = digits();
  if (whole == 0 || (whole > 1 && text[first] == '0')) return false;
  if (i < text.size() && text[i] == '.') {
    ++i;
    if (digits() == 0) return false;
  }
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    if (i < text.size() && (text[i] == '+' || text[i] == '-')) ++i;
    if (digits() == 0) return false;
  }
  return i == text.size();
}

// A cell as a JSON value: numbers and booleans bare (null when empty),
// the rest as strings. A cell that is not the number or boolean its column
// promises stays a string, so that the output is always valid JSON.
std::string JsonValue(CellKind kind, const std::string& cell) {
  switch (kind) {
    case CellKind::kText:
      break;
    case CellKind::kNumber:
      if (cell.empty()) return "null";
      if (IsJsonNumber(cell)) return cell;
      break;
    case CellKind::kBoolean:
      if (cell.empty()) return "null";
      if (cell == "true" || cell == "false") return cell;
      break;
  }
  return JsonString(cell);
}

// {"column":value,...} for one row.
std::string JsonObject(const Sheet& sheet, const std::vector<std::string>& row) {
  std::string object = "{";
  for (size_t c = 0; c < sheet.columns.size(); ++c) {
    absl::StrAppend(&object, c == 0 ? "" : ",", JsonString(sheet.columns[c].name), ":",
                    JsonValue(sheet.columns[c].kind, row[c]));
  }
  return object + "}";
}

}  // namespace

absl::StatusOr<ExportFormat> ParseExportFormat(absl::string_view field, absl::string_view text) {
  const std::string format = absl::AsciiStrToLower(text);
  if (format == "csv") return ExportFormat::kCsv;
  if (format == "hxl") return ExportFormat::kHxl;
  if (format == "geojson") return ExportFormat::kGeoJson;
  if (format == "json") return ExportFormat::kJson;
  return absl::InvalidArgumentError(
      absl::StrCat(field, ": \"", text, "\" is not one of csv, hxl, geojson, json"));
}

void WriteCsv(const Sheet& sheet, std::ostream& out) { WriteCsvRows(sheet, false, out); }
void WriteHxl(const Sheet& sheet, std::ostream& out) { WriteCsvRows(sheet, true, out); }

void WriteGeoJson(const Sheet& sheet, std::ostream& out) {
  out << "{\"type\":\"FeatureCollection\",\"features\":[";
  for (size_t r = 0; r < sheet.rows.size(); ++r) {
    out << (r == 0 ? "\n" : ",\n") << "{\"type\":\"Feature\",\"geometry\":";
    const std::optional<v1::GeoPoint>& point = sheet.points[r];
    if (point.has_value()) {
      out << absl::StrFormat("{\"type\":\"Point\",\"coordinates\":[%.7f,%.7f]}", point->longitude(),
                             point->latitude());
    } else {
      out << "null";
    }
    out << ",\"properties\":" << JsonObject(sheet, sheet.rows[r]) << "}";
  }
  out << "\n]}\n";
}

void WriteJson(const Sheet& sheet, std::ostream& out) {
  out << "[";
  for (size_t r = 0; r < sheet.rows.size(); ++r) {
    out << (r == 0 ? "\n" : ",\n") << JsonObject(sheet, sheet.rows[r]);
  }
  out << "\n]\n";
}

void Write(ExportFormat format, const Sheet& sheet, std::ostream& out) {
  switch (format) {
    case ExportFormat::kCsv:
      return WriteCsv(sheet, out);
    case ExportFormat::kHxl:
      return WriteHxl(sheet, out);
    case ExportFormat::kGeoJson:
      return WriteGeoJson(sheet, out);
    case ExportFormat::kJson:
      return WriteJson(sheet, out);
  }
}

std::vector<std::string> RowsWithoutPoint(const Sheet& sheet) {
  std::vector<std::string> ids;
  for (size_t r = 0; r < sheet.rows.size(); ++r) {
    if (!sheet.points[r].has_value()) ids.push_back(sheet.rows[r].empty() ? "" : sheet.rows[r][0]);
  }
  return ids;
}

std::string ContentType(ExportFormat format) {
  switch (format) {
    case ExportFormat::kGeoJson:
      return "application/geo+json";
    case ExportFormat::kJson:
      return "application/json";
    default:
      return "text/csv";
  }
}

std::string FileName(absl::string_view kind, ExportFormat format) {
  const absl::string_view suffix = format == ExportFormat::kHxl       ? "-hxl.csv"
                                   : format == ExportFormat::kGeoJson ? ".geojson"
                                   : format == ExportFormat::kJson    ? ".json"
                                                                      : ".csv";
  return absl::StrCat("corridor-", kind, suffix);
}

}  // namespace corridor::exports
