#include "clients/exports/sheets.h"

#include <map>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "common/casualty_figures.h"
#include "common/enum_text.h"
#include "common/status.h"
#include "common/validation.h"
#include "google/protobuf/util/time_util.h"

namespace corridor::exports {
namespace {

using google::protobuf::util::TimeUtil;
using AreasById = std::map<std::string, v1::Area>;

constexpr char kConstraintPrefix[] = "ACCESS_CONSTRAINT_";

std::string Number(int64_t n) { return absl::StrCat(n); }
std::string Degrees(double d) { return absl::StrFormat("%.7f", d); }

// "flour:food:10:t;..." as `corridorctl convoys submit --cargo` takes it,
// so that an exported file imports back.
std::string ManifestCell(const google::protobuf::RepeatedPtrField<v1::ManifestLine>& manifest) {
  std::string text;
  for (const v1::ManifestLine& line : manifest) {
    absl::StrAppend(&text, text.empty() ? "" : ";", line.item(), ":",
                    EnumTextOf("CARGO_CATEGORY_", line.category()), ":",
                    absl::StrFormat("%.15g", line.quantity()), ":", line.unit());
  }
  return text;
}

// What checkpoints took from each manifest line: "insulin:40:vials;..."
// (`removed`), or what they refused to let through.
std::string LossesCell(const google::protobuf::RepeatedPtrField<v1::ManifestLine>& manifest,
                       bool removed) {
  std::vector<std::string> lost;
  for (const v1::ManifestLine& line : manifest) {
    const double quantity = removed ? line.quantity_removed() : line.quantity_refused();
    if (quantity <= 0) continue;
    lost.push_back(
        absl::StrCat(line.item(), ":", absl::StrFormat("%.15g", quantity), ":", line.unit()));
  }
  return absl::StrJoin(lost, ";");
}

// "facilitation letter|Ministry of Foreign Affairs|2016-10-01|2016-10-19|granted;...":
// each step's name, authority, the days asked and answered, and its outcome.
std::string ApprovalStepsCell(const google::protobuf::RepeatedPtrField<v1::ApprovalStep>& steps) {
  std::vector<std::string> cells;
  for (const v1::ApprovalStep& step : steps) {
    cells.push_back(
        absl::StrJoin({step.step(), step.authority(), DateText(step.requested_on()),
                       DateText(step.answered_on()), EnumTextOf("STEP_OUTCOME_", step.outcome())},
                      "|"));
  }
  return absl::StrJoin(cells, ";");
}

absl::StatusOr<AreasById> FetchAreas(RecordSource& source) {
  CORRIDOR_ASSIGN_OR_RETURN(std::vector<v1::Area> areas, source.Areas());
  AreasById by_id;
  for (v1::Area& area : areas) {
    std::string id = area.id();
    by_id.emplace(std::move(id), std::move(area));
  }
  return by_id;
}

std::optional<v1::GeoPoint> PointOf(const v1::Area& area) {
  if (!area.has_location()) return std::nullopt;
  return area.location();
}

const std::vector<Column>& AreaJoinColumns() {
  static const auto* const columns =
      new std::vector<Column>{{"area_name", "#loc+name"},
                              {"governorate_pcode", "#adm1+code"},
                              {"latitude", "#geo+lat", CellKind::kNumber},
                              {"longitude", "#geo+lon", CellKind::kNumber}};
  return *columns;
}

// Ends a denial's or convoy's row with its area's columns, and places it.
void AddJoinedRow(const AreasById& areas, const std::string& area_id, std::vector<std::string> row,
                  Sheet* sheet) {
  auto it = areas.find(area_id);
  const v1::Area* area = it == areas.end() ? nullptr : &it->second;
  const bool located = area != nullptr && area->has_location();
  row.push_back(area ? area->name_en() : "");
  row.push_back(area ? area->governorate().pcode() : "");
  row.push_back(located ? Degrees(area->location().latitude()) : "");
  row.push_back(located ? Degrees(area->location().longitude()) : "");
  sheet->rows.push_back(std::move(row));
  sheet->points.push_back(area ? PointOf(*area) : std::nullopt);
}

std::vector<Column> WithAreaColumns(std::vector<Column> columns) {
  for (const Column& c : AreaJoinColumns()) columns.push_back(c);
  return columns;
}

// "https://... sha256:<64 hex>", as the import reads it back.
std::string EvidenceCell(const google::protobuf::RepeatedPtrField<v1::Evidence>& evidence) {
  std::vector<std::string> items;
  for (const v1::Evidence& e : evidence) {
    items.push_back(e.uri().empty() ? "sha256:" + e.sha256() : e.uri());
  }
  return absl::StrJoin(items, " ");
}

std::vector<std::string> DenialRow(const v1::Denial& d) {
  const v1::DenialFacts& f = d.facts();
  return {d.id(),
          Number(d.revision()),
          TimeUtil::ToString(f.occurred_at()),
          f.party(),
          f.party_id(),
          f.area_id(),
          f.route_id(),
          f.checkpoint(),
          f.convoy_id(),
          Number(f.category()),
          EnumTextOf(kConstraintPrefix, f.category()),
          f.description(),
          f.source().citation(),
          f.source().note(),
          f.has_people_affected() ? Number(f.people_affected()) : "",
          EvidenceCell(f.evidence()),
          d.idempotency_key(),
          TimeUtil::ToString(d.recorded_at()),
          d.has_reported_by() ? EnumTextOf("ROLE_", d.reported_by().role()) : "",
          d.reported_by().agency(),
          d.awaiting_confirmation() ? "true" : "false"};
}

std::vector<std::string> ConvoyRow(const v1::Convoy& c) {
  return {
      c.id(),
      c.agency(),
      c.area_id(),
      c.route_id(),
      DateText(c.planned_date()),
      EnumTextOf("CONVOY_STATUS_", c.status()),
      DateText(c.status_date()),
      Number(c.beneficiaries_requested()),
      c.has_beneficiaries_approved() ? Number(c.beneficiaries_approved()) : "",
      c.has_beneficiaries_reached() ? Number(c.beneficiaries_reached()) : "",
      c.responsible_party(),
      c.responsible_party_id(),
      c.constraint_category() == 0 ? "" : Number(c.constraint_category()),
      c.denial_reason(),
      ManifestCell(c.manifest()),
      c.idempotency_key(),
      c.note(),
      DateText(c.requested_on()),
      DateText(c.dispatched_date()),
      DateText(c.outcome_date()),
      c.constraint_category() == 0 ? "" : EnumTextOf(kConstraintPrefix, c.constraint_category()),
      ApprovalStepsCell(c.approval_steps()),
      LossesCell(c.manifest(), /*removed=*/true),
      LossesCell(c.manifest(), /*removed=*/false),
      Number(c.transitions()),
      DateText(c.approved_on()),
      c.mode() == v1::DELIVERY_MODE_UNSPECIFIED ? "" : EnumTextOf("DELIVERY_MODE_", c.mode()),
      EnumTextOf("REQUEST_KIND_", c.kind() == v1::REQUEST_KIND_UNSPECIFIED
                                      ? v1::REQUEST_KIND_AID_DELIVERY
                                      : c.kind()),
      Number(c.corrections()),
      c.denial_id()};
}

std::vector<std::string> AreaRow(const v1::Area& a) {
  const bool located = a.has_location();
  return {a.id(),
          a.name_en(),
          a.name_ar(),
          a.area_group(),
          a.governorate().name(),
          a.governorate().pcode(),
          a.district().pcode(),
          a.subdistrict().pcode(),
          a.community_pcode(),
          located ? Degrees(a.location().latitude()) : "",
          located ? Degrees(a.location().longitude()) : "",
          EnumTextOf("AREA_STATUS_", a.status()),
          DateText(a.status_since()),
          a.besieging_party(),
          a.besieging_party_id(),
          a.population().has_count() ? Number(a.population().count()) : "",
          a.population().as_reported()};
}

std::vector<Column> DenialColumns() {
  return WithAreaColumns({{"id", "#meta+id"},
                          {"revision", "#meta+revision", CellKind::kNumber},
                          {"occurred_at", "#date+occurred"},
                          {"party", "#group+name+denying"},
                          {"party_id", "#group+code+denying"},
                          {"area_id", "#loc+id"},
                          {"route_id", "#loc+route+id"},
                          {"checkpoint", "#loc+checkpoint"},
                          {"convoy_id", "#activity+convoy+id"},
                          {"category", "#access+type+code", CellKind::kNumber},
                          {"category_name", "#access+type+name"},
                          {"description", "#description"},
                          {"source", "#meta+source"},
                          {"source_note", "#meta+source+note"},
                          {"people_affected", "#affected", CellKind::kNumber},
                          {"evidence", "#meta+evidence"},
                          {"idempotency_key", "#meta+key"},
                          {"recorded_at", "#date+reported"},
                          {"reported_by_role", "#meta+reporter+role"},
                          {"reported_by_agency", "#org+reporter"},
                          {"awaiting_confirmation", "#status+unconfirmed", CellKind::kBoolean}});
}

std::vector<Column> ConvoyColumns() {
  return WithAreaColumns({{"id", "#activity+id"},
                          {"agency", "#org+name"},
                          {"area_id", "#loc+id"},
                          {"route_id", "#loc+route+id"},
                          {"planned_date", "#date+planned"},
                          {"status", "#status"},
                          {"status_date", "#date+status"},
                          {"beneficiaries_requested", "#targeted+requested", CellKind::kNumber},
                          {"beneficiaries_approved", "#targeted+approved", CellKind::kNumber},
                          {"beneficiaries_reached", "#reached", CellKind::kNumber},
                          {"responsible_party", "#group+name+responsible"},
                          {"responsible_party_id", "#group+code+responsible"},
                          {"category", "#access+type+code", CellKind::kNumber},
                          {"denial_reason", "#description+reason"},
                          {"manifest", "#item+manifest"},
                          {"idempotency_key", "#meta+key"},
                          {"note", "#description+note"},
                          {"requested_on", "#date+requested"},
                          {"dispatched_date", "#date+dispatched"},
                          {"outcome_date", "#date+outcome"},
                          {"category_name", "#access+type+name"},
                          {"approval_steps", "#access+approval+steps"},
                          {"items_removed", "#item+removed"},
                          {"items_refused", "#item+refused"},
                          {"transitions", "#meta+transitions", CellKind::kNumber},
                          {"approved_on", "#date+approved"},
                          {"mode", "#access+mode"},
                          {"kind", "#activity+type"},
                          {"corrections", "#meta+corrections", CellKind::kNumber},
                          {"denial_id", "#meta+denial+id"}});
}

// The casualty columns, one per figure, named as casualty_figures.h names
// them: "children_killed" is #affected+killed+children.
std::vector<Column> CasualtyColumns() {
  std::vector<Column> columns;
  for (const std::string& name : CasualtyFigureNames()) {
    const bool killed = absl::EndsWith(name, "killed");
    absl::string_view group = name;
    absl::ConsumeSuffix(&group, killed ? "killed" : "injured");
    absl::ConsumeSuffix(&group, "_");
    columns.push_back(
        {name,
         absl::StrCat("#affected+", killed ? "killed" : "injured", group.empty() ? "" : "+", group),
         CellKind::kNumber});
  }
  return columns;
}

std::vector<Column> IncidentColumns() {
  std::vector<Column> columns = {{"id", "#event+id"},
                                 {"revision", "#meta+revision", CellKind::kNumber},
                                 {"occurred_at", "#date+occurred"},
                                 {"precision", "#date+precision"},
                                 {"type", "#event+type"},
                                 {"weapons", "#event+weapon"},
                                 {"populated_area", "#loc+populated", CellKind::kBoolean}};
  for (Column& c : CasualtyColumns()) columns.push_back(std::move(c));
  const std::vector<Column> rest = {{"party", "#group+name+perpetrator"},
                                    {"party_id", "#group+code+perpetrator"},
                                    {"attribution_confidence", "#status+confidence"},
                                    {"attribution_basis", "#meta+attribution"},
                                    {"description", "#description"},
                                    {"sources", "#meta+source"},
                                    {"source_count", "#meta+source+count", CellKind::kNumber},
                                    {"evidence", "#meta+evidence"},
                                    {"area_id", "#loc+id"},
                                    {"route_id", "#loc+route+id"},
                                    {"checkpoint", "#loc+checkpoint"},
                                    {"place_name", "#loc+name+place"},
                                    {"place_latitude", "#geo+lat+place", CellKind::kNumber},
                                    {"place_longitude", "#geo+lon+place", CellKind::kNumber},
                                    {"convoy_id", "#activity+convoy+id"},
                                    {"idempotency_key", "#meta+key"},
                                    {"recorded_at", "#date+reported"}};
  columns.insert(columns.end(), rest.begin(), rest.end());
  return WithAreaColumns(std::move(columns));
}

// "BOI-S/2016/1093 (killed 10, injured 22); UN-SPOX-30SEP16 (killed 18)",
// each figure by its name (casualty_figures.h).
std::string SourcesText(const v1::IncidentFacts& f) {
  std::vector<std::string> sources;
  for (const v1::IncidentSource& s : f.sources()) {
    std::vector<std::string> figures;
    for (const auto& [name, value] : StatedFigures(s.reported())) {
      figures.push_back(absl::StrCat(name, " ", value));
    }
    sources.push_back(absl::StrCat(s.source().citation(), figures.empty() ? "" : " (",
                                   absl::StrJoin(figures, ", "), figures.empty() ? "" : ")"));
  }
  return absl::StrJoin(sources, "; ");
}

std::vector<std::string> IncidentRow(const v1::Incident& i) {
  const v1::IncidentFacts& f = i.facts();
  std::vector<std::string> weapons;
  for (int w : f.weapons()) weapons.push_back(EnumTextOf("WEAPON_", static_cast<v1::Weapon>(w)));
  std::vector<std::string> row = {
      i.id(),
      Number(i.revision()),
      TimeUtil::ToString(f.occurred_at()),
      EnumTextOf("TIME_PRECISION_", f.precision()),
      EnumTextOf("INCIDENT_TYPE_", f.type()),
      absl::StrJoin(weapons, " "),
      f.has_populated_area() ? (f.populated_area() ? "true" : "false") : ""};
  for (const std::string& name : CasualtyFigureNames()) {
    int64_t value = 0;
    row.push_back(FigureOf(f.casualties(), name, &value) ? Number(value) : "");
  }
  const std::vector<std::string> rest = {
      f.party(),
      f.party_id(),
      f.party().empty() ? "" : EnumTextOf("ATTRIBUTION_CONFIDENCE_", f.attribution_confidence()),
      f.attribution_basis(),
      f.description(),
      SourcesText(f),
      Number(f.sources_size()),
      EvidenceCell(f.evidence()),
      f.area_id(),
      f.route_id(),
      f.checkpoint(),
      f.place_name(),
      f.has_location() ? Degrees(f.location().latitude()) : "",
      f.has_location() ? Degrees(f.location().longitude()) : "",
      f.convoy_id(),
      i.idempotency_key(),
      TimeUtil::ToString(i.recorded_at())};
  row.insert(row.end(), rest.begin(), rest.end());
  return row;
}

// A sheet of denials or convoys: a row per record, its area joined in.
template <typename Record, typename RowOf, typename AreaOf>
Sheet JoinedSheet(const AreasById& areas, const std::vector<Record>& records,
                  std::vector<Column> columns, RowOf row_of, AreaOf area_of) {
  Sheet sheet;
  sheet.columns = std::move(columns);
  for (const Record& record : records) {
    AddJoinedRow(areas, area_of(record), row_of(record), &sheet);
  }
  return sheet;
}

}  // namespace

absl::StatusOr<Sheet> DenialsSheet(RecordSource& source, const v1::ListDenialsRequest& filter) {
  CORRIDOR_ASSIGN_OR_RETURN(AreasById areas, FetchAreas(source));
  CORRIDOR_ASSIGN_OR_RETURN(std::vector<v1::Denial> denials, source.Denials(filter));
  return JoinedSheet(areas, denials, DenialColumns(), DenialRow,
                     [](const v1::Denial& d) { return d.facts().area_id(); });
}

absl::StatusOr<Sheet> ConvoysSheet(RecordSource& source, const v1::ListConvoysRequest& filter) {
  CORRIDOR_ASSIGN_OR_RETURN(AreasById areas, FetchAreas(source));
  CORRIDOR_ASSIGN_OR_RETURN(std::vector<v1::Convoy> convoys, source.Convoys(filter));
  return JoinedSheet(areas, convoys, ConvoyColumns(), ConvoyRow,
                     [](const v1::Convoy& c) { return c.area_id(); });
}

absl::StatusOr<Sheet> IncidentsSheet(RecordSource& source, const v1::ListIncidentsRequest& filter) {
  CORRIDOR_ASSIGN_OR_RETURN(AreasById areas, FetchAreas(source));
  CORRIDOR_ASSIGN_OR_RETURN(std::vector<v1::Incident> incidents, source.Incidents(filter));
  Sheet sheet = JoinedSheet(areas, incidents, IncidentColumns(), IncidentRow,
                            [](const v1::Incident& i) { return i.facts().area_id(); });
  // Where it happened, when the record says, rather than its area's centre.
  for (size_t n = 0; n < incidents.size(); ++n) {
    if (incidents[n].facts().has_location()) sheet.points[n] = incidents[n].facts().location();
  }
  return sheet;
}

absl::StatusOr<Sheet> AreasSheet(RecordSource& source) {
  CORRIDOR_ASSIGN_OR_RETURN(AreasById areas, FetchAreas(source));
  Sheet sheet;
  sheet.columns = {{"id", "#loc+id"},
                   {"name_en", "#loc+name"},
                   {"name_ar", "#loc+name+i_ar"},
                   {"area_group", "#loc+group"},
                   {"governorate", "#adm1+name"},
                   {"governorate_pcode", "#adm1+code"},
                   {"district_pcode", "#adm2+code"},
                   {"subdistrict_pcode", "#adm3+code"},
                   {"community_pcode", "#loc+code"},
                   {"latitude", "#geo+lat", CellKind::kNumber},
                   {"longitude", "#geo+lon", CellKind::kNumber},
                   {"status", "#status"},
                   {"status_since", "#date+status"},
                   {"besieging_party", "#group+name+besieging"},
                   {"besieging_party_id", "#group+code+besieging"},
                   {"population", "#population", CellKind::kNumber},
                   {"population_as_reported", "#population+reported"}};
  for (const auto& [id, area] : areas) {
    sheet.rows.push_back(AreaRow(area));
    sheet.points.push_back(PointOf(area));
  }
  return sheet;
}

absl::StatusOr<ExportKind> ParseExportKind(absl::string_view text) {
  if (text == "denials") return ExportKind::kDenials;
  if (text == "convoys") return ExportKind::kConvoys;
  if (text == "areas") return ExportKind::kAreas;
  if (text == "incidents") return ExportKind::kIncidents;
  return absl::InvalidArgumentError(absl::StrCat(
      "\"", text, "\" cannot be exported; export denials, convoys, incidents or areas"));
}

std::vector<std::string> ColumnNames(ExportKind kind) {
  std::vector<Column> columns;
  if (kind == ExportKind::kDenials) columns = DenialColumns();
  if (kind == ExportKind::kConvoys) columns = ConvoyColumns();
  if (kind == ExportKind::kIncidents) columns = IncidentColumns();
  std::vector<std::string> names;
  for (const Column& column : columns) names.push_back(column.name);
  return names;
}

absl::StatusOr<Sheet> SheetFor(RecordSource& source, const ExportQuery& query) {
  switch (query.kind) {
    case ExportKind::kDenials:
      return DenialsSheet(source, query.denials);
    case ExportKind::kConvoys:
      return ConvoysSheet(source, query.convoys);
    case ExportKind::kIncidents:
      return IncidentsSheet(source, query.incidents);
    case ExportKind::kAreas:
      break;
  }
  return AreasSheet(source);
}

}  // namespace corridor::exports
