// corridorctl routes list|get|history|report|watch.
#ifndef CORRIDOR_CLIENTS_CORRIDORCTL_ROUTES_COMMANDS_H_
#define CORRIDOR_CLIENTS_CORRIDORCTL_ROUTES_COMMANDS_H_

#include <string>

#include "clients/corridorctl/session.h"

namespace corridor::cli {

// Runs `routes <verb> args...`; returns an ExitCode.
int RunRoutesCommand(Session& session, Flags& flags, const std::string& verb, const Args& args);

}  // namespace corridor::cli

#endif  // CORRIDOR_CLIENTS_CORRIDORCTL_ROUTES_COMMANDS_H_
