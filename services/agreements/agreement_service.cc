#include "services/agreements/agreement_service.h"

#include "absl/strings/str_cat.h"
#include "common/log.h"
#include "common/server.h"
#include "common/status_macros.h"
#include "common/validation.h"
#include "services/agreements/agreement_validation.h"

namespace corridor::agreements {

absl::Status AgreementService::CheckReferences(const v1::Agreement& agreement) const {
  for (int i = 0; i < agreement.terms_size(); ++i) {
    const v1::Term& term = agreement.terms(i);
    const std::string field = absl::StrCat("agreement.terms[", i, "]");
    if (term.has_route_kept_open()) {
      CORRIDOR_RETURN_IF_ERROR(
          references_
              ->GetRoute(field + ".route_kept_open.route_id", term.route_kept_open().route_id())
              .status());
    }
    std::vector<std::pair<std::string, std::string>> areas;
    if (term.has_delivery_every()) {
      areas.push_back({field + ".delivery_every.area_id", term.delivery_every().area_id()});
    }
    const google::protobuf::RepeatedPtrField<std::string>* listed =
        term.has_requests_answered_within() ? &term.requests_answered_within().area_ids()
        : term.has_no_items_removed()       ? &term.no_items_removed().area_ids()
                                            : nullptr;
    std::string rule =
        term.has_requests_answered_within() ? ".requests_answered_within" : ".no_items_removed";
    if (const auto& [name, incident_areas] = IncidentTermAreas(term); incident_areas != nullptr) {
      listed = incident_areas;
      rule = "." + name;
    }
    if (listed != nullptr) {
      for (int j = 0; j < listed->size(); ++j) {
        areas.push_back({absl::StrCat(field, rule, ".area_ids[", j, "]"), (*listed)[j]});
      }
    }
    for (const auto& [area_field, id] : areas) {
      CORRIDOR_RETURN_IF_ERROR(references_->GetArea(area_field, id).status());
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::Agreement> AgreementService::WithPartyIds(const v1::Agreement& agreement,
                                                             absl::Time deadline) const {
  v1::Agreement resolved = agreement;
  auto id_of = [&](const std::string& field,
                   const std::string& text) -> absl::StatusOr<std::string> {
    CORRIDOR_ASSIGN_OR_RETURN(const v1::Party party,
                              references_->ResolveParty(field, text, deadline));
    return party.id();
  };
  resolved.clear_party_ids();
  for (int i = 0; i < agreement.parties_size(); ++i) {
    CORRIDOR_ASSIGN_OR_RETURN(
        *resolved.add_party_ids(),
        id_of(absl::StrCat("agreement.parties[", i, "]"), agreement.parties(i)));
  }
  for (int i = 0; i < resolved.terms_size(); ++i) {
    v1::Term& term = *resolved.mutable_terms(i);
    const std::string field = absl::StrCat("agreement.terms[", i, "]");
    if (term.has_no_denials()) {
      v1::NoDenials* rule = term.mutable_no_denials();
      CORRIDOR_ASSIGN_OR_RETURN(*rule->mutable_party_id(),
                                id_of(field + ".no_denials.party", rule->party()));
    }
    if (term.has_delivery_every()) {
      v1::DeliveryEvery* rule = term.mutable_delivery_every();
      CORRIDOR_ASSIGN_OR_RETURN(
          *rule->mutable_responsible_party_id(),
          id_of(field + ".delivery_every.responsible_party", rule->responsible_party()));
    }
  }
  return resolved;
}

grpc::Status AgreementService::CreateAgreement(grpc::ServerContext* context,
                                               const v1::CreateAgreementRequest* request,
                                               v1::Agreement* response) {
  return ServeWrite(context, "CreateAgreement", *request, response,
                    [&](const storage::Origin& origin) -> absl::StatusOr<v1::Agreement> {
                      CORRIDOR_RETURN_IF_ERROR(ValidateAgreement(request->agreement()));
                      CORRIDOR_RETURN_IF_ERROR(CheckReferences(request->agreement()));
                      CORRIDOR_ASSIGN_OR_RETURN(
                          v1::Agreement resolved,
                          WithPartyIds(request->agreement(), CallDeadline(*context)));
                      CORRIDOR_ASSIGN_OR_RETURN(v1::Agreement created,
                                                store_->Create(origin, std::move(resolved)));
                      CORRIDOR_LOG(INFO) << "agreements: " << created.id() << " registered with "
                                         << created.terms_size()
                                         << " terms; evaluating the whole record against it";
                      evaluator_->AgreementAdded();
                      return created;
                    });
}

grpc::Status AgreementService::GetAgreement(grpc::ServerContext* context,
                                            const v1::GetAgreementRequest* request,
                                            v1::Agreement* response) {
  return Serve(context, "GetAgreement", response,
               [&](const storage::Origin&) -> absl::StatusOr<v1::Agreement> {
                 if (request->id().empty()) return InvalidField("id", "is required");
                 return store_->Get("id", request->id());
               });
}

grpc::Status AgreementService::ListAgreements(grpc::ServerContext* context,
                                              const v1::ListAgreementsRequest* request,
                                              v1::ListAgreementsResponse* response) {
  return Serve(context, "ListAgreements", response,
               [&](const storage::Origin&) -> absl::StatusOr<v1::ListAgreementsResponse> {
                 CORRIDOR_ASSIGN_OR_RETURN(const int page_size,
                                           PageSizeOf("page", request->page()));
                 return store_->List(*request, page_size);
               });
}

grpc::Status AgreementService::ListViolations(grpc::ServerContext* context,
                                              const v1::ListViolationsRequest* request,
                                              v1::ListViolationsResponse* response) {
  return Serve(context, "ListViolations", response,
               [&](const storage::Origin&) -> absl::StatusOr<v1::ListViolationsResponse> {
                 CORRIDOR_RETURN_IF_ERROR(ValidateListViolations(*request));
                 CORRIDOR_ASSIGN_OR_RETURN(const int page_size,
                                           PageSizeOf("page", request->page()));
                 // Text that names no party still matches violations by text.
                 const References::PartyFilter party =
                     references_->PartyFilterOf(request->party(), CallDeadline(*context));
                 CORRIDOR_ASSIGN_OR_RETURN(v1::ListViolationsResponse page,
                                           store_->ListViolations(*request, party.key, page_size));
                 if (page.violations().empty() && request->page().page_token().empty() &&
                     !party.unknown.ok()) {
                   return party.unknown;
                 }
                 return page;
               });
}

grpc::Status AgreementService::RecordConsequence(grpc::ServerContext* context,
                                                 const v1::RecordConsequenceRequest* request,
                                                 v1::ConsequenceRecord* response) {
  return ServeWrite(context, "RecordConsequence", *request, response,
                    [&](const storage::Origin& origin) -> absl::StatusOr<v1::ConsequenceRecord> {
                      CORRIDOR_RETURN_IF_ERROR(ValidateConsequence(request->consequence()));
                      return store_->RecordConsequence(origin, request->consequence());
                    });
}

grpc::Status AgreementService::GetComplianceReport(grpc::ServerContext* context,
                                                   const v1::GetComplianceReportRequest* request,
                                                   v1::ComplianceReport* response) {
  return Serve(context, "GetComplianceReport", response,
               [&](const storage::Origin&) -> absl::StatusOr<v1::ComplianceReport> {
                 CORRIDOR_RETURN_IF_ERROR(ValidateReport(*request));
                 return store_->Report(*request, TodayUtc());
               });
}

}  // namespace corridor::agreements
