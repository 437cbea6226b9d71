// Checks shared by every service's request validation. Each returns
// INVALID_ARGUMENT with a message that starts with the field's name, or OK.
#ifndef CORRIDOR_COMMON_VALIDATION_H_
#define CORRIDOR_COMMON_VALIDATION_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "corridor/v1/common.pb.h"

namespace corridor {

inline constexpr int kDefaultPageSize = 50;
inline constexpr int kMaxPageSize = 500;

// "field: problem".
absl::Status InvalidField(absl::string_view field, absl::string_view problem);

// Text must be valid UTF-8, without control characters other than tab and
// line breaks, and at most `max_bytes` long; `required` text must not be
// blank.
absl::Status CheckText(absl::string_view field, absl::string_view value, size_t max_bytes,
                       bool required);

bool IsValidUtf8(absl::string_view value);

// An id of a record in another service (area, route, convoy): letters,
// digits and '-', at most 64 characters; empty only if not `required`.
absl::Status CheckId(absl::string_view field, absl::string_view id, bool required);

// A chosen id such as "us-russia-2016-09-09": `min_size` to 64 of a-z, 0-9
// and '-'. `example` is shown in the error.
absl::Status CheckSlug(absl::string_view field, absl::string_view id, size_t min_size,
                       absl::string_view example);

// One of the nine OCHA access-constraint categories (not UNSPECIFIED).
absl::Status CheckAccessCategory(absl::string_view field, int category);

// Latitude -90..90, longitude -180..180, both finite.
absl::Status CheckGeoPoint(absl::string_view field, const v1::GeoPoint& point);

// A real calendar date from 1900 to 9999.
absl::Status CheckDate(absl::string_view field, const v1::Date& date);

// Citation required (non-blank, at most 1000 bytes); note optional.
absl::Status CheckSource(absl::string_view field, const v1::Source& source, bool required);

// The page size to use: 0 means kDefaultPageSize; negative or above
// kMaxPageSize is refused naming `<field>.page_size`.
absl::StatusOr<int> PageSizeOf(absl::string_view field, const v1::PageRequest& page);

// Dates as sortable numbers (yyyymmdd) and text (yyyy-mm-dd).
uint32_t DateNumber(const v1::Date& date);
std::string FormatDate(const v1::Date& date);
// FormatDate, but empty for an unset date (year 0), as lists and exports
// show optional dates.
std::string DateText(const v1::Date& date);
// Parses "yyyy-mm-dd"; INVALID_ARGUMENT naming `field` otherwise.
absl::StatusOr<v1::Date> ParseDate(absl::string_view field, absl::string_view text);
// Parses a date ("2016-09-15", meaning 00:00 UTC; sets *is_date) or an RFC
// 3339 time. INVALID_ARGUMENT naming `field` if it is neither, or lies
// outside the years 1 to 9999 that a protobuf Timestamp can hold.
absl::StatusOr<absl::Time> ParseDateOrTime(absl::string_view field, absl::string_view text,
                                           bool* is_date = nullptr);

// Today's date in UTC, the calendar every record's dates are in.
absl::CivilDay TodayUtc();

// A v1::Date and the civil day it names, both ways.
v1::Date DateOf(absl::CivilDay day);
absl::CivilDay CivilDayOf(const v1::Date& date);

}  // namespace corridor

#endif  // CORRIDOR_COMMON_VALIDATION_H_
