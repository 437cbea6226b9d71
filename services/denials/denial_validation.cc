#include "services/denials/denial_validation.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/status.h"
#include "common/validation.h"
#include "google/protobuf/util/time_util.h"

namespace corridor::denials {
namespace {

using google::protobuf::util::TimeUtil;

constexpr size_t kMaxNameBytes = 200;
constexpr size_t kMaxTextBytes = 4000;
constexpr size_t kMaxUriBytes = 2000;
constexpr size_t kMaxKeyBytes = 128;
constexpr int64_t kMaxPeople = 100'000'000;

// Timestamps from 1900 to 9999, like dates elsewhere.
constexpr int64_t kMinSeconds = -2208988800;   // 1900-01-01T00:00:00Z
constexpr int64_t kMaxSeconds = 253402300799;  // 9999-12-31T23:59:59Z

absl::Status CheckTimestamp(absl::string_view field, const google::protobuf::Timestamp& t) {
  if (t.seconds() < kMinSeconds || t.seconds() > kMaxSeconds || t.nanos() < 0 ||
      t.nanos() > 999'999'999) {
    return InvalidField(field, "is not a time between 1900 and 9999");
  }
  return absl::OkStatus();
}

bool IsHex(absl::string_view text) {
  for (char c : text) {
    if (!absl::ascii_isxdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

absl::Status CheckEvidence(absl::string_view field, const v1::Evidence& evidence) {
  if (evidence.uri().empty() && evidence.sha256().empty()) {
    return InvalidField(field, "needs a uri or a sha256 (or both)");
  }
  if (!evidence.uri().empty()) {
    const std::string uri_field = absl::StrCat(field, ".uri");
    CORRIDOR_RETURN_IF_ERROR(CheckText(uri_field, evidence.uri(), kMaxUriBytes, false));
    if (!absl::StartsWith(evidence.uri(), "https://") &&
        !absl::StartsWith(evidence.uri(), "http://")) {
      return InvalidField(uri_field, "must be an http:// or https:// URL");
    }
  }
  if (!evidence.sha256().empty() && (evidence.sha256().size() != 64 || !IsHex(evidence.sha256()))) {
    return InvalidField(absl::StrCat(field, ".sha256"),
                        "must be 64 hex digits (a file's SHA-256, e.g. from sha256sum)");
  }
  return CheckText(absl::StrCat(field, ".note"), evidence.note(), kMaxTextBytes, false);
}

absl::Status CheckMonth(absl::string_view field, const v1::YearMonth& month, bool present) {
  if (!present) return InvalidField(field, "is required (year and month)");
  if (month.year() < 1900 || month.year() > 9999 || month.month() < 1 || month.month() > 12) {
    return InvalidField(field, absl::StrCat(month.year(), "-", month.month(),
                                            " is not a month (year 1900-9999, month 1-12)"));
  }
  return absl::OkStatus();
}

}  // namespace

uint32_t MonthNumber(const v1::YearMonth& month) {
  return static_cast<uint32_t>(month.year() * 100 + month.month());
}

absl::Status ValidateDenialId(absl::string_view field, absl::string_view id) {
  if (id.empty()) return InvalidField(field, "is required");
  if (id.size() != 19 || !absl::StartsWith(id, "dn-") || !IsHex(id.substr(3))) {
    return InvalidField(field, "is not a denial id (\"dn-\" and 16 hex digits)");
  }
  return absl::OkStatus();
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
  if (!facts.has_occurred_at()) return InvalidField(name("occurred_at"), "is required");
  CORRIDOR_RETURN_IF_ERROR(CheckTimestamp(name("occurred_at"), facts.occurred_at()));
  if (absl::FromUnixSeconds(facts.occurred_at().seconds()) > now + absl::Hours(24)) {
    return InvalidField(name("occurred_at"),
                        absl::StrCat(TimeUtil::ToString(facts.occurred_at()),
                                     " lies in the future; record what has happened"));
  }
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
  if (request.has_since()) CORRIDOR_RETURN_IF_ERROR(CheckTimestamp("since", request.since()));
  if (request.has_until()) CORRIDOR_RETURN_IF_ERROR(CheckTimestamp("until", request.until()));
  if (request.has_since() && request.has_until() && !(request.since() < request.until())) {
    return InvalidField("until", "must be after since");
  }
  return absl::OkStatus();
}

absl::Status ValidateStats(const v1::DenialStatsRequest& request) {
  CORRIDOR_RETURN_IF_ERROR(CheckMonth("from", request.from(), request.has_from()));
  CORRIDOR_RETURN_IF_ERROR(CheckMonth("to", request.to(), request.has_to()));
  const int from = request.from().year() * 12 + request.from().month();
  const int to = request.to().year() * 12 + request.to().month();
  if (to < from) return InvalidField("to", "is before from");
  if (to - from >= kMaxStatsMonths) {
    return InvalidField("to", absl::StrCat("the period spans more than ", kMaxStatsMonths,
                                           " months; ask for a shorter one"));
  }
  if (request.group_by() == v1::STATS_DIMENSION_UNSPECIFIED ||
      !v1::StatsDimension_IsValid(request.group_by())) {
    return InvalidField("group_by", "is required: PARTY, CATEGORY, AREA or MONTH");
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
