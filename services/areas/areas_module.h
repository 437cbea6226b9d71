#ifndef CORRIDOR_SERVICES_AREAS_AREAS_MODULE_H_
#define CORRIDOR_SERVICES_AREAS_AREAS_MODULE_H_

#include <memory>

#include "absl/status/statusor.h"
#include "services/common/module.h"

namespace corridor::areas {

// Opens the areas database and, on first start, loads the reference list of
// besieged and watchlist communities.
absl::StatusOr<std::unique_ptr<ServiceModule>> OpenAreasModule(const ModuleOptions& options);

}  // namespace corridor::areas

#endif  // CORRIDOR_SERVICES_AREAS_AREAS_MODULE_H_
