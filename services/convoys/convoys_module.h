#ifndef CORRIDOR_SERVICES_CONVOYS_CONVOYS_MODULE_H_
#define CORRIDOR_SERVICES_CONVOYS_CONVOYS_MODULE_H_

#include <memory>

#include "absl/status/statusor.h"
#include "services/common/module.h"

namespace corridor::convoys {

// Opens the convoys database. The service reaches the areas and routes
// services through options.peers, and relays denials to the denials service
// (reached the same way) from its outbox once started.
absl::StatusOr<std::unique_ptr<ServiceModule>> OpenConvoysModule(const ModuleOptions& options);

}  // namespace corridor::convoys

#endif  // CORRIDOR_SERVICES_CONVOYS_CONVOYS_MODULE_H_
