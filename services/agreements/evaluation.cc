#include "services/agreements/evaluation.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/strip.h"
#include "absl/time/time.h"
#include "common/enum_text.h"
#include "common/validation.h"
#include "google/protobuf/util/time_util.h"

namespace corridor::agreements {
namespace {

using google::protobuf::util::TimeUtil;

std::string DayText(absl::CivilDay day) { return absl::FormatCivilTime(day); }

google::protobuf::Timestamp StartOf(absl::CivilDay day) {
  return TimeUtil::SecondsToTimestamp(absl::ToUnixSeconds(absl::FromCivil(day, absl::UTCTimeZone())));
}

absl::CivilDay DayOf(const google::protobuf::Timestamp& at) {
  return absl::ToCivilDay(absl::FromUnixSeconds(at.seconds()), absl::UTCTimeZone());
}

bool SameText(absl::string_view a, absl::string_view b) {
  return absl::AsciiStrToLower(a) == absl::AsciiStrToLower(b);
}

bool CoversArea(const google::protobuf::RepeatedPtrField<std::string>& area_ids,
                const std::string& area_id) {
  return area_ids.empty() ||
         std::find(area_ids.begin(), area_ids.end(), area_id) != area_ids.end();
}

// A violation of `term` with the fields every rule fills the same way.
v1::Violation Start(const v1::Agreement& agreement, const v1::Term& term,
                    const std::string& source, const std::string& part) {
  v1::Violation v;
  v.set_id(absl::StrCat(agreement.id(), "/", term.id(), "/", source, part.empty() ? "" : "/",
                        part));
  v.set_agreement_id(agreement.id());
  v.set_term_id(term.id());
  v.set_consequence(term.consequence());
  v.set_state(v1::VIOLATION_STATE_ACTIVE);
  v.set_source(source);
  return v;
}

v1::ViolationEvidence* AddEvidence(v1::Violation* v, const std::string& service, const std::string& table,
                          const std::string& record_id, int64_t version, uint64_t journal_index,
                          const std::string& summary) {
  v1::ViolationEvidence* e = v->add_evidence();
  e->set_service(service);
  e->set_table(table);
  e->set_record_id(record_id);
  e->set_version(version);
  e->set_journal_index(journal_index);
  e->set_summary(summary);
  return e;
}

std::string StatusText(v1::RouteStatus status) {
  std::string name = v1::RouteStatus_Name(status);
  absl::string_view text = name;
  absl::ConsumePrefix(&text, "ROUTE_STATUS_");
  return std::string(text);
}

bool Uses(const v1::IncidentFacts& facts, v1::Weapon weapon) {
  return std::find(facts.weapons().begin(), facts.weapons().end(), weapon) != facts.weapons().end();
}

// An enum value as words of a sentence: "barrel bomb", "attack on convoy".
template <typename E>
std::string Words(absl::string_view prefix, E value) {
  return absl::StrReplaceAll(EnumTextOf(prefix, value), {{"-", " "}});
}

// Why an incident breaches an incident term, or empty if it does not (or
// the term is of another kind).
std::string IncidentBreach(const v1::Term& term, const v1::IncidentFacts& facts) {
  const v1::Casualties& c = facts.casualties();
  switch (term.rule_case()) {
    case v1::Term::kNoWeaponsUsed: {
      if (!CoversArea(term.no_weapons_used().area_ids(), facts.area_id())) return "";
      std::vector<std::string> used;
      for (int weapon : term.no_weapons_used().weapons()) {
        if (Uses(facts, static_cast<v1::Weapon>(weapon)))
          used.push_back(Words("WEAPON_", static_cast<v1::Weapon>(weapon)));
      }
      return used.empty() ? "" : absl::StrCat("used ", absl::StrJoin(used, " and "));
    }
    case v1::Term::kNoAttacksInPopulatedAreas:
      if (!CoversArea(term.no_attacks_in_populated_areas().area_ids(), facts.area_id())) return "";
      return facts.has_populated_area() && facts.populated_area() ? "struck a populated area" : "";
    case v1::Term::kNoAttacksOnAidWorkers: {
      if (!CoversArea(term.no_attacks_on_aid_workers().area_ids(), facts.area_id())) return "";
      const v1::IncidentType t = facts.type();
      if (t == v1::INCIDENT_TYPE_ATTACK_ON_AID_WORKERS || t == v1::INCIDENT_TYPE_ATTACK_ON_CONVOY ||
          t == v1::INCIDENT_TYPE_ATTACK_ON_MEDICAL_FACILITY) {
        return Words("INCIDENT_TYPE_", t);
      }
      const int64_t harmed = c.aid_workers().killed() + c.aid_workers().injured() +
                             c.medical_workers().killed() + c.medical_workers().injured();
      return harmed > 0 ? absl::StrCat("killed or injured ", harmed, " aid or medical workers")
                        : "";
    }
    case v1::Term::kNoAirStrikes:
      if (!CoversArea(term.no_air_strikes().area_ids(), facts.area_id())) return "";
      if (facts.type() == v1::INCIDENT_TYPE_AIR_STRIKE) return "an air strike";
      if (Uses(facts, v1::WEAPON_BARREL_BOMB)) return "barrel bombs dropped from the air";
      return Uses(facts, v1::WEAPON_UNGUIDED_AIR_DROPPED_BOMB) ? "bombs dropped from the air" : "";
    default:
      return "";
  }
}

// Sets who is held responsible, or says why no one is.
void HoldResponsible(const NamedParty& party, const char* what, v1::Violation* v) {
  v->set_party(party.text.empty() ? absl::StrCat("(unattributed: ", what, ")") : party.text);
  v->set_party_id(party.id);
}

}  // namespace

bool SameParty(const NamedParty& a, const NamedParty& b) {
  if (!a.id.empty() && !b.id.empty()) return a.id == b.id;
  return SameText(a.text, b.text);
}

int WorkingDaysBetween(absl::CivilDay from, absl::CivilDay to) {
  int count = 0;
  for (absl::CivilDay d = from + 1; d <= to; ++d) {
    const absl::Weekday w = absl::GetWeekday(d);
    if (w != absl::Weekday::friday && w != absl::Weekday::saturday) ++count;
  }
  return count;
}

absl::CivilDay AddWorkingDays(absl::CivilDay from, int working_days) {
  absl::CivilDay d = from;
  for (int added = 0; added < working_days;) {
    ++d;
    const absl::Weekday w = absl::GetWeekday(d);
    if (w != absl::Weekday::friday && w != absl::Weekday::saturday) ++added;
  }
  return d;
}

bool InForce(const v1::Agreement& agreement, absl::CivilDay day, absl::CivilDay today) {
  if (day < CivilDayOf(agreement.in_force_from())) return false;
  const absl::CivilDay until =
      agreement.has_in_force_until() ? CivilDayOf(agreement.in_force_until()) : today;
  return day <= until;
}

std::string RouteReportSource(const v1::RouteReport& report) {
  return absl::StrCat("routes/", report.position());
}
std::string DenialSource(const v1::Denial& denial) { return absl::StrCat("denials/", denial.id()); }
std::string ConvoySource(const v1::Convoy& convoy) { return absl::StrCat("convoys/", convoy.id()); }
std::string AreaSource(const std::string& area_id) { return absl::StrCat("areas/", area_id); }
std::string IncidentSource(const v1::Incident& incident) {
  return absl::StrCat("incidents/", incident.id());
}

std::vector<v1::Violation> ForRouteReport(const v1::Agreement& agreement,
                                          const v1::RouteReport& report, const SourceEntry& entry,
                                          absl::CivilDay today) {
  std::vector<v1::Violation> found;
  // A report withdrawn or corrected since is no evidence: its violation is
  // superseded, and the correction is evaluated as a report of its own.
  if (report.withdrawal() || report.superseded_by() != 0) return found;
  const absl::CivilDay day = DayOf(report.observed_at());
  for (const v1::Term& term : agreement.terms()) {
    if (!term.has_route_kept_open()) continue;
    const v1::RouteKeptOpen& rule = term.route_kept_open();
    if (rule.route_id() != report.route_id() || !InForce(agreement, day, today)) continue;
    std::vector<int> statuses(rule.statuses().begin(), rule.statuses().end());
    if (statuses.empty()) statuses = {v1::ROUTE_STATUS_CLOSED, v1::ROUTE_STATUS_UNDER_FIRE};
    if (std::find(statuses.begin(), statuses.end(), static_cast<int>(report.status())) ==
        statuses.end()) {
      continue;
    }
    v1::Violation v = Start(agreement, term, RouteReportSource(report), "");
    const std::string summary = absl::StrCat(report.route_id(), " reported ",
                                             StatusText(report.status()), " on ", DayText(day),
                                             report.source().citation().empty() ? "" : " (",
                                             report.source().citation(),
                                             report.source().citation().empty() ? "" : ")");
    HoldResponsible({report.controlling_party(), report.controlling_party_id()},
                    "the report names no controlling party", &v);
    v.set_why(absl::StrCat("the controlling party of ", report.route_id(), " according to the ",
                           "report: ", summary));
    *v.mutable_occurred_at() = report.observed_at();
    AddEvidence(&v, "routes", "route_reports", absl::StrCat(report.position()), 1,
                entry.journal_index, summary);
    found.push_back(std::move(v));
  }
  return found;
}

std::vector<v1::Violation> ForDenial(const v1::Agreement& agreement, const v1::Denial& denial,
                                     int64_t version, const SourceEntry& entry,
                                     absl::CivilDay today) {
  std::vector<v1::Violation> found;
  if (denial.withdrawn()) return found;
  const v1::DenialFacts& facts = denial.facts();
  const absl::CivilDay day = DayOf(facts.occurred_at());
  for (const v1::Term& term : agreement.terms()) {
    if (!term.has_no_denials()) continue;
    const v1::NoDenials& rule = term.no_denials();
    if (!SameParty({rule.party(), rule.party_id()}, {facts.party(), facts.party_id()})) continue;
    if (rule.category() != v1::ACCESS_CONSTRAINT_CATEGORY_UNSPECIFIED &&
        rule.category() != facts.category()) {
      continue;
    }
    if (!InForce(agreement, day, today)) continue;
    v1::Violation v = Start(agreement, term, DenialSource(denial), "");
    std::string category = v1::AccessConstraintCategory_Name(facts.category());
    const std::string summary =
        absl::StrCat(facts.party(), ": ", category, " at ", facts.area_id(), " on ", DayText(day),
                     facts.description().empty() ? "" : " (", facts.description(),
                     facts.description().empty() ? "" : ")");
    HoldResponsible({facts.party(), facts.party_id()}, "the denial names no party", &v);
    v.set_why(absl::StrCat("the denying party of denial ", denial.id(), ": ", summary));
    v.set_unconfirmed(denial.awaiting_confirmation());
    *v.mutable_occurred_at() = facts.occurred_at();
    AddEvidence(&v, "denials", "denials", denial.id(), version, entry.journal_index, summary);
    found.push_back(std::move(v));
  }
  return found;
}

std::vector<v1::Violation> ForIncident(const v1::Agreement& agreement, const v1::Incident& incident,
                                       int64_t version, const SourceEntry& entry,
                                       absl::CivilDay today) {
  std::vector<v1::Violation> found;
  if (incident.withdrawn()) return found;
  const v1::IncidentFacts& facts = incident.facts();
  const absl::CivilDay day = DayOf(facts.occurred_at());
  // An incident known only to its month happened on one of its days: if
  // the agreement was in force on some of them but not all, it may or may
  // not breach it, and is shown as unconfirmed.
  const absl::CivilDay last = facts.precision() == v1::TIME_PRECISION_MONTH
                                  ? absl::CivilDay(absl::CivilMonth(day) + 1) - 1
                                  : day;
  int days_in_force = 0;
  absl::CivilDay first_in_force = last;
  for (absl::CivilDay d = last; d >= day; --d) {
    if (!InForce(agreement, d, today)) continue;
    ++days_in_force;
    first_in_force = d;
  }
  if (days_in_force == 0) return found;
  const bool partly = days_in_force < last - day + 1;
  const std::string where = !facts.area_id().empty()      ? facts.area_id()
                            : !facts.place_name().empty() ? facts.place_name()
                                                          : facts.route_id();
  for (const v1::Term& term : agreement.terms()) {
    const std::string breach = IncidentBreach(term, facts);
    if (breach.empty()) continue;
    v1::Violation v = Start(agreement, term, IncidentSource(incident), "");
    const std::string summary =
        absl::StrCat(breach, " at ", where, " on ", DayText(day), " (", facts.description(), ")");
    HoldResponsible({facts.party(), facts.party_id()}, "the incident names no party", &v);
    const std::string confidence =
        facts.party().empty() ? std::string("no party named")
                              : Words("ATTRIBUTION_CONFIDENCE_", facts.attribution_confidence());
    v.set_why(absl::StrCat(
        "held responsible for incident ", incident.id(), " (attribution: ", confidence,
        facts.attribution_basis().empty() ? "" : "; ", facts.attribution_basis(), "): ", summary));
    if (partly) {
      absl::StrAppend(v.mutable_why(),
                      " (known only to the month, of which the agreement was in "
                      "force for part: it may fall outside)");
    }
    v.set_attribution_confidence(facts.attribution_confidence());
    // An allegation is shown, never counted as established.
    v.set_unconfirmed(partly || facts.party().empty() ||
                      facts.attribution_confidence() == v1::ATTRIBUTION_CONFIDENCE_LOW);
    // Dated within the agreement's days, so that its report finds it.
    *v.mutable_occurred_at() = partly ? StartOf(first_in_force) : facts.occurred_at();
    AddEvidence(&v, "incidents", "incidents", incident.id(), version, entry.journal_index, summary);
    found.push_back(std::move(v));
  }
  return found;
}

std::vector<v1::Violation> ForConvoy(const v1::Agreement& agreement, const v1::Convoy& convoy,
                                     const SourceEntry& entry, absl::CivilDay today,
                                     const AreaParty& area_party) {
  std::vector<v1::Violation> found;
  const std::string source = ConvoySource(convoy);
  for (const v1::Term& term : agreement.terms()) {
    if (term.has_no_items_removed()) {
      if (!CoversArea(term.no_items_removed().area_ids(), convoy.area_id())) continue;
      if (!convoy.has_outcome_date()) continue;
      const absl::CivilDay day = CivilDayOf(convoy.outcome_date());
      if (!InForce(agreement, day, today)) continue;
      std::vector<std::string> removed;
      for (const v1::ManifestLine& line : convoy.manifest()) {
        if (line.quantity_removed() > 0) {
          removed.push_back(absl::StrCat(line.quantity_removed(), " ", line.unit(), " of ",
                                         line.item()));
        }
      }
      if (removed.empty()) continue;
      v1::Violation v = Start(agreement, term, source, "items");
      const std::string summary =
          absl::StrCat("convoy ", convoy.id(), " to ", convoy.area_id(), ", ", DayText(day),
                       ": removed ", absl::StrJoin(removed, ", "));
      NamedParty party{convoy.responsible_party(), convoy.responsible_party_id()};
      const char* why = "the party the convoy's outcome names";
      if (party.text.empty()) {
        if (area_party) party = area_party(convoy.area_id());
        why = "the besieging party of the area (the outcome names no party)";
      }
      HoldResponsible(party, "no party named", &v);
      v.set_why(absl::StrCat(why, ": ", summary));
      *v.mutable_occurred_at() = StartOf(day);
      AddEvidence(&v, "convoys", "convoys", convoy.id(), convoy.version(), entry.journal_index,
                  summary);
      found.push_back(std::move(v));
    }
    if (term.has_requests_answered_within()) {
      const v1::RequestsAnsweredWithin& rule = term.requests_answered_within();
      if (!CoversArea(rule.area_ids(), convoy.area_id())) continue;
      for (const v1::ApprovalStep& step : convoy.approval_steps()) {
        if (!rule.step().empty() && !SameText(rule.step(), step.step())) continue;
        const absl::CivilDay asked = CivilDayOf(step.requested_on());
        const absl::CivilDay deadline = AddWorkingDays(asked, rule.working_days());
        const bool pending = step.outcome() == v1::STEP_OUTCOME_PENDING;
        const absl::CivilDay answered = pending ? today : CivilDayOf(step.answered_on());
        const int late = WorkingDaysBetween(deadline, answered);
        if (late <= 0 || !InForce(agreement, deadline + 1, today)) continue;
        const int taken = WorkingDaysBetween(asked, answered);
        v1::Violation v = Start(agreement, term, source, absl::StrCat(
                                                            "step/", absl::AsciiStrToLower(
                                                                         step.step())));
        const std::string summary = absl::StrCat(
            step.step(), " for convoy ", convoy.id(), " to ", convoy.area_id(), ": asked of ",
            step.authority(), " on ", DayText(asked),
            pending ? absl::StrCat(", still pending past its deadline of ", DayText(deadline))
                    : absl::StrCat(", answered on ", DayText(answered), " after ", taken,
                                   " working days"),
            " (the term allows ", rule.working_days(), ")");
        v.set_party(step.authority());
        v.set_why(absl::StrCat("the authority asked for this approval step: ", summary));
        if (!pending) v.set_days_late(late);
        *v.mutable_occurred_at() = StartOf(deadline + 1);
        AddEvidence(&v, "convoys", "convoys", convoy.id(), convoy.version(), entry.journal_index,
                    summary);
        found.push_back(std::move(v));
      }
    }
  }
  // What a partner wrote last about its own convoy no coordinator has
  // confirmed yet.
  if (convoy.meta().updated_by().role() == v1::ROLE_PARTNER) {
    for (v1::Violation& v : found) v.set_unconfirmed(true);
  }
  return found;
}

std::vector<v1::Violation> ForDeliveries(const v1::Agreement& agreement, const std::string& area_id,
                                         const std::vector<v1::Convoy>& deliveries,
                                         absl::CivilDay today, const AreaParty& area_party) {
  std::vector<v1::Violation> found;
  const absl::CivilDay from = CivilDayOf(agreement.in_force_from());
  const absl::CivilDay until = agreement.has_in_force_until()
                                   ? std::min(CivilDayOf(agreement.in_force_until()), today)
                                   : today;
  std::vector<std::pair<absl::CivilDay, const v1::Convoy*>> days;
  for (const v1::Convoy& c : deliveries) {
    if (c.has_outcome_date()) days.emplace_back(CivilDayOf(c.outcome_date()), &c);
  }
  std::sort(days.begin(), days.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  for (const v1::Term& term : agreement.terms()) {
    if (!term.has_delivery_every() || term.delivery_every().area_id() != area_id) continue;
    const int allowed = term.delivery_every().days();
    NamedParty party{term.delivery_every().responsible_party(),
                     term.delivery_every().responsible_party_id()};
    const char* why = "responsible under the term";
    if (party.text.empty()) {
      if (area_party) party = area_party(area_id);
      why = "the besieging party of the area";
    }
    absl::CivilDay last = from;
    const v1::Convoy* last_convoy = nullptr;
    auto gap = [&](absl::CivilDay next, const v1::Convoy* next_convoy) {
      if (next - last <= allowed) return;
      v1::Violation v = Start(agreement, term, AreaSource(area_id),
                              absl::StrCat("gap/", DayText(last)));
      const std::string summary =
          next_convoy == nullptr
              ? absl::StrCat("no delivery to ", area_id, " since ", DayText(last),
                             " (the term allows ", allowed, " days)")
              : absl::StrCat("no delivery to ", area_id, " between ", DayText(last), " and ",
                             DayText(next), " (", next - last, " days; the term allows ",
                             allowed, ")");
      HoldResponsible(party, "the area has no besieging party on record", &v);
      v.set_why(absl::StrCat(why, ": ", summary));
      *v.mutable_occurred_at() = StartOf(last + allowed + 1);
      for (const v1::Convoy* c : {last_convoy, next_convoy}) {
        if (c == nullptr) continue;
        AddEvidence(&v, "convoys", "convoys", c->id(), c->version(), 0,
                    absl::StrCat("delivery by convoy ", c->id(), " on ",
                                 DayText(CivilDayOf(c->outcome_date()))));
      }
      if (v.evidence().empty()) {
        AddEvidence(&v, "convoys", "convoys", "", 0, 0, summary);
      }
      found.push_back(std::move(v));
    };
    for (const auto& [day, convoy] : days) {
      if (day < from) {
        continue;
      }
      if (day > until) break;
      gap(day, convoy);
      last = day;
      last_convoy = convoy;
    }
    gap(until, nullptr);
  }
  return found;
}

}  // namespace corridor::agreements
