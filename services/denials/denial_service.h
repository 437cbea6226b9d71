// gRPC handlers of corridor.v1.DenialService: validate, check the area,
// route and convoy with their services, call the store (AdmittedService::Serve admits
// the call and answers). Thread-safe.
#ifndef CORRIDOR_SERVICES_DENIALS_DENIAL_SERVICE_H_
#define CORRIDOR_SERVICES_DENIALS_DENIAL_SERVICE_H_

#include "corridor/v1/denials.grpc.pb.h"
#include "services/common/admitted_service.h"
#include "services/common/references.h"
#include "services/denials/denial_store.h"

namespace corridor::denials {

class DenialService final : public AdmittedService<v1::DenialService> {
 public:
  // All must outlive the service.
  DenialService(DenialStore* store, const References* references, const AccessControl* access)
      : AdmittedService(access, store->store()), store_(store), references_(references) {}

  grpc::Status RecordDenial(grpc::ServerContext* context, const v1::RecordDenialRequest* request,
                            v1::Denial* response) override;
  grpc::Status ImportDenials(
      grpc::ServerContext* context,
      grpc::ServerReaderWriter<v1::ImportBatchResponse, v1::ImportDenialsRequest>* stream) override;
  grpc::Status CorrectDenial(grpc::ServerContext* context, const v1::CorrectDenialRequest* request,
                             v1::Denial* response) override;
  grpc::Status GetDenial(grpc::ServerContext* context, const v1::GetDenialRequest* request,
                         v1::Denial* response) override;
  grpc::Status ListDenials(grpc::ServerContext* context, const v1::ListDenialsRequest* request,
                           v1::ListDenialsResponse* response) override;
  grpc::Status GetDenialHistory(grpc::ServerContext* context,
                                const v1::GetDenialHistoryRequest* request,
                                v1::GetDenialHistoryResponse* response) override;
  grpc::Status DenialStats(grpc::ServerContext* context, const v1::DenialStatsRequest* request,
                           v1::DenialStatsResponse* response) override;

 private:
  // The request checked (ValidateRecord, who may name a reporter, the area,
  // route and convoy) with the id of the party its text names.
  absl::StatusOr<v1::RecordDenialRequest> Resolved(const storage::Origin& origin,
                                                   const v1::RecordDenialRequest& request,
                                                   absl::Time deadline) const;
  // One row of ImportDenials, checked as RecordDenial checks its request.
  absl::StatusOr<v1::RecordDenialRequest> ImportedRow(const storage::Origin& origin,
                                                      const v1::RecordDenialRequest& row) const;

  DenialStore* store_;
  const References* references_;
};

}  // namespace corridor::denials

#endif  // CORRIDOR_SERVICES_DENIALS_DENIAL_SERVICE_H_
