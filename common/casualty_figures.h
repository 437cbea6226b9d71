// An incident's casualty figures by name, the one spelling that the CLI's
// --sources, the export's columns and sources cell, and the import share:
// "killed" and "injured" for the total, "<group>_killed" and
// "<group>_injured" for civilians, children, aid_workers and
// medical_workers.
#ifndef CORRIDOR_COMMON_CASUALTY_FIGURES_H_
#define CORRIDOR_COMMON_CASUALTY_FIGURES_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
#include "corridor/v1/incidents.pb.h"

namespace corridor {

// Every figure's name, the total's first.
const std::vector<std::string>& CasualtyFigureNames();

// The figures `casualties` states (absent ones are left out), in the order
// of CasualtyFigureNames.
std::vector<std::pair<std::string, int64_t>> StatedFigures(const v1::Casualties& casualties);

// The figure `name`, if stated.
bool FigureOf(const v1::Casualties& casualties, absl::string_view name, int64_t* value);

// Sets the figure `name`; false if there is no figure of that name.
bool SetFigure(absl::string_view name, int64_t value, v1::Casualties* casualties);
// Makes the figure `name` not stated again; false if there is none.
bool ClearFigure(absl::string_view name, v1::Casualties* casualties);

}  // namespace corridor

#endif  // CORRIDOR_COMMON_CASUALTY_FIGURES_H_
