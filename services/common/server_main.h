// The main() of every Corridor server binary: flags, wiring, signals.
#ifndef CORRIDOR_SERVICES_COMMON_SERVER_MAIN_H_
#define CORRIDOR_SERVICES_COMMON_SERVER_MAIN_H_

#include <functional>
#include <string>

#include "absl/status/status.h"
#include "services/common/runtime.h"

namespace corridor {

// What a server binary adds to the common flags (corridor-mirror).
struct ServerVariant {
  // What --help says the program is, and how it is run.
  std::string usage;
  // The file its own flags are defined in, which --help lists too.
  std::string flags_file;
  // Completes the options the common flags gave, from its own flags;
  // INVALID_ARGUMENT naming the flag if one is wrong.
  std::function<absl::Status(RuntimeOptions* options)> configure;
};

// Runs `program` with the services named by --services, or with
// `fixed_services` (comma-separated) if it is non-empty, in which case
// --services is refused. `variant`, if set, adds its own flags. Returns the
// process exit code.
int ServerMain(int argc, char** argv, const std::string& program, const std::string& fixed_services,
               const ServerVariant* variant = nullptr);

}  // namespace corridor

#endif  // CORRIDOR_SERVICES_COMMON_SERVER_MAIN_H_
