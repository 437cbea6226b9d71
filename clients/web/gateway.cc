#include "clients/web/gateway.h"

#include <algorithm>
#include <future>
#include <vector>

#include "absl/algorithm/container.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "clients/web/json_printer.h"
#include "clients/web/openapi.h"
#include "common/credentials.h"
#include "common/error_details.h"
#include "common/json.h"
#include "common/service_catalog.h"
#include "corridor/v1/areas.pb.h"
#include "corridor/v1/audit.pb.h"
#include "corridor/v1/auth.pb.h"
#include "corridor/v1/convoys.pb.h"
#include "corridor/v1/denials.pb.h"
#include "corridor/v1/routes.pb.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"
#include "google/protobuf/util/json_util.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/support/byte_buffer.h"

namespace corridor::web {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::Message;
using google::protobuf::MethodDescriptor;

// Every contract file is in the generated descriptor pool once the catalogue
// is built: each row names a message of its file, which keeps the file linked.
void LoadContract() { ServiceCatalog(); }

bool Exposed(const MethodDescriptor& method) {
  if (method.client_streaming() || method.server_streaming()) return false;
  const GrpcServiceEntry* service = FindGrpcService(method.service()->full_name());
  if (service == nullptr) return false;
  return service->gateway_all_unary ||
         absl::c_linear_search(service->gateway_methods, method.name());
}

const MethodDescriptor* FindMethod(absl::string_view path) {
  LoadContract();
  std::vector<std::string> parts = absl::StrSplit(path, '/');
  if (parts.size() != 2) return nullptr;
  return google::protobuf::DescriptorPool::generated_pool()->FindMethodByName(
      absl::StrCat("corridor.v1.", parts[0], ".", parts[1]));
}

}  // namespace

int HttpStatusOf(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::OK:
      return 200;
    case grpc::StatusCode::INVALID_ARGUMENT:
    case grpc::StatusCode::OUT_OF_RANGE:
      return 400;
    case grpc::StatusCode::UNAUTHENTICATED:
      return 401;
    case grpc::StatusCode::PERMISSION_DENIED:
      return 403;
    case grpc::StatusCode::NOT_FOUND:
      return 404;
    case grpc::StatusCode::ALREADY_EXISTS:
    case grpc::StatusCode::ABORTED:
    case grpc::StatusCode::FAILED_PRECONDITION:
      return 409;
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      return 429;
    case grpc::StatusCode::UNAVAILABLE:
      return 503;
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return 504;
    default:
      return 500;
  }
}

HttpReply ErrorReply(int http_status, absl::string_view code, absl::string_view message) {
  HttpReply reply;
  reply.status = http_status;
  reply.body = absl::StrCat("{\"error\":{\"code\":", JsonString(code),
                            ",\"message\":", JsonString(message), "}}");
  return reply;
}

// The rich error model (common/error_details.h) as the JSON error's
// "reason" and "fieldViolations", so that the dashboard puts each message
// beside its field without parsing text.
static void AddErrorDetails(const ReadDetails& details, HttpReply* reply) {
  std::string extra;
  if (!details.reason.empty()) {
    absl::StrAppend(&extra, ",\"reason\":", JsonString(details.reason));
  }
  if (!details.field_violations.empty()) {
    std::vector<std::string> violations;
    for (const auto& [field, description] : details.field_violations) {
      violations.push_back(absl::StrCat("{\"field\":", JsonString(field),
                                        ",\"description\":", JsonString(description), "}"));
    }
    absl::StrAppend(&extra, ",\"fieldViolations\":[", absl::StrJoin(violations, ","), "]");
  }
  // Inside {"error":{...}}: before its last two braces.
  reply->body.insert(reply->body.size() - 2, extra);
}

// 400 INVALID_ARGUMENT "<prefix><field>: <problem>", with the field as
// data, as a service's own refusal of a field has it.
static HttpReply FieldViolationReply(absl::string_view prefix, absl::string_view field,
                                     absl::string_view problem) {
  HttpReply reply = ErrorReply(400, "INVALID_ARGUMENT", absl::StrCat(prefix, field, ": ", problem));
  AddErrorDetails({"INVALID_FIELD", {{std::string(field), std::string(problem)}}}, &reply);
  return reply;
}

// A body protobuf could not read as `type`, with the field as data when
// protobuf's text names one: "(page.page_size): invalid value ...",
// "nope: Cannot find field." or "(page) nope: Cannot find field.".
static HttpReply JsonParseError(const google::protobuf::Descriptor& type,
                                absl::string_view protobuf_message) {
  absl::string_view rest = protobuf_message;
  std::string field;
  if (absl::StartsWith(rest, "(")) {
    const size_t close = rest.find(')');
    if (close != absl::string_view::npos) {
      field = std::string(rest.substr(1, close - 1));
      rest.remove_prefix(close + 1);
      if (!absl::ConsumePrefix(&rest, ": ")) absl::ConsumePrefix(&rest, " ");
    }
  }
  std::string problem(rest);
  constexpr absl::string_view kUnknown = ": Cannot find field.";
  if (absl::EndsWith(rest, kUnknown)) {
    const absl::string_view name = rest.substr(0, rest.size() - kUnknown.size());
    field = field.empty() ? std::string(name) : absl::StrCat(field, ".", name);
    problem =
        "is not a field there (field names are the .proto's, in snake_case or lowerCamelCase)";
  }
  if (absl::StartsWith(problem, ": ")) problem.erase(0, 2);  // ": Root element must be..."
  const std::string prefix = absl::StrCat("the request body is not a valid ", type.name(), ": ");
  if (field.empty()) return ErrorReply(400, "INVALID_ARGUMENT", absl::StrCat(prefix, problem));
  return FieldViolationReply(prefix, field, problem);
}

HttpReply InvalidFieldReply(absl::string_view message) {
  const size_t colon = message.find(": ");
  const absl::string_view field = message.substr(0, colon);
  const bool names_field = colon != absl::string_view::npos && !field.empty() &&
                           std::all_of(field.begin(), field.end(), [](char c) {
                             return absl::ascii_isalnum(static_cast<unsigned char>(c)) ||
                                    c == '_' || c == '.' || c == '[' || c == ']';
                           });
  if (!names_field) return ErrorReply(400, "INVALID_ARGUMENT", message);
  return FieldViolationReply("", field, message.substr(colon + 2));
}

HttpReply ErrorReply(const grpc::Status& status) {
  static const char* const kNames[] = {"OK",
                                       "CANCELLED",
                                       "UNKNOWN",
                                       "INVALID_ARGUMENT",
                                       "DEADLINE_EXCEEDED",
                                       "NOT_FOUND",
                                       "ALREADY_EXISTS",
                                       "PERMISSION_DENIED",
                                       "RESOURCE_EXHAUSTED",
                                       "FAILED_PRECONDITION",
                                       "ABORTED",
                                       "OUT_OF_RANGE",
                                       "UNIMPLEMENTED",
                                       "INTERNAL",
                                       "UNAVAILABLE",
                                       "DATA_LOSS",
                                       "UNAUTHENTICATED"};
  const int code = status.error_code();
  const char* name = code >= 0 && code <= 16 ? kNames[code] : "UNKNOWN";
  std::string message = status.error_message();
  if (status.error_code() == grpc::StatusCode::UNAVAILABLE) {
    message = "the Corridor services cannot be reached from the dashboard's server (" + message +
              "); check that corridord is running and corridor-web's --target (and --servers)";
  }
  HttpReply reply = ErrorReply(HttpStatusOf(status.error_code()), name, message);
  AddErrorDetails(ReadErrorDetails(status.error_details()), &reply);
  // RFC 6750 section 3: a 401 names the scheme it wants.
  if (reply.status == 401) reply.headers["WWW-Authenticate"] = "Bearer";
  return reply;
}

Gateway::Gateway(ServiceChannels* channels, absl::Duration timeout)
    : channels_(channels), timeout_(timeout) {}

HttpReply Gateway::Call(absl::string_view method_path, absl::string_view json,
                        const std::string& token) const {
  const MethodDescriptor* method = FindMethod(method_path);
  if (method == nullptr || !Exposed(*method)) {
    return ErrorReply(404, "NOT_FOUND",
                      absl::StrCat("no RPC ", method_path,
                                   " is served here; the gateway serves the unary RPCs of "
                                   "corridor.v1, e.g. POST /api/v1/AreaService/ListAreas"));
  }
  // The contract's generated classes, found by descriptor.
  google::protobuf::MessageFactory* factory = google::protobuf::MessageFactory::generated_factory();
  std::unique_ptr<Message> request(factory->GetPrototype(method->input_type())->New());
  google::protobuf::util::JsonParseOptions parse;
  parse.ignore_unknown_fields = false;
  if (!json.empty()) {
    google::protobuf::util::Status status =
        google::protobuf::util::JsonStringToMessage(std::string(json), request.get(), parse);
    if (!status.ok()) return JsonParseError(*method->input_type(), std::string(status.message()));
  }

  std::string serialized;
  request->SerializeToString(&serialized);
  grpc::Slice slice(serialized);
  grpc::ByteBuffer request_buffer(&slice, 1);
  grpc::ByteBuffer response_buffer;
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + timeout_));
  if (!token.empty()) AttachBearerToken(&context, token);
  // Audit calls name the service whose journal they read.
  std::string service = CorridorServiceOf(method->service()->full_name());
  if (const auto* field = request->GetDescriptor()->FindFieldByName("service");
      service.empty() && field != nullptr &&
      field->type() == google::protobuf::FieldDescriptor::TYPE_STRING) {
    service = request->GetReflection()->GetString(*request, field);
  }
  grpc::GenericStub stub(channels_->For(service));
  std::promise<grpc::Status> done;
  stub.UnaryCall(&context, absl::StrCat("/", method->service()->full_name(), "/", method->name()),
                 grpc::StubOptions(), &request_buffer, &response_buffer,
                 [&done](grpc::Status status) { done.set_value(std::move(status)); });
  const grpc::Status status = done.get_future().get();
  if (!status.ok()) return ErrorReply(status);

  std::vector<grpc::Slice> slices;
  if (!response_buffer.Dump(&slices).ok()) {
    return ErrorReply(502, "INTERNAL", "the service's response could not be read");
  }
  std::string bytes;
  for (const grpc::Slice& s : slices)
    bytes.append(reinterpret_cast<const char*>(s.begin()), s.size());
  std::unique_ptr<Message> response(factory->GetPrototype(method->output_type())->New());
  if (!response->ParseFromString(bytes)) {
    return ErrorReply(502, "INTERNAL", "the service's response could not be parsed");
  }
  HttpReply reply;
  if (absl::Status printed = PrintJson(*response, &reply.body); !printed.ok()) {
    return ErrorReply(
        500, "INTERNAL",
        absl::StrCat("the response could not be written as JSON: ", printed.message()));
  }
  return reply;
}

std::string Gateway::OpenApi() const {
  LoadContract();
  std::vector<const MethodDescriptor*> methods;
  for (const GrpcServiceEntry* service : AllGrpcServices()) {
    if (service->descriptor == nullptr) continue;
    for (int i = 0; i < service->descriptor->method_count(); ++i) {
      if (Exposed(*service->descriptor->method(i)))
        methods.push_back(service->descriptor->method(i));
    }
  }
  return OpenApiJson(methods);
}

std::string Gateway::EnumsJson() const {
  LoadContract();
  const char* const kEnums[] = {"AreaStatus",     "RouteStatus", "ConvoyStatus",
                                "CargoCategory",  "Confidence",  "AccessConstraintCategory",
                                "StatsDimension", "Role",        "DeliveryMode",
                                "RequestKind",    "StepOutcome", "ViolationState",
                                "IncidentType",   "Weapon",      "AttributionConfidence"};
  std::string out = "{";
  for (const char* name : kEnums) {
    const google::protobuf::EnumDescriptor* e =
        google::protobuf::DescriptorPool::generated_pool()->FindEnumTypeByName(
            absl::StrCat("corridor.v1.", name));
    if (e == nullptr) continue;
    if (out.size() > 1) out += ",";
    absl::StrAppend(&out, JsonString(name), ":[");
    for (int i = 0; i < e->value_count(); ++i) {
      if (i > 0) out += ",";
      out += JsonString(e->value(i)->name());
    }
    out += "]";
  }
  return out + "}";
}

}  // namespace corridor::web
