#ifndef CORRIDOR_SERVICES_AGREEMENTS_AGREEMENTS_MODULE_H_
#define CORRIDOR_SERVICES_AGREEMENTS_AGREEMENTS_MODULE_H_

#include <memory>

#include "absl/status/statusor.h"
#include "services/common/module.h"

namespace corridor::agreements {

// Opens the agreements database. Once started, the service follows the
// routes, convoys and denials services' change feeds, reached through
// options.peers, and asks the areas service for besieging parties.
absl::StatusOr<std::unique_ptr<ServiceModule>> OpenAgreementsModule(const ModuleOptions& options);

}  // namespace corridor::agreements

#endif  // CORRIDOR_SERVICES_AGREEMENTS_AGREEMENTS_MODULE_H_
