// corridorctl areas list|get|history|create|set-status.
#ifndef CORRIDOR_CLIENTS_CORRIDORCTL_AREAS_COMMANDS_H_
#define CORRIDOR_CLIENTS_CORRIDORCTL_AREAS_COMMANDS_H_

#include <string>

#include "clients/corridorctl/session.h"

namespace corridor::cli {

// Runs `areas <verb> args...`; returns an ExitCode.
int RunAreasCommand(Session& session, Flags& flags, const std::string& verb, const Args& args);

}  // namespace corridor::cli

#endif  // CORRIDOR_CLIENTS_CORRIDORCTL_AREAS_COMMANDS_H_
