#include "clients/corridorctl/convoys_commands.h"

#include <algorithm>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "clients/corridorctl/agreements_commands.h"
#include "clients/corridorctl/convoy_cells.h"
#include "clients/corridorctl/import_rows.h"
#include "clients/corridorctl/report_access.h"
#include "common/enum_text.h"
#include "common/status.h"
#include "common/validation.h"
#include "corridor/v1/convoys.grpc.pb.h"

namespace corridor::cli {
namespace {

using Stub = v1::ConvoyService::Stub;

constexpr char kStatusPrefix[] = "CONVOY_STATUS_";
constexpr char kCargoPrefix[] = "CARGO_CATEGORY_";
constexpr char kConstraintPrefix[] = "ACCESS_CONSTRAINT_";
constexpr char kModePrefix[] = "DELIVERY_MODE_";
constexpr char kKindPrefix[] = "REQUEST_KIND_";

std::string StatusText(v1::ConvoyStatus s) { return EnumTextOf(kStatusPrefix, s); }
std::string CargoText(v1::CargoCategory c) { return EnumTextOf(kCargoPrefix, c); }
std::string ConstraintText(v1::AccessConstraintCategory c) {
  return EnumTextOf(kConstraintPrefix, c);
}
std::string ModeText(v1::DeliveryMode m) { return EnumTextOf(kModePrefix, m); }
std::string Quantity(double q) { return absl::StrFormat("%g", q); }

// "0:200,2:15" -> line 0 lost 200, line 2 lost 15; into removed or refused.
template <typename Request>
absl::Status ParseLosses(const std::string& flag, const std::string& text, bool removed,
                         Request* request) {
  for (absl::string_view entry : absl::StrSplit(text, ',', absl::SkipWhitespace())) {
    std::pair<std::string, std::string> parts = absl::StrSplit(entry, absl::MaxSplits(':', 1));
    int line = 0;
    double quantity = 0;
    if (!absl::SimpleAtoi(parts.first, &line) || !absl::SimpleAtod(parts.second, &quantity)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "--", flag, ": \"", entry, "\" is not LINE:QUANTITY (manifest line from 0), e.g. 0:200"));
    }
    SetLoss(line, quantity, removed, request->mutable_losses());
  }
  return absl::OkStatus();
}

// --date (default: today, set by the server), --source, --note and
// --expected-version, shared by every transition.
template <typename Request>
absl::Status TakeTransitionFlags(Flags& flags, const Args& args, absl::string_view command,
                                 Request* request) {
  CORRIDOR_RETURN_IF_ERROR(
      ExpectArgs(args, 1, absl::StrCat("convoys ", command, " takes one convoy id")));
  request->set_convoy_id(args[0]);
  bool has_date = false;
  CORRIDOR_RETURN_IF_ERROR(
      flags.TakeDate("date", /*required=*/false, request->mutable_occurred_on(), &has_date));
  if (!has_date) request->clear_occurred_on();
  if (flags.Has("source")) request->mutable_source()->set_citation(flags.Take("source"));
  request->set_note(flags.Take("note"));
  int expected_version = 0;
  CORRIDOR_RETURN_IF_ERROR(flags.TakeCount("expected-version", 1, &expected_version));
  request->set_expected_version(expected_version);
  return absl::OkStatus();
}

// Which flag sets which field of the transitions' requests (the flags of
// TakeTransitionFlags, then each transition's own), for refusals that name
// the field.
std::vector<std::pair<std::string, std::string>> TransitionFieldFlags() {
  return {{"occurred_on", "--date"},
          {"source", "--source"},
          {"note", "--note"},
          {"expected_version", "--expected-version"},
          {"beneficiaries_approved", "--beneficiaries"},
          {"denying_party", "--party"},
          {"reason", "--reason"},
          {"category", "--category"},
          {"outcome", "--outcome"},
          {"beneficiaries_reached", "--reached"},
          {"losses", "--removed/--refused"},
          {"responsible_party", "--party"}};
}

Grid ConvoysGrid(const std::vector<v1::Convoy>& convoys) {
  Grid grid;
  grid.header = {"ID",    "AGENCY",    "AREA",     "ROUTE",   "PLANNED", "STATUS",
                 "SINCE", "REQUESTED", "APPROVED", "REACHED", "VERSION"};
  for (const v1::Convoy& c : convoys) {
    grid.rows.push_back(
        {c.id(), c.agency(), c.area_id(), c.route_id(), DateText(c.planned_date()),
         StatusText(c.status()), DateText(c.status_date()),
         absl::StrCat(c.beneficiaries_requested()),
         c.has_beneficiaries_approved() ? absl::StrCat(c.beneficiaries_approved()) : "",
         c.has_beneficiaries_reached() ? absl::StrCat(c.beneficiaries_reached()) : "",
         absl::StrCat(c.version())});
  }
  return grid;
}

void PrintConvoy(Session& session, const v1::Convoy& c) {
  if (session.format() != OutputFormat::kTable) {
    PrintResult(session.format(), c, ConvoysGrid({c}), session.out());
    return;
  }
  Grid grid;
  grid.header = {"FIELD", "VALUE"};
  auto add = [&](const std::string& field, const std::string& value) {
    if (!value.empty()) grid.rows.push_back({field, value});
  };
  add("id", c.id());
  add("status", absl::StrCat(StatusText(c.status()), " since ", DateText(c.status_date())));
  add("kind", c.kind() == v1::REQUEST_KIND_MEDICAL_EVACUATION ? "medical evacuation" : "");
  add("agency", c.agency());
  add("mode", c.mode() == v1::DELIVERY_MODE_UNSPECIFIED ? "not recorded" : ModeText(c.mode()));
  add("area", c.area_id());
  add("route", c.route_id());
  add("requested", DateText(c.requested_on()));
  add("planned", DateText(c.planned_date()));
  add("beneficiaries requested", WithThousands(c.beneficiaries_requested()));
  if (c.has_beneficiaries_approved()) {
    add("beneficiaries approved", WithThousands(c.beneficiaries_approved()));
  }
  if (c.has_beneficiaries_reached()) {
    add("beneficiaries reached", WithThousands(c.beneficiaries_reached()));
  }
  add("responsible party", c.responsible_party());
  add("constraint category", ConstraintText(c.constraint_category()));
  add("denial reason", c.denial_reason());
  for (const v1::ApprovalStep& step : c.approval_steps()) {
    add(absl::StrCat("step: ", step.step()),
        absl::StrCat(step.authority(), ", asked ", DateText(step.requested_on()),
                     step.has_answered_on() ? ", answered " + DateText(step.answered_on()) : "",
                     ": ", EnumTextOf("STEP_OUTCOME_", step.outcome())));
  }
  add("approved on", DateText(c.approved_on()));
  add("dispatched", DateText(c.dispatched_date()));
  add("outcome date", DateText(c.outcome_date()));
  add("denial", c.denial_id());
  if (c.corrections() > 0) {
    add("corrections", absl::StrCat(c.corrections(), " (see convoys history ", c.id(), ")"));
  }
  add("idempotency key", c.idempotency_key());
  add("note", c.note());
  add("version", absl::StrCat(c.version()));
  PrintTable(grid, session.out(), 200);
  Grid manifest;
  manifest.header = {"LINE", "ITEM", "CATEGORY", "QUANTITY", "UNIT", "REMOVED", "REFUSED"};
  for (int i = 0; i < c.manifest_size(); ++i) {
    const v1::ManifestLine& l = c.manifest(i);
    manifest.rows.push_back({absl::StrCat(i), l.item(), CargoText(l.category()),
                             Quantity(l.quantity()), l.unit(), Quantity(l.quantity_removed()),
                             Quantity(l.quantity_refused())});
  }
  session.out() << "\nmanifest:\n";
  PrintTable(manifest, session.out());
}

absl::StatusOr<v1::SubmitConvoyRequestRequest> ParseSubmit(Flags& flags, const Args& args) {
  CORRIDOR_RETURN_IF_ERROR(
      ExpectArgs(args, 0, "convoys submit takes flags only; see corridorctl help"));
  v1::SubmitConvoyRequestRequest request;
  std::string value;
  CORRIDOR_RETURN_IF_ERROR(flags.TakeRequired("agency", "WFP", &value));
  request.set_agency(value);
  CORRIDOR_RETURN_IF_ERROR(flags.TakeRequired("area", "EG-DUMA", &value));
  request.set_area_id(value);
  request.set_route_id(flags.Take("route"));
  bool has_date = false;
  CORRIDOR_RETURN_IF_ERROR(
      flags.TakeDate("planned", /*required=*/true, request.mutable_planned_date(), &has_date));
  if (flags.Has("kind")) {
    CORRIDOR_ASSIGN_OR_RETURN(
        const v1::RequestKind kind,
        ParseEnumAs<v1::RequestKind>(kKindPrefix, "--kind", flags.Take("kind")));
    request.set_kind(kind);
  }
  if (flags.Has("mode")) {
    CORRIDOR_ASSIGN_OR_RETURN(
        const v1::DeliveryMode mode,
        ParseEnumAs<v1::DeliveryMode>(kModePrefix, "--mode", flags.Take("mode")));
    request.set_mode(mode);
  }
  // An evacuation moves people out: what it carries in is optional.
  if (request.kind() == v1::REQUEST_KIND_MEDICAL_EVACUATION && !flags.Has("cargo")) {
    value.clear();
  } else {
    CORRIDOR_RETURN_IF_ERROR(flags.TakeRequired(
        "cargo", "\"wheat flour:food:1200:bags;insulin:medical:300:vials\"", &value));
  }
  CORRIDOR_RETURN_IF_ERROR(ParseCargo(value, &request));
  int beneficiaries = 0;
  if (!flags.Has("beneficiaries")) {
    return absl::InvalidArgumentError("--beneficiaries is required (people the convoy is for)");
  }
  CORRIDOR_RETURN_IF_ERROR(flags.TakeCount("beneficiaries", 1, &beneficiaries));
  request.set_beneficiaries_requested(beneficiaries);
  request.set_idempotency_key(flags.TakeIdempotencyKey());
  if (flags.Has("source")) request.mutable_source()->set_citation(flags.Take("source"));
  request.set_note(flags.Take("note"));
  bool has_requested = false;
  CORRIDOR_RETURN_IF_ERROR(flags.TakeDate("requested", /*required=*/false,
                                          request.mutable_requested_on(), &has_requested));
  if (!has_requested) request.clear_requested_on();
  CORRIDOR_RETURN_IF_ERROR(flags.CheckAllUsed("convoys submit"));
  return request;
}

absl::StatusOr<v1::RecordApprovalStepRequest> ParseStep(Flags& flags, const Args& args) {
  CORRIDOR_RETURN_IF_ERROR(ExpectArgs(
      args, 1, "convoys step takes one convoy id, then --step --authority --requested ..."));
  v1::RecordApprovalStepRequest request;
  request.set_convoy_id(args[0]);
  v1::ApprovalStep* step = request.mutable_step();
  std::string value;
  CORRIDOR_RETURN_IF_ERROR(flags.TakeRequired("step", "\"facilitation letter\"", &value));
  step->set_step(value);
  CORRIDOR_RETURN_IF_ERROR(
      flags.TakeRequired("authority", "\"Ministry of Foreign Affairs\"", &value));
  step->set_authority(value);
  bool present = false;
  CORRIDOR_RETURN_IF_ERROR(
      flags.TakeDate("requested", /*required=*/true, step->mutable_requested_on(), &present));
  CORRIDOR_RETURN_IF_ERROR(
      flags.TakeDate("answered", /*required=*/false, step->mutable_answered_on(), &present));
  if (!present) step->clear_answered_on();
  const std::string outcome = flags.Take("outcome", present ? "granted" : "pending");
  absl::StatusOr<v1::StepOutcome> parsed =
      ParseEnumAs<v1::StepOutcome>("STEP_OUTCOME_", "--outcome", outcome);
  if (!parsed.ok()) return parsed.status();
  step->set_outcome(*parsed);
  if (flags.Has("source")) step->mutable_source()->set_citation(flags.Take("source"));
  step->set_note(flags.Take("note"));
  int version = 0;
  CORRIDOR_RETURN_IF_ERROR(flags.TakeCount("expected-version", 1, &version));
  request.set_expected_version(version);
  CORRIDOR_RETURN_IF_ERROR(flags.CheckAllUsed("convoys step"));
  return request;
}

absl::StatusOr<v1::ApproveConvoyRequest> ParseApprove(Flags& flags, const Args& args) {
  v1::ApproveConvoyRequest request;
  CORRIDOR_RETURN_IF_ERROR(TakeTransitionFlags(flags, args, "approve", &request));
  if (!flags.Has("beneficiaries")) {
    return absl::InvalidArgumentError(
        "--beneficiaries is required (people approved; fewer than requested is a partial "
        "approval)");
  }
  int approved = 0;
  CORRIDOR_RETURN_IF_ERROR(flags.TakeCount("beneficiaries", 1, &approved));
  request.set_beneficiaries_approved(approved);
  CORRIDOR_RETURN_IF_ERROR(flags.CheckAllUsed("convoys approve"));
  return request;
}

absl::StatusOr<v1::DenyConvoyRequest> ParseDeny(Flags& flags, const Args& args) {
  v1::DenyConvoyRequest request;
  CORRIDOR_RETURN_IF_ERROR(TakeTransitionFlags(flags, args, "deny", &request));
  std::string value;
  CORRIDOR_RETURN_IF_ERROR(flags.TakeRequired("party", "\"Syrian government\"", &value));
  request.set_denying_party(value);
  CORRIDOR_RETURN_IF_ERROR(flags.TakeRequired("reason", "\"no facilitation letter\"", &value));
  request.set_reason(value);
  v1::AccessConstraintCategory category = v1::ACCESS_CONSTRAINT_CATEGORY_UNSPECIFIED;
  CORRIDOR_RETURN_IF_ERROR(flags.TakeAccessCategory(/*required=*/true, &category));
  request.set_category(category);
  CORRIDOR_RETURN_IF_ERROR(flags.CheckAllUsed("convoys deny"));
  return request;
}

absl::StatusOr<v1::DispatchConvoyRequest> ParseDispatch(Flags& flags, const Args& args) {
  v1::DispatchConvoyRequest request;
  CORRIDOR_RETURN_IF_ERROR(TakeTransitionFlags(flags, args, "dispatch", &request));
  CORRIDOR_RETURN_IF_ERROR(flags.CheckAllUsed("convoys dispatch"));
  return request;
}

absl::StatusOr<v1::RecordConvoyOutcomeRequest> ParseOutcome(Flags& flags, const Args& args) {
  v1::RecordConvoyOutcomeRequest request;
  CORRIDOR_RETURN_IF_ERROR(TakeTransitionFlags(flags, args, "outcome", &request));
  if (!flags.Has("outcome")) {
    return absl::InvalidArgumentError(
        "--outcome is required: delivered, partially-delivered, turned-back, attacked or "
        "cancelled");
  }
  absl::StatusOr<v1::ConvoyStatus> outcome =
      ParseEnumAs<v1::ConvoyStatus>(kStatusPrefix, "--outcome", flags.Take("outcome"));
  if (!outcome.ok()) return outcome.status();
  request.set_outcome(*outcome);
  int reached = 0;
  CORRIDOR_RETURN_IF_ERROR(flags.TakeCount("reached", 0, &reached));
  request.set_beneficiaries_reached(reached);
  CORRIDOR_RETURN_IF_ERROR(ParseLosses("removed", flags.Take("removed"), true, &request));
  CORRIDOR_RETURN_IF_ERROR(ParseLosses("refused", flags.Take("refused"), false, &request));
  request.set_responsible_party(flags.Take("party"));
  v1::AccessConstraintCategory category = v1::ACCESS_CONSTRAINT_CATEGORY_UNSPECIFIED;
  CORRIDOR_RETURN_IF_ERROR(flags.TakeAccessCategory(/*required=*/false, &category));
  request.set_category(category);
  CORRIDOR_RETURN_IF_ERROR(flags.CheckAllUsed("convoys outcome"));
  return request;
}

// Each value flag given sets one field of the correction.
absl::Status TakeCorrectionValues(Flags& flags, v1::ConvoyCorrection* c) {
  bool has = false;
  CORRIDOR_RETURN_IF_ERROR(flags.TakeDate("planned", false, c->mutable_planned_date(), &has));
  if (!has) c->clear_planned_date();
  CORRIDOR_RETURN_IF_ERROR(flags.TakeDate("requested", false, c->mutable_requested_on(), &has));
  if (!has) c->clear_requested_on();
  CORRIDOR_RETURN_IF_ERROR(flags.TakeDate("approved-on", false, c->mutable_approved_on(), &has));
  if (!has) c->clear_approved_on();
  CORRIDOR_RETURN_IF_ERROR(flags.TakeDate("dispatched", false, c->mutable_dispatched_date(), &has));
  if (!has) c->clear_dispatched_date();
  CORRIDOR_RETURN_IF_ERROR(flags.TakeDate("outcome-date", false, c->mutable_outcome_date(), &has));
  if (!has) c->clear_outcome_date();
  int people = 0;
  if (flags.Has("beneficiaries")) {
    CORRIDOR_RETURN_IF_ERROR(flags.TakeCount("beneficiaries", 1, &people));
    c->set_beneficiaries_requested(people);
  }
  if (flags.Has("approved")) {
    CORRIDOR_RETURN_IF_ERROR(flags.TakeCount("approved", 1, &people));
    c->set_beneficiaries_approved(people);
  }
  if (flags.Has("reached")) {
    CORRIDOR_RETURN_IF_ERROR(flags.TakeCount("reached", 0, &people));
    c->set_beneficiaries_reached(people);
  }
  if (flags.Has("mode")) {
    CORRIDOR_ASSIGN_OR_RETURN(
        const v1::DeliveryMode mode,
        ParseEnumAs<v1::DeliveryMode>(kModePrefix, "--mode", flags.Take("mode")));
    c->set_mode(mode);
  }
  if (flags.Has("outcome")) {
    CORRIDOR_ASSIGN_OR_RETURN(
        const v1::ConvoyStatus outcome,
        ParseEnumAs<v1::ConvoyStatus>(kStatusPrefix, "--outcome", flags.Take("outcome")));
    c->set_outcome(outcome);
  }
  // --removed/--refused give the losses afresh; --no-losses clears them.
  if (flags.Has("removed") || flags.Has("refused") || flags.Has("no-losses")) {
    c->set_replace_losses(true);
    CORRIDOR_RETURN_IF_ERROR(ParseLosses("removed", flags.Take("removed"), true, c));
    CORRIDOR_RETURN_IF_ERROR(ParseLosses("refused", flags.Take("refused"), false, c));
    flags.Take("no-losses");
  }
  c->set_responsible_party(flags.Take("party"));
  v1::AccessConstraintCategory category = v1::ACCESS_CONSTRAINT_CATEGORY_UNSPECIFIED;
  CORRIDOR_RETURN_IF_ERROR(flags.TakeAccessCategory(/*required=*/false, &category));
  c->set_category(category);
  c->set_area_id(flags.Take("area"));
  c->set_route_id(flags.Take("route"));
  return absl::OkStatus();
}

// What a correction changed, as "reached 1,450 -> 14,500; mode road".
std::string CorrectionSummary(const v1::ConvoyEvent& e) {
  const v1::ConvoyCorrection& c = e.correction();
  const v1::Convoy& was = e.corrected_from();
  std::vector<std::string> parts;
  auto people = [&](const char* what, bool set, int64_t before, int64_t after) {
    if (set)
      parts.push_back(absl::StrCat(what, " ", WithThousands(before), " -> ", WithThousands(after)));
  };
  people("requested", c.has_beneficiaries_requested(), was.beneficiaries_requested(),
         c.beneficiaries_requested());
  people("approved", c.has_beneficiaries_approved(), was.beneficiaries_approved(),
         c.beneficiaries_approved());
  people("reached", c.has_beneficiaries_reached(), was.beneficiaries_reached(),
         c.beneficiaries_reached());
  auto date = [&](const char* what, bool set, const v1::Date& before, const v1::Date& after) {
    if (set) parts.push_back(absl::StrCat(what, " ", DateText(before), " -> ", DateText(after)));
  };
  date("planned", c.has_planned_date(), was.planned_date(), c.planned_date());
  date("requested on", c.has_requested_on(), was.requested_on(), c.requested_on());
  date("approved on", c.has_approved_on(), was.approved_on(), c.approved_on());
  date("dispatched", c.has_dispatched_date(), was.dispatched_date(), c.dispatched_date());
  date("outcome", c.has_outcome_date(), was.outcome_date(), c.outcome_date());
  if (c.outcome() != v1::CONVOY_STATUS_UNSPECIFIED) {
    parts.push_back(
        absl::StrCat("outcome ", StatusText(was.status()), " -> ", StatusText(c.outcome())));
  }
  if (c.mode() != v1::DELIVERY_MODE_UNSPECIFIED) {
    parts.push_back(absl::StrCat("mode ", ModeText(c.mode())));
  }
  if (!c.area_id().empty())
    parts.push_back(absl::StrCat("area ", was.area_id(), " -> ", c.area_id()));
  if (!c.route_id().empty()) parts.push_back(absl::StrCat("road -> ", c.route_id()));
  if (!c.responsible_party().empty()) parts.push_back("party " + c.responsible_party());
  if (c.replace_losses()) parts.push_back("losses replaced");
  return absl::StrJoin(parts, "; ");
}

absl::StatusOr<v1::CorrectConvoyRequest> ParseCorrect(Flags& flags, const Args& args) {
  CORRIDOR_RETURN_IF_ERROR(ExpectArgs(
      args, 1, "convoys correct takes one convoy id, then --reason and the values to correct"));
  v1::CorrectConvoyRequest request;
  request.set_convoy_id(args[0]);
  std::string reason;
  CORRIDOR_RETURN_IF_ERROR(
      flags.TakeRequired("reason", "\"reached was mistyped: 14,500 not 1,450\"", &reason));
  request.set_reason(reason);
  CORRIDOR_RETURN_IF_ERROR(TakeCorrectionValues(flags, request.mutable_correction()));
  bool has_date = false;
  CORRIDOR_RETURN_IF_ERROR(flags.TakeDate("date", false, request.mutable_occurred_on(), &has_date));
  if (!has_date) request.clear_occurred_on();
  if (flags.Has("source")) request.mutable_source()->set_citation(flags.Take("source"));
  int expected_version = 0;
  CORRIDOR_RETURN_IF_ERROR(flags.TakeCount("expected-version", 1, &expected_version));
  request.set_expected_version(expected_version);
  CORRIDOR_RETURN_IF_ERROR(flags.CheckAllUsed("convoys correct"));
  return request;
}

int ConvoysList(Session& session, Flags& flags, const Args& args) {
  v1::ListConvoysRequest request;
  int limit = 0;
  absl::Status parsed = ExpectArgs(args, 0, "convoys list takes flags only; see corridorctl help");
  if (parsed.ok()) parsed = TakeConvoyFilters(flags, &request);
  if (parsed.ok()) parsed = flags.TakeCount("limit", 1, &limit);
  const bool one_page = flags.Has("page-token");
  request.mutable_page()->set_page_token(flags.Take("page-token"));
  if (parsed.ok()) parsed = flags.CheckAllUsed("convoys list");
  if (!parsed.ok()) return session.UsageFailure(parsed.message());

  auto stub = v1::ConvoyService::NewStub(session.ChannelFor("convoys"));
  v1::ListConvoysResponse all;
  const int code = session.ListPages(*stub, &Stub::ListConvoys, request, limit, one_page,
                                     &v1::ListConvoysResponse::mutable_convoys, &all);
  if (code != kExitOk) return code;
  const std::vector<v1::Convoy> convoys(all.convoys().begin(), all.convoys().end());
  ListNotes notes;
  notes.one = "convoy";
  notes.many = "convoys";
  notes.next_page_token = all.next_page_token();
  PrintList(session.format(), all, ConvoysGrid(convoys), notes, session.out(), session.err());
  return kExitOk;
}

Grid HistoryGrid(const v1::GetConvoyHistoryResponse& history) {
  Grid grid;
  grid.header = {"#",        "DATE",   "STATUS", "PREVIOUS", "BENEFICIARIES", "PARTY",
                 "CATEGORY", "REASON", "SOURCE", "NOTE",     "RECORDED BY"};
  for (const v1::ConvoyEvent& e : history.events()) {
    std::string status = StatusText(e.status());
    if (e.has_approval_step()) {
      status = absl::StrCat("step: ", e.approval_step().step(), " (", e.approval_step().authority(),
                            ", asked ", DateText(e.approval_step().requested_on()), ", ",
                            EnumTextOf("STEP_OUTCOME_", e.approval_step().outcome()), ")");
    } else if (e.has_correction()) {
      status = absl::StrCat("CORRECTED (", CorrectionSummary(e), "), now ", StatusText(e.status()));
    }
    grid.rows.push_back({absl::StrCat(e.sequence()), DateText(e.occurred_on()), status,
                         e.has_approval_step() ? "" : StatusText(e.previous_status()),
                         e.has_beneficiaries() ? absl::StrCat(e.beneficiaries()) : "",
                         e.responsible_party(), ConstraintText(e.constraint_category()), e.reason(),
                         e.source().citation(), e.note(), e.recorded_by().name()});
  }
  return grid;
}

}  // namespace

// "wheat flour:food:1200:bags;insulin:medical:300:vials".
absl::Status TakeConvoyFilters(Flags& flags, v1::ListConvoysRequest* request) {
  request->set_area_id(flags.Take("area"));
  request->set_route_id(flags.Take("route"));
  request->set_agency(flags.Take("agency"));
  if (flags.Has("status")) {
    absl::StatusOr<v1::ConvoyStatus> status =
        ParseEnumAs<v1::ConvoyStatus>(kStatusPrefix, "--status", flags.Take("status"));
    if (!status.ok()) return status.status();
    request->set_status(*status);
  }
  bool has_from = false, has_to = false;
  CORRIDOR_RETURN_IF_ERROR(
      flags.TakeDate("from", false, request->mutable_planned_from(), &has_from));
  CORRIDOR_RETURN_IF_ERROR(flags.TakeDate("to", false, request->mutable_planned_to(), &has_to));
  if (!has_from) request->clear_planned_from();
  if (!has_to) request->clear_planned_to();
  return absl::OkStatus();
}

int RunConvoysCommand(Session& session, Flags& flags, const std::string& verb, const Args& args) {
  auto stub = v1::ConvoyService::NewStub(session.ChannelFor("convoys"));
  std::function<void(const v1::Convoy&)> print = [&](const v1::Convoy& c) {
    PrintConvoy(session, c);
  };
  if (verb == "submit") {
    return session.Invoke(*stub, ParseSubmit(flags, args), &Stub::SubmitConvoyRequest, print);
  }
  if (verb == "step") {
    return session.Invoke(*stub, ParseStep(flags, args), &Stub::RecordApprovalStep, print);
  }
  if (verb == "approve" || verb == "deny" || verb == "dispatch" || verb == "outcome") {
    session.NameFieldFlags(TransitionFieldFlags());
  }
  if (verb == "approve") {
    return session.Invoke(*stub, ParseApprove(flags, args), &Stub::ApproveConvoy, print);
  }
  if (verb == "deny") {
    return session.Invoke(*stub, ParseDeny(flags, args), &Stub::DenyConvoy, print);
  }
  if (verb == "dispatch") {
    return session.Invoke(*stub, ParseDispatch(flags, args), &Stub::DispatchConvoy, print);
  }
  if (verb == "outcome") {
    return session.Invoke(*stub, ParseOutcome(flags, args), &Stub::RecordConvoyOutcome, print);
  }
  if (verb == "correct") {
    return session.Invoke(*stub, ParseCorrect(flags, args), &Stub::CorrectConvoy, print);
  }
  if (verb == "get") {
    absl::Status parsed = ExpectArgs(args, 1, "convoys get takes one convoy id");
    if (parsed.ok()) parsed = flags.CheckAllUsed("convoys get");
    if (!parsed.ok()) return session.UsageFailure(parsed.message());
    v1::GetConvoyRequest request;
    request.set_id(args[0]);
    return session.Invoke<Stub, v1::GetConvoyRequest, v1::Convoy>(*stub, request, &Stub::GetConvoy,
                                                                  print);
  }
  if (verb == "list") return ConvoysList(session, flags, args);
  if (verb == "history") {
    absl::Status parsed = ExpectArgs(args, 1, "convoys history takes one convoy id");
    if (parsed.ok()) parsed = flags.CheckAllUsed("convoys history");
    if (!parsed.ok()) return session.UsageFailure(parsed.message());
    v1::GetConvoyHistoryRequest request;
    request.set_convoy_id(args[0]);
    request.mutable_page()->set_page_size(500);
    return session.Invoke<Stub, v1::GetConvoyHistoryRequest, v1::GetConvoyHistoryResponse>(
        *stub, request, &Stub::GetConvoyHistory, [&](const v1::GetConvoyHistoryResponse& h) {
          ListNotes notes;
          notes.max_cell = 60;
          PrintList(session.format(), h, HistoryGrid(h), notes, session.out(), session.err());
        });
  }
  return session.UsageFailure(absl::StrCat(
      verb.empty() ? "convoys needs a command" : "unknown command \"convoys " + verb + "\"",
      "; use submit, step, approve, deny, dispatch, outcome, correct, get, list or history"));
}

int RunReportCommand(Session& session, Flags& flags, const std::string& verb, const Args& args) {
  if (verb == "access") return ReportAccess(session, flags, args);
  if (verb == "compliance") return ReportCompliance(session, flags, args);
  return session.UsageFailure(
      absl::StrCat(verb.empty() ? "report needs a kind" : "unknown report \"" + verb + "\"",
                   "; use: report access --from=YYYY-MM-DD --to=YYYY-MM-DD [--area=ID,...], or "
                   "report compliance --agreement=ID"));
}

}  // namespace corridor::cli
