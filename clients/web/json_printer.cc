#include "clients/web/json_printer.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <type_traits>
#include <utility>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/json.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/reflection.h"
#include "google/protobuf/util/json_util.h"

namespace corridor::web {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

// The shortest of %.{digits}g and %.{digits + extra}g that reads back as
// `value`, as protobuf's SimpleDtoa and SimpleFtoa write numbers.
template <typename Number>
void AppendNumber(Number value, int digits, int extra, std::string* out) {
  if (std::isnan(value)) {
    out->append("\"NaN\"");
    return;
  }
  if (std::isinf(value)) {
    out->append(value > 0 ? "\"Infinity\"" : "\"-Infinity\"");
    return;
  }
  char buffer[40];
  std::snprintf(buffer, sizeof(buffer), "%.*g", digits, static_cast<double>(value));
  const bool exact = std::is_same<Number, float>::value
                         ? std::strtof(buffer, nullptr) == static_cast<float>(value)
                         : std::strtod(buffer, nullptr) == static_cast<double>(value);
  if (!exact) {
    std::snprintf(buffer, sizeof(buffer), "%.*g", digits + extra, static_cast<double>(value));
  }
  out->append(buffer);
}

// RFC 3339 in UTC with 0, 3, 6 or 9 digits of fraction, as protobuf writes
// a google.protobuf.Timestamp.
bool AppendTimestamp(const Message& timestamp, std::string* out) {
  const Descriptor* type = timestamp.GetDescriptor();
  const Reflection* reflection = timestamp.GetReflection();
  const int64_t seconds = reflection->GetInt64(timestamp, type->FindFieldByNumber(1));
  const int32_t nanos = reflection->GetInt32(timestamp, type->FindFieldByNumber(2));
  // Years 0001 to 9999, as the JSON mapping allows.
  if (seconds < -62135596800 || seconds > 253402300799 || nanos < 0 || nanos > 999999999) {
    return false;
  }
  const absl::CivilSecond utc =
      absl::ToCivilSecond(absl::FromUnixSeconds(seconds), absl::UTCTimeZone());
  char text[32];
  std::snprintf(text, sizeof(text), "\"%04d-%02d-%02dT%02d:%02d:%02d", static_cast<int>(utc.year()),
                utc.month(), utc.day(), utc.hour(), utc.minute(), utc.second());
  out->append(text);
  if (nanos != 0) {
    char fraction[16];
    if (nanos % 1000000 == 0) {
      std::snprintf(fraction, sizeof(fraction), ".%03d", nanos / 1000000);
    } else if (nanos % 1000 == 0) {
      std::snprintf(fraction, sizeof(fraction), ".%06d", nanos / 1000);
    } else {
      std::snprintf(fraction, sizeof(fraction), ".%09d", nanos);
    }
    out->append(fraction);
  }
  out->append("Z\"");
  return true;
}

class Printer {
 public:
  explicit Printer(std::string* out) : out_(out) {}

  bool Message(const google::protobuf::Message& message) {
    const Descriptor* type = message.GetDescriptor();
    if (type->file()->package() == "google.protobuf") {
      return type->full_name() == "google.protobuf.Timestamp" && AppendTimestamp(message, out_);
    }
    const Reflection* reflection = message.GetReflection();
    out_->push_back('{');
    bool first = true;
    // As protobuf's writer lays them out: in the order they are declared,
    // the fields without presence (written even when empty) and the
    // message fields that are set; then, in field-number order, the other
    // fields that are set: proto3 optional ones, oneof members and
    // Timestamps (which protobuf writes as text, not as objects).
    std::vector<const FieldDescriptor*> present;
    for (int i = 0; i < type->field_count(); ++i) {
      const FieldDescriptor* field = type->field(i);
      if (field->is_repeated() || !field->has_presence()) {
        if (!Field(message, *reflection, *field, &first)) return false;
      } else if (!reflection->HasField(message, field)) {
        continue;
      } else if (field->message_type() != nullptr && field->real_containing_oneof() == nullptr &&
                 field->message_type()->file()->package() != "google.protobuf") {
        if (!Field(message, *reflection, *field, &first)) return false;
      } else {
        present.push_back(field);
      }
    }
    std::sort(present.begin(), present.end(),
              [](const FieldDescriptor* a, const FieldDescriptor* b) {
                return a->number() < b->number();
              });
    for (const FieldDescriptor* field : present) {
      if (!Field(message, *reflection, *field, &first)) return false;
    }
    out_->push_back('}');
    return true;
  }

 private:
  bool Field(const google::protobuf::Message& message, const Reflection& reflection,
             const FieldDescriptor& field, bool* first) {
    if (!*first) out_->push_back(',');
    *first = false;
    out_->push_back('"');
    out_->append(field.name());
    out_->append("\":");
    if (field.is_map()) return Map(message, reflection, field);
    if (!field.is_repeated()) return Value(message, reflection, field, -1);
    out_->push_back('[');
    const int size = reflection.FieldSize(message, &field);
    for (int i = 0; i < size; ++i) {
      if (i > 0) out_->push_back(',');
      if (!Value(message, reflection, field, i)) return false;
    }
    out_->push_back(']');
    return true;
  }

  // Map entries sorted by their key's text.
  bool Map(const google::protobuf::Message& message, const Reflection& reflection,
           const FieldDescriptor& field) {
    const FieldDescriptor* key = field.message_type()->map_key();
    const FieldDescriptor* value = field.message_type()->map_value();
    std::vector<std::pair<std::string, const google::protobuf::Message*>> entries;
    const int size = reflection.FieldSize(message, &field);
    for (int i = 0; i < size; ++i) {
      const google::protobuf::Message& entry = reflection.GetRepeatedMessage(message, &field, i);
      std::string text;
      Printer key_printer(&text);
      if (!key_printer.Value(entry, *entry.GetReflection(), *key, -1)) return false;
      if (text.front() != '"') text = absl::StrCat("\"", text, "\"");
      entries.emplace_back(std::move(text), &entry);
    }
    std::sort(entries.begin(), entries.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    out_->push_back('{');
    for (size_t i = 0; i < entries.size(); ++i) {
      if (i > 0) out_->push_back(',');
      out_->append(entries[i].first);
      out_->push_back(':');
      const google::protobuf::Message& entry = *entries[i].second;
      if (!Value(entry, *entry.GetReflection(), *value, -1)) return false;
    }
    out_->push_back('}');
    return true;
  }

  // The value of a singular field (index -1) or of one element.
  bool Value(const google::protobuf::Message& message, const Reflection& reflection,
             const FieldDescriptor& field, int index) {
    const bool one = index < 0;
    switch (field.cpp_type()) {
      case FieldDescriptor::CPPTYPE_INT32:
        absl::StrAppend(out_, one ? reflection.GetInt32(message, &field)
                                  : reflection.GetRepeatedInt32(message, &field, index));
        return true;
      case FieldDescriptor::CPPTYPE_UINT32:
        absl::StrAppend(out_, one ? reflection.GetUInt32(message, &field)
                                  : reflection.GetRepeatedUInt32(message, &field, index));
        return true;
      case FieldDescriptor::CPPTYPE_INT64:
        absl::StrAppend(out_, "\"",
                        one ? reflection.GetInt64(message, &field)
                            : reflection.GetRepeatedInt64(message, &field, index),
                        "\"");
        return true;
      case FieldDescriptor::CPPTYPE_UINT64:
        absl::StrAppend(out_, "\"",
                        one ? reflection.GetUInt64(message, &field)
                            : reflection.GetRepeatedUInt64(message, &field, index),
                        "\"");
        return true;
      case FieldDescriptor::CPPTYPE_DOUBLE:
        AppendNumber(one ? reflection.GetDouble(message, &field)
                         : reflection.GetRepeatedDouble(message, &field, index),
                     15, 2, out_);
        return true;
      case FieldDescriptor::CPPTYPE_FLOAT:
        AppendNumber(one ? reflection.GetFloat(message, &field)
                         : reflection.GetRepeatedFloat(message, &field, index),
                     6, 3, out_);
        return true;
      case FieldDescriptor::CPPTYPE_BOOL:
        out_->append((one ? reflection.GetBool(message, &field)
                          : reflection.GetRepeatedBool(message, &field, index))
                         ? "true"
                         : "false");
        return true;
      case FieldDescriptor::CPPTYPE_ENUM: {
        const int number = one ? reflection.GetEnumValue(message, &field)
                               : reflection.GetRepeatedEnumValue(message, &field, index);
        const auto* value = field.enum_type()->FindValueByNumber(number);
        if (value == nullptr) {
          absl::StrAppend(out_, number);
        } else {
          absl::StrAppend(out_, "\"", value->name(), "\"");
        }
        return true;
      }
      case FieldDescriptor::CPPTYPE_STRING: {
        std::string scratch;
        const std::string& text =
            one ? reflection.GetStringReference(message, &field, &scratch)
                : reflection.GetRepeatedStringReference(message, &field, index, &scratch);
        if (field.type() == FieldDescriptor::TYPE_BYTES) {
          absl::StrAppend(out_, "\"", absl::Base64Escape(text), "\"");
          return true;
        }
        return AppendJsonString(text, out_, /*replace_invalid=*/false);
      }
      case FieldDescriptor::CPPTYPE_MESSAGE:
        return Message(one ? reflection.GetMessage(message, &field)
                           : reflection.GetRepeatedMessage(message, &field, index));
    }
    return false;
  }

  std::string* out_;
};

}  // namespace

absl::Status PrintJsonByReflection(const google::protobuf::Message& message, std::string* out) {
  Printer printer(out);
  if (!printer.Message(message)) {
    return absl::UnimplementedError(absl::StrCat(
        message.GetDescriptor()->full_name(),
        " holds a well-known type other than Timestamp, or a string that is not UTF-8"));
  }
  return absl::OkStatus();
}

absl::Status PrintJson(const google::protobuf::Message& message, std::string* out) {
  const size_t size = out->size();
  if (PrintJsonByReflection(message, out).ok()) return absl::OkStatus();
  out->resize(size);
  google::protobuf::util::JsonPrintOptions print;
  print.preserve_proto_field_names = true;
  print.always_print_primitive_fields = true;
  std::string json;
  const auto status = google::protobuf::util::MessageToJsonString(message, &json, print);
  if (!status.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(message.GetDescriptor()->full_name(),
                     " cannot be written as JSON: ", std::string(status.message())));
  }
  out->append(json);
  return absl::OkStatus();
}

}  // namespace corridor::web
