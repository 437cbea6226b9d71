#include "clients/corridorctl/commands.h"

#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "clients/corridorctl/areas_commands.h"
#include "clients/corridorctl/session.h"

namespace corridor::cli {
namespace {

constexpr char kDefaultServer[] = "127.0.0.1:7400";

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
  areas update    ID [--name=NAME] [--name-ar=NAME] [--group=G] [--party=P]
                  [--lat=DEG --lon=DEG] [--population=N] [--note=TEXT]
                  (changes only the fields given; refused if the area changed meanwhile)
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

std::string EnvOr(const char* name, const std::string& fallback) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0' ? value : fallback;
}

}  // namespace

int Run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  absl::StatusOr<CommandLine> line = ParseArgs(args);
  if (!line.ok()) {
    err << "corridorctl: " << line.status().message() << "\n";
    return kExitUsage;
  }
  Flags flags(line->flags);
  const std::vector<std::string>& words = line->positional;
  const bool asked_for_help = flags.Has("help") || (!words.empty() && words[0] == "help");
  if (words.empty() || asked_for_help) {
    (asked_for_help ? out : err) << kUsage;
    return asked_for_help ? kExitOk : kExitUsage;
  }

  absl::StatusOr<OutputFormat> format = ParseOutputFormat(flags.Take("output", "table"));
  int timeout_seconds = 10;
  absl::Status timeout = flags.TakeCount("timeout", 1, &timeout_seconds);
  Session session(flags.Take("server", EnvOr("CORRIDOR_SERVER", kDefaultServer)),
                  format.value_or(OutputFormat::kTable), absl::Seconds(timeout_seconds),
                  flags.Take("as", EnvOr("USER", "corridorctl")), out, err);
  if (!format.ok()) return session.UsageFailure(format.status().message());
  if (!timeout.ok()) return session.UsageFailure(timeout.message());

  const Args rest(words.begin() + std::min<size_t>(2, words.size()), words.end());
  const std::string verb = words.size() > 1 ? words[1] : "";
  if (words[0] == "areas") return RunAreasCommand(session, flags, verb, rest);
  return session.UsageFailure(
      absl::StrCat("unknown command \"", words[0], "\"; see corridorctl help"));
}

}  // namespace corridor::cli
