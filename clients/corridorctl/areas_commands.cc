#include "clients/corridorctl/areas_commands.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "common/enum_text.h"
#include "common/status.h"
#include "common/validation.h"
#include "corridor/v1/areas.grpc.pb.h"

namespace corridor::cli {
namespace {

using Stub = v1::AreaService::Stub;

constexpr char kStatusPrefix[] = "AREA_STATUS_";

std::string StatusText(v1::AreaStatus status) { return EnumTextOf(kStatusPrefix, status); }

absl::Status TakeStatus(Flags& flags, bool required, v1::AreaStatus* out) {
  if (!flags.Has("status")) {
    if (!required) return absl::OkStatus();
    return absl::InvalidArgumentError(absl::StrCat(
        "--status is required; one of ", EnumChoices(v1::AreaStatus_descriptor(), kStatusPrefix)));
  }
  absl::StatusOr<v1::AreaStatus> status =
      ParseEnumAs<v1::AreaStatus>(kStatusPrefix, "--status", flags.Take("status"));
  if (!status.ok()) return status.status();
  *out = *status;
  return absl::OkStatus();
}

std::string PopulationText(const v1::Area& area) {
  if (!area.has_population()) return "";
  const v1::PopulationEstimate& p = area.population();
  if (p.has_count()) return absl::StrCat(p.approximate() ? "~" : "", WithThousands(p.count()));
  return p.as_reported();
}

// "12,520 — 2016-06, Siege Watch", leaving out what is not recorded.
std::string PopulationDetail(const v1::Area& area) {
  const v1::PopulationEstimate& p = area.population();
  std::string figure = p.as_reported();
  if (figure.empty() && p.has_count()) figure = PopulationText(area);
  if (figure.empty()) return "not recorded";
  std::vector<std::string> about;
  for (const std::string& part : {p.as_of(), p.source().citation()}) {
    if (!part.empty()) about.push_back(part);
  }
  return about.empty() ? figure : absl::StrCat(figure, " — ", absl::StrJoin(about, ", "));
}

std::string LocationDetail(const v1::Area& area) {
  if (!area.has_location()) return "unknown (no source gives one)";
  std::string text =
      absl::StrFormat("%.6f, %.6f", area.location().latitude(), area.location().longitude());
  if (!area.location_precision().empty()) {
    absl::StrAppend(&text, " (", area.location_precision(), ")");
  }
  return text;
}

std::string AdminText(const v1::AdminUnit& unit) {
  return absl::StrCat(unit.name(), " (", unit.pcode(), ")");
}

Grid AreasGrid(const std::vector<v1::Area>& areas, bool full) {
  Grid grid;
  grid.header = {"ID", "NAME", "STATUS", "SINCE", "GOVERNORATE", "BESIEGING PARTY", "POPULATION"};
  if (full) {
    grid.header.insert(grid.header.end(), {"NAME_AR", "LATITUDE", "LONGITUDE", "VERSION"});
  }
  for (const v1::Area& area : areas) {
    std::vector<std::string> row = {area.id(),
                                    area.name_en(),
                                    StatusText(area.status()),
                                    area.has_status_since() ? FormatDate(area.status_since()) : "",
                                    AdminText(area.governorate()),
                                    area.besieging_party(),
                                    PopulationText(area)};
    if (full) {
      const bool located = area.has_location();
      row.push_back(area.name_ar());
      row.push_back(located ? absl::StrFormat("%.6f", area.location().latitude()) : "");
      row.push_back(located ? absl::StrFormat("%.6f", area.location().longitude()) : "");
      row.push_back(absl::StrCat(area.version()));
    }
    grid.rows.push_back(std::move(row));
  }
  return grid;
}

Grid HistoryGrid(const v1::GetAreaHistoryResponse& history) {
  Grid grid;
  grid.header = {"#", "EFFECTIVE", "STATUS", "PREVIOUS", "SOURCE", "NOTE", "RECORDED BY"};
  for (const v1::StatusChange& c : history.changes()) {
    grid.rows.push_back({absl::StrCat(c.sequence()),
                         c.has_effective_date() ? FormatDate(c.effective_date()) : "(undated)",
                         StatusText(c.status()), StatusText(c.previous_status()),
                         c.source().citation(), c.note(), c.recorded_by().name()});
  }
  return grid;
}

// One area as FIELD/VALUE rows, for people.
Grid AreaDetailGrid(const v1::Area& area) {
  Grid grid;
  grid.header = {"FIELD", "VALUE"};
  auto add = [&](const std::string& field, const std::string& value) {
    if (!value.empty()) grid.rows.push_back({field, value});
  };
  add("id", area.id());
  add("name", area.name_en());
  add("name (Arabic)", area.name_ar());
  add("also known as", absl::StrJoin(area.alt_names(), "; "));
  add("group", area.area_group());
  add("aggregate", area.aggregate() ? "yes (an enclave total, not one community)" : "");
  add("status", StatusText(area.status()));
  add("status since", area.has_status_since() ? FormatDate(area.status_since()) : "");
  add("governorate", AdminText(area.governorate()));
  if (area.has_district()) add("district", AdminText(area.district()));
  if (area.has_subdistrict()) add("subdistrict", AdminText(area.subdistrict()));
  add("community P-code", area.community_pcode());
  add("location", LocationDetail(area));
  add("besieging party", area.besieging_party());
  add("population", PopulationDetail(area));
  add("Siege Watch listing", area.siege_watch_listing());
  add("Siege Watch tier", area.siege_watch_tier());
  add("UN listing", area.un_listing());
  add("status changes", absl::StrCat(area.status_changes()));
  add("version", absl::StrCat(area.version()));
  return grid;
}

void PrintArea(Session& session, const v1::Area& area) {
  const Grid csv = AreasGrid({area}, true);
  ListNotes notes;
  notes.max_cell = 200;
  notes.csv = &csv;
  PrintList(session.format(), area, AreaDetailGrid(area), notes, session.out(), session.err());
  if (session.format() == OutputFormat::kTable && !area.notes().empty()) {
    session.out() << "\nnotes:\n" << area.notes() << "\n";
  }
}

// Lists every page (or up to --limit, or one page with --page-token).
int AreasList(Session& session, Flags& flags, const Args& args) {
  v1::ListAreasRequest request;
  v1::AreaStatus status = v1::AREA_STATUS_UNSPECIFIED;
  int limit = 0;  // 0: everything
  const bool one_page = flags.Has("page-token");
  absl::Status parsed = ExpectArgs(args, 0, "areas list takes flags only; see corridorctl help");
  if (parsed.ok()) parsed = TakeStatus(flags, /*required=*/false, &status);
  if (parsed.ok()) parsed = flags.TakeCount("limit", 1, &limit);
  request.set_status(status);
  request.set_governorate_pcode(flags.Take("governorate"));
  request.set_besieging_party(flags.Take("party"));
  request.mutable_page()->set_page_token(flags.Take("page-token"));
  if (parsed.ok()) parsed = flags.CheckAllUsed("areas list");
  if (!parsed.ok()) return session.UsageFailure(parsed.message());

  auto stub = v1::AreaService::NewStub(session.ChannelFor("areas"));
  v1::ListAreasResponse all;
  const int code = session.ListPages(*stub, &Stub::ListAreas, request, limit, one_page,
                                     &v1::ListAreasResponse::mutable_areas, &all);
  if (code != kExitOk) return code;
  const std::vector<v1::Area> areas(all.areas().begin(), all.areas().end());
  const Grid csv = AreasGrid(areas, true);
  ListNotes notes;
  notes.one = "area";
  notes.many = "areas";
  notes.next_page_token = all.next_page_token();
  notes.csv = &csv;
  PrintList(session.format(), all, AreasGrid(areas, false), notes, session.out(), session.err());
  return kExitOk;
}

absl::StatusOr<v1::GetAreaRequest> ParseGet(Flags& flags, const Args& args) {
  CORRIDOR_RETURN_IF_ERROR(
      ExpectArgs(args, 1, "areas get takes one area id, e.g. areas get EG-DUMA"));
  CORRIDOR_RETURN_IF_ERROR(flags.CheckAllUsed("areas get"));
  v1::GetAreaRequest request;
  request.set_id(args[0]);
  return request;
}

absl::StatusOr<v1::GetAreaHistoryRequest> ParseHistory(Flags& flags, const Args& args) {
  CORRIDOR_RETURN_IF_ERROR(ExpectArgs(args, 1, "areas history takes one area id"));
  v1::GetAreaHistoryRequest request;
  request.set_area_id(args[0]);
  int limit = 0;
  CORRIDOR_RETURN_IF_ERROR(flags.TakeCount("limit", 1, &limit));
  request.mutable_page()->set_page_size(limit);
  request.mutable_page()->set_page_token(flags.Take("page-token"));
  CORRIDOR_RETURN_IF_ERROR(flags.CheckAllUsed("areas history"));
  return request;
}

// Applies the descriptive flags given to `area` (names, group, party,
// location, population, notes); flags not given leave their field as it is.
absl::Status ApplyDescriptiveFlags(Flags& flags, v1::Area* area) {
  if (flags.Has("name")) area->set_name_en(flags.Take("name"));
  if (flags.Has("name-ar")) area->set_name_ar(flags.Take("name-ar"));
  if (flags.Has("group")) area->set_area_group(flags.Take("group"));
  if (flags.Has("governorate")) area->mutable_governorate()->set_pcode(flags.Take("governorate"));
  if (flags.Has("governorate-name")) {
    area->mutable_governorate()->set_name(flags.Take("governorate-name"));
  }
  if (flags.Has("party")) area->set_besieging_party(flags.Take("party"));
  if (flags.Has("note")) area->set_notes(flags.Take("note"));
  double lat = 0, lon = 0;
  bool has_lat = false, has_lon = false;
  CORRIDOR_RETURN_IF_ERROR(flags.TakeDegrees("lat", &lat, &has_lat));
  CORRIDOR_RETURN_IF_ERROR(flags.TakeDegrees("lon", &lon, &has_lon));
  if (has_lat != has_lon) {
    return absl::InvalidArgumentError("--lat and --lon go together: give both or neither");
  }
  if (has_lat) {
    area->mutable_location()->set_latitude(lat);
    area->mutable_location()->set_longitude(lon);
  }
  if (flags.Has("population")) {
    int count = 0;
    CORRIDOR_RETURN_IF_ERROR(flags.TakeCount("population", 0, &count));
    area->mutable_population()->Clear();
    area->mutable_population()->set_count(count);
    area->mutable_population()->set_as_reported(WithThousands(count));
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::CreateAreaRequest> ParseCreate(Flags& flags, const Args& args) {
  CORRIDOR_RETURN_IF_ERROR(
      ExpectArgs(args, 0, "areas create takes flags only (--id=... --name=...)"));
  v1::CreateAreaRequest request;
  v1::Area* area = request.mutable_area();
  area->set_id(flags.Take("id"));
  CORRIDOR_RETURN_IF_ERROR(ApplyDescriptiveFlags(flags, area));
  v1::AreaStatus status = v1::AREA_STATUS_UNSPECIFIED;
  CORRIDOR_RETURN_IF_ERROR(TakeStatus(flags, /*required=*/true, &status));
  area->set_status(status);
  bool has_since = false;
  CORRIDOR_RETURN_IF_ERROR(flags.TakeDate("since", /*required=*/false,
                                          request.mutable_status_effective_date(), &has_since));
  if (!has_since) request.clear_status_effective_date();
  request.mutable_status_source()->set_citation(flags.Take("source"));
  CORRIDOR_RETURN_IF_ERROR(flags.CheckAllUsed("areas create"));
  return request;
}

absl::StatusOr<v1::RecordStatusChangeRequest> ParseSetStatus(Flags& flags, const Args& args) {
  CORRIDOR_RETURN_IF_ERROR(ExpectArgs(args, 1, "areas set-status takes one area id"));
  v1::RecordStatusChangeRequest request;
  request.set_area_id(args[0]);
  v1::AreaStatus status = v1::AREA_STATUS_UNSPECIFIED;
  CORRIDOR_RETURN_IF_ERROR(TakeStatus(flags, /*required=*/true, &status));
  request.set_status(status);
  bool has_date = false;
  CORRIDOR_RETURN_IF_ERROR(
      flags.TakeDate("date", /*required=*/true, request.mutable_effective_date(), &has_date));
  request.mutable_source()->set_citation(flags.Take("source"));
  request.set_note(flags.Take("note"));
  int expected_version = 0;
  CORRIDOR_RETURN_IF_ERROR(flags.TakeCount("expected-version", 1, &expected_version));
  request.set_expected_version(expected_version);
  CORRIDOR_RETURN_IF_ERROR(flags.CheckAllUsed("areas set-status"));
  return request;
}

// Reads the area, applies the flags and writes it back at the version read,
// so that a change made meanwhile by someone else is refused, not lost.
int AreasUpdate(Session& session, Flags& flags, const Args& args) {
  absl::Status parsed = ExpectArgs(args, 1, "areas update takes one area id");
  if (!parsed.ok()) return session.UsageFailure(parsed.message());
  auto stub = v1::AreaService::NewStub(session.ChannelFor("areas"));
  v1::GetAreaRequest get;
  get.set_id(args[0]);
  v1::Area area;
  int code = session.Invoke<Stub, v1::GetAreaRequest, v1::Area>(
      *stub, get, &Stub::GetArea, [&](const v1::Area& read) { area = read; });
  if (code != kExitOk) return code;

  v1::UpdateAreaRequest request;
  *request.mutable_area() = area;
  parsed = ApplyDescriptiveFlags(flags, request.mutable_area());
  if (parsed.ok()) parsed = flags.CheckAllUsed("areas update");
  if (!parsed.ok()) return session.UsageFailure(parsed.message());
  return session.Invoke<Stub, v1::UpdateAreaRequest, v1::Area>(
      *stub, request, &Stub::UpdateArea,
      [&](const v1::Area& updated) { PrintArea(session, updated); });
}

}  // namespace

int RunAreasCommand(Session& session, Flags& flags, const std::string& verb, const Args& args) {
  auto stub = v1::AreaService::NewStub(session.ChannelFor("areas"));
  auto print_area = [&](const v1::Area& area) { PrintArea(session, area); };
  if (verb == "list") return AreasList(session, flags, args);
  if (verb == "get") {
    return session.Invoke(*stub, ParseGet(flags, args), &Stub::GetArea,
                          std::function<void(const v1::Area&)>(print_area));
  }
  if (verb == "history") {
    return session.Invoke(*stub, ParseHistory(flags, args), &Stub::GetAreaHistory,
                          std::function<void(const v1::GetAreaHistoryResponse&)>(
                              [&](const v1::GetAreaHistoryResponse& history) {
                                ListNotes notes;
                                notes.max_cell = 60;
                                notes.next_page_token = history.next_page_token();
                                PrintList(session.format(), history, HistoryGrid(history), notes,
                                          session.out(), session.err());
                              }));
  }
  if (verb == "create") {
    return session.Invoke(*stub, ParseCreate(flags, args), &Stub::CreateArea,
                          std::function<void(const v1::Area&)>(print_area));
  }
  if (verb == "update") return AreasUpdate(session, flags, args);
  if (verb == "set-status") {
    return session.Invoke(*stub, ParseSetStatus(flags, args), &Stub::RecordStatusChange,
                          std::function<void(const v1::RecordStatusChangeResponse&)>(
                              [&](const v1::RecordStatusChangeResponse& response) {
                                if (session.format() == OutputFormat::kJson) {
                                  PrintJson(response, session.out());
                                } else {
                                  PrintArea(session, response.area());
                                }
                              }));
  }
  return session.UsageFailure(absl::StrCat(
      verb.empty() ? "areas needs a command" : "unknown command \"areas " + verb + "\"",
      "; use list, get, history, create, update or set-status"));
}

}  // namespace corridor::cli
