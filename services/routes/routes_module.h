#ifndef CORRIDOR_SERVICES_ROUTES_ROUTES_MODULE_H_
#define CORRIDOR_SERVICES_ROUTES_ROUTES_MODULE_H_

#include <memory>

#include "absl/status/statusor.h"
#include "services/common/module.h"

namespace corridor::routes {

// Opens the routes database and, on first start, loads Castello Road and
// Ramouseh Road with their 2016 status history.
absl::StatusOr<std::unique_ptr<ServiceModule>> OpenRoutesModule(const ModuleOptions& options);

}  // namespace corridor::routes

#endif  // CORRIDOR_SERVICES_ROUTES_ROUTES_MODULE_H_
