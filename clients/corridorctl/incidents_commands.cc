#include "clients/corridorctl/incidents_commands.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "common/casualty_figures.h"
#include "common/enum_text.h"
#include "common/status_macros.h"
#include "common/validation.h"
#include "corridor/v1/incidents.grpc.pb.h"
#include "google/protobuf/util/message_differencer.h"

namespace corridor::cli {
namespace {

using Stub = v1::IncidentService::Stub;

absl::Status BadFlag(const std::string& flag, const std::string& problem) {
  return absl::InvalidArgumentError(absl::StrCat("--", flag, ": ", problem));
}

// "12" or "unknown" into an optional count.
absl::Status ParseCount(const std::string& flag, const std::string& text, bool* present,
                        int64_t* count) {
  if (text == "unknown") {
    *present = false;
    return absl::OkStatus();
  }
  if (!absl::SimpleAtoi(text, count)) {
    return BadFlag(flag, absl::StrCat("\"", text, "\" is not a whole number (or \"unknown\")"));
  }
  if (*count < 0) {
    return BadFlag(flag, absl::StrCat(text,
                                      " is negative: give the number of people, or "
                                      "\"unknown\""));
  }
  *present = true;
  return absl::OkStatus();
}

// --killed, --injured, --children-killed...: the figures by name
// (casualty_figures.h), with '-' for '_'.
absl::Status TakeCasualties(Flags& flags, v1::Casualties* casualties) {
  for (const std::string& name : CasualtyFigureNames()) {
    const std::string flag = absl::StrReplaceAll(name, {{"_", "-"}});
    if (!flags.Has(flag)) continue;
    bool present = false;
    int64_t n = 0;
    CORRIDOR_RETURN_IF_ERROR(ParseCount(flag, flags.Take(flag), &present, &n));
    present ? SetFigure(name, n, casualties) : ClearFigure(name, casualties);
  }
  return absl::OkStatus();
}

// --at: "2016-09-19T18:30:00Z" (TIME), "2016-09-19" (DAY) or "2016-09"
// (MONTH).
absl::Status TakeWhen(Flags& flags, bool required, v1::IncidentFacts* facts) {
  if (!flags.Has("at")) {
    if (required) return BadFlag("at", "is required, e.g. --at=2016-09-19 or --at=2016-09");
    return absl::OkStatus();
  }
  const std::string text = flags.Take("at");
  absl::CivilMonth month;
  if (text.size() == 7 && absl::ParseCivilTime(text, &month)) {
    facts->mutable_occurred_at()->set_seconds(
        absl::ToUnixSeconds(absl::FromCivil(month, absl::UTCTimeZone())));
    facts->mutable_occurred_at()->set_nanos(0);
    facts->set_precision(v1::TIME_PRECISION_MONTH);
    return absl::OkStatus();
  }
  bool is_date = false;
  CORRIDOR_ASSIGN_OR_RETURN(const absl::Time time, ParseDateOrTime("--at", text, &is_date));
  facts->mutable_occurred_at()->set_seconds(absl::ToUnixSeconds(time));
  facts->mutable_occurred_at()->set_nanos(0);
  facts->set_precision(is_date ? v1::TIME_PRECISION_DAY : v1::TIME_PRECISION_TIME);
  return absl::OkStatus();
}

absl::Status TakeWeapons(Flags& flags, v1::IncidentFacts* facts) {
  if (!flags.Has("weapons")) return absl::OkStatus();
  facts->clear_weapons();
  for (absl::string_view item :
       absl::StrSplit(flags.Take("weapons"), ',', absl::SkipWhitespace())) {
    CORRIDOR_ASSIGN_OR_RETURN(
        const v1::Weapon weapon,
        ParseEnumAs<v1::Weapon>("WEAPON_", "--weapons", absl::StripAsciiWhitespace(item)));
    facts->add_weapons(weapon);
  }
  return absl::OkStatus();
}

absl::Status TakeWhere(Flags& flags, v1::IncidentFacts* facts) {
  if (flags.Has("area")) facts->set_area_id(flags.Take("area"));
  if (flags.Has("route")) facts->set_route_id(flags.Take("route"));
  if (flags.Has("checkpoint")) facts->set_checkpoint(flags.Take("checkpoint"));
  if (flags.Has("place")) facts->set_place_name(flags.Take("place"));
  double latitude = 0, longitude = 0;
  bool has_latitude = false, has_longitude = false;
  CORRIDOR_RETURN_IF_ERROR(flags.TakeDegrees("lat", &latitude, &has_latitude));
  CORRIDOR_RETURN_IF_ERROR(flags.TakeDegrees("lon", &longitude, &has_longitude));
  if (has_latitude != has_longitude) {
    return BadFlag(has_latitude ? "lon" : "lat", "is required with --lat and --lon together");
  }
  if (has_latitude) {
    facts->mutable_location()->set_latitude(latitude);
    facts->mutable_location()->set_longitude(longitude);
  }
  if (flags.Has("convoy")) facts->set_convoy_id(flags.Take("convoy"));
  if (flags.Has("populated")) {
    const std::string populated = absl::AsciiStrToLower(flags.Take("populated"));
    if (populated == "yes") {
      facts->set_populated_area(true);
    } else if (populated == "no") {
      facts->set_populated_area(false);
    } else if (populated == "unknown") {
      facts->clear_populated_area();
    } else {
      return BadFlag("populated", absl::StrCat("\"", populated, "\" is not yes, no or unknown"));
    }
  }
  return absl::OkStatus();
}

absl::Status TakeAttribution(Flags& flags, v1::IncidentFacts* facts) {
  if (flags.Has("party")) facts->set_party(flags.Take("party"));
  if (flags.Has("confidence")) {
    CORRIDOR_ASSIGN_OR_RETURN(
        const v1::AttributionConfidence confidence,
        ParseEnumAs<v1::AttributionConfidence>("ATTRIBUTION_CONFIDENCE_", "--confidence",
                                               flags.Take("confidence")));
    facts->set_attribution_confidence(confidence);
  }
  if (flags.Has("basis")) facts->set_attribution_basis(flags.Take("basis"));
  if (facts->party().empty()) {
    facts->clear_attribution_confidence();
    facts->clear_attribution_basis();
  }
  return absl::OkStatus();
}

// The fact flags of record and correct. With `all_required`, the required
// facts must be given; otherwise only the flags given change `facts`.
absl::Status TakeFacts(Flags& flags, bool all_required, v1::IncidentFacts* facts) {
  if (flags.Has("type") || all_required) {
    std::string type;
    CORRIDOR_RETURN_IF_ERROR(flags.TakeRequired("type", "air_strike", &type));
    CORRIDOR_ASSIGN_OR_RETURN(const v1::IncidentType parsed,
                              ParseEnumAs<v1::IncidentType>("INCIDENT_TYPE_", "--type", type));
    facts->set_type(parsed);
  }
  if (flags.Has("description") || all_required) {
    CORRIDOR_RETURN_IF_ERROR(flags.TakeRequired(
        "description", "\"barrel bombs dropped on the market\"", facts->mutable_description()));
  }
  if (flags.Has("sources") || all_required) {
    std::string sources;
    CORRIDOR_RETURN_IF_ERROR(flags.TakeRequired(
        "sources", "\"BOI-S/2016/1093 killed=10 injured=22; UN-SPOX-30SEP16 killed=18\"",
        &sources));
    facts->clear_sources();
    CORRIDOR_RETURN_IF_ERROR(ParseSources("sources", sources, facts));
  }
  CORRIDOR_RETURN_IF_ERROR(TakeWhen(flags, all_required, facts));
  CORRIDOR_RETURN_IF_ERROR(TakeWhere(flags, facts));
  CORRIDOR_RETURN_IF_ERROR(TakeWeapons(flags, facts));
  CORRIDOR_RETURN_IF_ERROR(TakeCasualties(flags, facts->mutable_casualties()));
  CORRIDOR_RETURN_IF_ERROR(TakeAttribution(flags, facts));
  flags.TakeEvidence(facts->mutable_evidence());
  return absl::OkStatus();
}

std::string CountText(const v1::CasualtyCount& count) {
  if (!count.has_killed() && !count.has_injured()) return "";
  return absl::StrCat(count.has_killed() ? absl::StrCat(count.killed()) : "?", " killed, ",
                      count.has_injured() ? absl::StrCat(count.injured()) : "?", " injured");
}

std::string WeaponsText(const v1::IncidentFacts& f) {
  std::vector<std::string> names;
  for (int weapon : f.weapons()) {
    names.push_back(EnumTextOf("WEAPON_", static_cast<v1::Weapon>(weapon)));
  }
  return absl::StrJoin(names, ", ");
}

std::string ConfidenceText(const v1::IncidentFacts& f) {
  return f.party().empty() ? "" : EnumTextOf("ATTRIBUTION_CONFIDENCE_", f.attribution_confidence());
}

Grid IncidentsGrid(const std::vector<v1::Incident>& incidents) {
  Grid grid;
  grid.header = {"ID",         "OCCURRED", "TYPE",    "WEAPONS", "AREA",     "PARTY",
                 "CONFIDENCE", "KILLED",   "INJURED", "SOURCES", "REVISION", "DESCRIPTION"};
  for (const v1::Incident& i : incidents) {
    const v1::IncidentFacts& f = i.facts();
    const v1::CasualtyCount& total = f.casualties().total();
    grid.rows.push_back(
        {i.id(), TimeText(f.occurred_at()), EnumTextOf("INCIDENT_TYPE_", f.type()), WeaponsText(f),
         f.area_id().empty() ? f.place_name() : f.area_id(), f.party(), ConfidenceText(f),
         total.has_killed() ? absl::StrCat(total.killed()) : "",
         total.has_injured() ? absl::StrCat(total.injured()) : "", absl::StrCat(f.sources_size()),
         absl::StrCat(i.revision()), f.description()});
  }
  return grid;
}

void PrintIncident(Session& session, const v1::Incident& i) {
  if (session.format() != OutputFormat::kTable) {
    PrintResult(session.format(), i, IncidentsGrid({i}), session.out());
    return;
  }
  const v1::IncidentFacts& f = i.facts();
  Grid grid;
  grid.header = {"FIELD", "VALUE"};
  auto add = [&](const std::string& field, const std::string& value) {
    if (!value.empty()) grid.rows.push_back({field, value});
  };
  add("id", i.id());
  add("revision", absl::StrCat(i.revision(), i.withdrawn() ? " (WITHDRAWN)" : ""));
  add("occurred", absl::StrCat(TimeText(f.occurred_at()), " (known to the ",
                               f.precision() == v1::TIME_PRECISION_DAY     ? "day"
                               : f.precision() == v1::TIME_PRECISION_MONTH ? "month"
                                                                           : "time",
                               ")"));
  add("type", EnumTextOf("INCIDENT_TYPE_", f.type()));
  add("weapons", f.weapons().empty() ? "not known" : WeaponsText(f));
  add("populated area", !f.has_populated_area() ? "not known" : f.populated_area() ? "yes" : "no");
  add("area", f.area_id());
  add("route", f.route_id());
  add("checkpoint", f.checkpoint());
  if (f.has_location()) {
    add("place", absl::StrFormat("%s (%.5f, %.5f)", f.place_name(), f.location().latitude(),
                                 f.location().longitude()));
  } else {
    add("place", f.place_name());
  }
  add("convoy", f.convoy_id());
  const v1::Casualties& c = f.casualties();
  add("casualties", CountText(c.total()).empty() ? "not known" : CountText(c.total()));
  add("  civilians", CountText(c.civilians()));
  add("  children", CountText(c.children()));
  add("  aid workers", CountText(c.aid_workers()));
  add("  medical workers", CountText(c.medical_workers()));
  add("party held responsible", f.party().empty() ? "none named" : f.party());
  add("attribution",
      f.party().empty() ? "" : absl::StrCat(ConfidenceText(f), ": ", f.attribution_basis()));
  add("description", f.description());
  for (const v1::IncidentSource& s : f.sources()) {
    const std::string figures = CountText(s.reported().total());
    add("source", absl::StrCat(s.source().citation(), figures.empty() ? "" : " (reported ", figures,
                               figures.empty() ? "" : ")"));
  }
  for (const v1::Evidence& e : f.evidence()) {
    add("evidence", e.uri().empty() ? "sha256:" + e.sha256() : e.uri());
  }
  add("correction reason", i.correction_reason());
  add("recorded", absl::StrCat(TimeText(i.recorded_at()), " by ", i.recorded_by().name()));
  add("reported by", i.reported_by().name());
  add("idempotency key", i.idempotency_key());
  PrintTable(grid, session.out(), 200);
}

absl::StatusOr<v1::RecordIncidentRequest> ParseRecord(Flags& flags, const Args& args) {
  CORRIDOR_RETURN_IF_ERROR(
      ExpectArgs(args, 0, "incidents record takes flags only; see corridorctl help"));
  v1::RecordIncidentRequest request;
  CORRIDOR_RETURN_IF_ERROR(TakeFacts(flags, /*all_required=*/true, request.mutable_facts()));
  request.set_idempotency_key(flags.TakeIdempotencyKey());
  CORRIDOR_RETURN_IF_ERROR(flags.CheckAllUsed("incidents record"));
  return request;
}

// correct and withdraw: read the incident, change what the flags name, send
// the whole corrected facts against the revision read.
int Correct(Session& session, Flags& flags, const Args& args, bool withdraw) {
  const std::string command = withdraw ? "incidents withdraw" : "incidents correct";
  absl::Status parsed = ExpectArgs(args, 1, absl::StrCat(command, " takes one incident id"));
  v1::CorrectIncidentRequest request;
  if (parsed.ok()) {
    parsed = flags.TakeRequired("reason", "\"the Board of Inquiry's figures\"",
                                request.mutable_reason());
  }
  auto stub = v1::IncidentService::NewStub(session.ChannelFor("incidents"));
  v1::Incident current;
  if (parsed.ok()) {
    grpc::ClientContext context;
    session.Prepare(&context);
    v1::GetIncidentRequest get;
    get.set_id(args[0]);
    grpc::Status status = stub->GetIncident(&context, get, &current);
    if (!status.ok()) return session.Fail(status);
    *request.mutable_facts() = current.facts();
    request.mutable_facts()->clear_party_id();
    if (!withdraw) parsed = TakeFacts(flags, /*all_required=*/false, request.mutable_facts());
  }
  if (parsed.ok()) parsed = flags.CheckAllUsed(command);
  v1::IncidentFacts unchanged = current.facts();
  unchanged.clear_party_id();
  if (parsed.ok() && !withdraw &&
      google::protobuf::util::MessageDifferencer::Equals(request.facts(), unchanged)) {
    parsed = absl::InvalidArgumentError(
        "nothing to correct: give the flags of the facts that change, e.g. --killed=10");
  }
  if (!parsed.ok()) return session.UsageFailure(parsed.message());
  request.set_incident_id(args[0]);
  request.set_withdraw(withdraw);
  request.set_expected_revision(current.revision());
  return session.Invoke<Stub, v1::CorrectIncidentRequest, v1::Incident>(
      *stub, request, &Stub::CorrectIncident,
      [&](const v1::Incident& i) { PrintIncident(session, i); });
}

int List(Session& session, Flags& flags, const Args& args) {
  v1::ListIncidentsRequest request;
  int limit = 50;
  absl::Status parsed = ExpectArgs(args, 0, "incidents list takes flags only");
  if (parsed.ok()) parsed = TakeIncidentFilters(flags, &request);
  if (parsed.ok()) parsed = flags.TakeCount("limit", 1, &limit);
  const bool one_page = flags.Has("page-token");
  request.mutable_page()->set_page_token(flags.Take("page-token"));
  if (parsed.ok()) parsed = flags.CheckAllUsed("incidents list");
  if (!parsed.ok()) return session.UsageFailure(parsed.message());
  auto stub = v1::IncidentService::NewStub(session.ChannelFor("incidents"));
  v1::ListIncidentsResponse all;
  const int code = session.ListPages(*stub, &Stub::ListIncidents, request, limit, one_page,
                                     &v1::ListIncidentsResponse::mutable_incidents, &all);
  if (code != kExitOk) return code;
  const std::vector<v1::Incident> incidents(all.incidents().begin(), all.incidents().end());
  ListNotes notes;
  notes.one = "incident";
  notes.many = "incidents";
  notes.next_page_token = all.next_page_token();
  PrintList(session.format(), all, IncidentsGrid(incidents), notes, session.out(), session.err());
  return kExitOk;
}

int History(Session& session, Flags& flags, const Args& args) {
  absl::Status parsed = ExpectArgs(args, 1, "incidents history takes one incident id");
  if (parsed.ok()) parsed = flags.CheckAllUsed("incidents history");
  if (!parsed.ok()) return session.UsageFailure(parsed.message());
  auto stub = v1::IncidentService::NewStub(session.ChannelFor("incidents"));
  v1::GetIncidentHistoryRequest request;
  request.set_incident_id(args[0]);
  v1::GetIncidentHistoryResponse all;
  const int code = session.ListPages(*stub, &Stub::GetIncidentHistory, request, 0, false,
                                     &v1::GetIncidentHistoryResponse::mutable_revisions, &all);
  if (code != kExitOk) return code;
  Grid grid;
  grid.header = {"REVISION", "RECORDED", "BY", "STATE", "REASON", "PARTY", "CONFIDENCE", "KILLED"};
  for (const v1::Incident& i : all.revisions()) {
    const v1::IncidentFacts& f = i.facts();
    const bool last = &i == &*all.revisions().rbegin();
    grid.rows.push_back(
        {absl::StrCat(i.revision()), TimeText(i.recorded_at()), i.recorded_by().name(),
         i.withdrawn() ? "withdrawn"
         : last        ? "in force"
                       : "superseded",
         i.correction_reason(), f.party(), ConfidenceText(f),
         f.casualties().total().has_killed() ? absl::StrCat(f.casualties().total().killed()) : ""});
  }
  ListNotes notes;
  notes.max_cell = 60;
  PrintList(session.format(), all, grid, notes, session.out(), session.err());
  return kExitOk;
}

absl::Status ParseMonthFlag(const std::string& flag, const std::string& text, v1::YearMonth* out) {
  absl::CivilMonth month;
  if (text.size() != 7 || !absl::ParseCivilTime(text, &month)) {
    return BadFlag(flag, absl::StrCat("\"", text, "\" is not a month (YYYY-MM, e.g. 2016-09)"));
  }
  out->set_year(static_cast<int32_t>(month.year()));
  out->set_month(month.month());
  return absl::OkStatus();
}

absl::StatusOr<v1::IncidentStatsRequest> ParseStats(Flags& flags, const Args& args) {
  CORRIDOR_RETURN_IF_ERROR(ExpectArgs(args, 0, "incidents stats takes flags only"));
  v1::IncidentStatsRequest request;
  std::string by;
  CORRIDOR_RETURN_IF_ERROR(flags.TakeRequired("by", "party (or type, weapon, area, month)", &by));
  CORRIDOR_ASSIGN_OR_RETURN(
      const v1::IncidentStatsDimension dimension,
      ParseEnumAs<v1::IncidentStatsDimension>("INCIDENT_STATS_DIMENSION_", "--by", by));
  request.set_group_by(dimension);
  std::string from;
  CORRIDOR_RETURN_IF_ERROR(flags.TakeRequired("from", "2016-01", &from));
  CORRIDOR_RETURN_IF_ERROR(ParseMonthFlag("from", from, request.mutable_from()));
  CORRIDOR_RETURN_IF_ERROR(ParseMonthFlag("to", flags.Take("to", from), request.mutable_to()));
  request.set_party(flags.Take("party"));
  CORRIDOR_RETURN_IF_ERROR(flags.CheckAllUsed("incidents stats"));
  return request;
}

void PrintStats(Session& session, const v1::IncidentStatsResponse& stats) {
  if (session.format() == OutputFormat::kJson) {
    PrintJson(stats, session.out());
    return;
  }
  Grid grid;
  grid.header = {"GROUP",
                 "INCIDENTS",
                 "KILLED",
                 "INJURED",
                 "CIVILIANS KILLED",
                 "CHILDREN KILLED",
                 "AID WORKERS KILLED",
                 "MEDICAL WORKERS KILLED",
                 "INCIDENTS STATING KILLED",
                 "INCIDENTS STATING INJURED"};
  auto row = [&](const v1::IncidentStatsRow& r) {
    std::string group = r.party_name().empty() ? r.group() : r.party_name();
    if (r.type() != v1::INCIDENT_TYPE_UNSPECIFIED) group = EnumTextOf("INCIDENT_TYPE_", r.type());
    if (r.weapon() != v1::WEAPON_UNSPECIFIED) group = EnumTextOf("WEAPON_", r.weapon());
    if (group.empty()) group = "(none named or stated)";
    grid.rows.push_back(
        {group, absl::StrCat(r.incidents()), absl::StrCat(r.killed()), absl::StrCat(r.injured()),
         absl::StrCat(r.civilians_killed()), absl::StrCat(r.children_killed()),
         absl::StrCat(r.aid_workers_killed()), absl::StrCat(r.medical_workers_killed()),
         absl::StrCat(r.incidents_with_killed()), absl::StrCat(r.incidents_with_injured())});
  };
  for (const v1::IncidentStatsRow& r : stats.rows()) row(r);
  row(stats.total());
  if (session.format() == OutputFormat::kCsv) {
    PrintCsv(grid, session.out());
  } else {
    PrintTable(grid, session.out(), 60);
  }
}

}  // namespace

absl::Status TakeIncidentFilters(Flags& flags, v1::ListIncidentsRequest* request) {
  request->set_party(flags.Take("party"));
  request->set_area_id(flags.Take("area"));
  request->set_convoy_id(flags.Take("convoy"));
  if (flags.Has("type")) {
    CORRIDOR_ASSIGN_OR_RETURN(
        const v1::IncidentType type,
        ParseEnumAs<v1::IncidentType>("INCIDENT_TYPE_", "--type", flags.Take("type")));
    request->set_type(type);
  }
  if (flags.Has("weapon")) {
    CORRIDOR_ASSIGN_OR_RETURN(const v1::Weapon weapon,
                              ParseEnumAs<v1::Weapon>("WEAPON_", "--weapon", flags.Take("weapon")));
    request->set_weapon(weapon);
  }
  bool present = false;
  CORRIDOR_RETURN_IF_ERROR(flags.TakeTime("since", request->mutable_since(), &present));
  if (!present) request->clear_since();
  CORRIDOR_RETURN_IF_ERROR(flags.TakeTime("until", request->mutable_until(), &present,
                                          /*date_includes_day=*/true));
  if (!present) request->clear_until();
  return absl::OkStatus();
}

absl::Status ParseSources(const std::string& flag, const std::string& text,
                          v1::IncidentFacts* facts) {
  for (absl::string_view item : absl::StrSplit(text, ';', absl::SkipWhitespace())) {
    std::vector<std::string> citation;
    v1::IncidentSource* source = facts->add_sources();
    for (absl::string_view word : absl::StrSplit(item, ' ', absl::SkipWhitespace())) {
      std::pair<std::string, std::string> figure = absl::StrSplit(word, absl::MaxSplits('=', 1));
      // A word such as "killed=18" or "children_injured=4" is a figure; one
      // that looks like a figure with another name is a mistake, not part
      // of the citation (a URL's "?a=1" is not a bare name).
      const bool named = !figure.second.empty() &&
                         std::all_of(figure.first.begin(), figure.first.end(), [](char c) {
                           return absl::ascii_islower(static_cast<unsigned char>(c)) || c == '_';
                         });
      int64_t n = 0;
      if (!named || figure.first.empty()) {
        citation.push_back(std::string(word));
        continue;
      }
      if (!absl::SimpleAtoi(figure.second, &n) || n < 0 ||
          !SetFigure(figure.first, n, source->mutable_reported())) {
        return BadFlag(flag, absl::StrCat("\"", word,
                                          "\" is not a figure: killed=N, injured=N, "
                                          "or civilians_, children_, aid_workers_ or "
                                          "medical_workers_ before killed or injured"));
      }
    }
    if (citation.empty()) {
      return BadFlag(flag, absl::StrCat("\"", absl::StripAsciiWhitespace(item),
                                        "\" has figures but no citation"));
    }
    source->mutable_source()->set_citation(absl::StrJoin(citation, " "));
  }
  if (facts->sources().empty()) return BadFlag(flag, "names no source");
  return absl::OkStatus();
}

int RunIncidentsCommand(Session& session, Flags& flags, const std::string& verb, const Args& args) {
  auto stub = v1::IncidentService::NewStub(session.ChannelFor("incidents"));
  std::function<void(const v1::Incident&)> print = [&](const v1::Incident& i) {
    PrintIncident(session, i);
  };
  if (verb == "record") {
    return session.Invoke<Stub, v1::RecordIncidentRequest, v1::Incident>(
        *stub, ParseRecord(flags, args), &Stub::RecordIncident, [&](const v1::Incident& i) {
          print(i);
          if (!i.facts().area_id().empty()) return;
          session.err() << "Note: this incident names no area, so agreement "
                           "terms limited to listed areas do not cover it; if "
                           "it lies in one, correct it with --area=ID.\n";
        });
  }
  if (verb == "correct") return Correct(session, flags, args, /*withdraw=*/false);
  if (verb == "withdraw") return Correct(session, flags, args, /*withdraw=*/true);
  if (verb == "get") {
    absl::Status parsed = ExpectArgs(args, 1, "incidents get takes one incident id");
    if (parsed.ok()) parsed = flags.CheckAllUsed("incidents get");
    if (!parsed.ok()) return session.UsageFailure(parsed.message());
    v1::GetIncidentRequest request;
    request.set_id(args[0]);
    return session.Invoke<Stub, v1::GetIncidentRequest, v1::Incident>(*stub, request,
                                                                      &Stub::GetIncident, print);
  }
  if (verb == "list") return List(session, flags, args);
  if (verb == "history") return History(session, flags, args);
  if (verb == "stats") {
    return session.Invoke<Stub, v1::IncidentStatsRequest, v1::IncidentStatsResponse>(
        *stub, ParseStats(flags, args), &Stub::IncidentStats,
        [&](const v1::IncidentStatsResponse& stats) { PrintStats(session, stats); });
  }
  return session.UsageFailure(absl::StrCat(
      verb.empty() ? "incidents needs a command" : "unknown command \"incidents " + verb + "\"",
      "; use record, correct, withdraw, get, list, history or stats"));
}

}  // namespace corridor::cli
