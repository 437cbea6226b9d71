// Proto enums as people write them: "partially-delivered" for
// CONVOY_STATUS_PARTIALLY_DELIVERED, given the prefix "CONVOY_STATUS_".
#ifndef CORRIDOR_COMMON_ENUM_TEXT_H_
#define CORRIDOR_COMMON_ENUM_TEXT_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/generated_enum_reflection.h"

namespace corridor {

// Lowercase, dashed, without `prefix`; "" for 0 (unspecified).
std::string EnumText(const google::protobuf::EnumDescriptor* type, absl::string_view prefix,
                     int value);

// "a, b or c": every specified value as EnumText gives it.
std::string EnumChoices(const google::protobuf::EnumDescriptor* type, absl::string_view prefix);

// Accepts the EnumText form in any case, with '-' or '_', or the number.
// INVALID_ARGUMENT naming `flag` and listing the choices otherwise.
absl::StatusOr<int> ParseEnum(const google::protobuf::EnumDescriptor* type,
                              absl::string_view prefix, absl::string_view flag,
                              absl::string_view text);

// Typed convenience: ParseEnumAs<v1::ConvoyStatus>(...).
template <typename E>
absl::StatusOr<E> ParseEnumAs(absl::string_view prefix, absl::string_view flag,
                              absl::string_view text) {
  absl::StatusOr<int> value =
      ParseEnum(google::protobuf::GetEnumDescriptor<E>(), prefix, flag, text);
  if (!value.ok()) return value.status();
  return static_cast<E>(*value);
}
template <typename E>
std::string EnumTextOf(absl::string_view prefix, E value) {
  return EnumText(google::protobuf::GetEnumDescriptor<E>(), prefix, value);
}

}  // namespace corridor

#endif  // CORRIDOR_COMMON_ENUM_TEXT_H_
