#include "clients/corridorctl/routes_commands.h"

#include <thread>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "common/enum_text.h"
#include "common/status.h"
#include "common/stream_headers.h"
#include "corridor/v1/routes.grpc.pb.h"
#include "google/protobuf/util/time_util.h"

namespace corridor::cli {
namespace {

using Stub = v1::RouteService::Stub;
using google::protobuf::util::TimeUtil;

constexpr char kStatusPrefix[] = "ROUTE_STATUS_";
constexpr char kConfidencePrefix[] = "CONFIDENCE_";

std::string StatusText(v1::RouteStatus status) { return EnumTextOf(kStatusPrefix, status); }

Grid RoutesGrid(const std::vector<v1::Route>& routes) {
  Grid grid;
  grid.header = {"ID", "NAME", "STATUS", "OBSERVED", "CONTROLLED BY", "SERVES", "REPORTS"};
  for (const v1::Route& r : routes) {
    grid.rows.push_back({r.id(), r.name(), StatusText(r.status()), TimeText(r.status_observed_at()),
                         r.controlling_party(), absl::StrJoin(r.serves_area_ids(), ";"),
                         absl::StrCat(r.reports())});
  }
  return grid;
}

// "withdraws #7: filed in error", "corrects #7: ...", "superseded by #9".
std::string CorrectionText(const v1::RouteReport& r) {
  if (r.supersedes() != 0) {
    return absl::StrCat(r.withdrawal() ? "withdraws #" : "corrects #", r.supersedes(), ": ",
                        r.correction_reason());
  }
  if (r.superseded_by() != 0) return absl::StrCat("superseded by #", r.superseded_by());
  return "";
}

Grid ReportsGrid(const std::vector<v1::RouteReport>& reports) {
  Grid grid;
  grid.header = {"POSITION",      "ROUTE",      "OBSERVED", "STATUS", "PREVIOUS",
                 "CONTROLLED BY", "CHECKPOINT", "SOURCE",   "NOTE",   "CORRECTION"};
  for (const v1::RouteReport& r : reports) {
    grid.rows.push_back({absl::StrCat(r.position()), r.route_id(), TimeText(r.observed_at()),
                         r.withdrawal() ? "withdrawn" : StatusText(r.status()),
                         StatusText(r.previous_status()), r.controlling_party(), r.checkpoint(),
                         r.source().citation(), r.note(), CorrectionText(r)});
  }
  return grid;
}

void PrintRoutes(Session& session, const std::vector<v1::Route>& routes,
                 const google::protobuf::Message& raw) {
  PrintResult(session.format(), raw, RoutesGrid(routes), session.out());
}

void PrintRoute(Session& session, const v1::Route& route) {
  if (session.format() != OutputFormat::kTable) {
    PrintRoutes(session, {route}, route);
    return;
  }
  Grid grid;
  grid.header = {"FIELD", "VALUE"};
  auto add = [&](const std::string& field, const std::string& value) {
    if (!value.empty()) grid.rows.push_back({field, value});
  };
  add("id", route.id());
  add("name", route.name());
  add("status", StatusText(route.status()));
  add("observed", TimeText(route.status_observed_at()));
  add("controlled by", route.controlling_party());
  add("serves", absl::StrJoin(route.serves_area_ids(), ", "));
  std::vector<std::string> sources;
  for (const v1::Source& s : route.sources()) sources.push_back(s.citation());
  add("sources", absl::StrJoin(sources, "; "));
  add("reports", absl::StrCat(route.reports()));
  add("version", absl::StrCat(route.version()));
  PrintTable(grid, session.out(), 200);
  if (!route.description().empty()) session.out() << "\n" << route.description() << "\n";
}

int RoutesList(Session& session, Flags& flags, const Args& args) {
  v1::ListRoutesRequest request;
  absl::Status parsed = ExpectArgs(args, 0, "routes list takes flags only; see corridorctl help");
  request.set_serves_area_id(flags.Take("area"));
  if (parsed.ok() && flags.Has("status")) {
    absl::StatusOr<v1::RouteStatus> status =
        ParseEnumAs<v1::RouteStatus>(kStatusPrefix, "--status", flags.Take("status"));
    if (status.ok()) request.set_status(*status);
    parsed = status.status();
  }
  if (parsed.ok()) parsed = flags.CheckAllUsed("routes list");
  if (!parsed.ok()) return session.UsageFailure(parsed.message());
  auto stub = v1::RouteService::NewStub(session.ChannelFor("routes"));
  v1::ListRoutesResponse all;
  const int code =
      session.ListPages(*stub, &Stub::ListRoutes, request, /*limit=*/0,
                        /*one_page=*/false, &v1::ListRoutesResponse::mutable_routes, &all);
  if (code != kExitOk) return code;
  const std::vector<v1::Route> routes(all.routes().begin(), all.routes().end());
  PrintRoutes(session, routes, all);
  return kExitOk;
}

absl::StatusOr<v1::GetRouteHistoryRequest> ParseHistory(Flags& flags, const Args& args) {
  CORRIDOR_RETURN_IF_ERROR(ExpectArgs(args, 1, "routes history takes one route id"));
  v1::GetRouteHistoryRequest request;
  request.set_route_id(args[0]);
  int limit = 0;
  CORRIDOR_RETURN_IF_ERROR(flags.TakeCount("limit", 1, &limit));
  request.mutable_page()->set_page_size(limit);
  request.mutable_page()->set_page_token(flags.Take("page-token"));
  CORRIDOR_RETURN_IF_ERROR(flags.CheckAllUsed("routes history"));
  return request;
}

// The report flags a correction gives; the server keeps the old report's
// values for the rest.
absl::Status TakeReportChanges(Flags& flags, v1::ReportRouteStatusRequest* report) {
  if (flags.Has("status")) {
    CORRIDOR_ASSIGN_OR_RETURN(
        const v1::RouteStatus status,
        ParseEnumAs<v1::RouteStatus>(kStatusPrefix, "--status", flags.Take("status")));
    report->set_status(status);
  }
  bool has_at = false;
  CORRIDOR_RETURN_IF_ERROR(flags.TakeTime("at", report->mutable_observed_at(), &has_at));
  if (!has_at) report->clear_observed_at();
  report->mutable_source()->set_citation(flags.Take("source"));
  if (flags.Has("confidence")) {
    CORRIDOR_ASSIGN_OR_RETURN(
        const v1::Confidence confidence,
        ParseEnumAs<v1::Confidence>(kConfidencePrefix, "--confidence", flags.Take("confidence")));
    report->set_confidence(confidence);
  }
  report->set_note(flags.Take("note"));
  report->set_checkpoint(flags.Take("checkpoint"));
  report->set_controlling_party(flags.Take("party"));
  return absl::OkStatus();
}

absl::StatusOr<v1::ReportRouteStatusRequest> ParseReport(Flags& flags, const Args& args) {
  CORRIDOR_RETURN_IF_ERROR(ExpectArgs(
      args, 1, "routes report takes one route id, e.g. routes report castello-road --status=open"));
  v1::ReportRouteStatusRequest request;
  request.set_route_id(args[0]);
  if (!flags.Has("status")) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--status is required; one of ", EnumChoices(v1::RouteStatus_descriptor(), kStatusPrefix)));
  }
  std::string citation;
  CORRIDOR_RETURN_IF_ERROR(flags.TakeRequired("source", "\"OCHA flash update 12\"", &citation));
  // A new report is a correction of nothing: the same flags, with the
  // status and source required and the time "now" by default.
  CORRIDOR_RETURN_IF_ERROR(TakeReportChanges(flags, &request));
  request.mutable_source()->set_citation(citation);
  if (!request.has_observed_at()) *request.mutable_observed_at() = TimeUtil::GetCurrentTime();
  CORRIDOR_RETURN_IF_ERROR(flags.CheckAllUsed("routes report"));
  return request;
}

// routes correct|withdraw POSITION --reason=TEXT [report flags].
absl::StatusOr<v1::CorrectRouteReportRequest> ParseCorrection(Flags& flags, const Args& args,
                                                              bool withdraw) {
  const std::string command = withdraw ? "routes withdraw" : "routes correct";
  CORRIDOR_RETURN_IF_ERROR(
      ExpectArgs(args, 1,
                 absl::StrCat(command,
                              " takes one report position (the POSITION column of "
                              "routes history)")));
  v1::CorrectRouteReportRequest request;
  int64_t position = 0;
  if (!absl::SimpleAtoi(args[0], &position) || position <= 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "\"", args[0], "\" is not a report position (the POSITION column of routes history)"));
  }
  request.set_position(position);
  std::string reason;
  CORRIDOR_RETURN_IF_ERROR(
      flags.TakeRequired("reason", "\"the road was reported closed in error\"", &reason));
  request.set_reason(reason);
  request.set_withdraw(withdraw);
  if (!withdraw) CORRIDOR_RETURN_IF_ERROR(TakeReportChanges(flags, request.mutable_report()));
  CORRIDOR_RETURN_IF_ERROR(flags.CheckAllUsed(command));
  return request;
}

void PrintEvent(Session& session, const v1::RouteStatusEvent& event, bool first) {
  const v1::RouteReport& r = event.report();
  switch (session.format()) {
    case OutputFormat::kJson: {
      // One JSON object per line, for scripts that read a stream.
      std::string json;
      google::protobuf::util::JsonPrintOptions options;
      options.preserve_proto_field_names = true;
      (void)google::protobuf::util::MessageToJsonString(event, &json, options);
      session.out() << json << std::endl;
      return;
    }
    case OutputFormat::kCsv: {
      Grid grid = ReportsGrid({r});
      if (!first) grid.header.clear();
      PrintCsv(grid, session.out());
      session.out().flush();
      return;
    }
    case OutputFormat::kTable:
      session.out() << "#" << r.position() << "  " << r.route_id() << "  "
                    << StatusText(r.previous_status()) << " -> " << StatusText(r.status())
                    << "  observed " << TimeText(r.observed_at())
                    << (r.checkpoint().empty() ? "" : "  at " + r.checkpoint()) << "  ("
                    << r.source().citation() << ")"
                    << (r.current() ? "" : "  [late report: not the current status]")
                    << (r.supersedes() == 0 ? "" : "  [" + CorrectionText(r) + "]") << std::endl;
      return;
  }
}

// Follows the feed until --count events were printed or the user stops it.
// If the connection drops after the stream started, it reconnects from the
// last position printed, so nothing is missed or printed twice.
int RoutesWatch(Session& session, Flags& flags, const Args& args) {
  v1::WatchRouteStatusRequest request;
  int count = 0;  // 0: forever
  absl::Status parsed = ExpectArgs(args, 0, "routes watch takes flags only; see corridorctl help");
  if (parsed.ok()) parsed = flags.TakeCount("count", 1, &count);
  if (parsed.ok() && flags.Has("after")) {
    int64_t after = 0;
    const std::string text = flags.Take("after");
    if (!absl::SimpleAtoi(text, &after) || after < 0) {
      parsed = absl::InvalidArgumentError(
          absl::StrCat("--after: \"", text, "\" is not a feed position (0 or more)"));
    }
    request.set_after_position(after);
  }
  for (absl::string_view id : absl::StrSplit(flags.Take("route"), ',', absl::SkipEmpty())) {
    request.add_route_ids(std::string(id));
  }
  if (parsed.ok()) parsed = flags.CheckAllUsed("routes watch");
  if (!parsed.ok()) return session.UsageFailure(parsed.message());

  auto stub = v1::RouteService::NewStub(session.ChannelFor("routes"));
  int printed = 0;
  bool streamed = false;
  while (true) {
    grpc::ClientContext context;
    session.PrepareStream(&context);
    std::unique_ptr<grpc::ClientReader<v1::RouteStatusEvent>> reader =
        stub->WatchRouteStatus(&context, request);
    // Admitted (a refusal comes without the header): from here on, a drop
    // is reconnected from the last position, even before any report.
    reader->WaitForInitialMetadata();
    const auto& headers = context.GetServerInitialMetadata();
    if (const auto subscribed = headers.find(kSubscribedHeader); subscribed != headers.end()) {
      // The position the feed starts after: where a reconnection resumes
      // until a report is printed.
      int64_t after = 0;
      if (!request.has_after_position() &&
          absl::SimpleAtoi(absl::string_view(subscribed->second.data(), subscribed->second.size()),
                           &after)) {
        request.set_after_position(after);
      }
      if (!streamed && session.format() == OutputFormat::kTable) {
        session.err() << "watching "
                      << (request.route_ids().empty() ? "all routes"
                                                      : absl::StrJoin(request.route_ids(), ", "))
                      << "; stop with Ctrl-C" << std::endl;
      }
      streamed = true;
    }
    v1::RouteStatusEvent event;
    while (reader->Read(&event)) {
      streamed = true;
      PrintEvent(session, event, printed == 0);
      request.set_after_position(event.report().position());
      if (count > 0 && ++printed >= count) {
        context.TryCancel();
        return kExitOk;
      }
    }
    grpc::Status status = reader->Finish();
    if (status.error_code() != grpc::StatusCode::UNAVAILABLE || !streamed) {
      return status.ok() ? kExitOk : session.Fail(status);
    }
    // The stream was up and dropped: come back where it stopped.
    if (!request.has_after_position()) request.set_after_position(0);
    session.err() << "connection lost (" << status.error_message() << "); reconnecting after "
                  << "position " << request.after_position() << std::endl;
    std::this_thread::sleep_for(std::chrono::seconds(1));
  }
}

// routes create --id=ID --name=NAME [--serves=AREA,...] [--party=P]
// [--description=TEXT] [--source=CITATION [--source-note=NOTE]].
absl::StatusOr<v1::CreateRouteRequest> ParseCreate(Flags& flags, const Args& args) {
  CORRIDOR_RETURN_IF_ERROR(ExpectArgs(
      args, 0, "routes create takes flags only, e.g. --id=ramouseh-road --name=\"Ramouseh Road\""));
  v1::CreateRouteRequest request;
  v1::Route* route = request.mutable_route();
  std::string id, name;
  CORRIDOR_RETURN_IF_ERROR(flags.TakeRequired("id", "ramouseh-road", &id));
  CORRIDOR_RETURN_IF_ERROR(flags.TakeRequired("name", "\"Ramouseh Road\"", &name));
  route->set_id(id);
  route->set_name(name);
  route->set_description(flags.Take("description"));
  route->set_controlling_party(flags.Take("party"));
  if (flags.Has("serves")) {
    for (absl::string_view area : absl::StrSplit(flags.Take("serves"), ',', absl::SkipEmpty())) {
      route->add_serves_area_ids(std::string(absl::StripAsciiWhitespace(area)));
    }
    if (route->serves_area_ids().empty()) {
      return absl::InvalidArgumentError(
          "--serves names no area; give area ids separated by commas, e.g. --serves=ALP-EAST, "
          "or leave it out");
    }
  }
  const std::string citation = flags.Take("source");
  const std::string note = flags.Take("source-note");
  if (!note.empty() && citation.empty()) {
    return absl::InvalidArgumentError("--source-note needs --source (the citation it explains)");
  }
  if (!citation.empty()) {
    v1::Source* source = route->add_sources();
    source->set_citation(citation);
    source->set_note(note);
  }
  CORRIDOR_RETURN_IF_ERROR(flags.CheckAllUsed("routes create"));
  return request;
}

}  // namespace

int RunRoutesCommand(Session& session, Flags& flags, const std::string& verb, const Args& args) {
  auto stub = v1::RouteService::NewStub(session.ChannelFor("routes"));
  if (verb == "list") return RoutesList(session, flags, args);
  if (verb == "get") {
    absl::Status parsed = ExpectArgs(args, 1, "routes get takes one route id, e.g. castello-road");
    if (parsed.ok()) parsed = flags.CheckAllUsed("routes get");
    if (!parsed.ok()) return session.UsageFailure(parsed.message());
    v1::GetRouteRequest request;
    request.set_id(args[0]);
    return session.Invoke<Stub, v1::GetRouteRequest, v1::Route>(
        *stub, request, &Stub::GetRoute, [&](const v1::Route& r) { PrintRoute(session, r); });
  }
  if (verb == "history") {
    return session.Invoke<Stub, v1::GetRouteHistoryRequest, v1::GetRouteHistoryResponse>(
        *stub, ParseHistory(flags, args), &Stub::GetRouteHistory,
        [&](const v1::GetRouteHistoryResponse& history) {
          std::vector<v1::RouteReport> reports(history.reports().begin(), history.reports().end());
          ListNotes notes;
          notes.max_cell = 60;
          notes.next_page_token = history.next_page_token();
          PrintList(session.format(), history, ReportsGrid(reports), notes, session.out(),
                    session.err());
        });
  }
  if (verb == "report") {
    return session.Invoke<Stub, v1::ReportRouteStatusRequest, v1::ReportRouteStatusResponse>(
        *stub, ParseReport(flags, args), &Stub::ReportRouteStatus,
        [&](const v1::ReportRouteStatusResponse& response) {
          if (session.format() == OutputFormat::kJson) {
            PrintJson(response, session.out());
            return;
          }
          PrintRoute(session, response.route());
          session.err() << "filed as report #" << response.report().position()
                        << " (its position, for routes correct or routes withdraw)\n";
          if (!response.report().current()) {
            session.err() << "note: an earlier-filed report was observed later, so this one "
                             "joins the history without changing the current status\n";
          }
        });
  }
  if (verb == "correct" || verb == "withdraw") {
    return session.Invoke<Stub, v1::CorrectRouteReportRequest, v1::ReportRouteStatusResponse>(
        *stub, ParseCorrection(flags, args, verb == "withdraw"), &Stub::CorrectRouteReport,
        [&](const v1::ReportRouteStatusResponse& response) {
          if (session.format() == OutputFormat::kJson) {
            PrintJson(response, session.out());
            return;
          }
          PrintRoute(session, response.route());
          session.err() << "report #" << response.report().supersedes() << " is superseded by #"
                        << response.report().position() << "; the road's status is its latest "
                        << "report still standing\n";
        });
  }
  if (verb == "create") {
    return session.Invoke<Stub, v1::CreateRouteRequest, v1::Route>(
        *stub, ParseCreate(flags, args), &Stub::CreateRoute,
        [&](const v1::Route& r) { PrintRoute(session, r); });
  }
  if (verb == "watch") return RoutesWatch(session, flags, args);
  return session.UsageFailure(absl::StrCat(
      verb.empty() ? "routes needs a command" : "unknown command \"routes " + verb + "\"",
      "; use list, get, create, history, report, correct, withdraw or watch"));
}

}  // namespace corridor::cli
