// corridor.v1.AgreementService: the gRPC handlers of the agreements
// service. Validation, then the store; a new agreement wakes the evaluator.
#ifndef CORRIDOR_SERVICES_AGREEMENTS_AGREEMENT_SERVICE_H_
#define CORRIDOR_SERVICES_AGREEMENTS_AGREEMENT_SERVICE_H_

#include "corridor/v1/agreements.grpc.pb.h"
#include "services/agreements/agreement_store.h"
#include "services/agreements/feed_evaluator.h"
#include "services/common/admitted_service.h"
#include "services/common/references.h"

namespace corridor::agreements {

class AgreementService final : public AdmittedService<v1::AgreementService> {
 public:
  // All must outlive the service.
  AgreementService(AgreementStore* store, FeedEvaluator* evaluator, const References* references,
                   const AccessControl* access)
      : AdmittedService(access, store->store()),
        store_(store),
        evaluator_(evaluator),
        references_(references) {}

  grpc::Status CreateAgreement(grpc::ServerContext* context,
                               const v1::CreateAgreementRequest* request,
                               v1::Agreement* response) override;
  grpc::Status GetAgreement(grpc::ServerContext* context, const v1::GetAgreementRequest* request,
                            v1::Agreement* response) override;
  grpc::Status ListAgreements(grpc::ServerContext* context,
                              const v1::ListAgreementsRequest* request,
                              v1::ListAgreementsResponse* response) override;
  grpc::Status ListViolations(grpc::ServerContext* context,
                              const v1::ListViolationsRequest* request,
                              v1::ListViolationsResponse* response) override;
  grpc::Status RecordConsequence(grpc::ServerContext* context,
                                 const v1::RecordConsequenceRequest* request,
                                 v1::ConsequenceRecord* response) override;
  grpc::Status GetComplianceReport(grpc::ServerContext* context,
                                   const v1::GetComplianceReportRequest* request,
                                   v1::ComplianceReport* response) override;

 private:
  // The routes and areas the terms name must exist.
  absl::Status CheckReferences(const v1::Agreement& agreement) const;
  // The agreement with the registry's id of each party it names
  // (party_ids, and the terms' party ids); INVALID_ARGUMENT naming the
  // field of a text that names no party.
  absl::StatusOr<v1::Agreement> WithPartyIds(const v1::Agreement& agreement,
                                             absl::Time deadline) const;

  AgreementStore* store_;
  FeedEvaluator* evaluator_;
  const References* references_;
};

}  // namespace corridor::agreements

#endif  // CORRIDOR_SERVICES_AGREEMENTS_AGREEMENT_SERVICE_H_
