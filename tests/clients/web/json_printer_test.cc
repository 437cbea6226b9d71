// PrintJsonByReflection writes exactly what protobuf's MessageToJsonString writes (with
// the gateway's options) for every message the gateway can answer with:
// each is compared empty, with every field set, and with every field set to
// its zero value, and strings, numbers and times are pushed to their edges.
#include "clients/web/json_printer.h"

#include <cmath>
#include <limits>
#include <set>
#include <string>

#include "absl/strings/str_cat.h"
#include "common/service_catalog.h"
#include "corridor/v1/areas.pb.h"
#include "corridor/v1/denials.pb.h"
#include "gmock/gmock.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/dynamic_message.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"

namespace corridor::web {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

std::string ProtobufJson(const Message& message) {
  google::protobuf::util::JsonPrintOptions print;
  print.preserve_proto_field_names = true;
  print.always_print_primitive_fields = true;
  std::string json;
  EXPECT_TRUE(google::protobuf::util::MessageToJsonString(message, &json, print).ok());
  return json;
}

std::string OurJson(const Message& message) {
  std::string json;
  const absl::Status status = PrintJsonByReflection(message, &json);
  EXPECT_TRUE(status.ok()) << status;
  return json;
}

bool Unprintable(const Descriptor& type) {
  return type.file()->package() == "google.protobuf" &&
         type.full_name() != "google.protobuf.Timestamp";
}

// Sets every field of `message`: `zero` sets each to its zero value (so
// that fields with presence are present but empty), otherwise to values
// that differ by `seed`. One member of each oneof; messages to `depth`.
void Fill(Message* message, int seed, bool zero, int depth) {
  const Descriptor* type = message->GetDescriptor();
  const Reflection* reflection = message->GetReflection();
  if (type->full_name() == "google.protobuf.Timestamp") {
    reflection->SetInt64(message, type->FindFieldByName("seconds"), zero ? 0 : 1474311600 + seed);
    reflection->SetInt32(message, type->FindFieldByName("nanos"), zero ? 0 : 120000000 * seed);
    return;
  }
  for (int i = 0; i < type->field_count(); ++i) {
    const FieldDescriptor* field = type->field(i);
    const auto* oneof = field->real_containing_oneof();
    if (oneof != nullptr && oneof->field(seed % oneof->field_count()) != field) continue;
    const int copies = field->is_repeated() ? (field->is_map() ? 1 : 2) : 1;
    for (int k = 0; k < copies; ++k) {
      const int v = zero ? 0 : seed * 7 + i + k + 1;
      const bool add = field->is_repeated();
      switch (field->cpp_type()) {
        case FieldDescriptor::CPPTYPE_INT32:
          add ? reflection->AddInt32(message, field, -v) : reflection->SetInt32(message, field, -v);
          break;
        case FieldDescriptor::CPPTYPE_UINT32:
          add ? reflection->AddUInt32(message, field, v) : reflection->SetUInt32(message, field, v);
          break;
        case FieldDescriptor::CPPTYPE_INT64:
          add ? reflection->AddInt64(message, field, -(int64_t{v} << 40))
              : reflection->SetInt64(message, field, -(int64_t{v} << 40));
          break;
        case FieldDescriptor::CPPTYPE_UINT64:
          add ? reflection->AddUInt64(message, field, uint64_t{v} << 50)
              : reflection->SetUInt64(message, field, uint64_t{v} << 50);
          break;
        case FieldDescriptor::CPPTYPE_DOUBLE:
          add ? reflection->AddDouble(message, field, v / 3.0)
              : reflection->SetDouble(message, field, v / 3.0);
          break;
        case FieldDescriptor::CPPTYPE_FLOAT:
          add ? reflection->AddFloat(message, field, v / 3.0f)
              : reflection->SetFloat(message, field, v / 3.0f);
          break;
        case FieldDescriptor::CPPTYPE_BOOL:
          add ? reflection->AddBool(message, field, v % 2 == 1)
              : reflection->SetBool(message, field, v % 2 == 1);
          break;
        case FieldDescriptor::CPPTYPE_ENUM: {
          const int number =
              field->enum_type()->value(v % field->enum_type()->value_count())->number();
          add ? reflection->AddEnumValue(message, field, number)
              : reflection->SetEnumValue(message, field, number);
          break;
        }
        case FieldDescriptor::CPPTYPE_STRING: {
          const std::string text = zero ? "" : absl::StrCat("Madaya \"", field->name(), "\" ", v);
          add ? reflection->AddString(message, field, text)
              : reflection->SetString(message, field, text);
          break;
        }
        case FieldDescriptor::CPPTYPE_MESSAGE:
          if (depth == 0 || Unprintable(*field->message_type())) break;
          Fill(add ? reflection->AddMessage(message, field)
                   : reflection->MutableMessage(message, field),
               seed + k, zero, depth - 1);
          break;
      }
    }
  }
}

// Every message type the gateway's methods can answer with or be sent,
// with the message types they hold.
std::set<const Descriptor*> ContractMessages() {
  std::set<const Descriptor*> seen;
  std::vector<const Descriptor*> pending;
  for (const GrpcServiceEntry* service : AllGrpcServices()) {
    if (service->descriptor == nullptr) continue;
    for (int i = 0; i < service->descriptor->method_count(); ++i) {
      pending.push_back(service->descriptor->method(i)->input_type());
      pending.push_back(service->descriptor->method(i)->output_type());
    }
  }
  while (!pending.empty()) {
    const Descriptor* type = pending.back();
    pending.pop_back();
    if (Unprintable(*type) || !seen.insert(type).second) continue;
    for (int i = 0; i < type->field_count(); ++i) {
      if (type->field(i)->message_type() != nullptr)
        pending.push_back(type->field(i)->message_type());
    }
  }
  return seen;
}

bool HoldsUnprintable(const Descriptor& type, std::set<const Descriptor*>* visiting) {
  if (Unprintable(type)) return true;
  if (!visiting->insert(&type).second) return false;
  for (int i = 0; i < type.field_count(); ++i) {
    const Descriptor* held = type.field(i)->message_type();
    if (held != nullptr && HoldsUnprintable(*held, visiting)) return true;
  }
  return false;
}

TEST(JsonPrinterTest, WritesWhatProtobufWritesForEveryMessageOfTheContract) {
  google::protobuf::DynamicMessageFactory dynamic;
  google::protobuf::MessageFactory* factory = google::protobuf::MessageFactory::generated_factory();
  const std::set<const Descriptor*> types = ContractMessages();
  ASSERT_GT(types.size(), 100u) << "the contract's messages were not found";
  int compared = 0;
  for (const Descriptor* type : types) {
    const Message* prototype = factory->GetPrototype(type);
    ASSERT_NE(prototype, nullptr) << type->full_name();
    for (int variant = 0; variant < 4; ++variant) {
      std::unique_ptr<Message> message(prototype->New());
      if (variant > 0) Fill(message.get(), variant, /*zero=*/variant == 3, /*depth=*/3);
      SCOPED_TRACE(absl::StrCat(type->full_name(), " variant ", variant));
      ASSERT_EQ(OurJson(*message), ProtobufJson(*message));
      ++compared;
    }
  }
  EXPECT_GT(compared, 400);
}

TEST(JsonPrinterTest, LeavesWhatItDoesNotWriteToProtobuf) {
  int refused = 0;
  for (const Descriptor* type : ContractMessages()) {
    std::set<const Descriptor*> visiting;
    if (!HoldsUnprintable(*type, &visiting)) continue;
    // Some message with an Any or a FieldMask: set it, and the printer
    // must refuse rather than write something protobuf would not.
    std::unique_ptr<Message> message(
        google::protobuf::MessageFactory::generated_factory()->GetPrototype(type)->New());
    bool set = false;
    for (int i = 0; i < type->field_count() && !set; ++i) {
      const FieldDescriptor* field = type->field(i);
      if (field->message_type() == nullptr || !Unprintable(*field->message_type())) continue;
      if (field->is_repeated()) {
        message->GetReflection()->AddMessage(message.get(), field);
      } else {
        message->GetReflection()->MutableMessage(message.get(), field);
      }
      set = true;
    }
    if (!set) continue;
    std::string json;
    EXPECT_EQ(PrintJsonByReflection(*message, &json).code(), absl::StatusCode::kUnimplemented)
        << type->full_name();
    json = "[";
    ASSERT_TRUE(PrintJson(*message, &json).ok()) << type->full_name();
    EXPECT_EQ(json, "[" + ProtobufJson(*message));
    ++refused;
  }
  EXPECT_GT(refused, 0) << "no message of the contract holds an Any or a FieldMask any more";
}

TEST(JsonPrinterTest, EscapesStringsAsProtobufDoes) {
  v1::Area area;
  // Quotes, backslashes, every control character, HTML's < and >, Arabic
  // (with the Arabic number sign U+0600, which is escaped), the line
  // separator, a byte-order mark, an emoji and a tag character (outside
  // the BMP).
  std::string text = "\"\\/<script>&'";
  for (int c = 0; c < 0x20; ++c) text.push_back(static_cast<char>(c));
  text +=
      "\x7f \xc2\x80 \xc2\x9f \xc2\xa0 \xc2\xad دوما \xd8\x80 \xe2\x80\xa8 \xef\xbb\xbf 🙂 "
      "\xf3\xa0\x80\x81";
  area.set_name_en(text);
  EXPECT_EQ(OurJson(area), ProtobufJson(area));
}

TEST(JsonPrinterTest, WritesNumbersAndTimesAsProtobufDoes) {
  v1::Denial denial;
  v1::DenialFacts& facts = *denial.mutable_facts();
  for (int64_t n : {int64_t{0}, int64_t{1}, int64_t{-1}, std::numeric_limits<int64_t>::max(),
                    std::numeric_limits<int64_t>::min()}) {
    facts.set_people_affected(n);
    EXPECT_EQ(OurJson(denial), ProtobufJson(denial)) << n;
  }
  for (int32_t nanos : {0, 1, 1000, 1000000, 123456789, 999999999, 120000000, 5000}) {
    for (int64_t seconds : {int64_t{0}, int64_t{-1}, int64_t{1474311600}, int64_t{-62135596800},
                            int64_t{253402300799}}) {
      facts.mutable_occurred_at()->set_seconds(seconds);
      facts.mutable_occurred_at()->set_nanos(nanos);
      EXPECT_EQ(OurJson(denial), ProtobufJson(denial)) << seconds << "." << nanos;
    }
  }
}

TEST(JsonPrinterTest, WritesDoublesAsProtobufDoes) {
  const Descriptor* type = nullptr;
  const FieldDescriptor* field = nullptr;
  for (const Descriptor* candidate : ContractMessages()) {
    for (int i = 0; i < candidate->field_count() && field == nullptr; ++i) {
      if (candidate->field(i)->cpp_type() == FieldDescriptor::CPPTYPE_DOUBLE &&
          !candidate->field(i)->is_repeated()) {
        type = candidate;
        field = candidate->field(i);
      }
    }
    if (field != nullptr) break;
  }
  ASSERT_NE(field, nullptr) << "the contract has no double field any more";
  std::unique_ptr<Message> message(
      google::protobuf::MessageFactory::generated_factory()->GetPrototype(type)->New());
  for (double value :
       {0.0, -0.0, 1.0, 0.1, 1.0 / 3, 33.510, 36.291, 1e21, 1e-7, 123456789012345.0,
        1234567890123456789.0, std::numeric_limits<double>::max(),
        std::numeric_limits<double>::denorm_min(), std::numeric_limits<double>::infinity(),
        -std::numeric_limits<double>::infinity(), std::numeric_limits<double>::quiet_NaN()}) {
    message->GetReflection()->SetDouble(message.get(), field, value);
    EXPECT_EQ(OurJson(*message), ProtobufJson(*message)) << value;
  }
}

TEST(JsonPrinterTest, RefusesAStringThatIsNotUtf8) {
  v1::Area area;
  area.set_name_en("Madaya \xff");
  std::string json;
  EXPECT_EQ(PrintJsonByReflection(area, &json).code(), absl::StatusCode::kUnimplemented);
}

}  // namespace
}  // namespace corridor::web
