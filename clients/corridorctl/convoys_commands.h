// corridorctl convoys submit|approve|deny|dispatch|outcome|get|list|history
// and corridorctl report access.
#ifndef CORRIDOR_CLIENTS_CORRIDORCTL_CONVOYS_COMMANDS_H_
#define CORRIDOR_CLIENTS_CORRIDORCTL_CONVOYS_COMMANDS_H_

#include <string>

#include "clients/corridorctl/session.h"

namespace corridor::cli {

// Runs `convoys <verb> args...`; returns an ExitCode.
int RunConvoysCommand(Session& session, Flags& flags, const std::string& verb, const Args& args);

// Runs `report <verb> args...` (only "access" so far); returns an ExitCode.
int RunReportCommand(Session& session, Flags& flags, const std::string& verb, const Args& args);

}  // namespace corridor::cli

#endif  // CORRIDOR_CLIENTS_CORRIDORCTL_CONVOYS_COMMANDS_H_
