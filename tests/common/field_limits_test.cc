// The contract's field limits (proto/corridor/v1/limits.proto): every
// string, bytes and repeated field a write can carry declares one, and
// CheckFieldLimits holds each field to exactly its declaration, at any
// depth. The servers run it on every write (services/common/
// admitted_service.h); tests/services/common/request_ids_test.cc shows one
// over gRPC.
#include "common/field_limits.h"

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "corridor/v1/access.pb.h"
#include "corridor/v1/agreements.pb.h"
#include "corridor/v1/areas.pb.h"
#include "corridor/v1/audit.pb.h"
#include "corridor/v1/auth.pb.h"
#include "corridor/v1/convoys.pb.h"
#include "corridor/v1/denials.pb.h"
#include "corridor/v1/operations.pb.h"
#include "corridor/v1/parties.pb.h"
#include "corridor/v1/routes.pb.h"
#include "corridor/v1/witness.pb.h"
#include "gmock/gmock.h"
#include "google/protobuf/descriptor.h"
#include "gtest/gtest.h"

namespace corridor {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::MessageFactory;
using ::testing::HasSubstr;
using ::testing::StartsWith;

// A field reached from a request type: the fields leading to it.
struct Reached {
  std::vector<const FieldDescriptor*> steps;
  const FieldDescriptor* field;
};

bool IsContract(const Descriptor* type) {
  return absl::StartsWith(type->full_name(), "corridor.v1.");
}

void Collect(const Descriptor* type, std::vector<const FieldDescriptor*> steps,
             std::vector<const Descriptor*>* open, std::vector<Reached>* out) {
  if (!IsContract(type)) return;
  for (const Descriptor* seen : *open) {
    if (seen == type) return;
  }
  open->push_back(type);
  for (int i = 0; i < type->field_count(); ++i) {
    const FieldDescriptor* field = type->field(i);
    if (field->is_repeated() || field->cpp_type() == FieldDescriptor::CPPTYPE_STRING) {
      out->push_back({steps, field});
    }
    if (field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE && !field->is_map()) {
      std::vector<const FieldDescriptor*> deeper = steps;
      deeper.push_back(field);
      Collect(field->message_type(), deeper, open, out);
    }
  }
  open->pop_back();
}

// Every request type of an RPC whose access rule says it writes, and of
// the token calls. Each file is named through one of its messages, which
// also links it in.
std::vector<const Descriptor*> WriteRequests() {
  std::vector<const Descriptor*> requests;
  for (const google::protobuf::FileDescriptor* file :
       {v1::RouteKeptOpen::descriptor()->file(), v1::PopulationEstimate::descriptor()->file(),
        v1::JournalChange::descriptor()->file(), v1::TokenInfo::descriptor()->file(),
        v1::ManifestLine::descriptor()->file(), v1::Evidence::descriptor()->file(),
        v1::RotateSigningKeyRequest::descriptor()->file(), v1::Party::descriptor()->file(),
        v1::Route::descriptor()->file(), v1::AddCheckpointRequest::descriptor()->file()}) {
    EXPECT_EQ(file->service_count(), 1) << file->name();
    for (int s = 0; s < file->service_count(); ++s) {
      const google::protobuf::ServiceDescriptor* service = file->service(s);
      for (int i = 0; i < service->method_count(); ++i) {
        const auto& options = service->method(i)->options();
        if (options.HasExtension(v1::access) && options.GetExtension(v1::access).writes()) {
          requests.push_back(service->method(i)->input_type());
        }
      }
    }
  }
  requests.push_back(v1::CreateTokenRequest::descriptor());
  requests.push_back(v1::RevokeTokenRequest::descriptor());
  return requests;
}

std::string PathOf(const Reached& reached) {
  std::string path;
  for (const FieldDescriptor* step : reached.steps) {
    absl::StrAppend(&path, step->name(), step->is_repeated() ? "[0]" : "", ".");
  }
  return path + reached.field->name();
}

// A fresh `type` with the messages leading to `reached` made.
std::unique_ptr<Message> Build(const Descriptor* type, const Reached& reached, Message** leaf) {
  std::unique_ptr<Message> root(MessageFactory::generated_factory()->GetPrototype(type)->New());
  Message* at = root.get();
  for (const FieldDescriptor* step : reached.steps) {
    at = step->is_repeated() ? at->GetReflection()->AddMessage(at, step)
                             : at->GetReflection()->MutableMessage(at, step);
  }
  *leaf = at;
  return root;
}

void AddItems(Message* message, const FieldDescriptor* field, int count) {
  const auto* reflection = message->GetReflection();
  for (int i = 0; i < count; ++i) {
    switch (field->cpp_type()) {
      case FieldDescriptor::CPPTYPE_STRING:
        reflection->AddString(message, field, "x");
        break;
      case FieldDescriptor::CPPTYPE_ENUM:
        reflection->AddEnumValue(message, field, 0);
        break;
      case FieldDescriptor::CPPTYPE_MESSAGE:
        reflection->AddMessage(message, field);
        break;
      default:
        FAIL() << field->full_name() << ": a repeated field of a kind this test cannot fill";
    }
  }
}

TEST(FieldLimitsTest, EveryFieldAWriteCanCarryDeclaresItsLimit) {
  const std::vector<const Descriptor*> requests = WriteRequests();
  EXPECT_GE(requests.size(), 23u);
  int checked = 0;
  for (const Descriptor* request : requests) {
    std::vector<const Descriptor*> open;
    std::vector<Reached> reached;
    Collect(request, {}, &open, &reached);
    for (const Reached& r : reached) {
      const DeclaredLimit limit = LimitOf(*r.field);
      const std::string where = absl::StrCat(request->name(), ".", PathOf(r));
      if (r.field->is_repeated()) {
        EXPECT_GT(limit.max_items, 0u) << where << " declares no max_items";
      }
      if (r.field->cpp_type() == FieldDescriptor::CPPTYPE_STRING) {
        EXPECT_GT(limit.max_bytes, 0u) << where << " declares no max_bytes";
      }
      ++checked;
    }
  }
  EXPECT_GT(checked, 100);
}

TEST(FieldLimitsTest, EachDeclaredLimitIsEnforcedExactlyAtAnyDepth) {
  int probed = 0;
  for (const Descriptor* request : WriteRequests()) {
    std::vector<const Descriptor*> open;
    std::vector<Reached> reached;
    Collect(request, {}, &open, &reached);
    for (const Reached& r : reached) {
      const DeclaredLimit limit = LimitOf(*r.field);
      const std::string path = PathOf(r);
      const std::string where = absl::StrCat(request->name(), ".", path);
      Message* leaf = nullptr;
      if (r.field->is_repeated() && limit.max_items > 0) {
        std::unique_ptr<Message> at_limit = Build(request, r, &leaf);
        AddItems(leaf, r.field, limit.max_items);
        EXPECT_TRUE(CheckFieldLimits(*at_limit).ok()) << where;
        AddItems(leaf, r.field, 1);
        EXPECT_EQ(CheckFieldLimits(*at_limit).message(),
                  absl::StrCat(path, ": has ", limit.max_items + 1, " items; the limit is ",
                               limit.max_items))
            << where;
        ++probed;
      }
      if (r.field->cpp_type() == FieldDescriptor::CPPTYPE_STRING && limit.max_bytes > 0) {
        for (const size_t size : {size_t{limit.max_bytes}, size_t{limit.max_bytes} + 1}) {
          std::unique_ptr<Message> message = Build(request, r, &leaf);
          const std::string value(size, 'a');
          if (r.field->is_repeated()) {
            leaf->GetReflection()->AddString(leaf, r.field, value);
          } else {
            leaf->GetReflection()->SetString(leaf, r.field, value);
          }
          const absl::Status status = CheckFieldLimits(*message);
          if (size == limit.max_bytes) {
            EXPECT_TRUE(status.ok()) << where << ": " << status;
          } else {
            EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << where;
            EXPECT_THAT(
                std::string(status.message()),
                StartsWith(absl::StrCat(path, r.field->is_repeated() ? "[0]" : "", ": is ", size,
                                        " bytes long; the limit is ", limit.max_bytes)))
                << where;
          }
        }
        ++probed;
      }
    }
  }
  EXPECT_GT(probed, 100);
}

TEST(FieldLimitsTest, NamesTheItemOfAListThatIsTooLong) {
  v1::SubmitConvoyRequestRequest request;
  request.add_manifest()->set_unit("tonnes");
  request.add_manifest()->set_unit("tonnes");
  request.add_manifest()->set_unit(std::string(51, 'k'));
  EXPECT_EQ(CheckFieldLimits(request).message(),
            "manifest[2].unit: is 51 bytes long; the limit is 50");
  request.mutable_manifest(2)->set_unit("kits");
  EXPECT_TRUE(CheckFieldLimits(request).ok());
}

}  // namespace
}  // namespace corridor
