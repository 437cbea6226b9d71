#include "clients/corridorctl/agreements_commands.h"

#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "clients/corridorctl/commands.h"
#include "common/enum_text.h"
#include "common/validation.h"
#include "corridor/v1/agreements.grpc.pb.h"
#include "google/protobuf/util/json_util.h"

namespace corridor::cli {
namespace {

using Stub = v1::AgreementService::Stub;

std::string AreasText(const google::protobuf::RepeatedPtrField<std::string>& area_ids) {
  return area_ids.empty() ? " anywhere" : absl::StrCat(" in ", absl::StrJoin(area_ids, ", "));
}

// The violation's current consequence state: its latest record.
std::string ConsequenceText(const v1::Violation& v) {
  if (v.consequences().empty()) return v.unconfirmed() ? "" : "none recorded";
  const v1::ConsequenceRecord& c = *v.consequences().rbegin();
  return absl::StrCat(c.applied() ? "applied" : "not applied", " ", DateText(c.decided_on()),
                      c.applied_by().empty() ? "" : " by ", c.applied_by(), ": ", c.what());
}

std::string RuleText(const v1::Term& term) {
  switch (term.rule_case()) {
    case v1::Term::kRouteKeptOpen:
      return absl::StrCat("route ", term.route_kept_open().route_id(), " kept open");
    case v1::Term::kRequestsAnsweredWithin:
      return absl::StrCat(term.requests_answered_within().step().empty()
                              ? "every approval step"
                              : term.requests_answered_within().step(),
                          " answered within ", term.requests_answered_within().working_days(),
                          " working days");
    case v1::Term::kNoItemsRemoved:
      return "no items removed at checkpoints";
    case v1::Term::kDeliveryEvery:
      return absl::StrCat("a delivery to ", term.delivery_every().area_id(), " every ",
                          term.delivery_every().days(), " days");
    case v1::Term::kNoDenials:
      return absl::StrCat("no denials by ", term.no_denials().party());
    case v1::Term::kNoWeaponsUsed: {
      std::vector<std::string> weapons;
      for (int w : term.no_weapons_used().weapons()) {
        weapons.push_back(EnumTextOf("WEAPON_", static_cast<v1::Weapon>(w)));
      }
      return absl::StrCat("no ", absl::StrJoin(weapons, ", "),
                          AreasText(term.no_weapons_used().area_ids()));
    }
    case v1::Term::kNoAttacksInPopulatedAreas:
      return absl::StrCat("no attacks in populated areas",
                          AreasText(term.no_attacks_in_populated_areas().area_ids()));
    case v1::Term::kNoAttacksOnAidWorkers:
      return absl::StrCat("no attacks on aid workers, convoys or medical facilities",
                          AreasText(term.no_attacks_on_aid_workers().area_ids()));
    case v1::Term::kNoAirStrikes:
      return absl::StrCat("no air strikes", AreasText(term.no_air_strikes().area_ids()));
    case v1::Term::RULE_NOT_SET:
      break;
  }
  return "";
}

Grid AgreementsGrid(const std::vector<v1::Agreement>& agreements) {
  Grid grid;
  grid.header = {"ID", "NAME", "PARTIES", "IN FORCE", "TERMS"};
  for (const v1::Agreement& a : agreements) {
    std::vector<std::string> terms;
    for (const v1::Term& t : a.terms()) terms.push_back(absl::StrCat(t.id(), ": ", RuleText(t)));
    grid.rows.push_back(
        {a.id(), a.name(), absl::StrJoin(a.parties(), "; "),
         absl::StrCat(DateText(a.in_force_from()), " to ",
                      a.has_in_force_until() ? DateText(a.in_force_until()) : "now"),
         absl::StrJoin(terms, "; ")});
  }
  return grid;
}

Grid ViolationsGrid(const std::vector<v1::Violation>& violations) {
  Grid grid;
  grid.header = {"WHEN",     "AGREEMENT", "TERM",        "PARTY", "WHY",
                 "EVIDENCE", "STATE",     "CONSEQUENCE", "ID"};
  for (const v1::Violation& v : violations) {
    std::vector<std::string> evidence;
    for (const v1::ViolationEvidence& e : v.evidence()) {
      evidence.push_back(absl::StrCat(e.service(), "/", e.record_id(),
                                      e.journal_index() > 0 ? absl::StrCat(" #", e.journal_index())
                                                            : ""));
    }
    grid.rows.push_back({TimeText(v.occurred_at()), v.agreement_id(), v.term_id(), v.party(),
                         v.why(), absl::StrJoin(evidence, ", "),
                         v.state() == v1::VIOLATION_STATE_SUPERSEDED
                             ? absl::StrCat("superseded: ", v.superseded_because())
                         : v.unconfirmed() ? "active, unconfirmed"
                                           : "active",
                         ConsequenceText(v), v.id()});
  }
  return grid;
}

int Create(Session& session, Flags& flags, const Args& args, Stub& stub) {
  absl::Status parsed = ExpectArgs(args, 0, "agreements create takes --file=AGREEMENT.json");
  std::string path;
  if (parsed.ok()) parsed = flags.TakeRequired("file", "castello-2016.json", &path);
  if (parsed.ok()) parsed = flags.CheckAllUsed("agreements create");
  if (!parsed.ok()) return session.UsageFailure(parsed.message());
  std::ifstream in(path);
  if (!in) return session.UsageFailure(absl::StrCat("--file: cannot read ", path));
  std::stringstream text;
  text << in.rdbuf();
  v1::CreateAgreementRequest request;
  google::protobuf::util::JsonParseOptions options;
  const auto status =
      google::protobuf::util::JsonStringToMessage(text.str(), request.mutable_agreement(), options);
  if (!status.ok()) {
    return session.UsageFailure(absl::StrCat(
        "--file: ", path, " is not an agreement in the .proto's JSON form (",
        std::string(status.message()), "); see docs/AGREEMENTS.md for an example"));
  }
  return session.Invoke<Stub, v1::CreateAgreementRequest, v1::Agreement>(
      stub, request, &Stub::CreateAgreement, [&](const v1::Agreement& a) {
        PrintResult(session.format(), a, AgreementsGrid({a}), session.out(), 80);
        if (session.format() == OutputFormat::kTable) {
          session.err() << "Registered. Its terms are now checked against the whole record; "
                           "read the findings with: corridorctl report compliance --agreement="
                        << a.id() << "\n";
        }
      });
}

int Violations(Session& session, Flags& flags, const Args& args, Stub& stub) {
  absl::Status parsed = ExpectArgs(
      args, 0, "agreements violations takes [--agreement=ID] [--party=P] [--all] [--limit=N]");
  v1::ListViolationsRequest request;
  request.set_agreement_id(flags.Take("agreement"));
  request.set_party(flags.Take("party"));
  request.set_include_superseded(flags.Has("all") && flags.Take("all") != "false");
  int limit = 0;
  if (parsed.ok()) parsed = flags.TakeCount("limit", 1, &limit);
  if (parsed.ok()) parsed = flags.CheckAllUsed("agreements violations");
  if (!parsed.ok()) return session.UsageFailure(parsed.message());
  v1::ListViolationsResponse all;
  const int code = session.ListPages(stub, &Stub::ListViolations, request, limit,
                                     /*one_page=*/false,
                                     &v1::ListViolationsResponse::mutable_violations, &all);
  if (code != kExitOk) return code;
  PrintResult(session.format(), all,
              ViolationsGrid({all.violations().begin(), all.violations().end()}), session.out(),
              90);
  return kExitOk;
}

// agreements consequence VIOLATION-ID --applied=yes|no --what=TEXT
// [--by=WHO] --on=DATE --source=CITATION
int Consequence(Session& session, Flags& flags, const Args& args, Stub& stub) {
  absl::Status parsed =
      ExpectArgs(args, 1,
                 "agreements consequence takes one violation id (agreements violations "
                 "lists them in the ID column)");
  v1::RecordConsequenceRequest request;
  v1::ConsequenceRecord* record = request.mutable_consequence();
  std::string applied;
  if (parsed.ok()) parsed = flags.TakeRequired("applied", "yes (or no)", &applied);
  if (parsed.ok() && applied != "yes" && applied != "no") {
    parsed =
        absl::InvalidArgumentError(absl::StrCat("--applied: \"", applied, "\" is not yes or no"));
  }
  record->set_applied(applied == "yes");
  if (parsed.ok()) {
    parsed = flags.TakeRequired("what", "\"the party's seat at the task force suspended\"",
                                record->mutable_what());
  }
  record->set_applied_by(flags.Take("by"));
  if (parsed.ok() && record->applied() && record->applied_by().empty()) {
    parsed = absl::InvalidArgumentError(
        "--by is required with --applied=yes: who applied the consequence (a state, a council)");
  }
  bool has_date = false;
  if (parsed.ok()) parsed = flags.TakeDate("on", true, record->mutable_decided_on(), &has_date);
  if (parsed.ok()) {
    parsed = flags.TakeRequired("source", "\"S/2016/1093\"",
                                record->mutable_source()->mutable_citation());
  }
  if (parsed.ok()) parsed = flags.CheckAllUsed("agreements consequence");
  if (!parsed.ok()) return session.UsageFailure(parsed.message());
  record->set_violation_id(args[0]);
  return session.Invoke<Stub, v1::RecordConsequenceRequest, v1::ConsequenceRecord>(
      stub, request, &Stub::RecordConsequence, [&](const v1::ConsequenceRecord& c) {
        if (session.format() == OutputFormat::kJson) {
          PrintJson(c, session.out());
          return;
        }
        session.out() << "Recorded for " << c.violation_id() << " (record " << c.sequence()
                      << "): " << (c.applied() ? "applied" : "not applied") << " on "
                      << DateText(c.decided_on()) << "\n";
      });
}

}  // namespace

int RunAgreementsCommand(Session& session, Flags& flags, const std::string& verb,
                         const Args& args) {
  auto stub = v1::AgreementService::NewStub(session.ChannelFor("agreements"));
  if (verb == "create") return Create(session, flags, args, *stub);
  if (verb == "violations") return Violations(session, flags, args, *stub);
  if (verb == "consequence") return Consequence(session, flags, args, *stub);
  if (verb == "get") {
    absl::Status parsed = ExpectArgs(args, 1, "agreements get takes one agreement id");
    if (parsed.ok()) parsed = flags.CheckAllUsed("agreements get");
    if (!parsed.ok()) return session.UsageFailure(parsed.message());
    v1::GetAgreementRequest request;
    request.set_id(args[0]);
    return session.Invoke<Stub, v1::GetAgreementRequest, v1::Agreement>(
        *stub, request, &Stub::GetAgreement, [&](const v1::Agreement& a) {
          PrintResult(session.format(), a, AgreementsGrid({a}), session.out(), 80);
        });
  }
  if (verb == "list") {
    absl::Status parsed = ExpectArgs(args, 0, "agreements list takes no arguments");
    if (parsed.ok()) parsed = flags.CheckAllUsed("agreements list");
    if (!parsed.ok()) return session.UsageFailure(parsed.message());
    v1::ListAgreementsResponse all;
    const int code = session.ListPages(*stub, &Stub::ListAgreements, v1::ListAgreementsRequest(),
                                       0, false, &v1::ListAgreementsResponse::mutable_agreements,
                                       &all);
    if (code != kExitOk) return code;
    PrintResult(session.format(), all,
                AgreementsGrid({all.agreements().begin(), all.agreements().end()}), session.out(),
                60);
    return kExitOk;
  }
  return session.UsageFailure(
      absl::StrCat("unknown command \"agreements ", verb,
                   "\"; it is create, list, get, violations or consequence"));
}

int ReportCompliance(Session& session, Flags& flags, const Args& args) {
  absl::Status parsed = ExpectArgs(
      args, 0, "report compliance takes --agreement=ID [--from=YYYY-MM-DD] [--to=YYYY-MM-DD]");
  v1::GetComplianceReportRequest request;
  std::string id;
  if (parsed.ok()) parsed = flags.TakeRequired("agreement", "us-russia-2016-09-09", &id);
  request.set_agreement_id(id);
  bool present = false;
  if (parsed.ok()) parsed = flags.TakeDate("from", false, request.mutable_from(), &present);
  if (!present) request.clear_from();
  if (parsed.ok()) parsed = flags.TakeDate("to", false, request.mutable_to(), &present);
  if (!present) request.clear_to();
  if (parsed.ok()) parsed = flags.CheckAllUsed("report compliance");
  if (!parsed.ok()) return session.UsageFailure(parsed.message());
  auto stub = v1::AgreementService::NewStub(session.ChannelFor("agreements"));
  return session.Invoke<Stub, v1::GetComplianceReportRequest, v1::ComplianceReport>(
      *stub, request, &Stub::GetComplianceReport, [&](const v1::ComplianceReport& report) {
        if (session.format() == OutputFormat::kJson) {
          PrintJson(report, session.out());
          return;
        }
        Grid parties;
        parties.header = {
            "PARTY",      "TERMS BREACHED",   "ON UNCONFIRMED REPORTS ONLY", "TERMS KEPT",
            "VIOLATIONS", "CONSEQUENCES DUE", "CONSEQUENCES APPLIED",        "WITHOUT CONSEQUENCE"};
        std::vector<v1::Violation> violations;
        for (const v1::PartyCompliance& p : report.parties()) {
          parties.rows.push_back(
              {p.party(), absl::StrJoin(p.terms_breached(), ", "),
               absl::StrJoin(p.terms_breached_unconfirmed(), ", "),
               absl::StrJoin(p.terms_kept(), ", "),
               p.unconfirmed_violation_count() == 0
                   ? absl::StrCat(p.violation_count())
                   : absl::StrCat(p.violation_count(), " (", p.unconfirmed_violation_count(),
                                  " unconfirmed)"),
               absl::StrJoin(p.consequences_due(), " | "), absl::StrCat(p.consequences_applied()),
               absl::StrCat(p.violations_without_consequence())});
          violations.insert(violations.end(), p.violations().begin(), p.violations().end());
        }
        Grid steps;
        steps.header = {"STEP", "AUTHORITY", "ANSWERED", "PENDING", "MEDIAN WORKING DAYS",
                        "WORST"};
        for (const v1::StepDelay& s : report.step_delays()) {
          steps.rows.push_back({s.step(), s.authority(), absl::StrCat(s.answered()),
                                absl::StrCat(s.pending()),
                                s.answered() > 0 ? absl::StrCat(s.median_working_days()) : "",
                                absl::StrCat(s.worst_working_days())});
        }
        if (session.format() == OutputFormat::kCsv) {
          PrintCsv(parties, session.out());
          return;
        }
        session.out() << report.agreement_name() << " (" << report.agreement_id() << "), "
                      << DateText(report.from()) << " to " << DateText(report.to()) << "\n\n";
        PrintTable(parties, session.out(), 70);
        if (!violations.empty()) {
          session.out() << "\nViolations, with their evidence (at most 50 per party; all with "
                           "agreements violations --agreement="
                        << report.agreement_id() << " --party=P):\n";
          PrintTable(ViolationsGrid(violations), session.out(), 90);
        }
        if (!steps.rows.empty()) {
          session.out() << "\nApproval delays per step (working days, Sunday to Thursday):\n";
          PrintTable(steps, session.out());
        }
        std::vector<std::string> through;
        for (const auto& [service, position] : report.evaluated_through()) {
          through.push_back(absl::StrCat(service, " ", position));
        }
        std::sort(through.begin(), through.end());
        session.out() << "\nEvaluated through the journals' entries: "
                      << absl::StrJoin(through, ", ") << "\n";
      });
}

}  // namespace corridor::cli
