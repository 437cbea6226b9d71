// corridorctl convoys submit|step|approve|deny|dispatch|outcome|correct|get|
// list|history, and the corridorctl report command.
#ifndef CORRIDOR_CLIENTS_CORRIDORCTL_CONVOYS_COMMANDS_H_
#define CORRIDOR_CLIENTS_CORRIDORCTL_CONVOYS_COMMANDS_H_

#include <string>

#include "clients/corridorctl/session.h"
#include "corridor/v1/convoys.pb.h"

namespace corridor::cli {

// Runs `convoys <verb> args...`; returns an ExitCode.
int RunConvoysCommand(Session& session, Flags& flags, const std::string& verb, const Args& args);

// The list filters (--area --route --agency --status --from --to), shared
// with `export convoys`.
absl::Status TakeConvoyFilters(Flags& flags, v1::ListConvoysRequest* request);

// Runs `report <verb> args...` (only "access" so far); returns an ExitCode.
int RunReportCommand(Session& session, Flags& flags, const std::string& verb, const Args& args);

}  // namespace corridor::cli

#endif  // CORRIDOR_CLIENTS_CORRIDORCTL_CONVOYS_COMMANDS_H_
