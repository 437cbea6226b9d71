// corridorctl parties list|get|resolve|create|alias: the party registry.
#ifndef CORRIDOR_CLIENTS_CORRIDORCTL_PARTIES_COMMANDS_H_
#define CORRIDOR_CLIENTS_CORRIDORCTL_PARTIES_COMMANDS_H_

#include <string>

#include "clients/corridorctl/session.h"

namespace corridor::cli {

// Runs `parties <verb> args...`; returns an ExitCode.
int RunPartiesCommand(Session& session, Flags& flags, const std::string& verb, const Args& args);

}  // namespace corridor::cli

#endif  // CORRIDOR_CLIENTS_CORRIDORCTL_PARTIES_COMMANDS_H_
