// corridorctl denials record|correct|withdraw|get|history|list|stats.
#ifndef CORRIDOR_CLIENTS_CORRIDORCTL_DENIALS_COMMANDS_H_
#define CORRIDOR_CLIENTS_CORRIDORCTL_DENIALS_COMMANDS_H_

#include <string>

#include "clients/corridorctl/session.h"
#include "corridor/v1/denials.pb.h"

namespace corridor::cli {

// Runs `denials <verb> args...`; returns an ExitCode.
int RunDenialsCommand(Session& session, Flags& flags, const std::string& verb, const Args& args);

// The list filters (--party --area --route --category --convoy --since
// --until --month), shared with `export denials`.
absl::Status TakeDenialFilters(Flags& flags, v1::ListDenialsRequest* request);

}  // namespace corridor::cli

#endif  // CORRIDOR_CLIENTS_CORRIDORCTL_DENIALS_COMMANDS_H_
