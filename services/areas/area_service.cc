#include "services/areas/area_service.h"

#include "common/validation.h"
#include "services/areas/area_validation.h"

namespace corridor::areas {

grpc::Status AreaService::ListAreas(grpc::ServerContext* context,
                                    const v1::ListAreasRequest* request,
                                    v1::ListAreasResponse* response) {
  return Serve(context, "ListAreas", response,
               [&](const storage::Origin&) -> absl::StatusOr<v1::ListAreasResponse> {
                 CORRIDOR_RETURN_IF_ERROR(ValidateList(*request));
                 CORRIDOR_ASSIGN_OR_RETURN(const int page_size,
                                           PageSizeOf("page", request->page()));
                 return store_->List(*request, page_size);
               });
}

grpc::Status AreaService::GetArea(grpc::ServerContext* context, const v1::GetAreaRequest* request,
                                  v1::Area* response) {
  return Serve(context, "GetArea", response,
               [&](const storage::Origin&) -> absl::StatusOr<v1::Area> {
                 CORRIDOR_RETURN_IF_ERROR(ValidateAreaId("id", request->id()));
                 return store_->Get(request->id());
               });
}

grpc::Status AreaService::CreateArea(grpc::ServerContext* context,
                                     const v1::CreateAreaRequest* request, v1::Area* response) {
  return ServeWrite(context, "CreateArea", *request, response,
                    [&](const storage::Origin& origin) -> absl::StatusOr<v1::Area> {
                      CORRIDOR_RETURN_IF_ERROR(ValidateCreate(*request));
                      return store_->Create(origin, *request);
                    });
}

grpc::Status AreaService::UpdateArea(grpc::ServerContext* context,
                                     const v1::UpdateAreaRequest* request, v1::Area* response) {
  return ServeWrite(context, "UpdateArea", *request, response,
                    [&](const storage::Origin& origin) -> absl::StatusOr<v1::Area> {
                      CORRIDOR_RETURN_IF_ERROR(ValidateUpdate(*request));
                      return store_->Update(origin, request->area(), request->update_mask());
                    });
}

grpc::Status AreaService::RecordStatusChange(grpc::ServerContext* context,
                                             const v1::RecordStatusChangeRequest* request,
                                             v1::RecordStatusChangeResponse* response) {
  return ServeWrite(
      context, "RecordStatusChange", *request, response,
      [&](const storage::Origin& origin) -> absl::StatusOr<v1::RecordStatusChangeResponse> {
        CORRIDOR_RETURN_IF_ERROR(ValidateStatusChange(*request));
        return store_->RecordStatusChange(origin, *request);
      });
}

grpc::Status AreaService::GetAreaHistory(grpc::ServerContext* context,
                                         const v1::GetAreaHistoryRequest* request,
                                         v1::GetAreaHistoryResponse* response) {
  return Serve(context, "GetAreaHistory", response,
               [&](const storage::Origin&) -> absl::StatusOr<v1::GetAreaHistoryResponse> {
                 CORRIDOR_RETURN_IF_ERROR(ValidateAreaId("area_id", request->area_id()));
                 CORRIDOR_ASSIGN_OR_RETURN(const int page_size,
                                           PageSizeOf("page", request->page()));
                 return store_->History(*request, page_size);
               });
}

}  // namespace corridor::areas
