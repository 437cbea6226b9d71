// The standard rich error model (google.rpc.Status, AIP-193) that every
// failed Corridor call carries beside its message, so that clients act on
// fields, not on text. Sent as the call's error details (the
// "grpc-status-details-bin" trailer, what grpc::Status::error_details()
// and every gRPC library's rich-status helpers read):
//
//   ErrorInfo            always: a stable `reason` (below), domain
//                        "corridor.v1", and metadata "field" when the
//                        message names one;
//   BadRequest           INVALID_ARGUMENT and OUT_OF_RANGE: one
//                        FieldViolation for the field the message names;
//   PreconditionFailure  FAILED_PRECONDITION and ABORTED (a life-cycle
//                        refusal, a stale version);
//   ResourceInfo         NOT_FOUND and ALREADY_EXISTS: the kind of record
//                        and its name, when the message gives them.
//
// The message stays as it is: it starts with the field path it is about
// ("area.location.latitude: must be between -90 and 90"), which is where
// the field of the details comes from.
#ifndef CORRIDOR_COMMON_ERROR_DETAILS_H_
#define CORRIDOR_COMMON_ERROR_DETAILS_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "google/rpc/status.pb.h"

namespace corridor {

inline constexpr char kErrorDomain[] = "corridor.v1";

// The ErrorInfo reason of `status`, one per kind of refusal, as partners
// read them in proto/corridor/v1/common.proto ("Errors are data"): one
// set with WithReason (OTHER_AGENCY, REQUEST_ID_REUSED, ...), else the
// code's (SERVER_FAULT for INTERNAL, DATA_LOSS and UNKNOWN).
std::string ErrorReason(const absl::Status& status);

// `status` carrying `reason` as its ErrorInfo reason.
absl::Status WithReason(absl::Status status, absl::string_view reason);

// The field path a Corridor error message starts with
// ("convoy.manifest[2].quantity: ..." -> "convoy.manifest[2].quantity"),
// or empty if it starts with none.
std::string FieldOfMessage(absl::string_view message);

// The google.rpc.Status of a failed `status`, with the details above.
google::rpc::Status RichStatus(const absl::Status& status);

// What a client reads back from a failed call's details (the bytes of
// grpc::Status::error_details()): the ErrorInfo reason and the BadRequest
// field violations, (field, description). Empty when there are none or
// they cannot be parsed.
struct ReadDetails {
  std::string reason;
  std::vector<std::pair<std::string, std::string>> field_violations;
};
ReadDetails ReadErrorDetails(absl::string_view error_details);

}  // namespace corridor

#endif  // CORRIDOR_COMMON_ERROR_DETAILS_H_
