#include "services/routes/reference_data.h"

#include <algorithm>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/csv.h"
#include "common/status.h"
#include "common/validation.h"
#include "google/protobuf/util/time_util.h"
#include "services/routes/route_validation.h"

namespace corridor::routes {
namespace {

constexpr absl::Time kLoadTime = absl::InfiniteFuture();  // dates are all in the past

absl::Status RowError(absl::string_view file, size_t row, const absl::Status& status) {
  // Row numbers as a spreadsheet shows them: the header is row 1.
  return absl::InvalidArgumentError(absl::StrCat(file, " row ", row + 2, ": ", status.message()));
}

absl::Status RequireColumns(absl::string_view file, const CsvTable& table,
                            std::initializer_list<const char*> columns) {
  for (const char* column : columns) {
    if (!table.HasColumn(column)) {
      return absl::InvalidArgumentError(absl::StrCat(file, ": no column \"", column, "\""));
    }
  }
  return absl::OkStatus();
}

std::vector<std::string> SplitList(absl::string_view text) {
  std::vector<std::string> items;
  for (absl::string_view item : absl::StrSplit(text, ';', absl::SkipWhitespace())) {
    item = absl::StripAsciiWhitespace(item);
    if (!item.empty()) items.emplace_back(item);
  }
  return items;
}

}  // namespace

absl::StatusOr<RouteStore::Reference> ParseReferenceRoutes(absl::string_view routes_csv,
                                                           absl::string_view events_csv) {
  RouteStore::Reference reference;
  absl::StatusOr<CsvTable> routes = CsvTable::Parse(routes_csv);
  if (!routes.ok()) return RowError("routes.csv", 0, routes.status());
  CORRIDOR_RETURN_IF_ERROR(RequireColumns("routes.csv", *routes,
                                          {"route_id", "name", "serves", "description", "source"}));
  for (size_t row = 0; row < routes->rows(); ++row) {
    v1::CreateRouteRequest request;
    v1::Route* route = request.mutable_route();
    route->set_id(routes->Get(row, "route_id"));
    route->set_name(routes->Get(row, "name"));
    route->set_description(routes->Get(row, "description"));
    for (std::string& area : SplitList(routes->Get(row, "serves"))) {
      route->add_serves_area_ids(std::move(area));
    }
    for (std::string& key : SplitList(routes->Get(row, "source"))) {
      route->add_sources()->set_citation(std::move(key));
    }
    if (absl::Status s = ValidateCreate(request); !s.ok()) return RowError("routes.csv", row, s);
    reference.routes.push_back(std::move(request));
  }

  absl::StatusOr<CsvTable> events = CsvTable::Parse(events_csv);
  if (!events.ok()) return RowError("route_events.csv", 0, events.status());
  CORRIDOR_RETURN_IF_ERROR(
      RequireColumns("route_events.csv", *events,
                     {"route_id", "date", "status", "controlling_party", "note", "source"}));
  absl::flat_hash_set<std::string> route_ids;
  for (const v1::CreateRouteRequest& route : reference.routes) route_ids.insert(route.route().id());
  std::vector<std::pair<uint32_t, v1::ReportRouteStatusRequest>> dated;
  for (size_t row = 0; row < events->rows(); ++row) {
    v1::ReportRouteStatusRequest request;
    request.set_route_id(events->Get(row, "route_id"));
    if (!route_ids.contains(request.route_id())) {
      return RowError("route_events.csv", row,
                      absl::InvalidArgumentError(absl::StrCat("route_id: \"", request.route_id(),
                                                              "\" is not in routes.csv")));
    }
    absl::StatusOr<v1::Date> date = ParseDate("date", events->Get(row, "date"));
    if (!date.ok()) return RowError("route_events.csv", row, date.status());
    const absl::CivilDay day(date->year(), date->month(), date->day());
    request.mutable_observed_at()->set_seconds(
        absl::ToUnixSeconds(absl::FromCivil(day, absl::UTCTimeZone())));
    v1::RouteStatus status;
    if (!v1::RouteStatus_Parse(absl::StrCat("ROUTE_STATUS_", events->Get(row, "status")),
                               &status)) {
      return RowError("route_events.csv", row,
                      absl::InvalidArgumentError(absl::StrCat(
                          "status: \"", events->Get(row, "status"), "\" is not a route status")));
    }
    request.set_status(status);
    request.set_controlling_party(events->Get(row, "controlling_party"));
    request.set_note(events->Get(row, "note"));
    request.mutable_source()->set_citation(events->Get(row, "source"));
    request.mutable_source()->set_note(
        "dated event from data/reference/route_events.csv; the source gives a date, not a "
        "time");
    if (absl::Status s = ValidateReport(request, kLoadTime); !s.ok()) {
      return RowError("route_events.csv", row, s);
    }
    dated.emplace_back(DateNumber(*date), std::move(request));
  }
  std::stable_sort(dated.begin(), dated.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  for (auto& [unused_date, request] : dated) reference.reports.push_back(std::move(request));
  return reference;
}

}  // namespace corridor::routes
