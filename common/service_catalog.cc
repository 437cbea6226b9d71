#include "common/service_catalog.h"

#include "corridor/v1/agreements.grpc.pb.h"
#include "corridor/v1/areas.grpc.pb.h"
#include "corridor/v1/audit.grpc.pb.h"
#include "corridor/v1/auth.grpc.pb.h"
#include "corridor/v1/convoys.grpc.pb.h"
#include "corridor/v1/denials.grpc.pb.h"
#include "corridor/v1/incidents.grpc.pb.h"
#include "corridor/v1/operations.grpc.pb.h"
#include "corridor/v1/parties.grpc.pb.h"
#include "corridor/v1/routes.grpc.pb.h"
#include "google/protobuf/descriptor.h"

namespace corridor {
namespace {

using google::protobuf::Descriptor;

// `message_of_its_file` is any message of the .proto file that declares
// the service: asking for its descriptor links the file into the generated
// pool, where the access policy and the gateway find the methods.
GrpcServiceEntry Grpc(const char* full_name, const Descriptor* message_of_its_file,
                      bool gateway_all_unary, std::vector<std::string> gateway_methods = {}) {
  return {full_name, message_of_its_file->file()->pool()->FindServiceByName(full_name),
          gateway_all_unary, std::move(gateway_methods)};
}

constexpr bool kDashboard = true;  // every unary method through the gateway

}  // namespace

const std::vector<ServiceEntry>& ServiceCatalog() {
  static const auto* catalog = new std::vector<ServiceEntry>{
      // The dashboard asks only who its user is; tokens are managed with
      // corridorctl.
      {kAuthService,
       {Grpc(v1::TokenService::service_full_name(), v1::ListTokensRequest::descriptor(), false,
             {"WhoAmI"})}},
      // The areas service holds the reference data: areas and the party
      // registry.
      {"areas",
       {Grpc(v1::AreaService::service_full_name(), v1::ListAreasRequest::descriptor(), kDashboard),
        Grpc(v1::PartyService::service_full_name(), v1::ListPartiesRequest::descriptor(),
             kDashboard)}},
      {"routes",
       {Grpc(v1::RouteService::service_full_name(), v1::ListRoutesRequest::descriptor(),
             kDashboard)}},
      {"convoys",
       {Grpc(v1::ConvoyService::service_full_name(), v1::ListConvoysRequest::descriptor(),
             kDashboard)}},
      {"denials",
       {Grpc(v1::DenialService::service_full_name(), v1::ListDenialsRequest::descriptor(),
             kDashboard)}},
      {"incidents",
       {Grpc(v1::IncidentService::service_full_name(), v1::ListIncidentsRequest::descriptor(),
             kDashboard)}},
      {"agreements",
       {Grpc(v1::AgreementService::service_full_name(), v1::Agreement::descriptor(), kDashboard)}},
  };
  return *catalog;
}

const std::vector<GrpcServiceEntry>& ProcessWideGrpcServices() {
  static const auto* services = new std::vector<GrpcServiceEntry>{
      Grpc(v1::AuditService::service_full_name(), v1::GetTreeHeadRequest::descriptor(), kDashboard),
      // Backups are written on the server's disk: corridorctl only.
      Grpc(v1::OperationsService::service_full_name(), v1::CreateBackupRequest::descriptor(),
           false),
  };
  return *services;
}

const std::vector<std::string>& ServiceNames() {
  static const auto* names = [] {
    auto* names = new std::vector<std::string>();
    for (const ServiceEntry& service : ServiceCatalog()) names->push_back(service.name);
    return names;
  }();
  return *names;
}

const ServiceEntry* FindService(absl::string_view name) {
  for (const ServiceEntry& service : ServiceCatalog()) {
    if (service.name == name) return &service;
  }
  return nullptr;
}

std::vector<const GrpcServiceEntry*> AllGrpcServices() {
  std::vector<const GrpcServiceEntry*> all;
  for (const ServiceEntry& service : ServiceCatalog()) {
    for (const GrpcServiceEntry& grpc_service : service.grpc_services) {
      all.push_back(&grpc_service);
    }
  }
  for (const GrpcServiceEntry& grpc_service : ProcessWideGrpcServices()) {
    all.push_back(&grpc_service);
  }
  return all;
}

const GrpcServiceEntry* FindGrpcService(absl::string_view full_name) {
  for (const GrpcServiceEntry* grpc_service : AllGrpcServices()) {
    if (grpc_service->full_name == full_name) return grpc_service;
  }
  return nullptr;
}

std::string CorridorServiceOf(absl::string_view grpc_service) {
  for (const ServiceEntry& service : ServiceCatalog()) {
    for (const GrpcServiceEntry& entry : service.grpc_services) {
      if (entry.full_name == grpc_service) return service.name;
    }
  }
  return "";
}

}  // namespace corridor
