#include "services/agreements/agreement_validation.h"

#include <set>

#include "absl/strings/str_cat.h"
#include "common/status.h"
#include "common/validation.h"

namespace corridor::agreements {
namespace {

constexpr size_t kMaxNameBytes = 200;
constexpr size_t kMaxTextBytes = 4000;
constexpr int kMaxTerms = 50;

// 2-64 (1-64 for terms) of a-z, 0-9 and '-'.
absl::Status CheckSlug(const std::string& field, const std::string& id, size_t min) {
  return corridor::CheckSlug(field, id, min, "us-russia-2016-09-09");
}

absl::Status CheckAreas(const std::string& field,
                        const google::protobuf::RepeatedPtrField<std::string>& area_ids) {
  std::set<std::string> seen;
  for (int i = 0; i < area_ids.size(); ++i) {
    CORRIDOR_RETURN_IF_ERROR(CheckId(absl::StrCat(field, "[", i, "]"), area_ids[i], true));
    if (!seen.insert(area_ids[i]).second) {
      return InvalidField(absl::StrCat(field, "[", i, "]"),
                          absl::StrCat("\"", area_ids[i], "\" is listed twice"));
    }
  }
  return absl::OkStatus();
}

absl::Status CheckTerm(const std::string& field, const v1::Term& term) {
  CORRIDOR_RETURN_IF_ERROR(CheckSlug(field + ".id", term.id(), 1));
  CORRIDOR_RETURN_IF_ERROR(CheckText(field + ".text", term.text(), kMaxTextBytes, false));
  CORRIDOR_RETURN_IF_ERROR(CheckText(field + ".consequence", term.consequence(), kMaxTextBytes,
                                     true));
  switch (term.rule_case()) {
    case v1::Term::kRouteKeptOpen: {
      const std::string f = field + ".route_kept_open";
      CORRIDOR_RETURN_IF_ERROR(CheckId(f + ".route_id", term.route_kept_open().route_id(), true));
      for (int i = 0; i < term.route_kept_open().statuses_size(); ++i) {
        const int status = term.route_kept_open().statuses(i);
        if (status == v1::ROUTE_STATUS_UNSPECIFIED || !v1::RouteStatus_IsValid(status)) {
          return InvalidField(absl::StrCat(f, ".statuses[", i, "]"), "is not a route status");
        }
      }
      return absl::OkStatus();
    }
    case v1::Term::kRequestsAnsweredWithin: {
      const std::string f = field + ".requests_answered_within";
      const v1::RequestsAnsweredWithin& rule = term.requests_answered_within();
      CORRIDOR_RETURN_IF_ERROR(CheckAreas(f + ".area_ids", rule.area_ids()));
      if (rule.working_days() < 1 || rule.working_days() > 365) {
        return InvalidField(f + ".working_days",
                            absl::StrCat("must be 1 to 365, not ", rule.working_days()));
      }
      return CheckText(f + ".step", rule.step(), 100, false);
    }
    case v1::Term::kNoItemsRemoved:
      return CheckAreas(field + ".no_items_removed.area_ids", term.no_items_removed().area_ids());
    case v1::Term::kDeliveryEvery: {
      const std::string f = field + ".delivery_every";
      CORRIDOR_RETURN_IF_ERROR(CheckId(f + ".area_id", term.delivery_every().area_id(), true));
      if (term.delivery_every().days() < 1 || term.delivery_every().days() > 3650) {
        return InvalidField(f + ".days",
                            absl::StrCat("must be 1 to 3650, not ", term.delivery_every().days()));
      }
      return CheckText(f + ".responsible_party", term.delivery_every().responsible_party(),
                       kMaxNameBytes, false);
    }
    case v1::Term::kNoDenials: {
      const std::string f = field + ".no_denials";
      CORRIDOR_RETURN_IF_ERROR(CheckText(f + ".party", term.no_denials().party(), kMaxNameBytes,
                                         true));
      if (term.no_denials().category() != v1::ACCESS_CONSTRAINT_CATEGORY_UNSPECIFIED) {
        return CheckAccessCategory(f + ".category", term.no_denials().category());
      }
      return absl::OkStatus();
    }
    case v1::Term::kNoWeaponsUsed: {
      const std::string f = field + ".no_weapons_used";
      const v1::NoWeaponsUsed& rule = term.no_weapons_used();
      if (rule.weapons().empty()) {
        return InvalidField(f + ".weapons", "name at least one weapon, e.g. WEAPON_BARREL_BOMB");
      }
      for (int i = 0; i < rule.weapons_size(); ++i) {
        if (rule.weapons(i) == v1::WEAPON_UNSPECIFIED || !v1::Weapon_IsValid(rule.weapons(i))) {
          return InvalidField(absl::StrCat(f, ".weapons[", i, "]"), "is not a weapon of the list");
        }
      }
      return CheckAreas(f + ".area_ids", rule.area_ids());
    }
    case v1::Term::kNoAttacksInPopulatedAreas:
    case v1::Term::kNoAttacksOnAidWorkers:
    case v1::Term::kNoAirStrikes: {
      const auto& [name, areas] = IncidentTermAreas(term);
      return CheckAreas(absl::StrCat(field, ".", name, ".area_ids"), *areas);
    }
    case v1::Term::RULE_NOT_SET:
      break;
  }
  return InvalidField(field,
                      "needs a rule: route_kept_open, requests_answered_within, "
                      "no_items_removed, delivery_every, no_denials, no_weapons_used, "
                      "no_attacks_in_populated_areas, no_attacks_on_aid_workers or "
                      "no_air_strikes");
}

}  // namespace

std::pair<std::string, const google::protobuf::RepeatedPtrField<std::string>*> IncidentTermAreas(
    const v1::Term& term) {
  switch (term.rule_case()) {
    case v1::Term::kNoWeaponsUsed:
      return {"no_weapons_used", &term.no_weapons_used().area_ids()};
    case v1::Term::kNoAttacksInPopulatedAreas:
      return {"no_attacks_in_populated_areas", &term.no_attacks_in_populated_areas().area_ids()};
    case v1::Term::kNoAttacksOnAidWorkers:
      return {"no_attacks_on_aid_workers", &term.no_attacks_on_aid_workers().area_ids()};
    case v1::Term::kNoAirStrikes:
      return {"no_air_strikes", &term.no_air_strikes().area_ids()};
    default:
      return {"", nullptr};
  }
}

absl::Status ValidateConsequence(const v1::ConsequenceRecord& record) {
  const std::string f = "consequence";
  CORRIDOR_RETURN_IF_ERROR(CheckText(f + ".violation_id", record.violation_id(), 600, true));
  CORRIDOR_RETURN_IF_ERROR(CheckText(f + ".what", record.what(), kMaxTextBytes, true));
  CORRIDOR_RETURN_IF_ERROR(
      CheckText(f + ".applied_by", record.applied_by(), kMaxNameBytes, record.applied()));
  if (!record.has_decided_on()) {
    return InvalidField(f + ".decided_on", "is required: when it was applied or decided against");
  }
  CORRIDOR_RETURN_IF_ERROR(CheckDate(f + ".decided_on", record.decided_on()));
  if (CivilDayOf(record.decided_on()) > TodayUtc() + 1) {
    return InvalidField(f + ".decided_on",
                        absl::StrCat(FormatDate(record.decided_on()), " lies in the future"));
  }
  return CheckSource(f + ".source", record.source(), true);
}

absl::Status ValidateAgreement(const v1::Agreement& a) {
  CORRIDOR_RETURN_IF_ERROR(CheckSlug("agreement.id", a.id(), 2));
  CORRIDOR_RETURN_IF_ERROR(CheckText("agreement.name", a.name(), kMaxNameBytes, true));
  if (a.parties().empty()) {
    return InvalidField("agreement.parties", "name at least one party to the agreement");
  }
  for (int i = 0; i < a.parties_size(); ++i) {
    CORRIDOR_RETURN_IF_ERROR(
        CheckText(absl::StrCat("agreement.parties[", i, "]"), a.parties(i), kMaxNameBytes, true));
  }
  if (!a.has_in_force_from()) return InvalidField("agreement.in_force_from", "is required");
  CORRIDOR_RETURN_IF_ERROR(CheckDate("agreement.in_force_from", a.in_force_from()));
  if (a.has_in_force_until()) {
    CORRIDOR_RETURN_IF_ERROR(CheckDate("agreement.in_force_until", a.in_force_until()));
    if (DateNumber(a.in_force_until()) < DateNumber(a.in_force_from())) {
      return InvalidField("agreement.in_force_until",
                          absl::StrCat(FormatDate(a.in_force_until()), " is before in_force_from ",
                                       FormatDate(a.in_force_from())));
    }
  }
  if (a.terms().empty() || a.terms_size() > kMaxTerms) {
    return InvalidField("agreement.terms", absl::StrCat("needs 1 to ", kMaxTerms, " terms"));
  }
  std::set<std::string> ids;
  for (int i = 0; i < a.terms_size(); ++i) {
    const std::string field = absl::StrCat("agreement.terms[", i, "]");
    CORRIDOR_RETURN_IF_ERROR(CheckTerm(field, a.terms(i)));
    if (!ids.insert(a.terms(i).id()).second) {
      return InvalidField(field + ".id", absl::StrCat("\"", a.terms(i).id(), "\" is used twice"));
    }
  }
  if (a.sources().empty()) {
    return InvalidField("agreement.sources", "cite where the agreement's text is published");
  }
  for (int i = 0; i < a.sources_size(); ++i) {
    CORRIDOR_RETURN_IF_ERROR(CheckSource(absl::StrCat("agreement.sources[", i, "]"), a.sources(i),
                                         true));
  }
  return CheckText("agreement.note", a.note(), kMaxTextBytes, false);
}

absl::Status ValidateListViolations(const v1::ListViolationsRequest& request) {
  if (!request.agreement_id().empty()) {
    CORRIDOR_RETURN_IF_ERROR(CheckSlug("agreement_id", request.agreement_id(), 2));
  }
  return CheckText("party", request.party(), kMaxNameBytes, false);
}

absl::Status ValidateReport(const v1::GetComplianceReportRequest& request) {
  if (request.agreement_id().empty()) return InvalidField("agreement_id", "is required");
  CORRIDOR_RETURN_IF_ERROR(CheckSlug("agreement_id", request.agreement_id(), 2));
  if (request.has_from()) CORRIDOR_RETURN_IF_ERROR(CheckDate("from", request.from()));
  if (request.has_to()) CORRIDOR_RETURN_IF_ERROR(CheckDate("to", request.to()));
  if (request.has_from() && request.has_to() &&
      DateNumber(request.to()) < DateNumber(request.from())) {
    return InvalidField("to", "is before from");
  }
  return absl::OkStatus();
}

}  // namespace corridor::agreements
