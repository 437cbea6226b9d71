// corridorctl agreements create|list|get|violations, and report compliance:
// registering what the parties agreed and reading who broke it.
#ifndef CORRIDOR_CLIENTS_CORRIDORCTL_AGREEMENTS_COMMANDS_H_
#define CORRIDOR_CLIENTS_CORRIDORCTL_AGREEMENTS_COMMANDS_H_

#include <string>

#include "clients/corridorctl/session.h"

namespace corridor::cli {

// Runs `agreements <verb> args...`; returns an ExitCode.
int RunAgreementsCommand(Session& session, Flags& flags, const std::string& verb,
                         const Args& args);

// Runs `report compliance`.
int ReportCompliance(Session& session, Flags& flags, const Args& args);

}  // namespace corridor::cli

#endif  // CORRIDOR_CLIENTS_CORRIDORCTL_AGREEMENTS_COMMANDS_H_
