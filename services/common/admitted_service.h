// The one shape of a service's gRPC handlers. A handler admits its call
// (AccessControl: bearer token, role), does its work with the caller's
// origin, and answers with the result as the caller may see it
// (RespondTo); errors are mapped to gRPC once, here:
//
//   grpc::Status ConvoyService::GetConvoy(grpc::ServerContext* context,
//                                         const v1::GetConvoyRequest* request,
//                                         v1::Convoy* response) {
//     return Serve(context, "GetConvoy", response,
//                  [&](const storage::Origin&) -> absl::StatusOr<v1::Convoy> {
//                    CORRIDOR_RETURN_IF_ERROR(ValidateConvoyId("id", request->id()));
//                    return store_->Get("id", request->id());
//                  });
//   }
#ifndef CORRIDOR_SERVICES_COMMON_ADMITTED_SERVICE_H_
#define CORRIDOR_SERVICES_COMMON_ADMITTED_SERVICE_H_

#include <grpcpp/server_context.h>

#include <utility>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/status.h"
#include "common/status_macros.h"
#include "services/common/access.h"
#include "storage/mutation.h"
#include "storage/store.h"

namespace corridor {

// Base of the handlers of `GrpcService` (a generated service class such as
// v1::ConvoyService): its calls are admitted as methods of
// GrpcService::service_full_name().
template <typename GrpcService>
class AdmittedService : public GrpcService::Service {
 protected:
  // `access` must outlive the service.
  explicit AdmittedService(const AccessControl* access) : access_(access) {}

  // A unary call of `method`: admits it, runs `body(origin)`, which returns
  // absl::StatusOr<Response>, and answers with the result.
  //
  // A call that wrote says where, in trailing metadata: "corridor-journal-
  // index" (decimal) and "corridor-journal-leaf-hash" (hex), the last entry
  // it added to its service's journal, so that its author can ask for the
  // inclusion proof of exactly what it wrote (AuditService.
  // GetInclusionProof). A retry that wrote nothing carries neither.
  template <typename Response, typename Body>
  grpc::Status Serve(grpc::ServerContext* context, absl::string_view method, Response* response,
                     Body&& body) const {
    absl::StatusOr<storage::Origin> origin = Admit(context, method);
    if (!origin.ok()) return ToGrpc(origin.status());
    storage::ForgetLastCommit();
    grpc::Status status = RespondTo<Response>(*origin, std::forward<Body>(body)(*origin), response);
    const storage::LastCommit& written = storage::LastCommitOnThisThread();
    if (status.ok() && written.set) {
      context->AddTrailingMetadata("corridor-journal-index", std::to_string(written.journal_index));
      context->AddTrailingMetadata("corridor-journal-leaf-hash",
                                   storage::merkle::ToHex(written.leaf_hash));
    }
    return status;
  }

  // Admission alone, for handlers that stream.
  absl::StatusOr<storage::Origin> Admit(grpc::ServerContext* context,
                                        absl::string_view method) const {
    return access_->Admit(*context, GrpcService::service_full_name(), method);
  }
  absl::StatusOr<storage::Origin> AdmitStream(grpc::ServerContext* context,
                                              absl::string_view method, StreamSlot* slot) const {
    return access_->AdmitStream(*context, GrpcService::service_full_name(), method, slot);
  }

 private:
  const AccessControl* access_;
};

}  // namespace corridor

#endif  // CORRIDOR_SERVICES_COMMON_ADMITTED_SERVICE_H_
