#ifndef CORRIDOR_SERVICES_INCIDENTS_INCIDENTS_MODULE_H_
#define CORRIDOR_SERVICES_INCIDENTS_INCIDENTS_MODULE_H_

#include <memory>

#include "absl/status/statusor.h"
#include "services/common/module.h"

namespace corridor::incidents {

// Opens the incidents database. The service checks areas, routes, convoys
// and parties with their services through options.peers.
absl::StatusOr<std::unique_ptr<ServiceModule>> OpenIncidentsModule(const ModuleOptions& options);

}  // namespace corridor::incidents

#endif  // CORRIDOR_SERVICES_INCIDENTS_INCIDENTS_MODULE_H_
