#include "clients/corridorctl/denials_commands.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/time.h"
#include "common/enum_text.h"
#include "common/status.h"
#include "corridor/v1/denials.grpc.pb.h"
#include "google/protobuf/util/message_differencer.h"

namespace corridor::cli {
namespace {

using Stub = v1::DenialService::Stub;

constexpr char kConstraintPrefix[] = "ACCESS_CONSTRAINT_";
constexpr char kDimensionPrefix[] = "STATS_DIMENSION_";

std::string CategoryText(v1::AccessConstraintCategory c) {
  return EnumTextOf(kConstraintPrefix, c);
}

// "2016-09" -> YearMonth.
absl::Status ParseMonth(const std::string& flag, const std::string& text, v1::YearMonth* out) {
  std::vector<std::string> parts = absl::StrSplit(text, '-');
  int year = 0, month = 0;
  if (parts.size() != 2 || !absl::SimpleAtoi(parts[0], &year) ||
      !absl::SimpleAtoi(parts[1], &month) || month < 1 || month > 12) {
    return absl::InvalidArgumentError(
        absl::StrCat("--", flag, ": \"", text, "\" is not a month (YYYY-MM, e.g. 2016-09)"));
  }
  out->set_year(year);
  out->set_month(month);
  return absl::OkStatus();
}

// Which flag sets which fact (TakeFacts), for refusals that name the field.
std::vector<std::pair<std::string, std::string>> DenialFactFlags() {
  return {{"facts.party", "--party"},
          {"facts.party_id", "--party"},
          {"facts.area_id", "--area"},
          {"facts.description", "--description"},
          {"facts.source.citation", "--source"},
          {"facts.source.note", "--source-note"},
          {"facts.category", "--category"},
          {"facts.occurred_at", "--at"},
          {"facts.route_id", "--route"},
          {"facts.checkpoint", "--checkpoint"},
          {"facts.convoy_id", "--convoy"},
          {"facts.people_affected", "--people"},
          {"idempotency_key", "--key"}};
}

// The fact flags of record and correct. With `all_required`, the required
// facts must be given; otherwise only the flags given change `facts`.
absl::Status TakeFacts(Flags& flags, bool all_required, v1::DenialFacts* facts) {
  auto text = [&](const std::string& name, const std::string& example,
                  std::string* out) -> absl::Status {
    if (all_required) return flags.TakeRequired(name, example, out);
    if (flags.Has(name)) *out = flags.Take(name);
    return absl::OkStatus();
  };
  CORRIDOR_RETURN_IF_ERROR(
      text("party", "\"Syrian government and affiliated militias\"", facts->mutable_party()));
  CORRIDOR_RETURN_IF_ERROR(text("area", "EG-DUMA", facts->mutable_area_id()));
  CORRIDOR_RETURN_IF_ERROR(
      text("description", "\"convoy stopped at the checkpoint\"", facts->mutable_description()));
  CORRIDOR_RETURN_IF_ERROR(
      text("source", "\"OCHA sitrep 12\"", facts->mutable_source()->mutable_citation()));
  v1::AccessConstraintCategory category = facts->category();
  CORRIDOR_RETURN_IF_ERROR(flags.TakeAccessCategory(all_required, &category));
  facts->set_category(category);
  bool has_at = false;
  CORRIDOR_RETURN_IF_ERROR(flags.TakeTime("at", facts->mutable_occurred_at(), &has_at));
  if (!has_at && all_required) {
    facts->mutable_occurred_at()->set_seconds(absl::ToUnixSeconds(absl::Now()));
  }
  if (flags.Has("route")) facts->set_route_id(flags.Take("route"));
  if (flags.Has("checkpoint")) facts->set_checkpoint(flags.Take("checkpoint"));
  if (flags.Has("convoy")) facts->set_convoy_id(flags.Take("convoy"));
  if (flags.Has("source-note")) facts->mutable_source()->set_note(flags.Take("source-note"));
  if (flags.Has("people")) {
    const std::string people = flags.Take("people");
    int64_t n = 0;
    if (people == "unknown") {
      facts->clear_people_affected();
    } else if (absl::SimpleAtoi(people, &n)) {
      facts->set_people_affected(n);
    } else {
      return absl::InvalidArgumentError(
          absl::StrCat("--people: \"", people, "\" is not a whole number (or \"unknown\")"));
    }
  }
  flags.TakeEvidence(facts->mutable_evidence());
  return absl::OkStatus();
}

Grid DenialsGrid(const std::vector<v1::Denial>& denials) {
  Grid grid;
  grid.header = {"ID",     "OCCURRED", "PARTY",    "AREA",      "ROUTE",      "CATEGORY",
                 "PEOPLE", "CONVOY",   "REVISION", "CONFIRMED", "DESCRIPTION"};
  for (const v1::Denial& d : denials) {
    const v1::DenialFacts& f = d.facts();
    grid.rows.push_back({d.id(), TimeText(f.occurred_at()), f.party(), f.area_id(), f.route_id(),
                         CategoryText(f.category()),
                         f.has_people_affected() ? absl::StrCat(f.people_affected()) : "",
                         f.convoy_id(), absl::StrCat(d.revision()),
                         d.awaiting_confirmation() ? "no (partner report)" : "yes",
                         f.description()});
  }
  return grid;
}

void PrintDenial(Session& session, const v1::Denial& d) {
  if (session.format() != OutputFormat::kTable) {
    PrintResult(session.format(), d, DenialsGrid({d}), session.out());
    return;
  }
  const v1::DenialFacts& f = d.facts();
  Grid grid;
  grid.header = {"FIELD", "VALUE"};
  auto add = [&](const std::string& field, const std::string& value) {
    if (!value.empty()) grid.rows.push_back({field, value});
  };
  add("id", d.id());
  add("revision", absl::StrCat(d.revision(), d.withdrawn() ? " (WITHDRAWN)" : ""));
  add("occurred", TimeText(f.occurred_at()));
  add("party", f.party());
  add("area", f.area_id());
  add("route", f.route_id());
  add("checkpoint", f.checkpoint());
  add("convoy", f.convoy_id());
  add("category", CategoryText(f.category()));
  add("people affected", f.has_people_affected() ? WithThousands(f.people_affected()) : "unknown");
  add("description", f.description());
  add("source", f.source().citation());
  add("source note", f.source().note());
  for (const v1::Evidence& e : f.evidence()) {
    add("evidence", absl::StrCat(e.uri(), e.uri().empty() || e.sha256().empty() ? "" : " ",
                                 e.sha256().empty() ? "" : "sha256:" + e.sha256(),
                                 e.note().empty() ? "" : " (" + e.note() + ")"));
  }
  add("correction reason", d.correction_reason());
  add("recorded", absl::StrCat(TimeText(d.recorded_at()), " by ", d.recorded_by().name()));
  if (d.has_reported_by()) {
    const v1::Principal& p = d.reported_by();
    add("reported by", absl::StrCat(p.name().empty() ? "(withheld)" : p.name(), " (",
                                    EnumTextOf("ROLE_", p.role()), p.agency().empty() ? "" : ", ",
                                    p.agency(), ")"));
  }
  add("confirmation", d.awaiting_confirmation()
                          ? "awaiting a coordinator's confirmation (reported by a partner): "
                            "corridorctl denials confirm " +
                                d.id() + " --reason=..."
                          : "");
  add("idempotency key", d.idempotency_key());
  PrintTable(grid, session.out(), 200);
}

absl::StatusOr<v1::RecordDenialRequest> ParseRecord(Flags& flags, const Args& args) {
  CORRIDOR_RETURN_IF_ERROR(
      ExpectArgs(args, 0, "denials record takes flags only; see corridorctl help"));
  v1::RecordDenialRequest request;
  CORRIDOR_RETURN_IF_ERROR(TakeFacts(flags, /*all_required=*/true, request.mutable_facts()));
  request.set_idempotency_key(flags.TakeIdempotencyKey());
  CORRIDOR_RETURN_IF_ERROR(flags.CheckAllUsed("denials record"));
  return request;
}

enum class CorrectionKind { kFacts, kWithdraw, kConfirm };

// correct, withdraw and confirm: read the denial, change what the flags
// name, send the whole corrected facts against the revision read.
int Correct(Session& session, Flags& flags, const Args& args, CorrectionKind kind) {
  const bool withdraw = kind == CorrectionKind::kWithdraw;
  const bool confirm = kind == CorrectionKind::kConfirm;
  const std::string command = withdraw  ? "denials withdraw"
                              : confirm ? "denials confirm"
                                        : "denials correct";
  absl::Status parsed = ExpectArgs(args, 1, absl::StrCat(command, " takes one denial id"));
  v1::CorrectDenialRequest request;
  if (parsed.ok())
    parsed = flags.TakeRequired("reason", "\"wrong checkpoint\"", request.mutable_reason());
  int expected = 0;
  if (parsed.ok()) parsed = flags.TakeCount("expected-revision", 1, &expected);
  auto stub = v1::DenialService::NewStub(session.ChannelFor("denials"));
  v1::Denial current;
  if (parsed.ok()) {
    grpc::ClientContext context;
    session.Prepare(&context);
    v1::GetDenialRequest get;
    get.set_id(args[0]);
    grpc::Status status = stub->GetDenial(&context, get, &current);
    if (!status.ok()) return session.Fail(status);
    *request.mutable_facts() = current.facts();
    if (kind == CorrectionKind::kFacts) {
      parsed = TakeFacts(flags, /*all_required=*/false, request.mutable_facts());
    }
  }
  if (parsed.ok()) parsed = flags.CheckAllUsed(command);
  if (parsed.ok() && kind == CorrectionKind::kFacts &&
      google::protobuf::util::MessageDifferencer::Equals(request.facts(), current.facts())) {
    parsed = absl::InvalidArgumentError(
        "nothing to correct: give the flags of the facts that change, e.g. --people=450");
  }
  if (!parsed.ok()) return session.UsageFailure(parsed.message());
  request.set_denial_id(args[0]);
  request.set_withdraw(withdraw);
  request.set_confirm(confirm);
  request.set_expected_revision(expected > 0 ? expected : current.revision());
  session.NameFieldFlags(DenialFactFlags());
  return session.Invoke<Stub, v1::CorrectDenialRequest, v1::Denial>(
      *stub, request, &Stub::CorrectDenial, [&](const v1::Denial& d) { PrintDenial(session, d); });
}

int List(Session& session, Flags& flags, const Args& args) {
  v1::ListDenialsRequest request;
  int limit = 50;
  absl::Status parsed = ExpectArgs(args, 0, "denials list takes flags only");
  if (parsed.ok()) parsed = TakeDenialFilters(flags, &request);
  if (parsed.ok()) parsed = flags.TakeCount("limit", 1, &limit);
  const bool one_page = flags.Has("page-token");
  request.mutable_page()->set_page_token(flags.Take("page-token"));
  if (parsed.ok()) parsed = flags.CheckAllUsed("denials list");
  if (!parsed.ok()) return session.UsageFailure(parsed.message());
  auto stub = v1::DenialService::NewStub(session.ChannelFor("denials"));
  v1::ListDenialsResponse all;
  const int code = session.ListPages(*stub, &Stub::ListDenials, request, limit, one_page,
                                     &v1::ListDenialsResponse::mutable_denials, &all);
  if (code != kExitOk) return code;
  const std::vector<v1::Denial> denials(all.denials().begin(), all.denials().end());
  ListNotes notes;
  notes.one = "denial";
  notes.many = "denials";
  notes.next_page_token = all.next_page_token();
  PrintList(session.format(), all, DenialsGrid(denials), notes, session.out(), session.err());
  return kExitOk;
}

int History(Session& session, Flags& flags, const Args& args) {
  absl::Status parsed = ExpectArgs(args, 1, "denials history takes one denial id");
  if (parsed.ok()) parsed = flags.CheckAllUsed("denials history");
  if (!parsed.ok()) return session.UsageFailure(parsed.message());
  auto stub = v1::DenialService::NewStub(session.ChannelFor("denials"));
  v1::GetDenialHistoryRequest request;
  request.set_denial_id(args[0]);
  v1::GetDenialHistoryResponse all;
  const int code = session.ListPages(*stub, &Stub::GetDenialHistory, request, 0, false,
                                     &v1::GetDenialHistoryResponse::mutable_revisions, &all);
  if (code != kExitOk) return code;
  Grid grid;
  grid.header = {"REVISION", "RECORDED", "BY",       "STATE",    "REASON",
                 "PARTY",    "AREA",     "OCCURRED", "CATEGORY", "PEOPLE"};
  for (const v1::Denial& d : all.revisions()) {
    const v1::DenialFacts& f = d.facts();
    const bool last = &d == &*all.revisions().rbegin();
    grid.rows.push_back({absl::StrCat(d.revision()), TimeText(d.recorded_at()),
                         d.recorded_by().name(),
                         d.withdrawn() ? "withdrawn"
                         : last        ? "in force"
                                       : "superseded",
                         d.correction_reason(), f.party(), f.area_id(), TimeText(f.occurred_at()),
                         CategoryText(f.category()),
                         f.has_people_affected() ? absl::StrCat(f.people_affected()) : ""});
  }
  ListNotes notes;
  notes.max_cell = 60;
  PrintList(session.format(), all, grid, notes, session.out(), session.err());
  return kExitOk;
}

absl::StatusOr<v1::DenialStatsRequest> ParseStats(Flags& flags, const Args& args) {
  CORRIDOR_RETURN_IF_ERROR(ExpectArgs(args, 0, "denials stats takes flags only"));
  v1::DenialStatsRequest request;
  std::string by;
  CORRIDOR_RETURN_IF_ERROR(flags.TakeRequired("by", "party (or category, area, month)", &by));
  absl::StatusOr<v1::StatsDimension> dimension =
      ParseEnumAs<v1::StatsDimension>(kDimensionPrefix, "--by", by);
  if (!dimension.ok()) return dimension.status();
  request.set_group_by(*dimension);
  std::string from;
  CORRIDOR_RETURN_IF_ERROR(flags.TakeRequired("from", "2016-01", &from));
  CORRIDOR_RETURN_IF_ERROR(ParseMonth("from", from, request.mutable_from()));
  CORRIDOR_RETURN_IF_ERROR(ParseMonth("to", flags.Take("to", from), request.mutable_to()));
  request.set_party(flags.Take("party"));
  request.set_area_id(flags.Take("area"));
  v1::AccessConstraintCategory category = v1::ACCESS_CONSTRAINT_CATEGORY_UNSPECIFIED;
  CORRIDOR_RETURN_IF_ERROR(flags.TakeAccessCategory(false, &category));
  request.set_category(category);
  CORRIDOR_RETURN_IF_ERROR(flags.CheckAllUsed("denials stats"));
  return request;
}

void PrintStats(Session& session, const v1::DenialStatsResponse& stats) {
  if (session.format() == OutputFormat::kJson) {
    PrintJson(stats, session.out());
    return;
  }
  Grid grid;
  grid.header = {"GROUP",
                 "DENIALS",
                 "PEOPLE AFFECTED (SUM OVER DENIALS)",
                 "DENIALS STATING PEOPLE",
                 "UNCONFIRMED (PARTNER)",
                 "PEOPLE IN UNCONFIRMED"};
  // By party: the party's registry name, then its id (empty for text that
  // names no party, shown as written).
  const bool by_party =
      std::any_of(stats.rows().begin(), stats.rows().end(),
                  [](const v1::DenialStatsRow& r) { return !r.party_name().empty(); });
  if (by_party) grid.header.insert(grid.header.begin() + 1, "PARTY ID");
  auto row = [&](const v1::DenialStatsRow& r) {
    const std::string group = r.category() != v1::ACCESS_CONSTRAINT_CATEGORY_UNSPECIFIED
                                  ? CategoryText(r.category())
                              : r.party_name().empty() ? r.group()
                                                       : r.party_name();
    std::vector<std::string> cells = {group,
                                      absl::StrCat(r.denials()),
                                      absl::StrCat(r.people_affected()),
                                      absl::StrCat(r.denials_with_people_affected()),
                                      absl::StrCat(r.unconfirmed()),
                                      absl::StrCat(r.people_affected_unconfirmed())};
    if (by_party) cells.insert(cells.begin() + 1, r.party_name().empty() ? "" : r.group());
    grid.rows.push_back(std::move(cells));
  };
  for (const v1::DenialStatsRow& r : stats.rows()) row(r);
  row(stats.total());
  if (session.format() == OutputFormat::kCsv) {
    PrintCsv(grid, session.out());
  } else {
    PrintTable(grid, session.out(), 60);
  }
}

}  // namespace

absl::Status TakeDenialFilters(Flags& flags, v1::ListDenialsRequest* request) {
  request->set_party(flags.Take("party"));
  request->set_area_id(flags.Take("area"));
  request->set_route_id(flags.Take("route"));
  request->set_convoy_id(flags.Take("convoy"));
  v1::AccessConstraintCategory category = v1::ACCESS_CONSTRAINT_CATEGORY_UNSPECIFIED;
  CORRIDOR_RETURN_IF_ERROR(flags.TakeAccessCategory(false, &category));
  request->set_category(category);
  if (flags.Has("month")) {
    if (flags.Has("since") || flags.Has("until")) {
      return absl::InvalidArgumentError("--month cannot be combined with --since or --until");
    }
    v1::YearMonth month;
    CORRIDOR_RETURN_IF_ERROR(ParseMonth("month", flags.Take("month"), &month));
    const absl::CivilMonth start(month.year(), month.month());
    request->mutable_since()->set_seconds(
        absl::ToUnixSeconds(absl::FromCivil(start, absl::UTCTimeZone())));
    request->mutable_until()->set_seconds(
        absl::ToUnixSeconds(absl::FromCivil(start + 1, absl::UTCTimeZone())));
    return absl::OkStatus();
  }
  bool present = false;
  CORRIDOR_RETURN_IF_ERROR(flags.TakeTime("since", request->mutable_since(), &present));
  if (!present) request->clear_since();
  CORRIDOR_RETURN_IF_ERROR(flags.TakeTime("until", request->mutable_until(), &present,
                                          /*date_includes_day=*/true));
  if (!present) request->clear_until();
  return absl::OkStatus();
}

int RunDenialsCommand(Session& session, Flags& flags, const std::string& verb, const Args& args) {
  auto stub = v1::DenialService::NewStub(session.ChannelFor("denials"));
  std::function<void(const v1::Denial&)> print = [&](const v1::Denial& d) {
    PrintDenial(session, d);
  };
  if (verb == "record") {
    session.NameFieldFlags(DenialFactFlags());
    return session.Invoke(*stub, ParseRecord(flags, args), &Stub::RecordDenial, print);
  }
  if (verb == "correct") return Correct(session, flags, args, CorrectionKind::kFacts);
  if (verb == "withdraw") return Correct(session, flags, args, CorrectionKind::kWithdraw);
  if (verb == "confirm") return Correct(session, flags, args, CorrectionKind::kConfirm);
  if (verb == "get") {
    absl::Status parsed = ExpectArgs(args, 1, "denials get takes one denial id");
    if (parsed.ok()) parsed = flags.CheckAllUsed("denials get");
    if (!parsed.ok()) return session.UsageFailure(parsed.message());
    v1::GetDenialRequest request;
    request.set_id(args[0]);
    return session.Invoke<Stub, v1::GetDenialRequest, v1::Denial>(*stub, request, &Stub::GetDenial,
                                                                  print);
  }
  if (verb == "list") return List(session, flags, args);
  if (verb == "history") return History(session, flags, args);
  if (verb == "stats") {
    return session.Invoke<Stub, v1::DenialStatsRequest, v1::DenialStatsResponse>(
        *stub, ParseStats(flags, args), &Stub::DenialStats,
        [&](const v1::DenialStatsResponse& stats) { PrintStats(session, stats); });
  }
  return session.UsageFailure(absl::StrCat(
      verb.empty() ? "denials needs a command" : "unknown command \"denials " + verb + "\"",
      "; use record, correct, withdraw, confirm, get, list, history or stats"));
}

}  // namespace corridor::cli
