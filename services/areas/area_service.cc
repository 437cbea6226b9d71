#include "services/areas/area_service.h"

#include "common/status.h"
#include "common/validation.h"
#include "services/areas/area_validation.h"

namespace corridor::areas {
namespace {}  // namespace

grpc::Status AreaService::ListAreas(grpc::ServerContext* context,
                                    const v1::ListAreasRequest* request,
                                    v1::ListAreasResponse* response) {
  absl::StatusOr<storage::Origin> origin = Admit(context, "ListAreas");
  if (!origin.ok()) return ToGrpc(origin.status());
  if (absl::Status s = ValidateList(*request); !s.ok()) return ToGrpc(s);
  absl::StatusOr<int> page_size = PageSizeOf("page", request->page());
  if (!page_size.ok()) return ToGrpc(page_size.status());
  return RespondTo(*origin, store_->List(*request, *page_size), response);
}

grpc::Status AreaService::GetArea(grpc::ServerContext* context, const v1::GetAreaRequest* request,
                                  v1::Area* response) {
  absl::StatusOr<storage::Origin> origin = Admit(context, "GetArea");
  if (!origin.ok()) return ToGrpc(origin.status());
  if (absl::Status s = ValidateAreaId("id", request->id()); !s.ok()) return ToGrpc(s);
  return RespondTo(*origin, store_->Get(request->id()), response);
}

grpc::Status AreaService::CreateArea(grpc::ServerContext* context,
                                     const v1::CreateAreaRequest* request, v1::Area* response) {
  absl::StatusOr<storage::Origin> origin = Admit(context, "CreateArea");
  if (!origin.ok()) return ToGrpc(origin.status());
  if (absl::Status s = ValidateCreate(*request); !s.ok()) return ToGrpc(s);
  return RespondTo(*origin, store_->Create(*origin, *request), response);
}

grpc::Status AreaService::UpdateArea(grpc::ServerContext* context,
                                     const v1::UpdateAreaRequest* request, v1::Area* response) {
  absl::StatusOr<storage::Origin> origin = Admit(context, "UpdateArea");
  if (!origin.ok()) return ToGrpc(origin.status());
  if (absl::Status s = ValidateUpdate(*request); !s.ok()) return ToGrpc(s);
  return RespondTo(*origin, store_->Update(*origin, request->area()), response);
}

grpc::Status AreaService::RecordStatusChange(grpc::ServerContext* context,
                                             const v1::RecordStatusChangeRequest* request,
                                             v1::RecordStatusChangeResponse* response) {
  absl::StatusOr<storage::Origin> origin = Admit(context, "RecordStatusChange");
  if (!origin.ok()) return ToGrpc(origin.status());
  if (absl::Status s = ValidateStatusChange(*request); !s.ok()) return ToGrpc(s);
  return RespondTo(*origin, store_->RecordStatusChange(*origin, *request), response);
}

grpc::Status AreaService::GetAreaHistory(grpc::ServerContext* context,
                                         const v1::GetAreaHistoryRequest* request,
                                         v1::GetAreaHistoryResponse* response) {
  absl::StatusOr<storage::Origin> origin = Admit(context, "GetAreaHistory");
  if (!origin.ok()) return ToGrpc(origin.status());
  if (absl::Status s = ValidateAreaId("area_id", request->area_id()); !s.ok()) {
    return ToGrpc(s);
  }
  absl::StatusOr<int> page_size = PageSizeOf("page", request->page());
  if (!page_size.ok()) return ToGrpc(page_size.status());
  return RespondTo(*origin, store_->History(*request, *page_size), response);
}

}  // namespace corridor::areas
