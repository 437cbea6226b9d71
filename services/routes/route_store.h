// The routes service's records on the shared storage layer: routes, and
// their status reports in one feed that WatchRouteStatus tails.
//
// Requests are assumed validated (route_validation.h). Thread-safe.
#ifndef CORRIDOR_SERVICES_ROUTES_ROUTE_STORE_H_
#define CORRIDOR_SERVICES_ROUTES_ROUTE_STORE_H_

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "corridor/v1/routes.pb.h"
#include "services/common/stored_parties.h"
#include "storage/feed.h"
#include "storage/records.h"
#include "storage/store.h"

namespace corridor::routes {

// Whether a report still counts: neither a withdrawal nor superseded by a
// later correction.
bool Stands(const v1::RouteReport& report);

class RouteStore {
 public:
  // Recovers the report feed's position. `store` must outlive the result.
  static absl::StatusOr<std::unique_ptr<RouteStore>> Open(storage::Store* store);

  // ALREADY_EXISTS naming route.id if the id is taken.
  absl::StatusOr<v1::Route> Create(const storage::Origin& origin,
                                   const v1::CreateRouteRequest& request);
  // NOT_FOUND naming `field`.
  absl::StatusOr<v1::Route> Get(absl::string_view field, absl::string_view id) const;
  absl::StatusOr<v1::ListRoutesResponse> List(const v1::ListRoutesRequest& request,
                                              int page_size) const;
  // Appends the report to the feed and, if it is the latest observation,
  // makes it the route's status, in one commit. `controlling_party_id` is
  // the registry's party its controlling_party names (the service resolves
  // it; empty for reference reports, resolved after start).
  absl::StatusOr<v1::ReportRouteStatusResponse> Report(const storage::Origin& origin,
                                                       const v1::ReportRouteStatusRequest& request,
                                                       const std::string& controlling_party_id);
  // Files a correction or withdrawal of the report at request.position()
  // (NOT_FOUND if none; FAILED_PRECONDITION if it was corrected already or
  // is a withdrawal), marks that report superseded, and sets the route's
  // status to its latest report still standing, in one commit.
  absl::StatusOr<v1::ReportRouteStatusResponse> Correct(
      const storage::Origin& origin, const v1::CorrectRouteReportRequest& request,
      const std::string& controlling_party_id);
  // The report at feed `position`, with its version; NOT_FOUND naming
  // "position".
  absl::StatusOr<storage::Versioned<v1::RouteReport>> GetReport(int64_t position) const;
  absl::StatusOr<v1::GetRouteHistoryResponse> History(const v1::GetRouteHistoryRequest& request,
                                                      int page_size) const;

  // Up to `max` reports after feed position `after`, in feed order, only of
  // `routes` (all if empty). `*scanned_to` is the last position looked at,
  // which may be past the last report returned when others were skipped.
  absl::StatusOr<std::vector<v1::RouteReport>> ReportsAfter(
      uint64_t after, const absl::flat_hash_set<std::string>& routes, int max,
      uint64_t* scanned_to) const;

  // The feed of reports: its last position, and waiting for the next.
  storage::Feed& feed() { return feed_; }

  // Unless loaded before, creates the reference routes and files their
  // reports, in one atomic commit per route. Returns the routes created.
  struct Reference {
    std::vector<v1::CreateRouteRequest> routes;
    std::vector<v1::ReportRouteStatusRequest> reports;  // in date order
  };
  using ReferenceSource = std::function<absl::StatusOr<Reference>()>;
  absl::StatusOr<int> LoadReferenceData(const storage::Origin& origin,
                                        const ReferenceSource& source);

  // Gives routes and reports stored before the registry the id of the
  // party their controlling_party names (stored_parties.h).
  absl::StatusOr<PartyResolution> ResolveStoredParties(const std::vector<v1::Party>& parties);

  // The database this store writes to.
  storage::Store* store() const { return store_; }

 private:
  explicit RouteStore(storage::Store* store);

  // The route's latest report still standing other than the one at
  // `excluded`, and the latest standing one that names a controlling party.
  struct Standing {
    std::optional<v1::RouteReport> latest;
    std::string controlling_party;
    std::string controlling_party_id;
  };
  absl::StatusOr<Standing> StandingReports(const std::string& route_id, int64_t excluded) const;
  // The report at `position`, if it still stands (errors name "position").
  absl::StatusOr<storage::Versioned<v1::RouteReport>> StandingReport(int64_t position) const;

  storage::Store* store_;
  storage::Feed feed_;
};

}  // namespace corridor::routes

#endif  // CORRIDOR_SERVICES_ROUTES_ROUTE_STORE_H_
