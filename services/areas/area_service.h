// gRPC handlers of corridor.v1.AreaService: validate, call the store, map the
// status. Thread-safe.
#ifndef CORRIDOR_SERVICES_AREAS_AREA_SERVICE_H_
#define CORRIDOR_SERVICES_AREAS_AREA_SERVICE_H_

#include "services/common/access.h"
#include "corridor/v1/areas.grpc.pb.h"
#include "services/areas/area_store.h"

namespace corridor::areas {

class AreaService final : public v1::AreaService::Service {
 public:
  // `store` must outlive the service.
  // Both must outlive the service.
  AreaService(AreaStore* store, const AccessControl* access) : store_(store), access_(access) {}

  grpc::Status ListAreas(grpc::ServerContext* context, const v1::ListAreasRequest* request,
                         v1::ListAreasResponse* response) override;
  grpc::Status GetArea(grpc::ServerContext* context, const v1::GetAreaRequest* request,
                       v1::Area* response) override;
  grpc::Status CreateArea(grpc::ServerContext* context, const v1::CreateAreaRequest* request,
                          v1::Area* response) override;
  grpc::Status UpdateArea(grpc::ServerContext* context, const v1::UpdateAreaRequest* request,
                          v1::Area* response) override;
  grpc::Status RecordStatusChange(grpc::ServerContext* context,
                                  const v1::RecordStatusChangeRequest* request,
                                  v1::RecordStatusChangeResponse* response) override;
  grpc::Status GetAreaHistory(grpc::ServerContext* context,
                              const v1::GetAreaHistoryRequest* request,
                              v1::GetAreaHistoryResponse* response) override;

 private:
  absl::StatusOr<storage::Origin> Admit(grpc::ServerContext* context,
                                        absl::string_view method) const {
    return access_->Admit(*context, v1::AreaService::service_full_name(), method);
  }

  AreaStore* store_;
  const AccessControl* access_;
};

}  // namespace corridor::areas

#endif  // CORRIDOR_SERVICES_AREAS_AREA_SERVICE_H_
