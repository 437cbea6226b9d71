#include "common/field_limits.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "corridor/v1/limits.pb.h"

namespace corridor {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

absl::Status OverLimit(const std::string& path, absl::string_view problem) {
  return absl::InvalidArgumentError(absl::StrCat(path, ": ", problem));
}

absl::Status CheckBytes(const std::string& path, size_t size, uint32_t max_bytes) {
  if (max_bytes == 0 || size <= max_bytes) return absl::OkStatus();
  return OverLimit(path, absl::StrCat("is ", size, " bytes long; the limit is ", max_bytes));
}

absl::Status CheckMessage(const Message& message, const std::string& prefix) {
  const Reflection* reflection = message.GetReflection();
  std::vector<const FieldDescriptor*> fields;
  reflection->ListFields(message, &fields);
  for (const FieldDescriptor* field : fields) {
    const std::string path = absl::StrCat(prefix, field->name());
    const DeclaredLimit limit = LimitOf(*field);
    const bool text = field->cpp_type() == FieldDescriptor::CPPTYPE_STRING;
    const bool nested = field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE;
    if (!field->is_repeated()) {
      if (text) {
        CORRIDOR_RETURN_IF_ERROR(CheckBytes(
            path, reflection->GetStringReference(message, field, nullptr).size(), limit.max_bytes));
      } else if (nested) {
        CORRIDOR_RETURN_IF_ERROR(CheckMessage(reflection->GetMessage(message, field), path + "."));
      }
      continue;
    }
    const int count = reflection->FieldSize(message, field);
    if (limit.max_items > 0 && count > static_cast<int>(limit.max_items)) {
      return OverLimit(path, absl::StrCat("has ", count, " items; the limit is ", limit.max_items));
    }
    for (int i = 0; i < count && (text || nested); ++i) {
      const std::string item = absl::StrCat(path, "[", i, "]");
      if (text) {
        std::string scratch;
        CORRIDOR_RETURN_IF_ERROR(CheckBytes(
            item, reflection->GetRepeatedStringReference(message, field, i, &scratch).size(),
            limit.max_bytes));
      } else {
        CORRIDOR_RETURN_IF_ERROR(
            CheckMessage(reflection->GetRepeatedMessage(message, field, i), item + "."));
      }
    }
  }
  return absl::OkStatus();
}

}  // namespace

DeclaredLimit LimitOf(const FieldDescriptor& field) {
  if (!field.options().HasExtension(v1::limit)) return {};
  const v1::FieldLimit& declared = field.options().GetExtension(v1::limit);
  return {declared.max_bytes(), declared.max_items()};
}

absl::Status CheckFieldLimits(const Message& message) { return CheckMessage(message, ""); }

}  // namespace corridor
