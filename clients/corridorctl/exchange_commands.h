// corridorctl export denials|convoys|areas --format=csv|hxl|geojson and
// corridorctl import convoys|denials FILE.csv: data in and out of Corridor
// in the formats humanitarian tools read (HXL for HDX, GeoJSON for maps).
#ifndef CORRIDOR_CLIENTS_CORRIDORCTL_EXCHANGE_COMMANDS_H_
#define CORRIDOR_CLIENTS_CORRIDORCTL_EXCHANGE_COMMANDS_H_

#include <string>

#include "clients/corridorctl/session.h"

namespace corridor::cli {

int RunExportCommand(Session& session, Flags& flags, const std::string& kind, const Args& args);
int RunImportCommand(Session& session, Flags& flags, const std::string& kind, const Args& args);

}  // namespace corridor::cli

#endif  // CORRIDOR_CLIENTS_CORRIDORCTL_EXCHANGE_COMMANDS_H_
