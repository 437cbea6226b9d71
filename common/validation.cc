#include "common/validation.h"

#include <cmath>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"

namespace corridor {

absl::Status InvalidField(absl::string_view field, absl::string_view problem) {
  return absl::InvalidArgumentError(absl::StrCat(field, ": ", problem));
}

bool IsValidUtf8(absl::string_view value) {
  size_t i = 0;
  while (i < value.size()) {
    unsigned char c = static_cast<unsigned char>(value[i]);
    int extra;
    uint32_t code;
    if (c < 0x80) {
      ++i;
      continue;
    }
    if ((c & 0xE0) == 0xC0) {
      extra = 1;
      code = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      extra = 2;
      code = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      extra = 3;
      code = c & 0x07;
    } else
      return false;
    if (i + extra >= value.size()) return false;
    for (int k = 1; k <= extra; ++k) {
      unsigned char next = static_cast<unsigned char>(value[i + k]);
      if ((next & 0xC0) != 0x80) return false;
      code = (code << 6) | (next & 0x3F);
    }
    // Overlong forms, surrogates and values beyond Unicode are invalid.
    static constexpr uint32_t kMinForLength[] = {0, 0x80, 0x800, 0x10000};
    if (code < kMinForLength[extra] || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) {
      return false;
    }
    i += extra + 1;
  }
  return true;
}

absl::Status CheckText(absl::string_view field, absl::string_view value, size_t max_bytes,
                       bool required) {
  if (required && absl::StripAsciiWhitespace(value).empty()) {
    return InvalidField(field, "is required");
  }
  if (value.size() > max_bytes) {
    return InvalidField(field,
                        absl::StrCat("is ", value.size(), " bytes long; the limit is ", max_bytes));
  }
  if (!IsValidUtf8(value)) return InvalidField(field, "is not valid UTF-8");
  for (char c : value) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u < 0x20 && c != '\t' && c != '\n' && c != '\r') {
      return InvalidField(field, "contains a control character");
    }
  }
  return absl::OkStatus();
}

absl::Status CheckGeoPoint(absl::string_view field, const v1::GeoPoint& point) {
  if (!std::isfinite(point.latitude()) || point.latitude() < -90 || point.latitude() > 90) {
    return InvalidField(absl::StrCat(field, ".latitude"),
                        absl::StrCat(point.latitude(), " is out of range; it must be -90 to 90"));
  }
  if (!std::isfinite(point.longitude()) || point.longitude() < -180 || point.longitude() > 180) {
    return InvalidField(
        absl::StrCat(field, ".longitude"),
        absl::StrCat(point.longitude(), " is out of range; it must be -180 to 180"));
  }
  return absl::OkStatus();
}

absl::Status CheckDate(absl::string_view field, const v1::Date& date) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (date.year() < 1900 || date.year() > 9999) {
    return InvalidField(field, absl::StrCat("year ", date.year(), " is out of range (1900-9999)"));
  }
  if (date.month() < 1 || date.month() > 12) {
    return InvalidField(field, absl::StrCat("month ", date.month(), " is out of range (1-12)"));
  }
  const bool leap = (date.year() % 4 == 0 && date.year() % 100 != 0) || date.year() % 400 == 0;
  const int days = kDays[date.month() - 1] + (date.month() == 2 && leap ? 1 : 0);
  if (date.day() < 1 || date.day() > days) {
    return InvalidField(field, absl::StrCat("day ", date.day(), " does not exist in that month"));
  }
  return absl::OkStatus();
}

absl::Status CheckSource(absl::string_view field, const v1::Source& source, bool required) {
  absl::Status s = CheckText(absl::StrCat(field, ".citation"), source.citation(), 1000, required);
  if (!s.ok()) return s;
  return CheckText(absl::StrCat(field, ".note"), source.note(), 4000, false);
}

absl::StatusOr<int> PageSizeOf(absl::string_view field, const v1::PageRequest& page) {
  if (page.page_size() == 0) return kDefaultPageSize;
  if (page.page_size() < 0 || page.page_size() > kMaxPageSize) {
    return InvalidField(absl::StrCat(field, ".page_size"),
                        absl::StrCat(page.page_size(), " is out of range; use 1 to ", kMaxPageSize,
                                     ", or 0 for ", kDefaultPageSize));
  }
  return page.page_size();
}

uint32_t DateNumber(const v1::Date& date) {
  return static_cast<uint32_t>(date.year() * 10000 + date.month() * 100 + date.day());
}

std::string FormatDate(const v1::Date& date) {
  return absl::StrFormat("%04d-%02d-%02d", date.year(), date.month(), date.day());
}

std::string DateText(const v1::Date& date) { return date.year() == 0 ? "" : FormatDate(date); }

absl::StatusOr<v1::Date> ParseDate(absl::string_view field, absl::string_view text) {
  std::vector<absl::string_view> parts = absl::StrSplit(text, '-');
  int year, month, day;
  if (parts.size() != 3 || parts[0].size() != 4 || parts[1].size() != 2 || parts[2].size() != 2 ||
      !absl::SimpleAtoi(parts[0], &year) || !absl::SimpleAtoi(parts[1], &month) ||
      !absl::SimpleAtoi(parts[2], &day)) {
    return InvalidField(field, absl::StrCat("\"", text, "\" is not a date; write YYYY-MM-DD"));
  }
  v1::Date date;
  date.set_year(year);
  date.set_month(month);
  date.set_day(day);
  absl::Status s = CheckDate(field, date);
  if (!s.ok()) return s;
  return date;
}

absl::StatusOr<absl::Time> ParseDateOrTime(absl::string_view field, absl::string_view text,
                                           bool* is_date) {
  absl::Time time;
  std::string unused;
  const bool date = absl::ParseTime("%Y-%m-%d", text, absl::UTCTimeZone(), &time, &unused);
  if (!date && !absl::ParseTime(absl::RFC3339_full, text, &time, &unused)) {
    return InvalidField(field, absl::StrCat("\"", absl::CHexEscape(text),
                                            "\" is not a date (2016-09-15) or an RFC 3339 time "
                                            "(2016-09-15T14:30:00Z)"));
  }
  // Also refuses "infinite-future", which absl::ParseTime accepts.
  const absl::Time first = absl::FromCivil(absl::CivilSecond(1, 1, 1, 0, 0, 0), absl::UTCTimeZone());
  const absl::Time last =
      absl::FromCivil(absl::CivilSecond(9999, 12, 31, 23, 59, 59), absl::UTCTimeZone());
  if (time < first || time > last) {
    return InvalidField(field, absl::StrCat("\"", absl::CHexEscape(text),
                                            "\" is outside the years 1 to 9999"));
  }
  if (is_date != nullptr) *is_date = date;
  return time;
}

absl::Status CheckId(absl::string_view field, absl::string_view id, bool required) {
  if (id.empty()) return required ? InvalidField(field, "is required") : absl::OkStatus();
  if (id.size() > 64) return InvalidField(field, "is longer than 64 bytes");
  for (char c : id) {
    if (!(absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '-')) {
      return InvalidField(field, absl::StrCat("\"", absl::CHexEscape(id),
                                              "\" is not an id (letters, digits and '-')"));
    }
  }
  return absl::OkStatus();
}

absl::Status CheckSlug(absl::string_view field, absl::string_view id, size_t min_size,
                       absl::string_view example) {
  if (id.size() < min_size || id.size() > 64) {
    return InvalidField(
        field, absl::StrCat("must be ", min_size, " to 64 characters of a-z, 0-9 and '-', e.g. \"",
                            example, "\""));
  }
  for (char c : id) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) {
      return InvalidField(field, absl::StrCat("\"", id, "\" may hold only a-z, 0-9 and '-'"));
    }
  }
  return absl::OkStatus();
}

absl::Status CheckAccessCategory(absl::string_view field, int category) {
  if (category == v1::ACCESS_CONSTRAINT_CATEGORY_UNSPECIFIED ||
      !v1::AccessConstraintCategory_IsValid(category)) {
    std::string names;
    for (int i = 1; i <= v1::AccessConstraintCategory_MAX; ++i) {
      // "ACCESS_CONSTRAINT_VIOLENCE" is shown as "VIOLENCE".
      absl::StrAppend(
          &names, names.empty() ? "" : ", ", i, " ",
          v1::AccessConstraintCategory_Name(static_cast<v1::AccessConstraintCategory>(i))
              .substr(18));
    }
    // A filter names a category only when it means one, so a value other
    // than 0 is a wrong one, not a missing one.
    return InvalidField(field,
                        absl::StrCat(category == v1::ACCESS_CONSTRAINT_CATEGORY_UNSPECIFIED
                                         ? "is required: one"
                                         : absl::StrCat("is ", category, ", not one"),
                                     " of OCHA's access-constraint categories (", names, ")"));
  }
  return absl::OkStatus();
}

absl::CivilDay TodayUtc() { return absl::ToCivilDay(absl::Now(), absl::UTCTimeZone()); }

v1::Date DateOf(absl::CivilDay day) {
  v1::Date date;
  date.set_year(static_cast<int32_t>(day.year()));
  date.set_month(day.month());
  date.set_day(day.day());
  return date;
}

absl::CivilDay CivilDayOf(const v1::Date& date) {
  return absl::CivilDay(date.year(), date.month(), date.day());
}

}  // namespace corridor
