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
#include <grpcpp/support/sync_stream.h>

#include <memory>
#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/field_limits.h"
#include "common/log.h"
#include "common/status.h"
#include "common/status_macros.h"
#include "services/common/access.h"
#include "services/common/import_batch.h"
#include "services/common/request_ids.h"
#include "storage/mutation.h"
#include "storage/store.h"

namespace corridor {

// Base of the handlers of `GrpcService` (a generated service class such as
// v1::ConvoyService): its calls are admitted as methods of
// GrpcService::service_full_name().
template <typename GrpcService>
class AdmittedService : public GrpcService::Service {
 protected:
  // Both must outlive the service. `writes` is the store its writes go to
  // (ServeWrite), if it writes.
  explicit AdmittedService(const AccessControl* access, storage::Store* writes = nullptr)
      : access_(access), writes_(writes) {}

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
    return Answer(context, *origin, response, std::forward<Body>(body));
  }

  // A unary call that writes, to the service's `writes` store: as Serve,
  // after the request's fields are held to the limits the contract declares
  // (common/field_limits.h); and a repeat of a `request.request_id` that
  // succeeded gets its first answer (and its journal trailing metadata)
  // back and writes nothing (services/common/request_ids.h).
  template <typename Request, typename Response, typename Body>
  grpc::Status ServeWrite(grpc::ServerContext* context, absl::string_view method,
                          const Request& request, Response* response, Body&& body) const {
    return ServeWriteTo(
        context, method, [this](const storage::Origin&) { return writes_; }, request, response,
        std::forward<Body>(body));
  }

  // ServeWrite for a service with several stores: `store_of(origin)`
  // returns absl::StatusOr<storage::Store*>, the store this call writes to.
  template <typename StoreOf, typename Request, typename Response, typename Body>
  grpc::Status ServeWriteTo(grpc::ServerContext* context, absl::string_view method,
                            StoreOf&& store_of, const Request& request, Response* response,
                            Body&& body) const {
    absl::StatusOr<storage::Origin> origin = Admit(context, method);
    if (!origin.ok()) return ToGrpc(origin.status());
    if (absl::Status limits = CheckFieldLimits(request); !limits.ok()) return ToGrpc(limits);
    if (request.request_id().empty()) {
      return Answer(context, *origin, response, std::forward<Body>(body));
    }
    absl::StatusOr<storage::Store*> store = store_of(*origin);
    if (!store.ok()) return ToGrpc(store.status());
    if (*store == nullptr) {
      return ToGrpc(absl::InternalError("this service keeps no request ids; please report it"));
    }
    absl::StatusOr<std::unique_ptr<RequestClaim>> claim =
        RequestClaim::Make(*store, origin->principal, origin->rpc, request);
    if (!claim.ok()) return ToGrpc(claim.status());
    if ((*claim)->repeat()) {
      if (!response->ParseFromString((*claim)->reply())) {
        return ToGrpc(absl::DataLossError(
            "the answer kept for this request_id could not be read; restore the database "
            "from a backup"));
      }
      Tell(context, (*claim)->journal());
      return grpc::Status::OK;
    }
    grpc::Status status = Answer(context, *origin, response, std::forward<Body>(body));
    if (status.ok()) {
      // The change is written; a failure to keep its answer only costs a
      // repeat REQUEST_APPLIED_REPLY_LOST instead of the answer.
      absl::Status kept = (*claim)->Save(*response, storage::LastCommitOnThisThread());
      if (!kept.ok()) LogUnkeptAnswer(method, kept);
    }
    return status;
  }

  // An import stream of `method` (ImportDenials, ImportConvoys): admitted
  // once, then each request is answered, in order, with what
  // `batch(origin, request)` returns, absl::StatusOr<v1::ImportBatchResponse>
  // (services/common/import_batch.h). A request over the row limit, or a
  // batch that fails as a whole (a service out of reach, the write
  // itself), ends the stream with that error; what was answered before
  // stays stored.
  template <typename Request, typename Batch>
  grpc::Status ServeImport(grpc::ServerContext* context, absl::string_view method,
                           grpc::ServerReaderWriter<v1::ImportBatchResponse, Request>* stream,
                           Batch&& batch) const {
    StreamSlot slot;
    absl::StatusOr<storage::Origin> origin = AdmitStream(context, method, &slot);
    if (!origin.ok()) return ToGrpc(origin.status());
    Request request;
    while (stream->Read(&request)) {
      // The token is checked again for every request: a stream opened
      // before the token was revoked must not go on writing.
      if (absl::StatusOr<storage::Origin> again = Admit(context, method); !again.ok()) {
        return ToGrpc(again.status());
      }
      if (absl::Status s = CheckImportRowCount(request.rows_size()); !s.ok()) return ToGrpc(s);
      absl::StatusOr<v1::ImportBatchResponse> answer = batch(*origin, request);
      if (!answer.ok()) return ToGrpc(answer.status());
      if (!stream->Write(*answer)) {
        return grpc::Status(grpc::StatusCode::CANCELLED, "the client left the import stream");
      }
    }
    return grpc::Status::OK;
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
  template <typename Response, typename Body>
  grpc::Status Answer(grpc::ServerContext* context, const storage::Origin& origin,
                      Response* response, Body&& body) const {
    storage::ForgetLastCommit();
    grpc::Status status = RespondTo<Response>(origin, std::forward<Body>(body)(origin), response);
    if (status.ok()) Tell(context, storage::LastCommitOnThisThread());
    return status;
  }

  static void Tell(grpc::ServerContext* context, const storage::LastCommit& written) {
    if (!written.set) return;
    context->AddTrailingMetadata("corridor-journal-index", std::to_string(written.journal_index));
    context->AddTrailingMetadata("corridor-journal-leaf-hash",
                                 storage::merkle::ToHex(written.leaf_hash));
  }

  static void LogUnkeptAnswer(absl::string_view method, const absl::Status& status) {
    CORRIDOR_LOG(WARNING) << method
                          << ": the write succeeded but its answer could not be kept for its "
                          << "request_id (" << status
                          << "); a retry of it will be refused as applied";
  }

  const AccessControl* access_;
  storage::Store* writes_;
};

}  // namespace corridor

#endif  // CORRIDOR_SERVICES_COMMON_ADMITTED_SERVICE_H_
