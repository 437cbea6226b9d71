#include "services/common/record_checks.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "common/validation.h"
#include "google/protobuf/util/time_util.h"

namespace corridor {
namespace {

constexpr size_t kMaxTextBytes = 4000;
constexpr size_t kMaxUriBytes = 2000;

// Timestamps from 1900 to 9999, like dates elsewhere.
constexpr int64_t kMinSeconds = -2208988800;   // 1900-01-01T00:00:00Z
constexpr int64_t kMaxSeconds = 253402300799;  // 9999-12-31T23:59:59Z

bool IsHex(absl::string_view text) {
  for (char c : text) {
    if (!absl::ascii_isxdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

}  // namespace

absl::Status CheckRelayKey(const v1::Principal& caller, absl::string_view key) {
  if (caller.role() == v1::ROLE_SERVICE || !absl::StartsWith(key, "convoys/")) {
    return absl::OkStatus();
  }
  return absl::PermissionDeniedError(absl::StrCat(
      "idempotency_key: keys beginning \"convoys/\" are the convoys service's, for what it "
      "relays from a convoy's life cycle; choose another key (e.g. "
      "\"<organisation>/<reference>\")"));
}

absl::Status CheckTimestamp(absl::string_view field, const google::protobuf::Timestamp& time) {
  if (time.seconds() < kMinSeconds || time.seconds() > kMaxSeconds || time.nanos() < 0 ||
      time.nanos() > 999'999'999) {
    return InvalidField(field, "is not a time between 1900 and 9999");
  }
  return absl::OkStatus();
}

absl::Status CheckOccurredAt(absl::string_view field, bool present,
                             const google::protobuf::Timestamp& time, absl::Time now) {
  if (!present) return InvalidField(field, "is required");
  CORRIDOR_RETURN_IF_ERROR(CheckTimestamp(field, time));
  if (absl::FromUnixSeconds(time.seconds()) > now + absl::Hours(24)) {
    return InvalidField(field, absl::StrCat(google::protobuf::util::TimeUtil::ToString(time),
                                            " lies in the future; record what has happened"));
  }
  return absl::OkStatus();
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

absl::Status CheckYearMonth(absl::string_view field, const v1::YearMonth& month, bool present) {
  if (!present) return InvalidField(field, "is required (year and month)");
  if (month.year() < 1900 || month.year() > 9999 || month.month() < 1 || month.month() > 12) {
    return InvalidField(field, absl::StrCat(month.year(), "-", month.month(),
                                            " is not a month (year 1900-9999, month 1-12)"));
  }
  return absl::OkStatus();
}

absl::Status CheckMonthRange(bool has_from, const v1::YearMonth& from, bool has_to,
                             const v1::YearMonth& to, int max_months) {
  CORRIDOR_RETURN_IF_ERROR(CheckYearMonth("from", from, has_from));
  CORRIDOR_RETURN_IF_ERROR(CheckYearMonth("to", to, has_to));
  const int first = from.year() * 12 + from.month();
  const int last = to.year() * 12 + to.month();
  if (last < first) return InvalidField("to", "is before from");
  if (last - first >= max_months) {
    return InvalidField("to", absl::StrCat("the period spans more than ", max_months,
                                           " months; ask for a shorter one"));
  }
  return absl::OkStatus();
}

uint32_t MonthNumber(const v1::YearMonth& month) {
  return static_cast<uint32_t>(month.year() * 100 + month.month());
}

absl::Status CheckRecordId(absl::string_view field, absl::string_view id, absl::string_view prefix,
                           absl::string_view noun) {
  if (id.empty()) return InvalidField(field, "is required");
  if (id.size() != prefix.size() + 16 || !absl::StartsWith(id, prefix) ||
      !IsHex(id.substr(prefix.size()))) {
    return InvalidField(field,
                        absl::StrCat("is not ", noun, " (\"", prefix, "\" and 16 hex digits)"));
  }
  return absl::OkStatus();
}

absl::Status CheckPeriod(bool has_since, const google::protobuf::Timestamp& since, bool has_until,
                         const google::protobuf::Timestamp& until) {
  if (has_since) CORRIDOR_RETURN_IF_ERROR(CheckTimestamp("since", since));
  if (has_until) CORRIDOR_RETURN_IF_ERROR(CheckTimestamp("until", until));
  if (has_since && has_until && !(since < until)) {
    return InvalidField("until", "must be after since");
  }
  return absl::OkStatus();
}

}  // namespace corridor
