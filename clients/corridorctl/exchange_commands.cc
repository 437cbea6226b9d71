#include "clients/corridorctl/exchange_commands.h"

#include <cmath>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <optional>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "clients/corridorctl/convoys_commands.h"
#include "clients/corridorctl/denials_commands.h"
#include "clients/corridorctl/enum_flags.h"
#include "clients/corridorctl/import_rows.h"
#include "common/csv.h"
#include "common/ids.h"
#include "common/json.h"
#include "common/status.h"
#include "common/validation.h"
#include "corridor/v1/areas.grpc.pb.h"
#include "corridor/v1/convoys.grpc.pb.h"
#include "corridor/v1/denials.grpc.pb.h"
#include "google/protobuf/util/time_util.h"

namespace corridor::cli {
namespace {

using google::protobuf::util::TimeUtil;

constexpr char kConstraintPrefix[] = "ACCESS_CONSTRAINT_";
constexpr char kConvoyStatusPrefix[] = "CONVOY_STATUS_";
constexpr char kAreaStatusPrefix[] = "AREA_STATUS_";
constexpr int kExportPage = 500;

// ------------------------------------------------------------------ export

// One column of an export: its CSV name and its HXL hashtag.
struct Column {
  const char* name;
  const char* hxl;
};

// What an export writes: rows of text under columns, and where each row
// lies on the map (if anywhere).
struct Sheet {
  std::vector<Column> columns;
  std::vector<std::vector<std::string>> rows;
  std::vector<std::optional<v1::GeoPoint>> points;
};

void WriteCsv(const Sheet& sheet, bool hxl, std::ostream& out) {
  std::vector<std::string> header, tags;
  for (const Column& c : sheet.columns) {
    header.push_back(c.name);
    tags.push_back(c.hxl);
  }
  out << CsvRow(header) << "\n";
  if (hxl) out << CsvRow(tags) << "\n";
  for (const std::vector<std::string>& row : sheet.rows) out << CsvRow(row) << "\n";
}

// RFC 7946. A row without coordinates is kept as a feature with a null
// geometry (valid GeoJSON) and counted in `without_point`.
void WriteGeoJson(const Sheet& sheet, std::ostream& out, std::vector<std::string>* without_point) {
  out << "{\"type\":\"FeatureCollection\",\"features\":[";
  for (size_t r = 0; r < sheet.rows.size(); ++r) {
    out << (r == 0 ? "\n" : ",\n") << "{\"type\":\"Feature\",\"geometry\":";
    if (sheet.points[r].has_value()) {
      out << absl::StrFormat("{\"type\":\"Point\",\"coordinates\":[%.7f,%.7f]}",
                             sheet.points[r]->longitude(), sheet.points[r]->latitude());
    } else {
      out << "null";
      without_point->push_back(sheet.rows[r][0]);
    }
    out << ",\"properties\":{";
    for (size_t c = 0; c < sheet.columns.size(); ++c) {
      out << (c == 0 ? "" : ",") << JsonString(sheet.columns[c].name) << ":"
          << JsonString(sheet.rows[r][c]);
    }
    out << "}}";
  }
  out << "\n]}\n";
}

std::string Number(int64_t n) { return absl::StrCat(n); }
std::string Degrees(double d) { return absl::StrFormat("%.7f", d); }

// Every area, by id, for joins (names, governorate P-codes, coordinates).
absl::Status FetchAreas(Session& session, std::map<std::string, v1::Area>* areas) {
  auto stub = v1::AreaService::NewStub(session.ChannelFor("areas"));
  v1::ListAreasResponse all;
  const int code =
      session.ListPages(*stub, &v1::AreaService::Stub::ListAreas, v1::ListAreasRequest(), 0, false,
                        &v1::ListAreasResponse::mutable_areas, &all);
  if (code != kExitOk) return absl::UnavailableError("");  // already reported
  for (const v1::Area& area : all.areas()) (*areas)[area.id()] = area;
  return absl::OkStatus();
}

std::optional<v1::GeoPoint> PointOf(const std::map<std::string, v1::Area>& areas,
                                    const std::string& area_id) {
  auto it = areas.find(area_id);
  if (it == areas.end() || !it->second.has_location()) return std::nullopt;
  return it->second.location();
}

// The area columns every export joins in.
void AddAreaCells(const std::map<std::string, v1::Area>& areas, const std::string& area_id,
                  std::vector<std::string>* row) {
  auto it = areas.find(area_id);
  const v1::Area* area = it == areas.end() ? nullptr : &it->second;
  row->push_back(area ? area->name_en() : "");
  row->push_back(area ? area->governorate().pcode() : "");
  row->push_back(area && area->has_location() ? Degrees(area->location().latitude()) : "");
  row->push_back(area && area->has_location() ? Degrees(area->location().longitude()) : "");
}
const Column kAreaColumns[] = {{"area_name", "#loc+name"},
                               {"governorate_pcode", "#adm1+code"},
                               {"latitude", "#geo+lat"},
                               {"longitude", "#geo+lon"}};

template <typename Stub, typename Request, typename Response, typename Item>
int FetchAll(Session& session, Stub& stub,
             grpc::Status (Stub::*rpc)(grpc::ClientContext*, const Request&, Response*),
             Request request, google::protobuf::RepeatedPtrField<Item>* (Response::*items)(),
             const std::string& what, std::vector<Item>* out) {
  Progress progress(session, "export " + what);
  request.mutable_page()->set_page_size(kExportPage);
  while (true) {
    grpc::ClientContext context;
    session.Prepare(&context);
    Response page;
    grpc::Status status = (stub.*rpc)(&context, request, &page);
    if (!status.ok()) return session.Fail(status);
    for (Item& item : *(page.*items)()) out->push_back(std::move(item));
    progress.Update(
        absl::StrCat(WithThousands(static_cast<int64_t>(out->size())), " ", what, " read"));
    if (page.next_page_token().empty()) return kExitOk;
    request.mutable_page()->set_page_token(page.next_page_token());
  }
}

int DenialsSheet(Session& session, Flags& flags, const std::map<std::string, v1::Area>& areas,
                 Sheet* sheet) {
  v1::ListDenialsRequest request;
  if (absl::Status s = TakeDenialFilters(flags, &request); !s.ok()) {
    return session.UsageFailure(s.message());
  }
  if (absl::Status s = flags.CheckAllUsed("export denials"); !s.ok()) {
    return session.UsageFailure(s.message());
  }
  auto stub = v1::DenialService::NewStub(session.ChannelFor("denials"));
  std::vector<v1::Denial> denials;
  const int code =
      FetchAll(session, *stub, &v1::DenialService::Stub::ListDenials, request,
               &v1::ListDenialsResponse::mutable_denials, std::string("denials"), &denials);
  if (code != kExitOk) return code;
  sheet->columns = {{"id", "#meta+id"},
                    {"revision", "#meta+revision"},
                    {"occurred_at", "#date+occurred"},
                    {"party", "#group+name+denying"},
                    {"area_id", "#loc+id"},
                    {"route_id", "#loc+route+id"},
                    {"checkpoint", "#loc+checkpoint"},
                    {"convoy_id", "#activity+convoy+id"},
                    {"category", "#access+type+code"},
                    {"category_name", "#access+type+name"},
                    {"description", "#description"},
                    {"source", "#meta+source"},
                    {"source_note", "#meta+source+note"},
                    {"people_affected", "#affected"},
                    {"evidence", "#meta+evidence"},
                    {"idempotency_key", "#meta+key"},
                    {"recorded_at", "#date+reported"},
                    {"reported_by_role", "#meta+reporter+role"},
                    {"reported_by_agency", "#org+reporter"},
                    {"awaiting_confirmation", "#status+unconfirmed"}};
  for (const Column& c : kAreaColumns) sheet->columns.push_back(c);
  for (const v1::Denial& d : denials) {
    const v1::DenialFacts& f = d.facts();
    std::vector<std::string> evidence;
    for (const v1::Evidence& e : f.evidence()) {
      evidence.push_back(e.uri().empty() ? "sha256:" + e.sha256() : e.uri());
    }
    std::vector<std::string> row = {
        d.id(),
        Number(d.revision()),
        TimeUtil::ToString(f.occurred_at()),
        f.party(),
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
        absl::StrJoin(evidence, " "),
        d.idempotency_key(),
        TimeUtil::ToString(d.recorded_at()),
        d.has_reported_by() ? EnumTextOf("ROLE_", d.reported_by().role()) : "",
        d.reported_by().agency(),
        d.awaiting_confirmation() ? "true" : "false"};
    AddAreaCells(areas, f.area_id(), &row);
    sheet->rows.push_back(std::move(row));
    sheet->points.push_back(PointOf(areas, f.area_id()));
  }
  return kExitOk;
}

std::string DateCell(const v1::Date& d) { return d.year() == 0 ? "" : FormatDate(d); }

int ConvoysSheet(Session& session, Flags& flags, const std::map<std::string, v1::Area>& areas,
                 Sheet* sheet) {
  v1::ListConvoysRequest request;
  if (absl::Status s = TakeConvoyFilters(flags, &request); !s.ok()) {
    return session.UsageFailure(s.message());
  }
  if (absl::Status s = flags.CheckAllUsed("export convoys"); !s.ok()) {
    return session.UsageFailure(s.message());
  }
  auto stub = v1::ConvoyService::NewStub(session.ChannelFor("convoys"));
  std::vector<v1::Convoy> convoys;
  const int code =
      FetchAll(session, *stub, &v1::ConvoyService::Stub::ListConvoys, request,
               &v1::ListConvoysResponse::mutable_convoys, std::string("convoys"), &convoys);
  if (code != kExitOk) return code;
  sheet->columns = {{"id", "#activity+id"},
                    {"agency", "#org+name"},
                    {"area_id", "#loc+id"},
                    {"route_id", "#loc+route+id"},
                    {"planned_date", "#date+planned"},
                    {"status", "#status"},
                    {"status_date", "#date+status"},
                    {"beneficiaries_requested", "#targeted+requested"},
                    {"beneficiaries_approved", "#targeted+approved"},
                    {"beneficiaries_reached", "#reached"},
                    {"responsible_party", "#group+name+responsible"},
                    {"category", "#access+type+code"},
                    {"denial_reason", "#description+reason"},
                    {"manifest", "#item+manifest"},
                    {"idempotency_key", "#meta+key"},
                    {"note", "#description+note"}};
  for (const Column& c : kAreaColumns) sheet->columns.push_back(c);
  for (const v1::Convoy& c : convoys) {
    std::vector<std::string> row = {
        c.id(),
        c.agency(),
        c.area_id(),
        c.route_id(),
        DateCell(c.planned_date()),
        EnumTextOf(kConvoyStatusPrefix, c.status()),
        DateCell(c.status_date()),
        Number(c.beneficiaries_requested()),
        c.has_beneficiaries_approved() ? Number(c.beneficiaries_approved()) : "",
        c.has_beneficiaries_reached() ? Number(c.beneficiaries_reached()) : "",
        c.responsible_party(),
        c.constraint_category() == 0 ? "" : Number(c.constraint_category()),
        c.denial_reason(),
        FormatCargo(c.manifest()),
        c.idempotency_key(),
        c.note()};
    AddAreaCells(areas, c.area_id(), &row);
    sheet->rows.push_back(std::move(row));
    sheet->points.push_back(PointOf(areas, c.area_id()));
  }
  return kExitOk;
}

int AreasSheet(Session& session, Flags& flags, const std::map<std::string, v1::Area>& areas,
               Sheet* sheet) {
  if (absl::Status s = flags.CheckAllUsed("export areas"); !s.ok()) {
    return session.UsageFailure(s.message());
  }
  sheet->columns = {{"id", "#loc+id"},
                    {"name_en", "#loc+name"},
                    {"name_ar", "#loc+name+i_ar"},
                    {"area_group", "#loc+group"},
                    {"governorate", "#adm1+name"},
                    {"governorate_pcode", "#adm1+code"},
                    {"district_pcode", "#adm2+code"},
                    {"subdistrict_pcode", "#adm3+code"},
                    {"community_pcode", "#loc+code"},
                    {"latitude", "#geo+lat"},
                    {"longitude", "#geo+lon"},
                    {"status", "#status"},
                    {"status_since", "#date+status"},
                    {"besieging_party", "#group+name+besieging"},
                    {"population", "#population"},
                    {"population_as_reported", "#population+reported"}};
  for (const auto& [id, a] : areas) {
    const bool located = a.has_location();
    sheet->rows.push_back({a.id(), a.name_en(), a.name_ar(), a.area_group(), a.governorate().name(),
                           a.governorate().pcode(), a.district().pcode(), a.subdistrict().pcode(),
                           a.community_pcode(), located ? Degrees(a.location().latitude()) : "",
                           located ? Degrees(a.location().longitude()) : "",
                           EnumTextOf(kAreaStatusPrefix, a.status()), DateCell(a.status_since()),
                           a.besieging_party(),
                           a.population().has_count() ? Number(a.population().count()) : "",
                           a.population().as_reported()});
    sheet->points.push_back(located ? std::optional<v1::GeoPoint>(a.location()) : std::nullopt);
  }
  return kExitOk;
}

// ------------------------------------------------------------------ import

// One step of the life cycle towards `target`, from `current`; UNSPECIFIED
// when there is none.
v1::ConvoyStatus NextStep(v1::ConvoyStatus current, v1::ConvoyStatus target) {
  switch (current) {
    case v1::CONVOY_STATUS_REQUESTED:
      if (target == v1::CONVOY_STATUS_DENIED || target == v1::CONVOY_STATUS_CANCELLED) {
        return target;
      }
      return target == v1::CONVOY_STATUS_PARTIALLY_APPROVED ? target : v1::CONVOY_STATUS_APPROVED;
    case v1::CONVOY_STATUS_APPROVED:
    case v1::CONVOY_STATUS_PARTIALLY_APPROVED:
      return target == v1::CONVOY_STATUS_CANCELLED ? target : v1::CONVOY_STATUS_DISPATCHED;
    case v1::CONVOY_STATUS_DISPATCHED:
      return target;
    default:
      return v1::CONVOY_STATUS_UNSPECIFIED;
  }
}

// Brings an imported convoy to the status its row states, one recorded
// transition at a time, all dated with the row's status_date (the row gives
// no other dates) and noting where they came from.
int ImportConvoy(Session& session, v1::ConvoyService::Stub& stub, const ImportRow& row,
                 const std::string& note, v1::Convoy convoy, std::string* problem) {
  const std::string status_text = row.Get("status");
  if (status_text.empty()) return kExitOk;
  absl::StatusOr<v1::ConvoyStatus> target =
      ParseEnumAs<v1::ConvoyStatus>(kConvoyStatusPrefix, "column status", status_text);
  if (!target.ok()) {
    *problem = std::string(target.status().message());
    return kExitRejected;
  }
  v1::Date on;
  if (!row.Get("status_date").empty()) {
    absl::StatusOr<v1::Date> date = ParseDate("column status_date", row.Get("status_date"));
    if (!date.ok()) {
      *problem = std::string(date.status().message());
      return kExitRejected;
    }
    on = *date;
  }
  std::optional<int64_t> approved, reached;
  v1::AccessConstraintCategory category = v1::ACCESS_CONSTRAINT_CATEGORY_UNSPECIFIED;
  for (absl::Status s : {ParseCountCell(row, "beneficiaries_approved", false, &approved),
                         ParseCountCell(row, "beneficiaries_reached", false, &reached),
                         ParseCategoryCell(row, false, &category)}) {
    if (!s.ok()) {
      *problem = std::string(s.message());
      return kExitRejected;
    }
  }
  for (int steps = 0; convoy.status() != *target && steps < 4; ++steps) {
    const v1::ConvoyStatus next = NextStep(convoy.status(), *target);
    if (next == v1::CONVOY_STATUS_UNSPECIFIED) {
      *problem = absl::StrCat("column status: the convoy is already ",
                              EnumTextOf(kConvoyStatusPrefix, convoy.status()),
                              " and cannot become ", status_text);
      return kExitRejected;
    }
    grpc::ClientContext context;
    session.Prepare(&context);
    v1::Convoy after;
    grpc::Status status;
    auto common = [&](auto* request) {
      request->set_convoy_id(convoy.id());
      request->set_expected_version(convoy.version());
      if (on.year() != 0) *request->mutable_occurred_on() = on;
      request->set_note(note);
    };
    if (next == v1::CONVOY_STATUS_APPROVED || next == v1::CONVOY_STATUS_PARTIALLY_APPROVED) {
      v1::ApproveConvoyRequest request;
      common(&request);
      if (!approved.has_value()) {
        *problem = "column beneficiaries_approved: needed to record the approval";
        return kExitRejected;
      }
      request.set_beneficiaries_approved(*approved);
      status = stub.ApproveConvoy(&context, request, &after);
    } else if (next == v1::CONVOY_STATUS_DENIED) {
      v1::DenyConvoyRequest request;
      common(&request);
      request.set_denying_party(row.Get("responsible_party"));
      request.set_reason(row.Get("denial_reason"));
      request.set_category(category);
      status = stub.DenyConvoy(&context, request, &after);
    } else if (next == v1::CONVOY_STATUS_DISPATCHED) {
      v1::DispatchConvoyRequest request;
      common(&request);
      status = stub.DispatchConvoy(&context, request, &after);
    } else {
      v1::RecordConvoyOutcomeRequest request;
      common(&request);
      request.set_outcome(next);
      request.set_beneficiaries_reached(reached.value_or(0));
      request.set_responsible_party(row.Get("responsible_party"));
      request.set_category(category);
      status = stub.RecordConvoyOutcome(&context, request, &after);
    }
    if (!status.ok()) {
      if (status.error_code() == grpc::StatusCode::UNAVAILABLE) return session.Fail(status);
      *problem = absl::StrCat("recording ", EnumTextOf(kConvoyStatusPrefix, next), ": ",
                              status.error_message());
      return kExitRejected;
    }
    convoy = std::move(after);
  }
  return kExitOk;
}

struct ImportTally {
  int rows = 0;
  int stored = 0;
  int already = 0;
  std::vector<std::string> problems;
};

// Whether a record with this id is stored already (from an earlier run of
// the file): ids derive from idempotency keys (common/ids.h).
template <typename Stub, typename Request, typename Response>
bool Exists(Session& session, Stub& stub,
            grpc::Status (Stub::*get)(grpc::ClientContext*, const Request&, Response*),
            const std::string& id) {
  grpc::ClientContext context;
  session.Prepare(&context);
  Request request;
  request.set_id(id);
  Response response;
  return (stub.*get)(&context, request, &response).ok();
}

}  // namespace

int RunExportCommand(Session& session, Flags& flags, const std::string& kind, const Args& args) {
  if (kind != "denials" && kind != "convoys" && kind != "areas") {
    return session.UsageFailure(
        "export needs what to export: denials, convoys or areas, e.g. corridorctl export denials "
        "--format=hxl --party=P --month=2016-09");
  }
  if (!args.empty()) return session.UsageFailure("export takes flags only; see corridorctl help");
  const std::string format = absl::AsciiStrToLower(flags.Take("format", "csv"));
  if (format != "csv" && format != "hxl" && format != "geojson") {
    return session.UsageFailure(
        absl::StrCat("--format: \"", format, "\" is not one of csv, hxl, geojson"));
  }
  const std::string path = flags.Take("out");
  std::map<std::string, v1::Area> areas;
  if (!FetchAreas(session, &areas).ok()) return kExitUnavailable;
  Sheet sheet;
  const int code = kind == "denials"   ? DenialsSheet(session, flags, areas, &sheet)
                   : kind == "convoys" ? ConvoysSheet(session, flags, areas, &sheet)
                                       : AreasSheet(session, flags, areas, &sheet);
  if (code != kExitOk) return code;

  std::ofstream file;
  if (!path.empty()) {
    file.open(path, std::ios::binary | std::ios::trunc);
    if (!file) {
      session.err() << "corridorctl: cannot write " << path
                    << "; check the folder exists and is writable\n";
      return kExitError;
    }
  }
  std::ostream& out = path.empty() ? session.out() : file;
  std::vector<std::string> without_point;
  if (format == "geojson") {
    WriteGeoJson(sheet, out, &without_point);
  } else {
    WriteCsv(sheet, format == "hxl", out);
  }
  out.flush();
  session.err() << "export " << kind << ": "
                << WithThousands(static_cast<int64_t>(sheet.rows.size())) << " rows"
                << (path.empty() ? "" : " written to " + path) << "\n";
  if (!without_point.empty()) {
    session.err() << "export " << kind << ": " << without_point.size()
                  << " features have no coordinates (their area has none in the reference data) "
                     "and are included with \"geometry\": null: "
                  << absl::StrJoin(without_point, ", ") << "\n";
  }
  return kExitOk;
}

int RunImportCommand(Session& session, Flags& flags, const std::string& kind, const Args& args) {
  if (kind != "denials" && kind != "convoys") {
    return session.UsageFailure(
        "import needs what to import: convoys or denials, e.g. corridorctl import denials "
        "denials.csv");
  }
  if (args.size() != 1) {
    return session.UsageFailure(
        absl::StrCat("import ", kind, " takes one CSV file (\"-\" for standard input)"));
  }
  if (absl::Status s = flags.CheckAllUsed("import"); !s.ok()) {
    return session.UsageFailure(s.message());
  }
  const std::string& path = args[0];
  std::string text;
  if (path == "-") {
    text.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
  } else {
    std::ifstream file(path, std::ios::binary);
    if (!file) {
      session.err() << "corridorctl: cannot read " << path << "; check the path\n";
      return kExitUsage;
    }
    text.assign(std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>());
  }
  absl::StatusOr<ImportFile> file = ParseImportFile(text);
  if (!file.ok()) {
    session.err() << "corridorctl: " << path << " " << file.status().message()
                  << "; nothing was imported\n";
    return kExitUsage;
  }
  const std::vector<std::string>& header = file->header;
  const int total = static_cast<int>(file->rows.size());

  auto convoys = v1::ConvoyService::NewStub(session.ChannelFor("convoys"));
  auto denials = v1::DenialService::NewStub(session.ChannelFor("denials"));
  ImportTally tally;
  Progress progress(session, "import " + kind);
  for (size_t r = 0; r < file->rows.size(); ++r) {
    const int line = file->lines[r];
    const std::vector<std::string>& cells = file->rows[r];
    ++tally.rows;
    auto refuse = [&](absl::string_view problem) {
      tally.problems.push_back(absl::StrCat("line ", line, ": ", problem));
    };
    if (cells.size() != header.size()) {
      refuse(absl::StrCat("has ", cells.size(), " fields but the header has ", header.size()));
      continue;
    }
    const ImportRow row(header, cells);
    const std::string note = absl::StrCat("imported from ", path, " line ", line);
    grpc::ClientContext context;
    session.Prepare(&context);
    grpc::Status status;
    bool is_new = false;
    std::string problem;
    if (kind == "denials") {
      absl::StatusOr<v1::RecordDenialRequest> request = DenialFromRow(row);
      if (!request.ok()) {
        refuse(request.status().message());
        continue;
      }
      is_new = !Exists(session, *denials, &v1::DenialService::Stub::GetDenial,
                       DenialIdFor(request->idempotency_key()));
      v1::Denial denial;
      status = denials->RecordDenial(&context, *request, &denial);
    } else {
      absl::StatusOr<v1::SubmitConvoyRequestRequest> request = ConvoyFromRow(row);
      if (!request.ok()) {
        refuse(request.status().message());
        continue;
      }
      is_new = !Exists(session, *convoys, &v1::ConvoyService::Stub::GetConvoy,
                       ConvoyIdFor(request->agency(), request->idempotency_key()));
      v1::Convoy convoy;
      status = convoys->SubmitConvoyRequest(&context, *request, &convoy);
      if (status.ok()) {
        const int code = ImportConvoy(session, *convoys, row, note, convoy, &problem);
        if (code == kExitUnavailable) return code;
        if (code != kExitOk) {
          refuse(problem);
          continue;
        }
      }
    }
    if (status.error_code() == grpc::StatusCode::UNAVAILABLE ||
        status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED) {
      session.err() << "import " << kind << ": stopped at line " << line << " after "
                    << tally.stored
                    << " new rows; re-run the same file once the server is "
                       "back: rows already stored are not stored twice\n";
      return session.Fail(status);
    }
    if (!status.ok()) {
      refuse(status.error_message());
      continue;
    }
    ++(is_new ? tally.stored : tally.already);
    progress.Update(absl::StrCat(WithThousands(tally.rows), " of ", WithThousands(total), " rows (",
                                 WithThousands(tally.stored), " new, ",
                                 WithThousands(tally.already), " already stored, ",
                                 tally.problems.size(), " refused)"));
  }
  for (const std::string& problem : tally.problems) {
    session.err() << path << ": " << problem << "\n";
  }
  session.err() << "import " << kind << ": " << WithThousands(tally.rows)
                << " rows: " << WithThousands(tally.stored) << " new, "
                << WithThousands(tally.already) << " already stored, " << tally.problems.size()
                << " refused"
                << (tally.problems.empty() ? "" : " (fix those lines and re-run the same file)")
                << "\n";
  return tally.problems.empty() ? kExitOk : kExitRejected;
}

}  // namespace corridor::cli
