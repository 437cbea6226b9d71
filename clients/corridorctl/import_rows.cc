#include "clients/corridorctl/import_rows.h"

#include <algorithm>
#include <map>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/time.h"
#include "clients/corridorctl/convoy_cells.h"
#include "common/casualty_figures.h"
#include "common/csv.h"
#include "common/enum_text.h"
#include "common/ids.h"
#include "common/status.h"
#include "common/validation.h"
#include "google/protobuf/util/time_util.h"
#include "services/convoys/convoy_lifecycle.h"
#include "storage/mutation.h"

namespace corridor::cli {
namespace {

using google::protobuf::util::TimeUtil;

constexpr char kConstraintPrefix[] = "ACCESS_CONSTRAINT_";
constexpr char kCargoPrefix[] = "CARGO_CATEGORY_";

absl::Status ColumnError(absl::string_view column, absl::string_view problem) {
  return absl::InvalidArgumentError(absl::StrCat("column ", column, ": ", problem));
}

// The evidence column as exports write it: "sha256:<hex>" or a URL, space
// separated.
void ParseEvidenceCell(const ImportRow& row,
                       google::protobuf::RepeatedPtrField<v1::Evidence>* out) {
  for (absl::string_view item : absl::StrSplit(row.Get("evidence"), ' ', absl::SkipWhitespace())) {
    v1::Evidence* e = out->Add();
    if (absl::ConsumePrefix(&item, "sha256:")) {
      e->set_sha256(std::string(item));
    } else {
      e->set_uri(std::string(item));
    }
  }
}

// A key for a row that names none: the same row gives the same key, so a
// re-run of the file stores nothing twice.
std::string ContentKey(const google::protobuf::Message& message) {
  return DerivedId("import-", storage::SerializeDeterministic(message));
}

}  // namespace

absl::Status ParseCargo(const std::string& text, v1::SubmitConvoyRequestRequest* request) {
  int index = 0;
  for (absl::string_view line : absl::StrSplit(text, ';', absl::SkipWhitespace())) {
    std::vector<std::string> parts = absl::StrSplit(line, ':');
    const std::string where = absl::StrCat("--cargo line ", index + 1, " (\"", line, "\")");
    if (parts.size() != 4) {
      return absl::InvalidArgumentError(absl::StrCat(
          where, " is not ITEM:CATEGORY:QUANTITY:UNIT, e.g. wheat flour:food:1200:bags"));
    }
    v1::ManifestLine* out = request->add_manifest();
    out->set_item(std::string(absl::StripAsciiWhitespace(parts[0])));
    absl::StatusOr<v1::CargoCategory> category = ParseEnumAs<v1::CargoCategory>(
        kCargoPrefix, absl::StrCat(where, " category"), absl::StripAsciiWhitespace(parts[1]));
    if (!category.ok()) return category.status();
    out->set_category(*category);
    double quantity = 0;
    if (!absl::SimpleAtod(absl::StripAsciiWhitespace(parts[2]), &quantity)) {
      return absl::InvalidArgumentError(
          absl::StrCat(where, ": \"", parts[2], "\" is not a quantity"));
    }
    out->set_quantity(quantity);
    out->set_unit(std::string(absl::StripAsciiWhitespace(parts[3])));
    ++index;
  }
  return absl::OkStatus();
}

absl::StatusOr<ImportFile> ParseImportFile(absl::string_view text) {
  ImportFile file;
  // A byte-order mark (Excel's "CSV UTF-8") is not part of the first column's name.
  if (absl::StartsWith(text, "\xEF\xBB\xBF")) text.remove_prefix(3);
  std::vector<int> lines;
  absl::StatusOr<std::vector<std::vector<std::string>>> rows = ParseCsv(text, &lines);
  if (!rows.ok()) return absl::InvalidArgumentError(absl::StrCat("is not CSV: ", rows.status().message()));
  if (rows->empty()) return absl::InvalidArgumentError("is empty: it needs a header row");
  file.header = std::move((*rows)[0]);
  size_t first = 1;
  // An HXL hashtag row under the header (as `export --format=hxl` writes).
  if (rows->size() > 1 && !(*rows)[1].empty() && absl::StartsWith((*rows)[1][0], "#")) first = 2;
  for (size_t r = first; r < rows->size(); ++r) {
    file.rows.push_back(std::move((*rows)[r]));
    file.lines.push_back(lines[r]);
  }
  return file;
}

namespace {

// What an import of each kind reads: the columns it cannot do without
// (the service would refuse every row) and every column it reads.
struct ImportedColumns {
  std::vector<std::string> required;
  std::vector<std::string> read;
};

ImportedColumns ColumnsOf(absl::string_view kind) {
  if (kind == "denials") {
    return {
        {"party", "area_id", "occurred_at", "category", "description", "source"},
        {"party", "area_id", "route_id", "checkpoint", "convoy_id", "occurred_at", "category",
         "description", "source", "source_note", "people_affected", "evidence", "idempotency_key"}};
  }
  if (kind == "convoys") {
    return {{"agency", "area_id", "planned_date", "requested_on", "beneficiaries_requested"},
            {"agency",
             "area_id",
             "route_id",
             "planned_date",
             "manifest",
             "beneficiaries_requested",
             "idempotency_key",
             "note",
             "requested_on",
             "mode",
             "kind",
             "status",
             "status_date",
             "approved_on",
             "beneficiaries_approved",
             "responsible_party",
             "denial_reason",
             "category",
             "dispatched_date",
             "outcome_date",
             "beneficiaries_reached",
             "approval_steps",
             "items_removed",
             "items_refused"}};
  }
  ImportedColumns incidents = {
      {"occurred_at", "type"},
      {"occurred_at", "precision", "type", "weapons", "populated_area", "party",
       "attribution_confidence", "attribution_basis", "description", "sources", "evidence",
       "area_id", "route_id", "checkpoint", "place_name", "place_latitude", "place_longitude",
       "convoy_id", "idempotency_key"}};
  for (const std::string& figure : CasualtyFigureNames()) incidents.read.push_back(figure);
  return incidents;
}

// Levenshtein distance, for suggesting the column a misspelling meant.
size_t EditDistance(absl::string_view a, absl::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

// The column of a `kind` file that holds request field `field`; empty if
// none does.
std::string ColumnOfField(absl::string_view kind, absl::string_view field) {
  std::string path;  // without list positions: "approval_steps.answered_on"
  for (size_t i = 0; i < field.size(); ++i) {
    if (field[i] == '[') {
      const size_t close = field.find(']', i);
      if (close == absl::string_view::npos) break;
      i = close;
      continue;
    }
    path.push_back(field[i]);
  }
  // Fields whose column has another name.
  static const auto* const kRenamed = new std::map<std::string, std::string>{
      {"convoys:approve.occurred_on", "approved_on"},
      {"convoys:dispatch.occurred_on", "dispatched_date"},
      {"convoys:outcome.occurred_on", "outcome_date"},
      {"convoys:deny.occurred_on", "status_date"},
      {"convoys:deny.denying_party", "responsible_party"},
      {"convoys:deny.reason", "denial_reason"},
      {"denials:facts.source.note", "source_note"},
      {"convoys:outcome.losses", "items_removed/items_refused"},
      {"convoys:outcome.losses.removed", "items_removed"},
      {"convoys:outcome.losses.refused", "items_refused"},
  };
  if (auto it = kRenamed->find(absl::StrCat(kind, ":", path)); it != kRenamed->end()) {
    return it->second;
  }
  absl::string_view name = path;
  for (absl::string_view step :
       {"facts.", "submit.", "approve.", "deny.", "dispatch.", "outcome."}) {
    if (absl::ConsumePrefix(&name, step)) break;
  }
  name = name.substr(0, name.find('.'));
  const ImportedColumns columns = ColumnsOf(kind);
  if (std::find(columns.read.begin(), columns.read.end(), name) == columns.read.end()) return "";
  return std::string(name);
}

}  // namespace

std::string RefusalInColumns(absl::string_view kind, absl::string_view field,
                             absl::string_view message) {
  const std::string column = field.empty() ? "" : ColumnOfField(kind, field);
  if (column.empty()) return std::string(message);
  absl::string_view problem = message;
  if (!absl::ConsumePrefix(&problem, absl::StrCat(field, ": "))) return std::string(message);
  return absl::StrCat("column ", column, ": ", problem, " (", field, ")");
}

absl::Status CheckImportHeader(absl::string_view kind, const std::vector<std::string>& header,
                               const std::vector<std::string>& export_columns,
                               std::vector<std::string>* not_read) {
  const ImportedColumns columns = ColumnsOf(kind);
  std::set<std::string> seen;
  for (const std::string& name : header) {
    if (!seen.insert(name).second) {
      return absl::InvalidArgumentError(absl::StrCat("has the column ", name, " twice; keep one"));
    }
  }
  for (const std::string& name : columns.required) {
    if (!seen.count(name)) {
      return absl::InvalidArgumentError(
          absl::StrCat("has no column ", name, ", which every ", kind,
                       " row needs (its columns: ", absl::StrJoin(header, ", "), ")"));
    }
  }
  const std::set<std::string> read(columns.read.begin(), columns.read.end());
  const std::set<std::string> exported(export_columns.begin(), export_columns.end());
  for (const std::string& name : header) {
    if (read.count(name)) continue;
    if (exported.count(name)) {
      not_read->push_back(name);
      continue;
    }
    std::string closest;
    size_t distance = 0;
    for (const std::string& known : columns.read) {
      const size_t d = EditDistance(name, known);
      if (closest.empty() || d < distance) closest = known, distance = d;
    }
    return absl::InvalidArgumentError(
        absl::StrCat("has a column ", name, " that an import of ", kind, " does not read",
                     distance <= 3 ? absl::StrCat("; did you mean ", closest, "?") : "",
                     " Rename or remove it: its values would not be stored (the columns read: ",
                     absl::StrJoin(columns.read, ", "), ")"));
  }
  return absl::OkStatus();
}

std::string ImportRow::Get(absl::string_view column) const {
  for (size_t i = 0; i < header_.size() && i < cells_.size(); ++i) {
    if (header_[i] == column) return std::string(absl::StripAsciiWhitespace(cells_[i]));
  }
  return "";
}

absl::Status ParseCountCell(const ImportRow& row, absl::string_view column, bool required,
                        std::optional<int64_t>* out) {
  const std::string text = row.Get(column);
  if (text.empty()) {
    return required ? ColumnError(column, "is required") : absl::OkStatus();
  }
  int64_t n = 0;
  if (!absl::SimpleAtoi(text, &n)) {
    return ColumnError(column, absl::StrCat("\"", text, "\" is not a whole number"));
  }
  *out = n;
  return absl::OkStatus();
}

absl::Status ParseCategoryCell(const ImportRow& row, bool required,
                               v1::AccessConstraintCategory* out) {
  const std::string text = row.Get("category");
  if (text.empty()) return required ? ColumnError("category", "is required") : absl::OkStatus();
  absl::StatusOr<v1::AccessConstraintCategory> category =
      ParseEnumAs<v1::AccessConstraintCategory>(kConstraintPrefix, "column category", text);
  if (!category.ok()) return category.status();
  *out = *category;
  return absl::OkStatus();
}

absl::StatusOr<v1::RecordDenialRequest> DenialFromRow(const ImportRow& row) {
  v1::RecordDenialRequest request;
  v1::DenialFacts* f = request.mutable_facts();
  f->set_party(row.Get("party"));
  f->set_area_id(row.Get("area_id"));
  f->set_route_id(row.Get("route_id"));
  f->set_checkpoint(row.Get("checkpoint"));
  f->set_convoy_id(row.Get("convoy_id"));
  const std::string occurred = row.Get("occurred_at");
  if (occurred.empty()) return ColumnError("occurred_at", "is required (YYYY-MM-DD or RFC 3339)");
  absl::StatusOr<absl::Time> time = ParseDateOrTime("column occurred_at", occurred);
  if (!time.ok()) return time.status();
  *f->mutable_occurred_at() = TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(*time));
  v1::AccessConstraintCategory category = v1::ACCESS_CONSTRAINT_CATEGORY_UNSPECIFIED;
  CORRIDOR_RETURN_IF_ERROR(ParseCategoryCell(row, true, &category));
  f->set_category(category);
  f->set_description(row.Get("description"));
  f->mutable_source()->set_citation(row.Get("source"));
  f->mutable_source()->set_note(row.Get("source_note"));
  std::optional<int64_t> people;
  CORRIDOR_RETURN_IF_ERROR(ParseCountCell(row, "people_affected", false, &people));
  if (people.has_value()) f->set_people_affected(*people);
  ParseEvidenceCell(row, f->mutable_evidence());
  request.set_idempotency_key(row.Get("idempotency_key"));
  if (request.idempotency_key().empty()) request.set_idempotency_key(ContentKey(*f));
  return request;
}

namespace {

// "BOI-S/2016/1093 (killed 10, injured 22)": the citation, and the figures
// in the trailing parentheses if they are figures.
absl::Status ParseSourceCell(absl::string_view item, v1::IncidentSource* source) {
  item = absl::StripAsciiWhitespace(item);
  if (absl::EndsWith(item, ")") && item.rfind(" (") != absl::string_view::npos) {
    const size_t open = item.rfind(" (");
    absl::string_view inside = item.substr(open + 2, item.size() - open - 3);
    v1::Casualties reported;
    bool figures = true;
    for (absl::string_view part : absl::StrSplit(inside, ',', absl::SkipWhitespace())) {
      std::pair<absl::string_view, absl::string_view> words =
          absl::StrSplit(absl::StripAsciiWhitespace(part), absl::MaxSplits(' ', 1));
      int64_t n = 0;
      if (!absl::SimpleAtoi(words.second, &n) || !SetFigure(words.first, n, &reported)) {
        figures = false;  // parentheses of the citation's own
        break;
      }
    }
    if (figures) {
      *source->mutable_reported() = reported;
      item = item.substr(0, open);
    }
  }
  if (item.empty()) return ColumnError("sources", "has figures without a citation");
  source->mutable_source()->set_citation(std::string(item));
  return absl::OkStatus();
}

template <typename E>
absl::Status ParseEnumCell(const ImportRow& row, absl::string_view column, absl::string_view prefix,
                           bool required, E* out) {
  const std::string text = row.Get(column);
  if (text.empty()) return required ? ColumnError(column, "is required") : absl::OkStatus();
  absl::StatusOr<E> value = ParseEnumAs<E>(prefix, absl::StrCat("column ", column), text);
  if (!value.ok()) return value.status();
  *out = *value;
  return absl::OkStatus();
}

// The columns are the figures' names (casualty_figures.h).
absl::Status ParseCasualtyCells(const ImportRow& row, v1::Casualties* c) {
  for (const std::string& column : CasualtyFigureNames()) {
    std::optional<int64_t> n;
    CORRIDOR_RETURN_IF_ERROR(ParseCountCell(row, column, false, &n));
    if (n.has_value()) SetFigure(column, *n, c);
  }
  return absl::OkStatus();
}

absl::Status ParsePlaceCells(const ImportRow& row, v1::IncidentFacts* f) {
  const std::string lat = row.Get("place_latitude"), lon = row.Get("place_longitude");
  if (lat.empty() && lon.empty()) return absl::OkStatus();
  double latitude = 0, longitude = 0;
  if (!absl::SimpleAtod(lat, &latitude)) {
    return ColumnError("place_latitude", absl::StrCat("\"", lat, "\" is not a number"));
  }
  if (!absl::SimpleAtod(lon, &longitude)) {
    return ColumnError("place_longitude", absl::StrCat("\"", lon, "\" is not a number"));
  }
  f->mutable_location()->set_latitude(latitude);
  f->mutable_location()->set_longitude(longitude);
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<v1::RecordIncidentRequest> IncidentFromRow(const ImportRow& row) {
  v1::RecordIncidentRequest request;
  v1::IncidentFacts* f = request.mutable_facts();
  const std::string occurred = row.Get("occurred_at");
  if (occurred.empty()) return ColumnError("occurred_at", "is required (YYYY-MM-DD or RFC 3339)");
  bool is_date = false;
  absl::StatusOr<absl::Time> time = ParseDateOrTime("column occurred_at", occurred, &is_date);
  if (!time.ok()) return time.status();
  *f->mutable_occurred_at() = TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(*time));
  f->set_precision(is_date ? v1::TIME_PRECISION_DAY : v1::TIME_PRECISION_TIME);
  v1::TimePrecision precision = f->precision();
  CORRIDOR_RETURN_IF_ERROR(ParseEnumCell(row, "precision", "TIME_PRECISION_", false, &precision));
  f->set_precision(precision);
  v1::IncidentType type = v1::INCIDENT_TYPE_UNSPECIFIED;
  CORRIDOR_RETURN_IF_ERROR(ParseEnumCell(row, "type", "INCIDENT_TYPE_", true, &type));
  f->set_type(type);
  for (absl::string_view item : absl::StrSplit(row.Get("weapons"), ' ', absl::SkipWhitespace())) {
    absl::StatusOr<v1::Weapon> weapon = ParseEnumAs<v1::Weapon>("WEAPON_", "column weapons", item);
    if (!weapon.ok()) return weapon.status();
    f->add_weapons(*weapon);
  }
  const std::string populated = absl::AsciiStrToLower(row.Get("populated_area"));
  if (populated == "true" || populated == "false") {
    f->set_populated_area(populated == "true");
  } else if (!populated.empty()) {
    return ColumnError("populated_area", "is true, false or empty (not known)");
  }
  CORRIDOR_RETURN_IF_ERROR(ParseCasualtyCells(row, f->mutable_casualties()));
  f->set_party(row.Get("party"));
  v1::AttributionConfidence confidence = v1::ATTRIBUTION_CONFIDENCE_UNSPECIFIED;
  CORRIDOR_RETURN_IF_ERROR(
      ParseEnumCell(row, "attribution_confidence", "ATTRIBUTION_CONFIDENCE_", false, &confidence));
  f->set_attribution_confidence(confidence);
  f->set_attribution_basis(row.Get("attribution_basis"));
  f->set_description(row.Get("description"));
  for (absl::string_view item : absl::StrSplit(row.Get("sources"), ';', absl::SkipWhitespace())) {
    CORRIDOR_RETURN_IF_ERROR(ParseSourceCell(item, f->add_sources()));
  }
  ParseEvidenceCell(row, f->mutable_evidence());
  f->set_area_id(row.Get("area_id"));
  f->set_route_id(row.Get("route_id"));
  f->set_checkpoint(row.Get("checkpoint"));
  f->set_place_name(row.Get("place_name"));
  CORRIDOR_RETURN_IF_ERROR(ParsePlaceCells(row, f));
  f->set_convoy_id(row.Get("convoy_id"));
  request.set_idempotency_key(row.Get("idempotency_key"));
  if (request.idempotency_key().empty()) request.set_idempotency_key(ContentKey(*f));
  return request;
}

absl::StatusOr<v1::SubmitConvoyRequestRequest> ConvoyFromRow(const ImportRow& row) {
  v1::SubmitConvoyRequestRequest request;
  request.set_agency(row.Get("agency"));
  request.set_area_id(row.Get("area_id"));
  request.set_route_id(row.Get("route_id"));
  absl::StatusOr<v1::Date> planned = ParseDate("column planned_date", row.Get("planned_date"));
  if (!planned.ok()) return planned.status();
  *request.mutable_planned_date() = *planned;
  std::optional<int64_t> requested;
  CORRIDOR_RETURN_IF_ERROR(ParseCountCell(row, "beneficiaries_requested", true, &requested));
  request.set_beneficiaries_requested(*requested);
  if (absl::Status s = ParseCargo(row.Get("manifest"), &request); !s.ok()) {
    return ColumnError("manifest", s.message());
  }
  if (!row.Get("mode").empty()) {
    CORRIDOR_ASSIGN_OR_RETURN(
        const v1::DeliveryMode mode,
        ParseEnumAs<v1::DeliveryMode>("DELIVERY_MODE_", "column mode", row.Get("mode")));
    request.set_mode(mode);
  }
  if (!row.Get("kind").empty()) {
    CORRIDOR_ASSIGN_OR_RETURN(
        const v1::RequestKind kind,
        ParseEnumAs<v1::RequestKind>("REQUEST_KIND_", "column kind", row.Get("kind")));
    request.set_kind(kind);
  }
  request.set_note(row.Get("note"));
  if (const std::string on = row.Get("requested_on"); !on.empty()) {
    absl::StatusOr<v1::Date> day = ParseDate("column requested_on", on);
    if (!day.ok()) return day.status();
    *request.mutable_requested_on() = *day;
  }
  request.set_idempotency_key(row.Get("idempotency_key"));
  if (request.idempotency_key().empty()) request.set_idempotency_key(ContentKey(request));
  return request;
}

namespace {

// A date column: absent (empty) or a date.
absl::StatusOr<std::optional<v1::Date>> DateCell(const ImportRow& row, absl::string_view column) {
  const std::string text = row.Get(column);
  if (text.empty()) return std::optional<v1::Date>();
  CORRIDOR_ASSIGN_OR_RETURN(v1::Date date, ParseDate(absl::StrCat("column ", column), text));
  return std::optional<v1::Date>(date);
}

// The date of one step: its own column, else status_date when the step is
// the row's last; refused otherwise (never today by default).
absl::StatusOr<v1::Date> StepDate(const ImportRow& row, absl::string_view column, bool last,
                                  absl::string_view step) {
  CORRIDOR_ASSIGN_OR_RETURN(std::optional<v1::Date> own, DateCell(row, column));
  if (own) return *own;
  CORRIDOR_ASSIGN_OR_RETURN(std::optional<v1::Date> status_date, DateCell(row, "status_date"));
  if (last && status_date) return *status_date;
  return ColumnError(column.empty() ? "status_date" : column,
                     absl::StrCat("is required: the row's status says the convoy was ", step,
                                  ", and an import records when"));
}

}  // namespace

namespace {

// The approval steps, and what checkpoints removed and refused, which
// only an outcome records.
absl::Status ReadListCells(const ImportRow& row, absl::string_view status_text,
                           v1::ImportConvoyRequest* request) {
  CORRIDOR_RETURN_IF_ERROR(
      ParseApprovalStepsCell(row.Get("approval_steps"), request->mutable_approval_steps()));
  for (const char* column : {"items_removed", "items_refused"}) {
    const std::string losses = row.Get(column);
    if (losses.empty()) continue;
    if (!request->has_outcome()) {
      return ColumnError(
          column, absl::StrCat("is recorded with the convoy's outcome, and the "
                               "row's status (",
                               status_text.empty() ? "requested" : status_text, ") has none"));
    }
    CORRIDOR_RETURN_IF_ERROR(ParseLossesCell(column, losses, request->submit().manifest(),
                                             request->mutable_outcome()->mutable_losses()));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<v1::ImportConvoyRequest> ImportConvoyFromRow(const ImportRow& row,
                                                            const std::string& note) {
  v1::ImportConvoyRequest request;
  CORRIDOR_ASSIGN_OR_RETURN(*request.mutable_submit(), ConvoyFromRow(row));
  v1::SubmitConvoyRequestRequest& submit = *request.mutable_submit();
  CORRIDOR_ASSIGN_OR_RETURN(std::optional<v1::Date> requested_on, DateCell(row, "requested_on"));
  if (!requested_on) {
    return ColumnError("requested_on", "is required: the day the request was made");
  }
  *submit.mutable_requested_on() = *requested_on;
  const std::string status_text = row.Get("status");
  v1::ConvoyStatus target = v1::CONVOY_STATUS_REQUESTED;
  if (!status_text.empty()) {
    CORRIDOR_ASSIGN_OR_RETURN(
        target, ParseEnumAs<v1::ConvoyStatus>("CONVOY_STATUS_", "column status", status_text));
  }
  std::optional<int64_t> approved, reached;
  CORRIDOR_RETURN_IF_ERROR(ParseCountCell(row, "beneficiaries_approved", false, &approved));
  CORRIDOR_RETURN_IF_ERROR(ParseCountCell(row, "beneficiaries_reached", false, &reached));
  v1::AccessConstraintCategory category = v1::ACCESS_CONSTRAINT_CATEGORY_UNSPECIFIED;
  CORRIDOR_RETURN_IF_ERROR(ParseCategoryCell(row, false, &category));
  const std::vector<v1::ConvoyStatus> path = convoys::PathTo(v1::CONVOY_STATUS_REQUESTED, target);
  for (size_t i = 0; i < path.size(); ++i) {
    const v1::ConvoyStatus next = path[i];
    const bool last = i + 1 == path.size();
    if (next == v1::CONVOY_STATUS_APPROVED || next == v1::CONVOY_STATUS_PARTIALLY_APPROVED) {
      if (!approved) return ColumnError("beneficiaries_approved", "is required once approved");
      v1::ApproveConvoyRequest* approve = request.mutable_approve();
      CORRIDOR_ASSIGN_OR_RETURN(*approve->mutable_occurred_on(),
                                StepDate(row, "approved_on", last, "approved"));
      approve->set_beneficiaries_approved(*approved);
      approve->set_note(note);
    } else if (next == v1::CONVOY_STATUS_DENIED) {
      v1::DenyConvoyRequest* deny = request.mutable_deny();
      CORRIDOR_ASSIGN_OR_RETURN(*deny->mutable_occurred_on(), StepDate(row, "", last, "denied"));
      deny->set_denying_party(row.Get("responsible_party"));
      deny->set_reason(row.Get("denial_reason"));
      deny->set_category(category);
      deny->set_note(note);
    } else if (next == v1::CONVOY_STATUS_DISPATCHED) {
      v1::DispatchConvoyRequest* dispatch = request.mutable_dispatch();
      CORRIDOR_ASSIGN_OR_RETURN(*dispatch->mutable_occurred_on(),
                                StepDate(row, "dispatched_date", last, "dispatched"));
      dispatch->set_note(note);
    } else {
      v1::RecordConvoyOutcomeRequest* outcome = request.mutable_outcome();
      CORRIDOR_ASSIGN_OR_RETURN(*outcome->mutable_occurred_on(),
                                StepDate(row, "outcome_date", last, status_text));
      outcome->set_outcome(next);
      outcome->set_beneficiaries_reached(reached.value_or(0));
      outcome->set_responsible_party(row.Get("responsible_party"));
      outcome->set_category(category);
      outcome->set_note(note);
    }
  }
  CORRIDOR_RETURN_IF_ERROR(ReadListCells(row, status_text, &request));
  return request;
}

}  // namespace corridor::cli
