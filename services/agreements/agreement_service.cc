#include "services/agreements/agreement_service.h"

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/log.h"
#include "common/status.h"
#include "common/validation.h"
#include "services/agreements/agreement_validation.h"

namespace corridor::agreements {

absl::Status AgreementService::CheckReferences(const v1::Agreement& agreement) const {
  for (int i = 0; i < agreement.terms_size(); ++i) {
    const v1::Term& term = agreement.terms(i);
    const std::string field = absl::StrCat("agreement.terms[", i, "]");
    if (term.has_route_kept_open()) {
      absl::StatusOr<v1::Route> route = references_->GetRoute(
          field + ".route_kept_open.route_id", term.route_kept_open().route_id());
      if (!route.ok()) return route.status();
    }
    std::vector<std::pair<std::string, std::string>> areas;
    if (term.has_delivery_every()) {
      areas.push_back({field + ".delivery_every.area_id", term.delivery_every().area_id()});
    }
    const google::protobuf::RepeatedPtrField<std::string>* listed =
        term.has_requests_answered_within() ? &term.requests_answered_within().area_ids()
        : term.has_no_items_removed()       ? &term.no_items_removed().area_ids()
                                            : nullptr;
    if (listed != nullptr) {
      const std::string rule = term.has_requests_answered_within() ? ".requests_answered_within"
                                                                   : ".no_items_removed";
      for (int j = 0; j < listed->size(); ++j) {
        areas.push_back({absl::StrCat(field, rule, ".area_ids[", j, "]"), (*listed)[j]});
      }
    }
    for (const auto& [area_field, id] : areas) {
      absl::StatusOr<v1::Area> area = references_->GetArea(area_field, id);
      if (!area.ok()) return area.status();
    }
  }
  return absl::OkStatus();
}

grpc::Status AgreementService::CreateAgreement(grpc::ServerContext* context,
                                               const v1::CreateAgreementRequest* request,
                                               v1::Agreement* response) {
  absl::StatusOr<storage::Origin> origin = Admit(context, "CreateAgreement");
  if (!origin.ok()) return ToGrpc(origin.status());
  if (absl::Status s = ValidateAgreement(request->agreement()); !s.ok()) return ToGrpc(s);
  if (absl::Status s = CheckReferences(request->agreement()); !s.ok()) return ToGrpc(s);
  absl::StatusOr<v1::Agreement> created = store_->Create(*origin, request->agreement());
  if (created.ok()) {
    CORRIDOR_LOG(INFO) << "agreements: " << created->id() << " registered with "
                       << created->terms_size()
                       << " terms; evaluating the whole record against it";
    evaluator_->AgreementAdded();
  }
  return RespondTo(*origin, std::move(created), response);
}

grpc::Status AgreementService::GetAgreement(grpc::ServerContext* context,
                                            const v1::GetAgreementRequest* request,
                                            v1::Agreement* response) {
  absl::StatusOr<storage::Origin> origin = Admit(context, "GetAgreement");
  if (!origin.ok()) return ToGrpc(origin.status());
  if (request->id().empty()) return ToGrpc(InvalidField("id", "is required"));
  return RespondTo(*origin, store_->Get("id", request->id()), response);
}

grpc::Status AgreementService::ListAgreements(grpc::ServerContext* context,
                                              const v1::ListAgreementsRequest* request,
                                              v1::ListAgreementsResponse* response) {
  absl::StatusOr<storage::Origin> origin = Admit(context, "ListAgreements");
  if (!origin.ok()) return ToGrpc(origin.status());
  absl::StatusOr<int> page_size = PageSizeOf("page", request->page());
  if (!page_size.ok()) return ToGrpc(page_size.status());
  return RespondTo(*origin, store_->List(*request, *page_size), response);
}

grpc::Status AgreementService::ListViolations(grpc::ServerContext* context,
                                              const v1::ListViolationsRequest* request,
                                              v1::ListViolationsResponse* response) {
  absl::StatusOr<storage::Origin> origin = Admit(context, "ListViolations");
  if (!origin.ok()) return ToGrpc(origin.status());
  if (absl::Status s = ValidateListViolations(*request); !s.ok()) return ToGrpc(s);
  absl::StatusOr<int> page_size = PageSizeOf("page", request->page());
  if (!page_size.ok()) return ToGrpc(page_size.status());
  return RespondTo(*origin, store_->ListViolations(*request, *page_size), response);
}

grpc::Status AgreementService::GetComplianceReport(grpc::ServerContext* context,
                                                   const v1::GetComplianceReportRequest* request,
                                                   v1::ComplianceReport* response) {
  absl::StatusOr<storage::Origin> origin = Admit(context, "GetComplianceReport");
  if (!origin.ok()) return ToGrpc(origin.status());
  if (absl::Status s = ValidateReport(*request); !s.ok()) return ToGrpc(s);
  return RespondTo(*origin,
                   store_->Report(*request, absl::ToCivilDay(absl::Now(), absl::UTCTimeZone())),
                   response);
}

}  // namespace corridor::agreements
