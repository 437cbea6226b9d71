// corridorctl incidents record|correct|withdraw|get|history|list|stats.
#ifndef CORRIDOR_CLIENTS_CORRIDORCTL_INCIDENTS_COMMANDS_H_
#define CORRIDOR_CLIENTS_CORRIDORCTL_INCIDENTS_COMMANDS_H_

#include <string>

#include "clients/corridorctl/session.h"
#include "corridor/v1/incidents.pb.h"

namespace corridor::cli {

// Runs `incidents <verb> args...`; returns an ExitCode.
int RunIncidentsCommand(Session& session, Flags& flags, const std::string& verb, const Args& args);

// The list filters (--party --area --type --weapon --convoy --since
// --until), shared with `export incidents`.
absl::Status TakeIncidentFilters(Flags& flags, v1::ListIncidentsRequest* request);

// --sources: "CITATION [killed=N] [injured=N]; CITATION ..." into
// facts.sources, each citation with the figures it reported.
absl::Status ParseSources(const std::string& flag, const std::string& text,
                          v1::IncidentFacts* facts);

}  // namespace corridor::cli

#endif  // CORRIDOR_CLIENTS_CORRIDORCTL_INCIDENTS_COMMANDS_H_
