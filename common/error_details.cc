#include "common/error_details.h"

#include "absl/strings/ascii.h"
#include "absl/strings/cord.h"
#include "absl/strings/match.h"
#include "absl/strings/strip.h"
#include "google/rpc/error_details.pb.h"

namespace corridor {
namespace {

// The absl::Status payload that names a reason explicitly.
constexpr char kReasonPayload[] = "type.corridor.dev/corridor.v1.ErrorReason";

bool IsNameChar(char c) { return absl::ascii_islower(c) || absl::ascii_isdigit(c) || c == '_'; }

// The text between the first pair of double quotes after `from`, if any.
std::string QuotedAfter(absl::string_view message, size_t from) {
  const size_t open = message.find('"', from);
  if (open == absl::string_view::npos) return "";
  const size_t close = message.find('"', open + 1);
  if (close == absl::string_view::npos) return "";
  return std::string(message.substr(open + 1, close - open - 1));
}

// "key_field: no <noun> \"<name>\"", "key_field: <noun> \"<name>\" already
// exists", "<noun> not found": how the stores word a missing or taken record.
void DescribeResource(absl::string_view message, const std::string& field,
                      google::rpc::ResourceInfo* resource) {
  absl::string_view rest = field.empty() ? message : message.substr(field.size() + 2);
  if (absl::ConsumePrefix(&rest, "no ")) {
    const size_t quote = rest.find(" \"");
    if (quote != absl::string_view::npos) {
      resource->set_resource_type(std::string(rest.substr(0, quote)));
      resource->set_resource_name(QuotedAfter(rest, quote));
    }
  } else if (const size_t taken = rest.find("\" already exists");
             taken != absl::string_view::npos) {
    const size_t quote = rest.find(" \"");
    if (quote != absl::string_view::npos && quote < taken) {
      resource->set_resource_type(std::string(rest.substr(0, quote)));
      resource->set_resource_name(QuotedAfter(rest, quote));
    }
  } else if (const size_t missing = rest.find(" not found"); missing != absl::string_view::npos) {
    resource->set_resource_type(std::string(rest.substr(0, missing)));
  }
  resource->set_description(std::string(message));
}

}  // namespace

std::string FieldOfMessage(absl::string_view message) {
  // A path of lowercase names, dots and [index]es, then ": ".
  size_t i = 0;
  bool name_started = false;
  while (i < message.size()) {
    const char c = message[i];
    if (IsNameChar(c)) {
      if (!name_started && absl::ascii_isdigit(c)) return "";
      name_started = true;
    } else if (c == '.' && name_started) {
      name_started = false;
    } else if (c == '[' && name_started) {
      const size_t close = message.find(']', i);
      if (close == absl::string_view::npos || close == i + 1) return "";
      for (size_t d = i + 1; d < close; ++d) {
        if (!absl::ascii_isdigit(message[d])) return "";
      }
      i = close;
    } else {
      break;
    }
    ++i;
  }
  if (!name_started || !absl::StartsWith(message.substr(i), ": ")) return "";
  return std::string(message.substr(0, i));
}

absl::Status WithReason(absl::Status status, absl::string_view reason) {
  status.SetPayload(kReasonPayload, absl::Cord(reason));
  return status;
}

std::string ErrorReason(const absl::Status& status) {
  if (absl::optional<absl::Cord> reason = status.GetPayload(kReasonPayload); reason.has_value()) {
    return std::string(*reason);
  }
  switch (status.code()) {
    case absl::StatusCode::kInvalidArgument:
      return FieldOfMessage(status.message()).empty() ? "INVALID_REQUEST" : "INVALID_FIELD";
    case absl::StatusCode::kOutOfRange:
      return "OUT_OF_RANGE";
    case absl::StatusCode::kNotFound:
      return "NOT_FOUND";
    case absl::StatusCode::kAlreadyExists:
      return "ALREADY_EXISTS";
    case absl::StatusCode::kAborted:
      return "VERSION_CONFLICT";
    case absl::StatusCode::kFailedPrecondition:
      return absl::StartsWith(status.message(), "this is a mirror") ? "READ_ONLY_MIRROR"
                                                                    : "FAILED_PRECONDITION";
    case absl::StatusCode::kPermissionDenied:
      return "ROLE_NOT_ALLOWED";
    case absl::StatusCode::kUnauthenticated:
      return "TOKEN_REJECTED";
    case absl::StatusCode::kResourceExhausted:
      return "LIMIT_EXCEEDED";
    case absl::StatusCode::kUnavailable:
      return "UNAVAILABLE";
    case absl::StatusCode::kDeadlineExceeded:
      return "DEADLINE_EXCEEDED";
    case absl::StatusCode::kCancelled:
      return "CANCELLED";
    case absl::StatusCode::kUnimplemented:
      return "UNIMPLEMENTED";
    default:
      return "SERVER_FAULT";
  }
}

ReadDetails ReadErrorDetails(absl::string_view error_details) {
  ReadDetails read;
  google::rpc::Status rich;
  if (error_details.empty() || !rich.ParseFromArray(error_details.data(), error_details.size())) {
    return read;
  }
  for (const google::protobuf::Any& detail : rich.details()) {
    google::rpc::ErrorInfo info;
    google::rpc::BadRequest bad_request;
    if (detail.UnpackTo(&info)) {
      read.reason = info.reason();
    } else if (detail.UnpackTo(&bad_request)) {
      for (const auto& violation : bad_request.field_violations()) {
        read.field_violations.emplace_back(violation.field(), violation.description());
      }
    }
  }
  return read;
}

google::rpc::Status RichStatus(const absl::Status& status) {
  google::rpc::Status rich;
  rich.set_code(static_cast<int>(status.code()));
  rich.set_message(std::string(status.message()));
  const std::string field = FieldOfMessage(status.message());
  google::rpc::ErrorInfo info;
  info.set_reason(ErrorReason(status));
  info.set_domain(kErrorDomain);
  if (!field.empty()) (*info.mutable_metadata())["field"] = field;
  rich.add_details()->PackFrom(info);
  // What follows the field path is the description of what is wrong with it.
  const absl::string_view description =
      field.empty() ? status.message() : status.message().substr(field.size() + 2);
  switch (status.code()) {
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kOutOfRange: {
      google::rpc::BadRequest bad_request;
      google::rpc::BadRequest::FieldViolation* violation = bad_request.add_field_violations();
      violation->set_field(field);
      violation->set_description(std::string(description));
      rich.add_details()->PackFrom(bad_request);
      break;
    }
    case absl::StatusCode::kFailedPrecondition:
    case absl::StatusCode::kAborted: {
      google::rpc::PreconditionFailure failure;
      google::rpc::PreconditionFailure::Violation* violation = failure.add_violations();
      violation->set_type(status.code() == absl::StatusCode::kAborted ? "VERSION" : "STATE");
      violation->set_subject(field);
      violation->set_description(std::string(description));
      rich.add_details()->PackFrom(failure);
      break;
    }
    case absl::StatusCode::kNotFound:
    case absl::StatusCode::kAlreadyExists: {
      google::rpc::ResourceInfo resource;
      DescribeResource(status.message(), field, &resource);
      rich.add_details()->PackFrom(resource);
      break;
    }
    default:
      break;
  }
  return rich;
}

}  // namespace corridor
