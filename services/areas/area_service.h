// gRPC handlers of corridor.v1.AreaService: validate, call the store
// (AdmittedService::Serve admits the call and answers). Thread-safe.
#ifndef CORRIDOR_SERVICES_AREAS_AREA_SERVICE_H_
#define CORRIDOR_SERVICES_AREAS_AREA_SERVICE_H_

#include "corridor/v1/areas.grpc.pb.h"
#include "services/areas/area_store.h"
#include "services/common/admitted_service.h"

namespace corridor::areas {

class AreaService final : public AdmittedService<v1::AreaService> {
 public:
  // Both must outlive the service.
  AreaService(AreaStore* store, const AccessControl* access)
      : AdmittedService(access, store->store()), store_(store) {}

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
  AreaStore* store_;
};

}  // namespace corridor::areas

#endif  // CORRIDOR_SERVICES_AREAS_AREA_SERVICE_H_
