// corridorctl export denials|convoys|areas --format=csv|hxl|geojson and
// corridorctl import convoys|denials FILE.csv: data in and out of Corridor
// in the formats humanitarian tools read (HXL for HDX, GeoJSON for maps).
#ifndef CORRIDOR_CLIENTS_CORRIDORCTL_EXCHANGE_COMMANDS_H_
#define CORRIDOR_CLIENTS_CORRIDORCTL_EXCHANGE_COMMANDS_H_

#include <string>

#include "absl/status/statusor.h"
#include "clients/corridorctl/session.h"
#include "clients/exports/sheets.h"

namespace corridor::cli {

// The filters of an export of `kind`, from the list flags (--party,
// --month...; see TakeDenialFilters and TakeConvoyFilters), all flags used:
// INVALID_ARGUMENT naming the first one `command` does not know. The
// gateway parses its query parameters with it too.
absl::StatusOr<exports::ExportQuery> TakeExportQuery(Flags& flags, exports::ExportKind kind,
                                                     absl::string_view command);

int RunExportCommand(Session& session, Flags& flags, const std::string& kind, const Args& args);
int RunImportCommand(Session& session, Flags& flags, const std::string& kind, const Args& args);

}  // namespace corridor::cli

#endif  // CORRIDOR_CLIENTS_CORRIDORCTL_EXCHANGE_COMMANDS_H_
