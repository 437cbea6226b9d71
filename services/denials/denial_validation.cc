#include "services/denials/denial_validation.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/status.h"
#include "common/validation.h"
#include "services/common/record_checks.h"

namespace corridor::denials {
namespace {

constexpr size_t kMaxNameBytes = 200;
constexpr size_t kMaxTextBytes = 4000;
constexpr size_t kMaxKeyBytes = 128;
constexpr int64_t kMaxPeople = 100'000'000;

}  // namespace

absl::Status ValidateDenialId(absl::string_view field, absl::string_view id) {
  return CheckRecordId(field, id, "dn-", "a denial id");
}

absl::Status ValidateFacts(absl::string_view field, const v1::DenialFacts& facts, absl::Time now) {
  auto name = [&](absl::string_view f) { return absl::StrCat(field, ".", f); };
  CORRIDOR_RETURN_IF_ERROR(CheckText(name("party"), facts.party(), kMaxNameBytes, true));
  if (facts.party() != absl::StripAsciiWhitespace(facts.party())) {
    return InvalidField(name("party"), "has spaces at the start or end; remove them");
  }
  CORRIDOR_RETURN_IF_ERROR(CheckId(name("area_id"), facts.area_id(), true));
  CORRIDOR_RETURN_IF_ERROR(CheckId(name("route_id"), facts.route_id(), false));
  CORRIDOR_RETURN_IF_ERROR(CheckText(name("checkpoint"), facts.checkpoint(), kMaxNameBytes, false));
  CORRIDOR_RETURN_IF_ERROR(CheckId(name("convoy_id"), facts.convoy_id(), false));
  CORRIDOR_RETURN_IF_ERROR(
      CheckOccurredAt(name("occurred_at"), facts.has_occurred_at(), facts.occurred_at(), now));
  CORRIDOR_RETURN_IF_ERROR(CheckAccessCategory(name("category"), facts.category()));
  CORRIDOR_RETURN_IF_ERROR(
      CheckText(name("description"), facts.description(), kMaxTextBytes, true));
  CORRIDOR_RETURN_IF_ERROR(CheckSource(name("source"), facts.source(), true));
  if (facts.evidence_size() > kMaxEvidence) {
    return InvalidField(name("evidence"), absl::StrCat("has ", facts.evidence_size(),
                                                       " items; at most ", kMaxEvidence));
  }
  for (int i = 0; i < facts.evidence_size(); ++i) {
    CORRIDOR_RETURN_IF_ERROR(
        CheckEvidence(absl::StrCat(field, ".evidence[", i, "]"), facts.evidence(i)));
  }
  if (facts.has_people_affected() &&
      (facts.people_affected() < 0 || facts.people_affected() > kMaxPeople)) {
    return InvalidField(
        name("people_affected"),
        absl::StrCat(facts.people_affected(),
                     " is out of range (0 to 100,000,000; leave it out if unknown)"));
  }
  return absl::OkStatus();
}

absl::Status ValidateRecord(const v1::RecordDenialRequest& request, absl::Time now) {
  if (!request.has_facts()) return InvalidField("facts", "is required");
  CORRIDOR_RETURN_IF_ERROR(ValidateFacts("facts", request.facts(), now));
  return CheckText("idempotency_key", request.idempotency_key(), kMaxKeyBytes, true);
}

absl::Status ValidateCorrect(const v1::CorrectDenialRequest& request, absl::Time now) {
  CORRIDOR_RETURN_IF_ERROR(ValidateDenialId("denial_id", request.denial_id()));
  if (request.expected_revision() < 0) {
    return InvalidField("expected_revision", "must not be negative");
  }
  CORRIDOR_RETURN_IF_ERROR(CheckText("reason", request.reason(), kMaxTextBytes, true));
  if (request.confirm() && request.withdraw()) {
    return InvalidField("confirm", "cannot be set with withdraw: confirm or withdraw, not both");
  }
  if (request.withdraw() || request.confirm()) return absl::OkStatus();
  if (!request.has_facts()) {
    return InvalidField("facts", "is required: the complete corrected facts (or set withdraw)");
  }
  return ValidateFacts("facts", request.facts(), now);
}

absl::Status ValidateList(const v1::ListDenialsRequest& request) {
  CORRIDOR_RETURN_IF_ERROR(CheckText("party", request.party(), kMaxNameBytes, false));
  CORRIDOR_RETURN_IF_ERROR(CheckId("area_id", request.area_id(), false));
  CORRIDOR_RETURN_IF_ERROR(CheckId("route_id", request.route_id(), false));
  CORRIDOR_RETURN_IF_ERROR(CheckId("convoy_id", request.convoy_id(), false));
  if (request.category() != v1::ACCESS_CONSTRAINT_CATEGORY_UNSPECIFIED) {
    CORRIDOR_RETURN_IF_ERROR(CheckAccessCategory("category", request.category()));
  }
  return CheckPeriod(request.has_since(), request.since(), request.has_until(), request.until());
}

absl::Status ValidateStats(const v1::DenialStatsRequest& request) {
  CORRIDOR_RETURN_IF_ERROR(CheckMonthRange(request.has_from(), request.from(), request.has_to(),
                                           request.to(), kMaxStatsMonths));
  if (request.group_by() == v1::STATS_DIMENSION_UNSPECIFIED ||
      !v1::StatsDimension_IsValid(request.group_by())) {
    // The contract's names, as gRPC and the JSON gateway take them.
    return InvalidField("group_by",
                        "is required: STATS_DIMENSION_PARTY, STATS_DIMENSION_CATEGORY, "
                        "STATS_DIMENSION_AREA or STATS_DIMENSION_MONTH");
  }
  CORRIDOR_RETURN_IF_ERROR(CheckText("party", request.party(), kMaxNameBytes, false));
  CORRIDOR_RETURN_IF_ERROR(CheckId("area_id", request.area_id(), false));
  if (request.category() != v1::ACCESS_CONSTRAINT_CATEGORY_UNSPECIFIED) {
    CORRIDOR_RETURN_IF_ERROR(CheckAccessCategory("category", request.category()));
  }
  // Counters exist for up to two of the three dimensions together.
  int named = 0;
  named += !request.party().empty() || request.group_by() == v1::STATS_DIMENSION_PARTY;
  named += !request.area_id().empty() || request.group_by() == v1::STATS_DIMENSION_AREA;
  named += request.category() != v1::ACCESS_CONSTRAINT_CATEGORY_UNSPECIFIED ||
           request.group_by() == v1::STATS_DIMENSION_CATEGORY;
  if (named > 2) {
    return InvalidField("group_by",
                        "with these filters names party, area and category together; stats "
                        "combine at most two of them (drop a filter, or list the denials with "
                        "all filters)");
  }
  return absl::OkStatus();
}

}  // namespace corridor::denials
