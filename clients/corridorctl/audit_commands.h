// corridorctl audit head|verify: what an oversight body runs to check that a
// service's record was never rewritten.
#ifndef CORRIDOR_CLIENTS_CORRIDORCTL_AUDIT_COMMANDS_H_
#define CORRIDOR_CLIENTS_CORRIDORCTL_AUDIT_COMMANDS_H_

#include <string>

#include "clients/corridorctl/session.h"

namespace corridor::cli {

// Runs `audit <verb> args...`; returns an ExitCode.
int RunAuditCommand(Session& session, Flags& flags, const std::string& verb, const Args& args);

}  // namespace corridor::cli

#endif  // CORRIDOR_CLIENTS_CORRIDORCTL_AUDIT_COMMANDS_H_
