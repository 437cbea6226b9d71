// How the routes service stores its records.
#ifndef CORRIDOR_SERVICES_ROUTES_ROUTE_TABLES_H_
#define CORRIDOR_SERVICES_ROUTES_ROUTE_TABLES_H_

#include "corridor/v1/routes.pb.h"
#include "storage/table.h"

namespace corridor::routes {

// Routes by id, indexed by "serves" (each area id served) and "status".
const storage::Table<v1::Route>& RoutesTable();

// Status reports by feed position (the order they were filed), indexed by
// "route": (route id, observed-at microseconds, position), so that one
// route's history is one key range in observation order.
const storage::Table<v1::RouteReport>& RouteReportsTable();

}  // namespace corridor::routes

#endif  // CORRIDOR_SERVICES_ROUTES_ROUTE_TABLES_H_
