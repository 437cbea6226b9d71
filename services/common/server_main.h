// The main() of every Corridor server binary: flags, wiring, signals.
#ifndef CORRIDOR_SERVICES_COMMON_SERVER_MAIN_H_
#define CORRIDOR_SERVICES_COMMON_SERVER_MAIN_H_

#include <string>

namespace corridor {

// Runs `program` with the services named by --services, or with
// `fixed_services` (comma-separated) if it is non-empty, in which case
// --services is refused. Returns the process exit code.
int ServerMain(int argc, char** argv, const std::string& program,
               const std::string& fixed_services);

}  // namespace corridor

#endif  // CORRIDOR_SERVICES_COMMON_SERVER_MAIN_H_
