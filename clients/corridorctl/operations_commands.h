// corridorctl admin backup|restore and health: what operators run.
//
//   admin backup --service=areas|all --to=2026-11-23
//       asks the running server to copy each service's database into
//       2026-11-23/<service> under its --backup_root (a folder on the
//       server's machine; an absolute --to must lie inside the root),
//       online;
//   admin restore --from=/backups/2026-11-23 --data-dir=/var/lib/corridor
//       [--service=areas|all]
//       copies them back into <data-dir>/<service> with the services
//       stopped, and verifies each copy (journal head and every record);
//       a backup of another service than the folder it is restored into is
//       refused;
//   health [--service=corridor.v1.AreaService]
//       exit 0 if the server reports SERVING (for container health checks).
#ifndef CORRIDOR_CLIENTS_CORRIDORCTL_OPERATIONS_COMMANDS_H_
#define CORRIDOR_CLIENTS_CORRIDORCTL_OPERATIONS_COMMANDS_H_

#include <string>

#include "clients/corridorctl/session.h"

namespace corridor::cli {

// Runs `admin backup` or `admin restore` (`verb`); returns an ExitCode.
int RunBackupCommand(Session& session, Flags& flags, const std::string& verb, const Args& args);

// Runs `health`.
int RunHealthCommand(Session& session, Flags& flags, const Args& args);

}  // namespace corridor::cli

#endif  // CORRIDOR_CLIENTS_CORRIDORCTL_OPERATIONS_COMMANDS_H_
