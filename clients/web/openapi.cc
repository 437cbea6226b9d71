#include "clients/web/openapi.h"

#include <deque>
#include <map>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/field_limits.h"
#include "common/json.h"
#include "corridor/v1/access.pb.h"
#include "services/common/access.h"

namespace corridor::web {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::EnumDescriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::MethodDescriptor;

std::string Ref(const Descriptor& message) {
  return absl::StrCat(R"({"$ref":"#/components/schemas/)", message.full_name(), "\"}");
}

std::string EnumSchema(const EnumDescriptor& type) {
  std::vector<std::string> names;
  for (int i = 0; i < type.value_count(); ++i) names.push_back(JsonString(type.value(i)->name()));
  return absl::StrCat(R"({"type":"string","enum":[)", absl::StrJoin(names, ","), "]}");
}

// One value of `field` (an element, for a repeated one); message types it
// names are added to `pending`.
std::string ValueSchema(const FieldDescriptor& field, std::deque<const Descriptor*>* pending) {
  switch (field.type()) {
    case FieldDescriptor::TYPE_STRING:
    case FieldDescriptor::TYPE_BYTES: {
      const bool text = field.type() == FieldDescriptor::TYPE_STRING;
      const uint32_t max_bytes = LimitOf(field).max_bytes;
      if (max_bytes == 0)
        return text ? R"({"type":"string"})" : R"({"type":"string","format":"byte"})";
      // The contract limits UTF-8 bytes (limits.proto). JSON Schema's
      // maxLength counts characters, which would let through text the
      // server refuses, so the limit is stated in bytes only.
      return absl::StrCat(R"({"type":"string",)", text ? "" : R"("format":"byte",)",
                          R"("description":"at most )", max_bytes, R"( bytes of UTF-8",)",
                          R"("x-corridor-max-bytes":)", max_bytes, "}");
    }
    case FieldDescriptor::TYPE_BOOL:
      return R"({"type":"boolean"})";
    case FieldDescriptor::TYPE_FLOAT:
    case FieldDescriptor::TYPE_DOUBLE:
      return R"({"type":"number"})";
    case FieldDescriptor::TYPE_INT64:
    case FieldDescriptor::TYPE_UINT64:
    case FieldDescriptor::TYPE_SINT64:
    case FieldDescriptor::TYPE_FIXED64:
    case FieldDescriptor::TYPE_SFIXED64:
      return R"({"type":"string","format":"int64"})";  // protobuf's JSON mapping
    case FieldDescriptor::TYPE_ENUM:
      return EnumSchema(*field.enum_type());
    case FieldDescriptor::TYPE_MESSAGE:
    case FieldDescriptor::TYPE_GROUP: {
      const std::string& name = field.message_type()->full_name();
      if (name == "google.protobuf.Timestamp") return R"({"type":"string","format":"date-time"})";
      if (name == "google.protobuf.Duration") return R"({"type":"string"})";
      if (name == "google.protobuf.Any") {
        return R"({"type":"object","properties":{"@type":{"type":"string"}},"additionalProperties":true})";
      }
      pending->push_back(field.message_type());
      return Ref(*field.message_type());
    }
    default:
      return R"({"type":"integer","format":"int32"})";
  }
}

std::string FieldSchema(const FieldDescriptor& field, std::deque<const Descriptor*>* pending) {
  if (field.is_map()) {
    return absl::StrCat(R"({"type":"object","additionalProperties":)",
                        ValueSchema(*field.message_type()->map_value(), pending), "}");
  }
  if (field.is_repeated()) {
    const uint32_t max_items = LimitOf(field).max_items;
    return absl::StrCat(R"({"type":"array","items":)", ValueSchema(field, pending),
                        max_items > 0 ? absl::StrCat(R"(,"maxItems":)", max_items) : "", "}");
  }
  return ValueSchema(field, pending);
}

// components.schemas: every message the methods reach.
std::string Schemas(const std::vector<const MethodDescriptor*>& methods) {
  std::deque<const Descriptor*> pending;
  for (const MethodDescriptor* method : methods) {
    pending.push_back(method->input_type());
    pending.push_back(method->output_type());
  }
  std::map<std::string, std::string> schemas;
  while (!pending.empty()) {
    const Descriptor* message = pending.front();
    pending.pop_front();
    if (schemas.count(message->full_name()) > 0) continue;
    std::vector<std::string> properties;
    for (int i = 0; i < message->field_count(); ++i) {
      const FieldDescriptor& field = *message->field(i);
      properties.push_back(
          absl::StrCat(JsonString(field.name()), ":", FieldSchema(field, &pending)));
    }
    schemas[message->full_name()] =
        absl::StrCat(R"({"type":"object","properties":{)", absl::StrJoin(properties, ","), "}}");
  }
  schemas["corridor.web.Error"] =
      R"({"type":"object","properties":{"error":{"type":"object","properties":{)"
      R"("code":{"type":"string","description":"the gRPC status name, e.g. INVALID_ARGUMENT"},)"
      R"("message":{"type":"string","description":"starts with the field it is about"},)"
      R"("reason":{"type":"string","description":"stable: INVALID_FIELD, NOT_FOUND, ..."},)"
      R"("fieldViolations":{"type":"array","items":{"type":"object","properties":{)"
      R"("field":{"type":"string"},"description":{"type":"string"}}}}}}}})";
  std::vector<std::string> entries;
  for (const auto& [name, schema] : schemas) {
    entries.push_back(absl::StrCat(JsonString(name), ":", schema));
  }
  return absl::StrJoin(entries, ",");
}

std::string Operation(const MethodDescriptor& method) {
  const std::string full = absl::StrCat("/", method.service()->full_name(), "/", method.name());
  std::vector<std::string> roles;
  for (v1::Role role : RolesAllowed(full)) roles.push_back(JsonString(RoleName(role)));
  const v1::AccessRule rule = method.options().GetExtension(v1::access);
  std::string errors;
  for (const auto& [http, what] : std::vector<std::pair<int, std::string>>{
           {400, "a field is wrong (fieldViolations names it)"},
           {401, "no valid bearer token"},
           {403, "the token's role may not make this call"},
           {404, "the record does not exist"},
           {409, "refused by the record's state or version, or already exists"},
           {429, "a limit was reached"},
           {503, "the services cannot be reached; retry"}}) {
    absl::StrAppend(
        &errors, ",\"", http, R"(":{"description":)", JsonString(what),
        R"(,"content":{"application/json":{"schema":{"$ref":"#/components/schemas/corridor.web.Error"}}}})");
  }
  return absl::StrCat(
      R"({"post":{"operationId":)",
      JsonString(absl::StrCat(method.service()->name(), "_", method.name())), R"(,"tags":[)",
      JsonString(method.service()->name()), "]", R"(,"x-corridor-roles":[)",
      absl::StrJoin(roles, ","), "]", R"(,"x-corridor-own-agency":)",
      rule.own_agency() ? "true" : "false", R"(,"x-corridor-writes":)",
      rule.writes() ? "true" : "false",
      R"(,"requestBody":{"required":false,"content":{"application/json":{"schema":)",
      Ref(*method.input_type()),
      R"(}}},"responses":{"200":{"description":"the answer","content":{"application/json":{"schema":)",
      Ref(*method.output_type()), "}}}", errors, "}}}");
}

}  // namespace

std::string OpenApiJson(const std::vector<const MethodDescriptor*>& methods) {
  std::vector<std::string> paths;
  for (const MethodDescriptor* method : methods) {
    paths.push_back(absl::StrCat(
        JsonString(absl::StrCat("/api/v1/", method->service()->name(), "/", method->name())), ":",
        Operation(*method)));
  }
  return absl::StrCat(
      R"({"openapi":"3.0.3","info":{"title":"Corridor JSON gateway","version":"v1",)",
      R"("description":"The unary RPCs of proto/corridor/v1 over HTTP, in protobuf's JSON )",
      R"(mapping with the .proto's field names. Send the bearer token of a Corridor )",
      R"(token; each call is admitted by the roles in x-corridor-roles."},)",
      R"("servers":[{"url":"/"}],"security":[{"bearer":[]}],"paths":{)", absl::StrJoin(paths, ","),
      R"(},"components":{"securitySchemes":{"bearer":{"type":"http","scheme":"bearer"}},)",
      R"("schemas":{)", Schemas(methods), "}}}");
}

}  // namespace corridor::web
