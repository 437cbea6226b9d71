#include "services/incidents/incident_validation.h"

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "common/validation.h"
#include "google/protobuf/util/time_util.h"
#include "services/common/record_checks.h"

namespace corridor::incidents {
namespace {

constexpr size_t kMaxNameBytes = 200;
constexpr size_t kMaxTextBytes = 4000;
constexpr size_t kMaxKeyBytes = 128;

absl::Status CheckCount(absl::string_view field, bool present, int64_t value) {
  if (present && (value < 0 || value > kMaxCasualties)) {
    return InvalidField(field, absl::StrCat(value,
                                            " is out of range (0 to 100,000,000; leave it out "
                                            "if unknown)"));
  }
  return absl::OkStatus();
}

absl::Status CheckCasualtyCount(absl::string_view field, const v1::CasualtyCount& count,
                                const v1::CasualtyCount& total, bool is_total) {
  CORRIDOR_RETURN_IF_ERROR(
      CheckCount(absl::StrCat(field, ".killed"), count.has_killed(), count.killed()));
  CORRIDOR_RETURN_IF_ERROR(
      CheckCount(absl::StrCat(field, ".injured"), count.has_injured(), count.injured()));
  if (is_total) return absl::OkStatus();
  if (count.has_killed() && total.has_killed() && count.killed() > total.killed()) {
    return InvalidField(absl::StrCat(field, ".killed"),
                        absl::StrCat(count.killed(), " is more than total.killed (", total.killed(),
                                     "); a group is part of the total"));
  }
  if (count.has_injured() && total.has_injured() && count.injured() > total.injured()) {
    return InvalidField(absl::StrCat(field, ".injured"),
                        absl::StrCat(count.injured(), " is more than total.injured (",
                                     total.injured(), "); a group is part of the total"));
  }
  return absl::OkStatus();
}

// occurred_at must be 00:00 UTC for a day, and the 1st at 00:00 for a month.
absl::Status CheckPrecision(absl::string_view field, const v1::IncidentFacts& facts) {
  if (!v1::TimePrecision_IsValid(facts.precision())) {
    return InvalidField(absl::StrCat(field, ".precision"), "is not TIME, DAY or MONTH");
  }
  if (facts.precision() != v1::TIME_PRECISION_DAY &&
      facts.precision() != v1::TIME_PRECISION_MONTH) {
    return absl::OkStatus();
  }
  const absl::CivilSecond utc = absl::ToCivilSecond(
      absl::FromUnixSeconds(facts.occurred_at().seconds()), absl::UTCTimeZone());
  const bool midnight =
      utc.hour() == 0 && utc.minute() == 0 && utc.second() == 0 && facts.occurred_at().nanos() == 0;
  if (!midnight || (facts.precision() == v1::TIME_PRECISION_MONTH && utc.day() != 1)) {
    return InvalidField(
        absl::StrCat(field, ".occurred_at"),
        facts.precision() == v1::TIME_PRECISION_DAY
            ? "must be 00:00 UTC of its day when precision is DAY (send the date alone)"
            : "must be the 1st of its month at 00:00 UTC when precision is MONTH");
  }
  return absl::OkStatus();
}

absl::Status CheckWhere(absl::string_view field, const v1::IncidentFacts& facts) {
  auto name = [&](absl::string_view f) { return absl::StrCat(field, ".", f); };
  CORRIDOR_RETURN_IF_ERROR(CheckId(name("area_id"), facts.area_id(), false));
  CORRIDOR_RETURN_IF_ERROR(CheckId(name("route_id"), facts.route_id(), false));
  CORRIDOR_RETURN_IF_ERROR(CheckText(name("checkpoint"), facts.checkpoint(), kMaxNameBytes, false));
  CORRIDOR_RETURN_IF_ERROR(CheckText(name("place_name"), facts.place_name(), kMaxNameBytes, false));
  if (facts.has_location()) {
    CORRIDOR_RETURN_IF_ERROR(CheckGeoPoint(name("location"), facts.location()));
    if (facts.place_name().empty()) {
      return InvalidField(name("place_name"),
                          "is required with a location: name the place the coordinates are");
    }
  }
  if (facts.area_id().empty() && facts.route_id().empty() && !facts.has_location()) {
    return InvalidField(name("area_id"),
                        "is required unless route_id or location says where it happened");
  }
  return absl::OkStatus();
}

absl::Status CheckWhat(absl::string_view field, const v1::IncidentFacts& facts) {
  auto name = [&](absl::string_view f) { return absl::StrCat(field, ".", f); };
  if (!v1::IncidentType_IsValid(facts.type())) {
    return InvalidField(name("type"), absl::StrCat(facts.type(), " is not an incident type"));
  }
  if (facts.type() == v1::INCIDENT_TYPE_UNSPECIFIED) {
    return InvalidField(name("type"),
                        "is required: AIR_STRIKE, SHELLING, GROUND_ATTACK, SNIPER, "
                        "LANDMINE_OR_IED, CHEMICAL, ATTACK_ON_CONVOY, "
                        "ATTACK_ON_MEDICAL_FACILITY, ATTACK_ON_AID_WORKERS or OTHER");
  }
  absl::flat_hash_set<int> weapons;
  for (int i = 0; i < facts.weapons_size(); ++i) {
    const int weapon = facts.weapons(i);
    const std::string weapon_field = absl::StrCat(field, ".weapons[", i, "]");
    if (weapon == v1::WEAPON_UNSPECIFIED || !v1::Weapon_IsValid(weapon)) {
      return InvalidField(weapon_field,
                          "is not a weapon of the list (leave weapons empty if "
                          "unknown, or use OTHER)");
    }
    if (!weapons.insert(weapon).second) {
      return InvalidField(weapon_field,
                          absl::StrCat(v1::Weapon_Name(facts.weapons(i)), " is listed twice"));
    }
  }
  return ValidateCasualties(name("casualties"), facts.casualties());
}

absl::Status CheckWho(absl::string_view field, const v1::IncidentFacts& facts) {
  auto name = [&](absl::string_view f) { return absl::StrCat(field, ".", f); };
  CORRIDOR_RETURN_IF_ERROR(CheckText(name("party"), facts.party(), kMaxNameBytes, false));
  if (facts.party() != absl::StripAsciiWhitespace(facts.party())) {
    return InvalidField(name("party"), "has spaces at the start or end; remove them");
  }
  CORRIDOR_RETURN_IF_ERROR(
      CheckText(name("attribution_basis"), facts.attribution_basis(), kMaxTextBytes, false));
  if (!v1::AttributionConfidence_IsValid(facts.attribution_confidence())) {
    return InvalidField(name("attribution_confidence"), "is not LOW, MEDIUM or HIGH");
  }
  if (facts.party().empty()) {
    if (facts.attribution_confidence() != v1::ATTRIBUTION_CONFIDENCE_UNSPECIFIED) {
      return InvalidField(name("attribution_confidence"),
                          "is set but no party is named; name the party, or leave both out");
    }
    if (!facts.attribution_basis().empty()) {
      return InvalidField(name("attribution_basis"),
                          "is set but no party is named; name the party, or leave both out");
    }
    return absl::OkStatus();
  }
  if (facts.attribution_confidence() == v1::ATTRIBUTION_CONFIDENCE_UNSPECIFIED) {
    return InvalidField(name("attribution_confidence"),
                        "is required with a party: LOW (alleged), MEDIUM (corroborated) or "
                        "HIGH (established)");
  }
  if (absl::StripAsciiWhitespace(facts.attribution_basis()).empty()) {
    return InvalidField(name("attribution_basis"),
                        "is required with a party: who attributed the incident to it, and on "
                        "what");
  }
  return absl::OkStatus();
}

absl::Status CheckSources(absl::string_view field, const v1::IncidentFacts& facts) {
  if (facts.sources_size() == 0) {
    return InvalidField(absl::StrCat(field, ".sources"), "needs at least one cited source");
  }
  if (facts.sources_size() > kMaxSources) {
    return InvalidField(
        absl::StrCat(field, ".sources"),
        absl::StrCat("has ", facts.sources_size(), " items; at most ", kMaxSources));
  }
  for (int i = 0; i < facts.sources_size(); ++i) {
    const std::string source_field = absl::StrCat(field, ".sources[", i, "]");
    CORRIDOR_RETURN_IF_ERROR(
        CheckSource(absl::StrCat(source_field, ".source"), facts.sources(i).source(), true));
    CORRIDOR_RETURN_IF_ERROR(
        ValidateCasualties(absl::StrCat(source_field, ".reported"), facts.sources(i).reported()));
  }
  if (facts.evidence_size() > kMaxEvidence) {
    return InvalidField(
        absl::StrCat(field, ".evidence"),
        absl::StrCat("has ", facts.evidence_size(), " items; at most ", kMaxEvidence));
  }
  for (int i = 0; i < facts.evidence_size(); ++i) {
    CORRIDOR_RETURN_IF_ERROR(
        CheckEvidence(absl::StrCat(field, ".evidence[", i, "]"), facts.evidence(i)));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ValidateIncidentId(absl::string_view field, absl::string_view id) {
  return CheckRecordId(field, id, "in-", "an incident id");
}

absl::Status ValidateCasualties(absl::string_view field, const v1::Casualties& casualties) {
  const v1::CasualtyCount& total = casualties.total();
  CORRIDOR_RETURN_IF_ERROR(CheckCasualtyCount(absl::StrCat(field, ".total"), total, total, true));
  const std::pair<const char*, const v1::CasualtyCount*> groups[] = {
      {"civilians", &casualties.civilians()},
      {"children", &casualties.children()},
      {"aid_workers", &casualties.aid_workers()},
      {"medical_workers", &casualties.medical_workers()}};
  for (const auto& [name, count] : groups) {
    CORRIDOR_RETURN_IF_ERROR(
        CheckCasualtyCount(absl::StrCat(field, ".", name), *count, total, false));
  }
  return absl::OkStatus();
}

absl::Status ValidateFacts(absl::string_view field, const v1::IncidentFacts& facts,
                           absl::Time now) {
  const std::string occurred = absl::StrCat(field, ".occurred_at");
  CORRIDOR_RETURN_IF_ERROR(
      CheckOccurredAt(occurred, facts.has_occurred_at(), facts.occurred_at(), now));
  CORRIDOR_RETURN_IF_ERROR(CheckPrecision(field, facts));
  CORRIDOR_RETURN_IF_ERROR(CheckWhere(field, facts));
  CORRIDOR_RETURN_IF_ERROR(CheckWhat(field, facts));
  CORRIDOR_RETURN_IF_ERROR(CheckWho(field, facts));
  CORRIDOR_RETURN_IF_ERROR(
      CheckText(absl::StrCat(field, ".description"), facts.description(), kMaxTextBytes, true));
  CORRIDOR_RETURN_IF_ERROR(CheckSources(field, facts));
  return CheckId(absl::StrCat(field, ".convoy_id"), facts.convoy_id(), false);
}

absl::Status ValidateRecord(const v1::RecordIncidentRequest& request, absl::Time now) {
  if (!request.has_facts()) return InvalidField("facts", "is required");
  CORRIDOR_RETURN_IF_ERROR(ValidateFacts("facts", request.facts(), now));
  return CheckText("idempotency_key", request.idempotency_key(), kMaxKeyBytes, true);
}

absl::Status ValidateCorrect(const v1::CorrectIncidentRequest& request, absl::Time now) {
  CORRIDOR_RETURN_IF_ERROR(ValidateIncidentId("incident_id", request.incident_id()));
  if (request.expected_revision() < 0) {
    return InvalidField("expected_revision", "must not be negative");
  }
  CORRIDOR_RETURN_IF_ERROR(CheckText("reason", request.reason(), kMaxTextBytes, true));
  if (request.withdraw()) return absl::OkStatus();
  if (!request.has_facts()) {
    return InvalidField("facts", "is required: the complete corrected facts (or set withdraw)");
  }
  return ValidateFacts("facts", request.facts(), now);
}

absl::Status ValidateList(const v1::ListIncidentsRequest& request) {
  CORRIDOR_RETURN_IF_ERROR(CheckText("party", request.party(), kMaxNameBytes, false));
  CORRIDOR_RETURN_IF_ERROR(CheckId("area_id", request.area_id(), false));
  CORRIDOR_RETURN_IF_ERROR(CheckId("convoy_id", request.convoy_id(), false));
  if (!v1::IncidentType_IsValid(request.type())) {
    return InvalidField("type", "is not an incident type");
  }
  if (!v1::Weapon_IsValid(request.weapon())) return InvalidField("weapon", "is not a weapon");
  return CheckPeriod(request.has_since(), request.since(), request.has_until(), request.until());
}

absl::Status ValidateStats(const v1::IncidentStatsRequest& request) {
  CORRIDOR_RETURN_IF_ERROR(CheckMonthRange(request.has_from(), request.from(), request.has_to(),
                                           request.to(), kMaxStatsMonths));
  if (!v1::IncidentStatsDimension_IsValid(request.group_by())) {
    return InvalidField("group_by", absl::StrCat(request.group_by(), " is not a grouping"));
  }
  if (request.group_by() == v1::INCIDENT_STATS_DIMENSION_UNSPECIFIED) {
    return InvalidField("group_by", "is required: PARTY, TYPE, WEAPON, AREA or MONTH");
  }
  CORRIDOR_RETURN_IF_ERROR(CheckText("party", request.party(), kMaxNameBytes, false));
  CORRIDOR_RETURN_IF_ERROR(CheckId("area_id", request.area_id(), false));
  if (!v1::IncidentType_IsValid(request.type())) return InvalidField("type", "is not a type");
  if (!v1::Weapon_IsValid(request.weapon())) return InvalidField("weapon", "is not a weapon");
  const int filters = !request.party().empty() + (request.type() != 0) + (request.weapon() != 0) +
                      !request.area_id().empty();
  if (filters > 1) {
    return InvalidField("party",
                        "and type, weapon and area_id: give at most one filter (list "
                        "the incidents to combine them)");
  }
  if (filters == 1 && request.party().empty() &&
      request.group_by() != v1::INCIDENT_STATS_DIMENSION_MONTH) {
    const char* filter = request.type() != 0     ? "type"
                         : request.weapon() != 0 ? "weapon"
                                                 : "area_id";
    return InvalidField(filter, "combines only with group_by MONTH (or filter by party)");
  }
  return absl::OkStatus();
}

}  // namespace corridor::incidents
