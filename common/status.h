// absl::Status <-> grpc::Status, once for every service and client.
#ifndef CORRIDOR_COMMON_STATUS_H_
#define CORRIDOR_COMMON_STATUS_H_

#include <grpcpp/support/status.h>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/status_macros.h"

namespace corridor {

// Maps a handler's result for the wire (absl::StatusCode and
// grpc::StatusCode share the numbers 0-16), with the rich error model in
// its details (common/error_details.h). Faults of the server itself
// (INTERNAL, DATA_LOSS, UNKNOWN, UNAVAILABLE) are also logged, since the
// operator, not the caller, has to act on them.
grpc::Status ToGrpc(const absl::Status& status);

inline absl::Status FromGrpc(const grpc::Status& status) {
  if (status.ok()) return absl::OkStatus();
  return absl::Status(static_cast<absl::StatusCode>(status.error_code()), status.error_message());
}

// A handler's answer: the result into `response`, or its error mapped once.
template <typename T>
grpc::Status Respond(absl::StatusOr<T> result, T* response) {
  if (!result.ok()) return ToGrpc(result.status());
  *response = *std::move(result);
  return grpc::Status::OK;
}

}  // namespace corridor

#endif  // CORRIDOR_COMMON_STATUS_H_
