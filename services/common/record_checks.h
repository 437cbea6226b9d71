// Checks shared by the services that keep revised records of events
// (denials, incidents): times, evidence, months and record ids. Each
// returns INVALID_ARGUMENT naming the field, or OK.
#ifndef CORRIDOR_SERVICES_COMMON_RECORD_CHECKS_H_
#define CORRIDOR_SERVICES_COMMON_RECORD_CHECKS_H_

#include <cstdint>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "corridor/v1/common.pb.h"
#include "corridor/v1/denials.pb.h"
#include "google/protobuf/timestamp.pb.h"

namespace corridor {

// Keys beginning "convoys/" are the convoys service's: it records a
// convoy's denial or attack under "convoys/<convoy id>/<step>". Anyone
// else recording under such a key would take the place of a relay that has
// not happened yet: PERMISSION_DENIED naming idempotency_key unless
// `caller` is a service.
absl::Status CheckRelayKey(const v1::Principal& caller, absl::string_view key);

// A time from 1900 to 9999.
absl::Status CheckTimestamp(absl::string_view field, const google::protobuf::Timestamp& time);

// A required time that is not in the future (`now` plus a day of slack for
// clocks).
absl::Status CheckOccurredAt(absl::string_view field, bool present,
                             const google::protobuf::Timestamp& time, absl::Time now);

// A link (http or https) or a SHA-256 (or both), and an optional note.
absl::Status CheckEvidence(absl::string_view field, const v1::Evidence& evidence);

// A month from 1900-01 to 9999-12; `present` says whether it was sent.
absl::Status CheckYearMonth(absl::string_view field, const v1::YearMonth& month, bool present);

// Months [from, to], both sent, in order and fewer than `max_months` apart.
absl::Status CheckMonthRange(bool has_from, const v1::YearMonth& from, bool has_to,
                             const v1::YearMonth& to, int max_months);

// Months as numbers that sort: year * 100 + month (201609).
uint32_t MonthNumber(const v1::YearMonth& month);

// An id the service assigns: `prefix` ("dn-") and 16 lowercase hex digits.
// `noun` names it in the error ("a denial id").
absl::Status CheckRecordId(absl::string_view field, absl::string_view id, absl::string_view prefix,
                           absl::string_view noun);

// Optional [since, until): each a time from 1900 to 9999, until after since.
absl::Status CheckPeriod(bool has_since, const google::protobuf::Timestamp& since, bool has_until,
                         const google::protobuf::Timestamp& until);

}  // namespace corridor

#endif  // CORRIDOR_SERVICES_COMMON_RECORD_CHECKS_H_
