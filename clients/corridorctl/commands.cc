#include "clients/corridorctl/commands.h"

#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "clients/corridorctl/admin_commands.h"
#include "clients/corridorctl/agreements_commands.h"
#include "clients/corridorctl/areas_commands.h"
#include "clients/corridorctl/audit_commands.h"
#include "clients/corridorctl/convoys_commands.h"
#include "clients/corridorctl/denials_commands.h"
#include "clients/corridorctl/exchange_commands.h"
#include "clients/corridorctl/incidents_commands.h"
#include "clients/corridorctl/operations_commands.h"
#include "clients/corridorctl/parties_commands.h"
#include "clients/corridorctl/routes_commands.h"
#include "clients/corridorctl/session.h"
#include "clients/corridorctl/witness_commands.h"
#include "common/credentials.h"

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

  parties list                                   (the party registry: ids, names, spellings)
  parties get     ID
  parties resolve "TEXT"                         (the party a spelling names, else the closest)
  parties create  --id=SLUG --name=NAME [--name-ar=NAME] [--coalition=ID]
                  [--aliases="SPELLING|SPELLING"] [--note=TEXT]                       (admin)
  parties alias   ID "SPELLING" ["SPELLING"...]  (admin: another spelling of a party)
                  Every --party, --authority aside, must name a party of the registry: its
                  id, name or a spelling; records keep the text given and the party's id.

  routes list     [--area=ID] [--status=S]
  routes get      ID
  routes create   --id=SLUG --name=NAME [--serves=AREA,...] [--party=P] [--description=TEXT]
                  [--source=CITATION [--source-note=TEXT]]
                  (admin: a new road, e.g. --id=ramouseh-road --name="Ramouseh Road"
                  --serves=ALP-EAST; its status comes from the reports filed on it)
  routes history  ID [--limit=N] [--page-token=T]
  routes report   ID --status=S --source=CITATION [--at=YYYY-MM-DD|RFC3339 (default now)]
                  [--confidence=low|medium|high] [--checkpoint=NAME] [--party=P] [--note=TEXT]
  routes correct  POSITION --reason=TEXT [--status=S] [--at=...] [--source=CITATION]
                  [--confidence=C] [--checkpoint=NAME] [--party=P] [--note=TEXT]
                  (the report at POSITION as it should have been filed: the flags given
                  change, the rest is kept; the old report stays in the history, superseded,
                  and an agreement's violation found in it goes with it)
  routes withdraw POSITION --reason=TEXT         (a report filed in error)
  routes watch    [--route=ID,...] [--after=POSITION] [--count=N]
                  (prints each report as it is filed; reconnects from the last position)

  convoys submit  --agency=A --area=ID --planned=YYYY-MM-DD --beneficiaries=N
                  --cargo="ITEM:CATEGORY:QTY:UNIT;..." [--route=ID] [--key=IDEMPOTENCY-KEY]
                  [--requested=YYYY-MM-DD (default today; never after --planned)]
                  [--mode=road|cross-border|airdrop|airlift (default: not recorded)]
                  [--kind=aid-delivery|medical-evacuation (an evacuation: --beneficiaries are
                  the people to move out, --reached those evacuated; --cargo optional)]
                  [--source=CITATION] [--note=TEXT]
                  (repeat a submit with the same --key and nothing is created twice)
  convoys step    ID --step=NAME --authority=PARTY --requested=YYYY-MM-DD
                  [--answered=YYYY-MM-DD] [--outcome=pending|granted|refused] [--source=CITATION]
                  (an intermediate approval step; recording the same --step again replaces it)
  convoys approve ID --beneficiaries=N          (fewer than requested: partially approved)
  convoys deny    ID --party=P --reason=TEXT --category=C
  convoys dispatch ID
  convoys outcome ID --outcome=O [--reached=N] [--removed=LINE:QTY,...] [--refused=LINE:QTY,...]
                  (LINE is the manifest line, counted from 0 as `convoys get` lists them)
                  [--party=P --category=C (turned-back, attacked)]
                  every transition also takes [--date=YYYY-MM-DD (default today)]
                  [--source=CITATION] [--note=TEXT] [--expected-version=N]
  convoys correct ID --reason=TEXT [--reached=N] [--approved=N] [--beneficiaries=N]
                  [--planned=DATE] [--requested=DATE] [--approved-on=DATE] [--dispatched=DATE]
                  [--outcome-date=DATE]
                  [--mode=M] [--outcome=O (one final outcome for another)] [--party=P]
                  [--category=C] [--area=ID] [--route=ID|-]
                  [--removed=LINE:QTY,... --refused=LINE:QTY,... | --no-losses]
                  [--source=CITATION] [--date=YYYY-MM-DD] [--expected-version=N]
                  (a value recorded in error; only the values given change, the history keeps
                  the convoy as it was; a relayed denial is corrected or withdrawn to match)
  convoys get     ID
  convoys list    [--area=ID] [--route=ID] [--agency=A] [--status=S]
                  [--from=YYYY-MM-DD] [--to=YYYY-MM-DD] [--limit=N] [--page-token=T]
  convoys history ID

  denials record  --party=P --area=ID --category=C --description=TEXT --source=CITATION
                  [--at=YYYY-MM-DD|RFC3339 (default now)] [--route=ID] [--checkpoint=NAME]
                  [--convoy=ID] [--people=N] [--evidence=URL|SHA256,...] [--source-note=TEXT]
                  [--key=IDEMPOTENCY-KEY]
  denials correct ID --reason=TEXT [any record flag: only those given change]
                  [--expected-revision=N]        (a new revision; the old one stays in history)
  denials withdraw ID --reason=TEXT              (recorded in error: no longer listed or counted)
  denials confirm ID --reason=TEXT               (a coordinator confirms a partner's report, e.g. a
                                                 convoy it recorded as turned back; until then
                                                 lists, stats and exports mark it unconfirmed)
  denials get     ID
  denials history ID                             (every revision, oldest first)
  denials list    [--party=P] [--area=ID] [--route=ID] [--category=C] [--convoy=ID]
                  [--month=YYYY-MM | --since=DATE|TIME --until=DATE|TIME] [--limit=N]
                  (newest first; a bare --until date includes that day)
  denials stats   --by=party|category|area|month --from=YYYY-MM [--to=YYYY-MM]
                  [--party=P] [--area=ID] [--category=C]

  incidents record --type=T --at=YYYY-MM|YYYY-MM-DD|RFC3339 --description=TEXT
                  --sources="CITATION [killed=N] [injured=N]; CITATION ..."
                  [--area=ID] [--route=ID] [--checkpoint=NAME] [--lat=D --lon=D --place=NAME]
                  (where: at least one of --area, --route, --lat/--lon)
                  [--weapons=barrel_bomb,cluster_munition,incendiary,chemical,landmine,sea_mine,
                  unguided_air_dropped_bomb,artillery,rocket,other] [--populated=yes|no|unknown]
                  [--killed=N --injured=N, and per group: --civilians-killed=N,
                  --children-killed=N, --aid-workers-killed=N, --medical-workers-killed=N (and
                  -injured)] (leave out what is not known; each source keeps its own figures)
                  [--party=P --confidence=low|medium|high --basis=TEXT] [--convoy=ID]
                  [--evidence=URL|SHA256,...] [--key=IDEMPOTENCY-KEY]
                  types: air_strike shelling ground_attack sniper landmine_or_ied chemical
                  attack_on_convoy attack_on_medical_facility attack_on_aid_workers other
  incidents correct ID --reason=TEXT [any record flag: only those given change]
  incidents withdraw ID --reason=TEXT            (recorded in error: no longer listed, counted
                                                 or judged against agreements)
  incidents get   ID
  incidents history ID
  incidents list  [--party=P] [--area=ID] [--type=T] [--weapon=W] [--convoy=ID]
                  [--since=DATE|TIME] [--until=DATE|TIME] [--limit=N]
  incidents stats --by=party|type|weapon|area|month --from=YYYY-MM [--to=YYYY-MM] [--party=P]

  export denials|convoys|incidents|areas [--format=csv|hxl|geojson|json] [--out=FILE]
                  [the list filters]
                  (HXL adds the hashtag row HDX tools read; GeoJSON places rows at their
                  area's coordinates, an incident at its own when it has some, and keeps rows
                  without coordinates with a null geometry; JSON is an array of objects named
                  by the CSV header)
  import convoys|denials|incidents FILE.csv
                  (columns as export writes them; a re-run of the same file stores nothing
                  twice; bad rows are reported by line)

  report access   --from=YYYY-MM-DD --to=YYYY-MM-DD [--area=ID,...]
                  (need against reach per area, areas never reached first; then the period's
                  totals: people reached of people requested, by area status and by mode,
                  and medical evacuations apart)
  report compliance --agreement=ID [--from=YYYY-MM-DD] [--to=YYYY-MM-DD]
                  (per party: terms breached and kept, violations with evidence, the
                  consequences due, applied and still missing, approval delays per step)

  agreements create --file=AGREEMENT.json   (oversight or admin; the .proto's JSON form)
  agreements list | get ID
  agreements violations [--agreement=ID] [--party=P] [--all (superseded too)] [--limit=N]
  agreements consequence VIOLATION-ID --applied=yes|no --what=TEXT [--by=WHO] --on=YYYY-MM-DD
                  --source=CITATION          (oversight or admin: what was done about a violation;
                                             each record is kept, the latest is its state)

  admin token create --role=coordinator|partner|oversight|admin|service
                  [--agency=A (partner tokens)] [--name=N] [--out=FILE]
                  (prints the new token once, or saves it in FILE readable only by you)
  admin token list [--all (revoked ones too)]
  admin token revoke ID --reason=TEXT
  whoami                                         (the name, role and agency of your token)

  admin backup    --to=FOLDER [--service=NAME|all]
                  (online: the server copies each service's database into FOLDER/<service>
                  under its --backup_root, on its own machine, while writes go on; FOLDER is
                  relative to the root, or absolute inside it)
  admin restore   --from=FOLDER --data-dir=FOLDER [--service=NAME|all]
                  (offline, services stopped: copies each backup into <data-dir>/<service>,
                  which must be new or empty, and verifies its journal and every record;
                  a backup of another service is refused)
  admin rotate-key --service=S --reason=TEXT   (a new journal signing key; the rotation is
                  a journal entry signed by the old key and the new)
  health          [--service=corridor.v1.AreaService]  (exit 0 if serving, 3 if not)

  audit head      --service=S > head.json        (the signed tree head, as JSON)
  audit checkpoint --service=S > checkpoint.txt  (the same head as a C2SP checkpoint in a signed
                  note, exactly as signed: Go's sumdb/note and other transparency tools check it)
                  [--key=KEY|--key-file=FILE] [--witness-keys=K1,K2|--witness-keys-file=FILE]
                  [--witnesses=N]  (checked before printing: signed by the pinned key and
                  cosigned by N of the pinned witnesses, default all; exit 6 if not)
                  [--fresh]  (oversight, admin: publish the current head now)
  audit key       --service=S                    (the verifier key the note is checked with;
                  pin it from a trusted channel)
  audit rotations --service=S                    (every change of the service's key, each
                  signed by the key before it: verify and checkpoint follow them from a
                  pinned key)
  audit verify    --service=S (--key=KEY | --key-file=FILE | --since=head.json |
                  --trust-on-first-use) [--limit=N (findings listed; default 20)]
                  (the key as `audit key` prints it, from a copy you trust: a head
                  signed by any other key fails)
                  (fetches every journal entry, rebuilds the Merkle tree, checks the
                  signature, the consistency with the saved head, and every stored
                  record against its entry; lists every record altered, missing or
                  unreadable (damaged on disk) with their total; exit 6 if any)
                  [--witness-keys=K1,K2|--witness-keys-file=FILE [--witnesses=N]]
                  (also: a checkpoint cosigned by N pinned witnesses is consistent with it)

  witness key     --witness=HOST:PORT            (an independent witness's cosigner key)
  witness checkpoints --witness=HOST:PORT        (the last checkpoint it cosigned per log)
  witness evidence --witness=HOST:PORT           (contradictions it refused: both signed
                  checkpoints, for the oversight bodies)
  help

Area statuses:  besieged, hard-to-reach, watchlist, siege-broken, evacuated,
                surrendered, captured, unconfirmed
Route statuses: open, restricted, closed, under-fire, unknown
Convoy outcomes: delivered, partially-delivered, turned-back, attacked, cancelled
Cargo categories: food, medical, health, wash, shelter, education, other
Access-constraint categories (OCHA AMRF), by number or name:
  1 entry-impediments  2 movement-restriction  3 interference  4 violence
  5 denial-of-needs  6 service-obstruction  7 hostilities  8 explosive-hazards
  9 physical-environment

Global flags:
  --server=HOST:PORT   the Corridor server (default $CORRIDOR_SERVER or 127.0.0.1:7400)
  --servers=SERVICE=HOST:PORT,...
                       services that run apart from --server, e.g.
                       auth=auth:7400,convoys=convoys:7400 (default $CORRIDOR_SERVERS)
  --output=FORMAT      table (default), json or csv
  --timeout=SECONDS    per call (default 10)
  --token-file=PATH    file holding your bearer token (default $CORRIDOR_TOKEN_FILE, else
                       the token in $CORRIDOR_TOKEN). There is no flag for the token itself,
                       so that it never lands in shell history. The platform saves its first
                       admin token in <data_dir>/credentials/admin.token.
  --tls-ca=PEM         use TLS, trusting this CA (default $CORRIDOR_TLS_CA)
  --tls-cert=PEM --tls-key=PEM
                       client certificate for servers that require one (mutual TLS)
                       (default $CORRIDOR_TLS_CERT, $CORRIDOR_TLS_KEY)

Exit codes: 0 ok, 1 error, 2 bad command line, 3 server unreachable,
            4 request refused (see the message), 5 not found,
            6 audit verify found the record altered,
            7 no valid token, or your role may not do this.
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
    } else if (arg == "help" || arg == "all" || arg == "no-losses" || arg == "trust-on-first-use" ||
               arg == "fresh") {
      // Switches: they take no value, so the next word is not eaten.
      line.flags[std::string(arg)] = "true";
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

// The bearer token: from --token-file, $CORRIDOR_TOKEN_FILE or
// $CORRIDOR_TOKEN, in that order; empty if none is set.
absl::StatusOr<std::string> TokenOf(Flags& flags) {
  const std::string file = flags.Take("token-file", EnvOr("CORRIDOR_TOKEN_FILE", ""));
  if (!file.empty()) return ReadTokenFile(file);
  return EnvOr("CORRIDOR_TOKEN", "");
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
  absl::StatusOr<std::string> token = TokenOf(flags);
  ClientTls tls;
  tls.ca_file = flags.Take("tls-ca", EnvOr("CORRIDOR_TLS_CA", ""));
  tls.cert_file = flags.Take("tls-cert", EnvOr("CORRIDOR_TLS_CERT", ""));
  tls.key_file = flags.Take("tls-key", EnvOr("CORRIDOR_TLS_KEY", ""));
  absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> credentials =
      ChannelCredentialsFor(tls);
  Session session(flags.Take("server", EnvOr("CORRIDOR_SERVER", kDefaultServer)),
                  format.value_or(OutputFormat::kTable), absl::Seconds(timeout_seconds),
                  token.value_or(""), credentials.value_or(grpc::InsecureChannelCredentials()), out,
                  err);
  const absl::Status servers =
      session.SetServiceAddresses(flags.Take("servers", EnvOr("CORRIDOR_SERVERS", "")));
  if (!servers.ok()) return session.UsageFailure(servers.message());
  if (!format.ok()) return session.UsageFailure(format.status().message());
  if (!timeout.ok()) return session.UsageFailure(timeout.message());
  if (!token.ok()) return session.UsageFailure(token.status().message());
  if (!credentials.ok()) return session.UsageFailure(credentials.status().message());

  const Args rest(words.begin() + std::min<size_t>(2, words.size()), words.end());
  const std::string verb = words.size() > 1 ? words[1] : "";
  if (words[0] == "areas") return RunAreasCommand(session, flags, verb, rest);
  if (words[0] == "routes") return RunRoutesCommand(session, flags, verb, rest);
  if (words[0] == "parties") return RunPartiesCommand(session, flags, verb, rest);
  if (words[0] == "witness") return RunWitnessCommand(session, flags, verb, rest);
  if (words[0] == "convoys") return RunConvoysCommand(session, flags, verb, rest);
  if (words[0] == "denials") return RunDenialsCommand(session, flags, verb, rest);
  if (words[0] == "incidents") return RunIncidentsCommand(session, flags, verb, rest);
  if (words[0] == "export") return RunExportCommand(session, flags, verb, rest);
  if (words[0] == "import") return RunImportCommand(session, flags, verb, rest);
  if (words[0] == "report") return RunReportCommand(session, flags, verb, rest);
  if (words[0] == "agreements") return RunAgreementsCommand(session, flags, verb, rest);
  if (words[0] == "audit") return RunAuditCommand(session, flags, verb, rest);
  if (words[0] == "admin" && (verb == "backup" || verb == "restore" || verb == "rotate-key")) {
    return RunBackupCommand(session, flags, verb, rest);
  }
  if (words[0] == "admin") return RunAdminCommand(session, flags, words);
  if (words[0] == "health") return RunHealthCommand(session, flags, {words.begin() + 1, words.end()});
  if (words[0] == "whoami") return RunWhoAmICommand(session, flags, words);
  return session.UsageFailure(
      absl::StrCat("unknown command \"", words[0], "\"; see corridorctl help"));
}

}  // namespace corridor::cli
