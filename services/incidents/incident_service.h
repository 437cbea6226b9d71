// gRPC handlers of corridor.v1.IncidentService: validate, check the area,
// route, convoy and party with their services, call the store
// (AdmittedService admits the call and answers). Thread-safe.
#ifndef CORRIDOR_SERVICES_INCIDENTS_INCIDENT_SERVICE_H_
#define CORRIDOR_SERVICES_INCIDENTS_INCIDENT_SERVICE_H_

#include "corridor/v1/incidents.grpc.pb.h"
#include "services/common/admitted_service.h"
#include "services/common/references.h"
#include "services/incidents/incident_store.h"

namespace corridor::incidents {

class IncidentService final : public AdmittedService<v1::IncidentService> {
 public:
  // All must outlive the service.
  IncidentService(IncidentStore* store, const References* references, const AccessControl* access)
      : AdmittedService(access, store->store()), store_(store), references_(references) {}

  grpc::Status RecordIncident(grpc::ServerContext* context,
                              const v1::RecordIncidentRequest* request,
                              v1::Incident* response) override;
  grpc::Status CorrectIncident(grpc::ServerContext* context,
                               const v1::CorrectIncidentRequest* request,
                               v1::Incident* response) override;
  grpc::Status GetIncident(grpc::ServerContext* context, const v1::GetIncidentRequest* request,
                           v1::Incident* response) override;
  grpc::Status ListIncidents(grpc::ServerContext* context, const v1::ListIncidentsRequest* request,
                             v1::ListIncidentsResponse* response) override;
  grpc::Status GetIncidentHistory(grpc::ServerContext* context,
                                  const v1::GetIncidentHistoryRequest* request,
                                  v1::GetIncidentHistoryResponse* response) override;
  grpc::Status IncidentStats(grpc::ServerContext* context, const v1::IncidentStatsRequest* request,
                             v1::IncidentStatsResponse* response) override;

 private:
  // The facts with their references checked and the party's id filled in.
  absl::StatusOr<v1::IncidentFacts> Checked(const v1::IncidentFacts& facts,
                                            absl::Time deadline) const;

  IncidentStore* store_;
  const References* references_;
};

}  // namespace corridor::incidents

#endif  // CORRIDOR_SERVICES_INCIDENTS_INCIDENT_SERVICE_H_
