// corridorctl: the command-line client of a Corridor deployment.
#ifndef CORRIDOR_CLIENTS_CORRIDORCTL_COMMANDS_H_
#define CORRIDOR_CLIENTS_CORRIDORCTL_COMMANDS_H_

#include <ostream>
#include <string>
#include <vector>

namespace corridor::cli {

// Exit codes, stable for scripts.
enum ExitCode {
  kExitOk = 0,
  kExitError = 1,        // anything not below
  kExitUsage = 2,        // the command line is wrong
  kExitUnavailable = 3,  // the server cannot be reached or timed out
  kExitRejected = 4,     // the server refused the request (bad field,
                         // already exists, stale version)
  kExitNotFound = 5,
  kExitAuditFailed = 6,  // audit verify found the record altered
  kExitDenied = 7,       // no valid token, or its role may not do this
};

// Runs one command (args without the program name), printing results to
// `out` and errors to `err`. Returns an ExitCode.
int Run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace corridor::cli

#endif  // CORRIDOR_CLIENTS_CORRIDORCTL_COMMANDS_H_
