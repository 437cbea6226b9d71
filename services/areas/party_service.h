// gRPC handlers of corridor.v1.PartyService, the party registry the areas
// service hosts: validate, call the store. Thread-safe.
#ifndef CORRIDOR_SERVICES_AREAS_PARTY_SERVICE_H_
#define CORRIDOR_SERVICES_AREAS_PARTY_SERVICE_H_

#include <functional>

#include "corridor/v1/parties.grpc.pb.h"
#include "services/areas/party_store.h"
#include "services/common/admitted_service.h"

namespace corridor::areas {

class PartyService final : public AdmittedService<v1::PartyService> {
 public:
  // Both must outlive the service. `changed` runs after each change to the
  // registry (a party or spelling added), e.g. to resolve stored texts.
  PartyService(PartyStore* store, const AccessControl* access, std::function<void()> changed)
      : AdmittedService(access, store->store()), store_(store), changed_(std::move(changed)) {}

  grpc::Status ListParties(grpc::ServerContext* context, const v1::ListPartiesRequest* request,
                           v1::ListPartiesResponse* response) override;
  grpc::Status GetParty(grpc::ServerContext* context, const v1::GetPartyRequest* request,
                        v1::Party* response) override;
  grpc::Status ResolveParty(grpc::ServerContext* context, const v1::ResolvePartyRequest* request,
                            v1::ResolvePartyResponse* response) override;
  grpc::Status CreateParty(grpc::ServerContext* context, const v1::CreatePartyRequest* request,
                           v1::Party* response) override;
  grpc::Status AddPartyAliases(grpc::ServerContext* context,
                               const v1::AddPartyAliasesRequest* request,
                               v1::Party* response) override;

 private:
  PartyStore* store_;
  std::function<void()> changed_;
};

}  // namespace corridor::areas

#endif  // CORRIDOR_SERVICES_AREAS_PARTY_SERVICE_H_
