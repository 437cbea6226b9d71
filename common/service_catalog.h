// The one list of Corridor's services. Everything that names the services
// reads it: the server runtime (which to open, in which order), the access
// policy (which gRPC methods need a rule), corridorctl (which to back up or
// restore), corridor-web's gateway (which methods it passes through) and
// the client channels (which service a gRPC service belongs to).
//
// Adding a service is one row in service_catalog.cc plus its folder under
// services/; the opener keyed by the same name lives in
// services/common/runtime.cc, which clients do not link (docs/DESIGN.md,
// "Adding a service").
#ifndef CORRIDOR_COMMON_SERVICE_CATALOG_H_
#define CORRIDOR_COMMON_SERVICE_CATALOG_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace google::protobuf {
class ServiceDescriptor;
}  // namespace google::protobuf

namespace corridor {

// The token store, which every process that does not host it calls to
// check its callers' tokens.
inline constexpr char kAuthService[] = "auth";

// A gRPC service of the public contract and what the dashboard may reach.
struct GrpcServiceEntry {
  std::string full_name;  // "corridor.v1.AreaService"
  // Its methods, from the generated descriptor pool.
  const google::protobuf::ServiceDescriptor* descriptor = nullptr;
  // What corridor-web's JSON gateway passes on: every unary method, or
  // only the methods named in `gateway_methods` (none if it is empty).
  bool gateway_all_unary = false;
  std::vector<std::string> gateway_methods;
};

// A Corridor service: a --services name, one folder under services/, its
// own RocksDB at <data_dir>/<name>, backed up and restored under that name.
struct ServiceEntry {
  std::string name;  // "areas"
  std::vector<GrpcServiceEntry> grpc_services;
};

// Every service, in start order ("auth", whose tokens the others check,
// first).
const std::vector<ServiceEntry>& ServiceCatalog();

// The service names of ServiceCatalog(), in the same order.
const std::vector<std::string>& ServiceNames();

// The entry named `name`, or nullptr.
const ServiceEntry* FindService(absl::string_view name);

// The gRPC services every server process serves once for all the
// databases it hosts (audit, operations), whatever --services says.
const std::vector<GrpcServiceEntry>& ProcessWideGrpcServices();

// Every gRPC service a Corridor server may serve: the services' own, then
// the process-wide ones.
std::vector<const GrpcServiceEntry*> AllGrpcServices();

// The gRPC service entry of `full_name`, or nullptr.
const GrpcServiceEntry* FindGrpcService(absl::string_view full_name);

// The Corridor service that serves a gRPC service: "corridor.v1.AreaService"
// -> "areas"; "" for the process-wide services and for names it does not
// know.
std::string CorridorServiceOf(absl::string_view grpc_service);

}  // namespace corridor

#endif  // CORRIDOR_COMMON_SERVICE_CATALOG_H_
