#include "clients/corridorctl/commands.h"

#include <cstdlib>
#include <functional>
#include <map>

#include <grpcpp/grpcpp.h>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "absl/time/time.h"
#include "clients/corridorctl/output.h"
#include "common/request_context.h"
#include "common/status.h"
#include "common/validation.h"
#include "corridor/v1/areas.grpc.pb.h"

namespace corridor::cli {
namespace {

constexpr char kDefaultServer[] = "127.0.0.1:7400";
constexpr int kListPageSize = 200;

constexpr char kUsage[] = R"(corridorctl: the command-line client of Corridor.

Usage: corridorctl [global flags] <command> [arguments] [flags]

Commands:
  areas list      [--status=S] [--governorate=SY03] [--party=P] [--limit=N] [--page-token=T]
  areas get       ID
  areas history   ID [--limit=N] [--page-token=T]
  areas create    --id=ID --name=NAME --governorate=SY03 --status=S --source=CITATION
                  [--name-ar=NAME] [--governorate-name=NAME] [--group=G]
                  [--lat=DEG --lon=DEG] [--party=P] [--population=N]
                  [--since=YYYY-MM-DD] [--note=TEXT]
  areas set-status ID --status=S --date=YYYY-MM-DD --source=CITATION
                  [--note=TEXT] [--expected-version=N]
  help

Statuses: besieged, hard-to-reach, watchlist, siege-broken, evacuated,
          surrendered, captured, unconfirmed

Global flags:
  --server=HOST:PORT   the Corridor server (default $CORRIDOR_SERVER or 127.0.0.1:7400)
  --output=FORMAT      table (default), json or csv
  --timeout=SECONDS    per call (default 10)
  --as=NAME            who you are, recorded with your changes (default $USER)

Exit codes: 0 ok, 1 error, 2 bad command line, 3 server unreachable,
            4 request refused (see the message), 5 not found.
)";

// Flags (--name=value or --name value) and positional arguments.
struct CommandLine {
  std::map<std::string, std::string> flags;
  std::vector<std::string> positional;
};

absl::StatusOr<CommandLine> ParseArgs(const std::vector<std::string>& args) {
  CommandLine line;
  for (size_t i = 0; i < args.size(); ++i) {
    absl::string_view arg = args[i];
    if (!absl::ConsumePrefix(&arg, "--")) {
      line.positional.push_back(args[i]);
      continue;
    }
    if (arg.empty()) return absl::InvalidArgumentError("\"--\" without a flag name");
    size_t eq = arg.find('=');
    if (eq != absl::string_view::npos) {
      line.flags[std::string(arg.substr(0, eq))] = std::string(arg.substr(eq + 1));
    } else if (arg == "help") {
      line.flags["help"] = "true";
    } else if (i + 1 < args.size()) {
      line.flags[std::string(arg)] = args[++i];
    } else {
      return absl::InvalidArgumentError(absl::StrCat("--", arg, " needs a value"));
    }
  }
  return line;
}

// Takes and removes a flag, so that leftovers can be reported as unknown.
class Flags {
 public:
  explicit Flags(std::map<std::string, std::string> flags) : flags_(std::move(flags)) {}

  std::string Take(const std::string& name, const std::string& fallback = "") {
    auto it = flags_.find(name);
    if (it == flags_.end()) return fallback;
    std::string value = it->second;
    flags_.erase(it);
    return value;
  }
  bool Has(const std::string& name) const { return flags_.count(name) > 0; }

  // OK if every flag was taken.
  absl::Status CheckAllUsed(absl::string_view command) const {
    if (flags_.empty()) return absl::OkStatus();
    return absl::InvalidArgumentError(absl::StrCat(
        "--", flags_.begin()->first, " is not a flag of \"", command,
        "\"; see corridorctl help"));
  }

 private:
  std::map<std::string, std::string> flags_;
};

absl::StatusOr<v1::AreaStatus> ParseStatus(absl::string_view flag, absl::string_view text) {
  std::string name = absl::AsciiStrToUpper(text);
  for (char& c : name) {
    if (c == '-') c = '_';
  }
  v1::AreaStatus status;
  if (!absl::StartsWith(name, "AREA_STATUS_")) name = "AREA_STATUS_" + name;
  if (!v1::AreaStatus_Parse(name, &status) || status == v1::AREA_STATUS_UNSPECIFIED) {
    return absl::InvalidArgumentError(absl::StrCat(
        flag, ": \"", text, "\" is not a status; use besieged, hard-to-reach, "
        "watchlist, siege-broken, evacuated, surrendered, captured or unconfirmed"));
  }
  return status;
}

std::string StatusText(v1::AreaStatus status) {
  if (status == v1::AREA_STATUS_UNSPECIFIED) return "";
  std::string name = absl::AsciiStrToLower(v1::AreaStatus_Name(status).substr(12));
  for (char& c : name) {
    if (c == '_') c = '-';
  }
  return name;
}

absl::StatusOr<int> ParseCount(absl::string_view flag, const std::string& text, int min) {
  int value;
  if (!absl::SimpleAtoi(text, &value) || value < min) {
    return absl::InvalidArgumentError(
        absl::StrCat(flag, ": \"", text, "\" is not a whole number of at least ", min));
  }
  return value;
}

absl::StatusOr<double> ParseDegrees(absl::string_view flag, const std::string& text) {
  double value;
  if (!absl::SimpleAtod(text, &value)) {
    return absl::InvalidArgumentError(
        absl::StrCat(flag, ": \"", text, "\" is not a number of degrees"));
  }
  return value;
}

// 12520 -> "12,520".
std::string WithThousands(int64_t n) {
  std::string digits = absl::StrCat(n < 0 ? -n : n);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return n < 0 ? "-" + out : out;
}

std::string PopulationText(const v1::Area& area) {
  if (!area.has_population()) return "";
  const v1::PopulationEstimate& p = area.population();
  if (p.has_count()) return absl::StrCat(p.approximate() ? "~" : "", WithThousands(p.count()));
  return p.as_reported();
}

Grid AreasGrid(const std::vector<v1::Area>& areas, bool full) {
  Grid grid;
  grid.header = {"ID", "NAME", "STATUS", "SINCE", "GOVERNORATE", "BESIEGING PARTY",
                 "POPULATION"};
  if (full) {
    grid.header.insert(grid.header.end(), {"NAME_AR", "LATITUDE", "LONGITUDE", "VERSION"});
  }
  for (const v1::Area& area : areas) {
    std::vector<std::string> row = {
        area.id(),
        area.name_en(),
        StatusText(area.status()),
        area.has_status_since() ? FormatDate(area.status_since()) : "",
        absl::StrCat(area.governorate().name(), " (", area.governorate().pcode(), ")"),
        area.besieging_party(),
        PopulationText(area)};
    if (full) {
      row.push_back(area.name_ar());
      row.push_back(area.has_location() ? absl::StrFormat("%.6f", area.location().latitude()) : "");
      row.push_back(area.has_location() ? absl::StrFormat("%.6f", area.location().longitude()) : "");
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

// Everything a command needs: where to send calls and how to print.
class Session {
 public:
  Session(std::string server, OutputFormat format, absl::Duration timeout,
          std::string principal, std::ostream& out, std::ostream& err)
      : server_(std::move(server)),
        format_(format),
        timeout_(timeout),
        principal_(std::move(principal)),
        out_(out),
        err_(err),
        areas_(v1::AreaService::NewStub(
            grpc::CreateChannel(server_, grpc::InsecureChannelCredentials()))) {}

  void Prepare(grpc::ClientContext* context) const {
    context->set_deadline(absl::ToChronoTime(absl::Now() + timeout_));
    context->AddMetadata(kPrincipalHeader, principal_);
  }

  // Prints a failed call in plain words and returns its exit code.
  int Fail(const grpc::Status& status) const {
    switch (status.error_code()) {
      case grpc::StatusCode::UNAVAILABLE:
        err_ << "corridorctl: cannot reach the Corridor server at " << server_ << " ("
             << status.error_message() << ").\n"
             << "Is it running? Start it with ./deploy/run.sh, or point --server "
                "(or $CORRIDOR_SERVER) at it.\n";
        return kExitUnavailable;
      case grpc::StatusCode::DEADLINE_EXCEEDED:
        err_ << "corridorctl: the server at " << server_ << " did not answer within "
             << absl::FormatDuration(timeout_) << "; try again, or raise --timeout.\n";
        return kExitUnavailable;
      case grpc::StatusCode::NOT_FOUND:
        err_ << "corridorctl: not found: " << status.error_message() << "\n";
        return kExitNotFound;
      case grpc::StatusCode::INVALID_ARGUMENT:
        err_ << "corridorctl: the server refused the request: " << status.error_message()
             << "\nFix that field and run the command again.\n";
        return kExitRejected;
      case grpc::StatusCode::ALREADY_EXISTS:
        err_ << "corridorctl: already exists: " << status.error_message() << "\n";
        return kExitRejected;
      case grpc::StatusCode::ABORTED:
        err_ << "corridorctl: conflict: " << status.error_message() << "\n";
        return kExitRejected;
      case grpc::StatusCode::FAILED_PRECONDITION:
      case grpc::StatusCode::RESOURCE_EXHAUSTED:
      case grpc::StatusCode::PERMISSION_DENIED:
      case grpc::StatusCode::UNAUTHENTICATED:
        err_ << "corridorctl: refused: " << status.error_message() << "\n";
        return kExitRejected;
      default:
        err_ << "corridorctl: the server failed: " << status.error_message()
             << " (code " << status.error_code() << ")\n";
        return kExitError;
    }
  }

  void PrintAreas(const std::vector<v1::Area>& areas, const v1::ListAreasResponse& as_json) {
    switch (format_) {
      case OutputFormat::kJson: PrintJson(as_json, out_); break;
      case OutputFormat::kCsv: PrintCsv(AreasGrid(areas, true), out_); break;
      case OutputFormat::kTable: PrintTable(AreasGrid(areas, false), out_); break;
    }
  }

  void PrintArea(const v1::Area& area) {
    if (format_ == OutputFormat::kJson) {
      PrintJson(area, out_);
      return;
    }
    if (format_ == OutputFormat::kCsv) {
      PrintCsv(AreasGrid({area}, true), out_);
      return;
    }
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
    add("governorate", absl::StrCat(area.governorate().name(), " (", area.governorate().pcode(), ")"));
    if (area.has_district()) add("district", absl::StrCat(area.district().name(), " (", area.district().pcode(), ")"));
    if (area.has_subdistrict()) add("subdistrict", absl::StrCat(area.subdistrict().name(), " (", area.subdistrict().pcode(), ")"));
    add("community P-code", area.community_pcode());
    if (area.has_location()) {
      add("location", absl::StrFormat("%.6f, %.6f (%s)", area.location().latitude(),
                                      area.location().longitude(), area.location_precision()));
    } else {
      add("location", "unknown (no source gives one)");
    }
    add("besieging party", area.besieging_party());
    if (area.has_population()) {
      add("population", absl::StrCat(area.population().as_reported(), " — ",
                                     area.population().as_of(), ", ",
                                     area.population().source().citation()));
    }
    add("Siege Watch listing", area.siege_watch_listing());
    add("Siege Watch tier", area.siege_watch_tier());
    add("UN listing", area.un_listing());
    add("status changes", absl::StrCat(area.status_changes()));
    add("version", absl::StrCat(area.version()));
    PrintTable(grid, out_, 200);
    if (!area.notes().empty()) out_ << "\nnotes:\n" << area.notes() << "\n";
  }

  void PrintHistory(const v1::GetAreaHistoryResponse& history) {
    switch (format_) {
      case OutputFormat::kJson: PrintJson(history, out_); break;
      case OutputFormat::kCsv: PrintCsv(HistoryGrid(history), out_); break;
      case OutputFormat::kTable: PrintTable(HistoryGrid(history), out_, 60); break;
    }
  }

  v1::AreaService::Stub& areas() { return *areas_; }
  std::ostream& out() { return out_; }
  std::ostream& err() { return err_; }
  OutputFormat format() const { return format_; }

 private:
  std::string server_;
  OutputFormat format_;
  absl::Duration timeout_;
  std::string principal_;
  std::ostream& out_;
  std::ostream& err_;
  std::unique_ptr<v1::AreaService::Stub> areas_;
};

int UsageFailure(std::ostream& err, absl::string_view message) {
  err << "corridorctl: " << message << "\n";
  return kExitUsage;
}

int AreasList(Session& session, Flags& flags) {
  v1::ListAreasRequest request;
  if (std::string status = flags.Take("status"); !status.empty()) {
    absl::StatusOr<v1::AreaStatus> parsed = ParseStatus("--status", status);
    if (!parsed.ok()) return UsageFailure(session.err(), parsed.status().message());
    request.set_status(*parsed);
  }
  request.set_governorate_pcode(flags.Take("governorate"));
  request.set_besieging_party(flags.Take("party"));
  int limit = 0;  // 0: everything
  if (std::string text = flags.Take("limit"); !text.empty()) {
    absl::StatusOr<int> parsed = ParseCount("--limit", text, 1);
    if (!parsed.ok()) return UsageFailure(session.err(), parsed.status().message());
    limit = *parsed;
  }
  const bool one_page = flags.Has("page-token");
  request.mutable_page()->set_page_token(flags.Take("page-token"));
  if (absl::Status s = flags.CheckAllUsed("areas list"); !s.ok()) {
    return UsageFailure(session.err(), s.message());
  }

  std::vector<v1::Area> areas;
  v1::ListAreasResponse all;
  while (true) {
    int want = kListPageSize;
    if (limit > 0) want = std::min<int>(want, limit - static_cast<int>(areas.size()));
    request.mutable_page()->set_page_size(want);
    grpc::ClientContext context;
    session.Prepare(&context);
    v1::ListAreasResponse page;
    grpc::Status status = session.areas().ListAreas(&context, request, &page);
    if (!status.ok()) return session.Fail(status);
    for (const v1::Area& area : page.areas()) {
      areas.push_back(area);
      *all.add_areas() = area;
    }
    all.set_next_page_token(page.next_page_token());
    const bool full = limit > 0 && static_cast<int>(areas.size()) >= limit;
    if (page.next_page_token().empty() || one_page || full) break;
    request.mutable_page()->set_page_token(page.next_page_token());
  }
  session.PrintAreas(areas, all);
  if (session.format() == OutputFormat::kTable) {
    session.err() << areas.size() << (areas.size() == 1 ? " area" : " areas");
    if (!all.next_page_token().empty()) {
      session.err() << "; more with --page-token=" << all.next_page_token();
    }
    session.err() << "\n";
  }
  return kExitOk;
}

int AreasGet(Session& session, Flags& flags, const std::vector<std::string>& args) {
  if (args.size() != 1) return UsageFailure(session.err(), "areas get takes one area id, e.g. areas get EG-DUMA");
  if (absl::Status s = flags.CheckAllUsed("areas get"); !s.ok()) {
    return UsageFailure(session.err(), s.message());
  }
  v1::GetAreaRequest request;
  request.set_id(args[0]);
  grpc::ClientContext context;
  session.Prepare(&context);
  v1::Area area;
  grpc::Status status = session.areas().GetArea(&context, request, &area);
  if (!status.ok()) return session.Fail(status);
  session.PrintArea(area);
  return kExitOk;
}

int AreasHistory(Session& session, Flags& flags, const std::vector<std::string>& args) {
  if (args.size() != 1) return UsageFailure(session.err(), "areas history takes one area id");
  v1::GetAreaHistoryRequest request;
  request.set_area_id(args[0]);
  if (std::string text = flags.Take("limit"); !text.empty()) {
    absl::StatusOr<int> parsed = ParseCount("--limit", text, 1);
    if (!parsed.ok()) return UsageFailure(session.err(), parsed.status().message());
    request.mutable_page()->set_page_size(*parsed);
  }
  request.mutable_page()->set_page_token(flags.Take("page-token"));
  if (absl::Status s = flags.CheckAllUsed("areas history"); !s.ok()) {
    return UsageFailure(session.err(), s.message());
  }
  grpc::ClientContext context;
  session.Prepare(&context);
  v1::GetAreaHistoryResponse history;
  grpc::Status status = session.areas().GetAreaHistory(&context, request, &history);
  if (!status.ok()) return session.Fail(status);
  session.PrintHistory(history);
  if (!history.next_page_token().empty() && session.format() == OutputFormat::kTable) {
    session.err() << "more with --page-token=" << history.next_page_token() << "\n";
  }
  return kExitOk;
}

int AreasCreate(Session& session, Flags& flags, const std::vector<std::string>& args) {
  if (!args.empty()) return UsageFailure(session.err(), "areas create takes flags only (--id=... --name=...)");
  v1::CreateAreaRequest request;
  v1::Area* area = request.mutable_area();
  area->set_id(flags.Take("id"));
  area->set_name_en(flags.Take("name"));
  area->set_name_ar(flags.Take("name-ar"));
  area->set_area_group(flags.Take("group"));
  area->mutable_governorate()->set_pcode(flags.Take("governorate"));
  area->mutable_governorate()->set_name(flags.Take("governorate-name"));
  area->set_besieging_party(flags.Take("party"));
  area->set_notes(flags.Take("note"));
  const std::string lat = flags.Take("lat"), lon = flags.Take("lon");
  if (lat.empty() != lon.empty()) {
    return UsageFailure(session.err(), "--lat and --lon go together: give both or neither");
  }
  if (!lat.empty()) {
    absl::StatusOr<double> la = ParseDegrees("--lat", lat);
    if (!la.ok()) return UsageFailure(session.err(), la.status().message());
    absl::StatusOr<double> lo = ParseDegrees("--lon", lon);
    if (!lo.ok()) return UsageFailure(session.err(), lo.status().message());
    area->mutable_location()->set_latitude(*la);
    area->mutable_location()->set_longitude(*lo);
  }
  if (std::string text = flags.Take("population"); !text.empty()) {
    absl::StatusOr<int> parsed = ParseCount("--population", text, 0);
    if (!parsed.ok()) return UsageFailure(session.err(), parsed.status().message());
    area->mutable_population()->set_count(*parsed);
    area->mutable_population()->set_as_reported(text);
  }
  const std::string status_text = flags.Take("status");
  if (status_text.empty()) return UsageFailure(session.err(), "--status is required, e.g. --status=besieged");
  absl::StatusOr<v1::AreaStatus> status = ParseStatus("--status", status_text);
  if (!status.ok()) return UsageFailure(session.err(), status.status().message());
  area->set_status(*status);
  if (std::string since = flags.Take("since"); !since.empty()) {
    absl::StatusOr<v1::Date> date = ParseDate("--since", since);
    if (!date.ok()) return UsageFailure(session.err(), date.status().message());
    *request.mutable_status_effective_date() = *date;
  }
  request.mutable_status_source()->set_citation(flags.Take("source"));
  if (absl::Status s = flags.CheckAllUsed("areas create"); !s.ok()) {
    return UsageFailure(session.err(), s.message());
  }
  grpc::ClientContext context;
  session.Prepare(&context);
  v1::Area created;
  grpc::Status result = session.areas().CreateArea(&context, request, &created);
  if (!result.ok()) return session.Fail(result);
  session.PrintArea(created);
  return kExitOk;
}

int AreasSetStatus(Session& session, Flags& flags, const std::vector<std::string>& args) {
  if (args.size() != 1) return UsageFailure(session.err(), "areas set-status takes one area id");
  v1::RecordStatusChangeRequest request;
  request.set_area_id(args[0]);
  const std::string status_text = flags.Take("status");
  if (status_text.empty()) return UsageFailure(session.err(), "--status is required");
  absl::StatusOr<v1::AreaStatus> status = ParseStatus("--status", status_text);
  if (!status.ok()) return UsageFailure(session.err(), status.status().message());
  request.set_status(*status);
  const std::string date_text = flags.Take("date");
  if (date_text.empty()) return UsageFailure(session.err(), "--date is required (YYYY-MM-DD, when the status took effect)");
  absl::StatusOr<v1::Date> date = ParseDate("--date", date_text);
  if (!date.ok()) return UsageFailure(session.err(), date.status().message());
  *request.mutable_effective_date() = *date;
  request.mutable_source()->set_citation(flags.Take("source"));
  request.set_note(flags.Take("note"));
  if (std::string text = flags.Take("expected-version"); !text.empty()) {
    absl::StatusOr<int> parsed = ParseCount("--expected-version", text, 1);
    if (!parsed.ok()) return UsageFailure(session.err(), parsed.status().message());
    request.set_expected_version(*parsed);
  }
  if (absl::Status s = flags.CheckAllUsed("areas set-status"); !s.ok()) {
    return UsageFailure(session.err(), s.message());
  }
  grpc::ClientContext context;
  session.Prepare(&context);
  v1::RecordStatusChangeResponse response;
  grpc::Status result = session.areas().RecordStatusChange(&context, request, &response);
  if (!result.ok()) return session.Fail(result);
  if (session.format() == OutputFormat::kJson) {
    PrintJson(response, session.out());
  } else {
    session.PrintArea(response.area());
  }
  return kExitOk;
}

std::string EnvOr(const char* name, const std::string& fallback) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0' ? value : fallback;
}

}  // namespace

int Run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  absl::StatusOr<CommandLine> line = ParseArgs(args);
  if (!line.ok()) return UsageFailure(err, line.status().message());
  Flags flags(line->flags);
  const std::vector<std::string>& words = line->positional;
  if (words.empty() || words[0] == "help" || flags.Has("help")) {
    (words.empty() && !flags.Has("help") ? err : out) << kUsage;
    return words.empty() && !flags.Has("help") ? kExitUsage : kExitOk;
  }

  absl::StatusOr<OutputFormat> format = ParseOutputFormat(flags.Take("output", "table"));
  if (!format.ok()) return UsageFailure(err, format.status().message());
  absl::StatusOr<int> timeout = ParseCount("--timeout", flags.Take("timeout", "10"), 1);
  if (!timeout.ok()) return UsageFailure(err, timeout.status().message());
  Session session(flags.Take("server", EnvOr("CORRIDOR_SERVER", kDefaultServer)), *format,
                  absl::Seconds(*timeout), flags.Take("as", EnvOr("USER", "corridorctl")),
                  out, err);

  using Handler = std::function<int(Session&, Flags&, const std::vector<std::string>&)>;
  const std::map<std::string, Handler> areas_commands = {
      {"list", [](Session& s, Flags& f, const std::vector<std::string>& a) {
         if (!a.empty()) return UsageFailure(s.err(), "areas list takes flags only; see corridorctl help");
         return AreasList(s, f);
       }},
      {"get", AreasGet},
      {"history", AreasHistory},
      {"create", AreasCreate},
      {"set-status", AreasSetStatus},
  };
  if (words[0] != "areas") {
    return UsageFailure(err, absl::StrCat("unknown command \"", words[0],
                                          "\"; see corridorctl help"));
  }
  if (words.size() < 2) {
    return UsageFailure(err, "areas needs a command: list, get, history, create or set-status");
  }
  auto it = areas_commands.find(words[1]);
  if (it == areas_commands.end()) {
    return UsageFailure(err, absl::StrCat("unknown command \"areas ", words[1],
                                          "\"; use list, get, history, create or set-status"));
  }
  return it->second(session, flags, std::vector<std::string>(words.begin() + 2, words.end()));
}

}  // namespace corridor::cli
