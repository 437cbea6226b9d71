// gRPC handlers of corridor.v1.ConvoyService: validate, check references
// with the areas and routes services, call the store (AdmittedService::Serve
// admits the call and answers). Thread-safe.
#ifndef CORRIDOR_SERVICES_CONVOYS_CONVOY_SERVICE_H_
#define CORRIDOR_SERVICES_CONVOYS_CONVOY_SERVICE_H_

#include "corridor/v1/convoys.grpc.pb.h"
#include "services/common/admitted_service.h"
#include "services/common/references.h"
#include "services/convoys/convoy_store.h"

namespace corridor::convoys {

class ConvoyService final : public AdmittedService<v1::ConvoyService> {
 public:
  // All must outlive the service.
  ConvoyService(ConvoyStore* store, const References* references, const AccessControl* access)
      : AdmittedService(access, store->store()), store_(store), references_(references) {}

  grpc::Status SubmitConvoyRequest(grpc::ServerContext* context,
                                   const v1::SubmitConvoyRequestRequest* request,
                                   v1::Convoy* response) override;
  grpc::Status RecordApprovalStep(grpc::ServerContext* context,
                                  const v1::RecordApprovalStepRequest* request,
                                  v1::Convoy* response) override;
  grpc::Status ApproveConvoy(grpc::ServerContext* context, const v1::ApproveConvoyRequest* request,
                             v1::Convoy* response) override;
  grpc::Status DenyConvoy(grpc::ServerContext* context, const v1::DenyConvoyRequest* request,
                          v1::Convoy* response) override;
  grpc::Status DispatchConvoy(grpc::ServerContext* context,
                              const v1::DispatchConvoyRequest* request,
                              v1::Convoy* response) override;
  grpc::Status RecordConvoyOutcome(grpc::ServerContext* context,
                                   const v1::RecordConvoyOutcomeRequest* request,
                                   v1::Convoy* response) override;
  grpc::Status ImportConvoy(grpc::ServerContext* context, const v1::ImportConvoyRequest* request,
                            v1::Convoy* response) override;
  grpc::Status CorrectConvoy(grpc::ServerContext* context, const v1::CorrectConvoyRequest* request,
                             v1::Convoy* response) override;
  grpc::Status ImportConvoys(
      grpc::ServerContext* context,
      grpc::ServerReaderWriter<v1::ImportBatchResponse, v1::ImportConvoysRequest>* stream) override;
  grpc::Status GetConvoy(grpc::ServerContext* context, const v1::GetConvoyRequest* request,
                         v1::Convoy* response) override;
  grpc::Status ListConvoys(grpc::ServerContext* context, const v1::ListConvoysRequest* request,
                           v1::ListConvoysResponse* response) override;
  grpc::Status GetConvoyHistory(grpc::ServerContext* context,
                                const v1::GetConvoyHistoryRequest* request,
                                v1::GetConvoyHistoryResponse* response) override;
  grpc::Status GetAccessReport(grpc::ServerContext* context,
                               const v1::GetAccessReportRequest* request,
                               v1::AccessReport* response) override;

 private:
  // The registry's id of each non-empty (field, text); INVALID_ARGUMENT
  // naming the field of a text that names no party.
  absl::StatusOr<PartyIds> ResolveParties(
      const std::vector<std::pair<absl::string_view, std::string>>& texts,
      absl::Time deadline) const;
  // An ImportConvoy request checked (ValidateImport, the caller's agency,
  // the area and road): the ids of the party texts it names.
  absl::StatusOr<PartyIds> CheckedImport(const storage::Origin& origin,
                                         const v1::ImportConvoyRequest& request,
                                         absl::CivilDay today, absl::Time deadline) const;
  // One row of ImportConvoys, checked as ImportConvoy checks its request.
  absl::StatusOr<ConvoyStore::ImportRow> ImportedRow(const storage::Origin& origin,
                                                     const v1::ImportConvoyRequest& row,
                                                     absl::CivilDay today) const;
  // A correction's new area or road exists, and the road leads to the area
  // (errors name "correction.area_id" or "correction.route_id").
  absl::Status CheckCorrectedPlace(const v1::CorrectConvoyRequest& request,
                                   absl::Time deadline) const;
  // PERMISSION_DENIED if a partner's call touches another agency's convoy.
  absl::Status CheckConvoyOfCaller(const storage::Origin& origin,
                                   const std::string& convoy_id) const;
  // What the report adds up, asked of the areas service and the store: the
  // rows it names (or every area), the areas they cover, and each covered
  // area's tally and status on the last day. `areas` keeps the records the
  // inputs point to.
  absl::StatusOr<ReportInputs> InputsOfReport(const v1::GetAccessReportRequest& request,
                                              const std::vector<v1::Area>& areas,
                                              absl::Time deadline) const;

  ConvoyStore* store_;
  const References* references_;
};

}  // namespace corridor::convoys

#endif  // CORRIDOR_SERVICES_CONVOYS_CONVOY_SERVICE_H_
