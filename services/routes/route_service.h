// gRPC handlers of corridor.v1.RouteService: validate, call the store
// (AdmittedService::Serve admits the call and answers). Thread-safe.
#ifndef CORRIDOR_SERVICES_ROUTES_ROUTE_SERVICE_H_
#define CORRIDOR_SERVICES_ROUTES_ROUTE_SERVICE_H_

#include "absl/time/time.h"
#include "corridor/v1/routes.grpc.pb.h"
#include "services/common/admitted_service.h"
#include "services/common/references.h"
#include "services/routes/route_store.h"

namespace corridor::routes {

class RouteService final : public AdmittedService<v1::RouteService> {
 public:
  // All must outlive the service. `references` resolves controlling
  // parties in the party registry.
  RouteService(RouteStore* store, const References* references, const AccessControl* access)
      : AdmittedService(access, store->store()), store_(store), references_(references) {}

  grpc::Status ListRoutes(grpc::ServerContext* context, const v1::ListRoutesRequest* request,
                          v1::ListRoutesResponse* response) override;
  grpc::Status GetRoute(grpc::ServerContext* context, const v1::GetRouteRequest* request,
                        v1::Route* response) override;
  grpc::Status CreateRoute(grpc::ServerContext* context, const v1::CreateRouteRequest* request,
                           v1::Route* response) override;
  grpc::Status ReportRouteStatus(grpc::ServerContext* context,
                                 const v1::ReportRouteStatusRequest* request,
                                 v1::ReportRouteStatusResponse* response) override;
  grpc::Status CorrectRouteReport(grpc::ServerContext* context,
                                  const v1::CorrectRouteReportRequest* request,
                                  v1::ReportRouteStatusResponse* response) override;
  grpc::Status GetRouteHistory(grpc::ServerContext* context,
                               const v1::GetRouteHistoryRequest* request,
                               v1::GetRouteHistoryResponse* response) override;
  // Sends what the feed holds after the requested position, then waits on
  // the feed for more. Each subscriber reads the feed at its own pace from
  // the database, so a slow subscriber delays nobody else.
  grpc::Status WatchRouteStatus(grpc::ServerContext* context,
                                const v1::WatchRouteStatusRequest* request,
                                grpc::ServerWriter<v1::RouteStatusEvent>* writer) override;

  // Ends every watch stream (they return UNAVAILABLE with the position to
  // resume from). Called at shutdown.
  void EndStreams();

 private:
  RouteStore* store_;
  const References* references_;
};

}  // namespace corridor::routes

#endif  // CORRIDOR_SERVICES_ROUTES_ROUTE_SERVICE_H_
