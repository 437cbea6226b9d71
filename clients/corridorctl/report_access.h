// corridorctl report access: the access report's rows, then the period's
// totals (all areas, by area status, by delivery mode, evacuations).
#ifndef CORRIDOR_CLIENTS_CORRIDORCTL_REPORT_ACCESS_H_
#define CORRIDOR_CLIENTS_CORRIDORCTL_REPORT_ACCESS_H_

#include "clients/corridorctl/output.h"
#include "clients/corridorctl/session.h"
#include "corridor/v1/convoys.pb.h"

namespace corridor::cli {

// Runs `report access --from --to [--area=ID,...]`; returns an ExitCode.
int ReportAccess(Session& session, Flags& flags, const Args& args);

// One line per group of the period's totals: all, each area status, each
// delivery mode, medical evacuations. Shares of people to one decimal.
Grid AccessTotalsGrid(const v1::AccessReport& report);

}  // namespace corridor::cli

#endif  // CORRIDOR_CLIENTS_CORRIDORCTL_REPORT_ACCESS_H_
