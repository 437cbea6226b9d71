#include "common/status.h"

#include "common/error_details.h"
#include "common/log.h"

namespace corridor {

grpc::Status ToGrpc(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  switch (status.code()) {
    case absl::StatusCode::kInternal:
    case absl::StatusCode::kDataLoss:
    case absl::StatusCode::kUnknown:
    case absl::StatusCode::kUnavailable:
      CORRIDOR_LOG(ERROR) << "request failed: " << status;
      break;
    default:
      break;
  }
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()), std::string(status.message()),
                      RichStatus(status).SerializeAsString());
}

}  // namespace corridor
