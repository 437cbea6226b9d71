// corridorctl witness key|checkpoints|evidence --witness=HOST:PORT: what an
// independent witness (corridor-witness) has cosigned and refused. No token:
// a witness's answers are public and signed.
#ifndef CORRIDOR_CLIENTS_CORRIDORCTL_WITNESS_COMMANDS_H_
#define CORRIDOR_CLIENTS_CORRIDORCTL_WITNESS_COMMANDS_H_

#include <string>

#include "clients/corridorctl/session.h"

namespace corridor::cli {

// Runs `witness <verb> args...`; returns an ExitCode.
int RunWitnessCommand(Session& session, Flags& flags, const std::string& verb, const Args& args);

}  // namespace corridor::cli

#endif  // CORRIDOR_CLIENTS_CORRIDORCTL_WITNESS_COMMANDS_H_
