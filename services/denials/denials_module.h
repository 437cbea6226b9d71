#ifndef CORRIDOR_SERVICES_DENIALS_DENIALS_MODULE_H_
#define CORRIDOR_SERVICES_DENIALS_DENIALS_MODULE_H_

#include <memory>

#include "absl/status/statusor.h"
#include "services/common/module.h"

namespace corridor::denials {

// Opens the denials database. The service checks areas and routes with
// their services through options.peers.
absl::StatusOr<std::unique_ptr<ServiceModule>> OpenDenialsModule(const ModuleOptions& options);

}  // namespace corridor::denials

#endif  // CORRIDOR_SERVICES_DENIALS_DENIALS_MODULE_H_
