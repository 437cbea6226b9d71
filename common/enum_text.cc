#include "common/enum_text.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/strip.h"
#include "google/protobuf/descriptor.h"

namespace corridor {

std::string EnumText(const google::protobuf::EnumDescriptor* type, absl::string_view prefix,
                     int value) {
  if (value == 0) return "";
  const google::protobuf::EnumValueDescriptor* v = type->FindValueByNumber(value);
  if (v == nullptr) return absl::StrCat(value);
  absl::string_view name = v->name();
  absl::ConsumePrefix(&name, prefix);
  return absl::StrReplaceAll(absl::AsciiStrToLower(name), {{"_", "-"}});
}

std::string EnumChoices(const google::protobuf::EnumDescriptor* type, absl::string_view prefix) {
  std::string out;
  int listed = 0;
  const int total = type->value_count() - 1;  // all but the unspecified 0
  for (int i = 0; i < type->value_count(); ++i) {
    const int number = type->value(i)->number();
    if (number == 0) continue;
    ++listed;
    absl::StrAppend(&out, listed == 1 ? "" : (listed == total ? " or " : ", "),
                    EnumText(type, prefix, number));
  }
  return out;
}

absl::StatusOr<int> ParseEnum(const google::protobuf::EnumDescriptor* type,
                              absl::string_view prefix, absl::string_view flag,
                              absl::string_view text) {
  int number = 0;
  if (absl::SimpleAtoi(text, &number) && number != 0 && type->FindValueByNumber(number)) {
    return number;
  }
  const std::string name = absl::StrCat(
      prefix, absl::StrReplaceAll(absl::AsciiStrToUpper(text), {{"-", "_"}, {" ", "_"}}));
  const google::protobuf::EnumValueDescriptor* v = type->FindValueByName(name);
  if (v == nullptr || v->number() == 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(flag, ": \"", text, "\" is not one of ", EnumChoices(type, prefix)));
  }
  return v->number();
}

}  // namespace corridor
