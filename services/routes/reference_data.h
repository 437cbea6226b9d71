// The reference routes: Castello Road and Ramouseh Road into eastern Aleppo
// and their dated 2016 status changes, from data/reference/routes.csv and
// route_events.csv (sources in data/reference/RESEARCH-siege-facts.md). Built
// into the binary so that a service starts with them anywhere.
#ifndef CORRIDOR_SERVICES_ROUTES_REFERENCE_DATA_H_
#define CORRIDOR_SERVICES_ROUTES_REFERENCE_DATA_H_

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "services/routes/route_store.h"

namespace corridor::routes {

// The two CSV files as built into the binary.
absl::string_view EmbeddedRoutesCsv();
absl::string_view EmbeddedRouteEventsCsv();

// Turns the two files into create requests and reports (in date order).
// Only what a row states is set: a dated event is observed at 00:00 UTC of
// its date, its confidence is left unstated, its sources are the row's keys.
// Every request passes validation; INVALID_ARGUMENT names the file, row and
// field otherwise.
absl::StatusOr<RouteStore::Reference> ParseReferenceRoutes(absl::string_view routes_csv,
                                                           absl::string_view events_csv);

}  // namespace corridor::routes

#endif  // CORRIDOR_SERVICES_ROUTES_REFERENCE_DATA_H_
