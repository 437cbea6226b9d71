#include "services/areas/area_service.h"

#include "common/request_context.h"
#include "common/status.h"
#include "common/validation.h"
#include "services/areas/area_validation.h"

namespace corridor::areas {
namespace {

// Who calls which RPC of this service, for the audit journal.
storage::Origin CallOrigin(const grpc::ServerContext& context, absl::string_view method) {
  return OriginOf(context, v1::AreaService::service_full_name(), method);
}

}  // namespace

grpc::Status AreaService::ListAreas(grpc::ServerContext*, const v1::ListAreasRequest* request,
                                    v1::ListAreasResponse* response) {
  if (absl::Status s = ValidateList(*request); !s.ok()) return ToGrpc(s);
  absl::StatusOr<int> page_size = PageSizeOf("page", request->page());
  if (!page_size.ok()) return ToGrpc(page_size.status());
  return Respond(store_->List(*request, *page_size), response);
}

grpc::Status AreaService::GetArea(grpc::ServerContext*, const v1::GetAreaRequest* request,
                                  v1::Area* response) {
  if (absl::Status s = ValidateAreaId("id", request->id()); !s.ok()) return ToGrpc(s);
  return Respond(store_->Get(request->id()), response);
}

grpc::Status AreaService::CreateArea(grpc::ServerContext* context,
                                     const v1::CreateAreaRequest* request, v1::Area* response) {
  if (absl::Status s = ValidateCreate(*request); !s.ok()) return ToGrpc(s);
  return Respond(store_->Create(CallOrigin(*context, "CreateArea"), *request), response);
}

grpc::Status AreaService::UpdateArea(grpc::ServerContext* context,
                                     const v1::UpdateAreaRequest* request, v1::Area* response) {
  if (absl::Status s = ValidateUpdate(*request); !s.ok()) return ToGrpc(s);
  return Respond(store_->Update(CallOrigin(*context, "UpdateArea"), request->area()), response);
}

grpc::Status AreaService::RecordStatusChange(grpc::ServerContext* context,
                                             const v1::RecordStatusChangeRequest* request,
                                             v1::RecordStatusChangeResponse* response) {
  if (absl::Status s = ValidateStatusChange(*request); !s.ok()) return ToGrpc(s);
  return Respond(store_->RecordStatusChange(CallOrigin(*context, "RecordStatusChange"), *request),
                 response);
}

grpc::Status AreaService::GetAreaHistory(grpc::ServerContext*,
                                         const v1::GetAreaHistoryRequest* request,
                                         v1::GetAreaHistoryResponse* response) {
  if (absl::Status s = ValidateAreaId("area_id", request->area_id()); !s.ok()) {
    return ToGrpc(s);
  }
  absl::StatusOr<int> page_size = PageSizeOf("page", request->page());
  if (!page_size.ok()) return ToGrpc(page_size.status());
  return Respond(store_->History(*request, *page_size), response);
}

}  // namespace corridor::areas
