// Request validation for the routes service: pure functions, no storage.
// Each returns INVALID_ARGUMENT naming the first bad field, or OK.
#ifndef CORRIDOR_SERVICES_ROUTES_ROUTE_VALIDATION_H_
#define CORRIDOR_SERVICES_ROUTES_ROUTE_VALIDATION_H_

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "corridor/v1/routes.pb.h"

namespace corridor::routes {

// Lowercase slug: a-z, 0-9 and '-', 2 to 64 characters.
absl::Status ValidateRouteId(absl::string_view field, absl::string_view id);
// A known, specified route status.
absl::Status ValidateRouteStatus(absl::string_view field, int status);

absl::Status ValidateCreate(const v1::CreateRouteRequest& request);
// Observation times may not lie after `now` (plus a minute of clock skew).
absl::Status ValidateReport(const v1::ReportRouteStatusRequest& request, absl::Time now);
// The position and the reason (the corrected report is checked once
// merged with the old one: CorrectedReport, then ValidateReport).
absl::Status ValidateCorrectReport(const v1::CorrectRouteReportRequest& request);
// The report a correction files: `given`'s fields where set, `old`'s where
// not.
v1::ReportRouteStatusRequest CorrectedReport(const v1::RouteReport& old,
                                             const v1::ReportRouteStatusRequest& given);
absl::Status ValidateList(const v1::ListRoutesRequest& request);
absl::Status ValidateWatch(const v1::WatchRouteStatusRequest& request);

}  // namespace corridor::routes

#endif  // CORRIDOR_SERVICES_ROUTES_ROUTE_VALIDATION_H_
