// A service module: one service's database and gRPC handlers, opened
// together. corridord hosts any set of modules in one process; each
// service's own binary hosts one. Adding a service means adding a module to
// the registry (runtime.cc).
#ifndef CORRIDOR_SERVICES_MODULE_H_
#define CORRIDOR_SERVICES_MODULE_H_

#include <string>
#include <vector>

#include "common/server.h"
#include "services/directory.h"
#include "storage/mutation.h"

namespace corridor {

struct ModuleOptions {
  // Folder of this service's RocksDB, e.g. "data/areas".
  std::string data_dir;
  // Load the service's reference data if it has not been loaded yet.
  bool load_reference_data = true;
  // Sync every commit (the default; off only for benchmarks).
  bool sync = true;
  // How to reach the other services; valid for the module's lifetime.
  const ServiceDirectory* peers = nullptr;
};

// The origin the audit journal records for built-in reference data.
inline storage::Origin ReferenceDataOrigin() {
  storage::Origin origin;
  origin.principal.set_name("reference-data-loader");
  origin.rpc = "reference-data";
  return origin;
}

class ServiceModule {
 public:
  virtual ~ServiceModule() = default;
  // The gRPC services to host, valid for the module's lifetime.
  virtual std::vector<HostedService> Services() = 0;
  // Called once when the process is told to stop, before calls are drained:
  // end long-lived streams so that they do not hold the shutdown up.
  virtual void BeginShutdown() {}
};

}  // namespace corridor

#endif  // CORRIDOR_SERVICES_MODULE_H_
