// corridorctl admin token create|list|revoke, and whoami: managing and
// checking bearer tokens.
#ifndef CORRIDOR_CLIENTS_CORRIDORCTL_ADMIN_COMMANDS_H_
#define CORRIDOR_CLIENTS_CORRIDORCTL_ADMIN_COMMANDS_H_

#include <string>
#include <vector>

#include "clients/corridorctl/session.h"

namespace corridor::cli {

// Runs `admin token <verb> args...` (`words` from "admin" on); returns an
// ExitCode.
int RunAdminCommand(Session& session, Flags& flags, const std::vector<std::string>& words);

// Runs `whoami`.
int RunWhoAmICommand(Session& session, Flags& flags, const std::vector<std::string>& words);

}  // namespace corridor::cli

#endif  // CORRIDOR_CLIENTS_CORRIDORCTL_ADMIN_COMMANDS_H_
