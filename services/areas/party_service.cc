#include "services/areas/party_service.h"

#include "common/validation.h"
#include "services/areas/party_validation.h"

namespace corridor::areas {

grpc::Status PartyService::ListParties(grpc::ServerContext* context,
                                       const v1::ListPartiesRequest* request,
                                       v1::ListPartiesResponse* response) {
  return Serve(context, "ListParties", response,
               [&](const storage::Origin&) -> absl::StatusOr<v1::ListPartiesResponse> {
                 CORRIDOR_ASSIGN_OR_RETURN(const int page_size,
                                           PageSizeOf("page", request->page()));
                 return store_->List(*request, page_size);
               });
}

grpc::Status PartyService::GetParty(grpc::ServerContext* context,
                                    const v1::GetPartyRequest* request, v1::Party* response) {
  return Serve(context, "GetParty", response,
               [&](const storage::Origin&) -> absl::StatusOr<v1::Party> {
                 CORRIDOR_RETURN_IF_ERROR(ValidatePartyId("id", request->id()));
                 return store_->Get("id", request->id());
               });
}

grpc::Status PartyService::ResolveParty(grpc::ServerContext* context,
                                        const v1::ResolvePartyRequest* request,
                                        v1::ResolvePartyResponse* response) {
  return Serve(context, "ResolveParty", response,
               [&](const storage::Origin&) -> absl::StatusOr<v1::ResolvePartyResponse> {
                 CORRIDOR_RETURN_IF_ERROR(ValidateResolve(*request));
                 return store_->Resolve(request->text());
               });
}

grpc::Status PartyService::CreateParty(grpc::ServerContext* context,
                                       const v1::CreatePartyRequest* request, v1::Party* response) {
  return ServeWrite(context, "CreateParty", *request, response,
                    [&](const storage::Origin& origin) -> absl::StatusOr<v1::Party> {
                      CORRIDOR_RETURN_IF_ERROR(ValidatePartyCreate(*request));
                      CORRIDOR_ASSIGN_OR_RETURN(v1::Party created,
                                                store_->Create(origin, request->party()));
                      if (changed_) changed_();
                      return created;
                    });
}

grpc::Status PartyService::AddPartyAliases(grpc::ServerContext* context,
                                           const v1::AddPartyAliasesRequest* request,
                                           v1::Party* response) {
  return ServeWrite(context, "AddPartyAliases", *request, response,
                    [&](const storage::Origin& origin) -> absl::StatusOr<v1::Party> {
                      CORRIDOR_RETURN_IF_ERROR(ValidateAddAliases(*request));
                      CORRIDOR_ASSIGN_OR_RETURN(v1::Party party,
                                                store_->AddAliases(origin, *request));
                      if (changed_) changed_();
                      return party;
                    });
}

}  // namespace corridor::areas
