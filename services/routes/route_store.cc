#include "services/routes/route_store.h"

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "common/status.h"
#include "common/status_macros.h"
#include "common/validation.h"
#include "google/protobuf/util/time_util.h"
#include "services/routes/route_tables.h"
#include "storage/key_codec.h"
#include "storage/records.h"

namespace corridor::routes {
namespace {

using google::protobuf::util::TimeUtil;
using storage::KeyWriter;
using storage::WithVersion;

constexpr char kReferenceLoadedKey[] = "reference_data/routes";

v1::Route NewRoute(const storage::Origin& origin, const v1::CreateRouteRequest& request,
                   const google::protobuf::Timestamp& now) {
  v1::Route route = request.route();
  route.clear_version();
  route.set_status(v1::ROUTE_STATUS_UNKNOWN);
  route.clear_status_observed_at();
  route.set_reports(0);
  v1::RecordMeta* meta = route.mutable_meta();
  meta->Clear();
  *meta->mutable_created_at() = now;
  *meta->mutable_updated_at() = now;
  *meta->mutable_created_by() = origin.principal;
  *meta->mutable_updated_by() = origin.principal;
  return route;
}

v1::RouteReport ReportFrom(const v1::ReportRouteStatusRequest& request,
                           const std::string& controlling_party_id, uint64_t position,
                           const v1::Route& route, const storage::Origin& origin,
                           const google::protobuf::Timestamp& now) {
  v1::RouteReport report;
  report.set_position(static_cast<int64_t>(position));
  report.set_route_id(request.route_id());
  report.set_status(request.status());
  report.set_previous_status(route.status());
  *report.mutable_observed_at() = request.observed_at();
  *report.mutable_source() = request.source();
  report.set_confidence(request.confidence());
  report.set_note(request.note());
  report.set_checkpoint(request.checkpoint());
  report.set_controlling_party(request.controlling_party());
  report.set_controlling_party_id(controlling_party_id);
  *report.mutable_recorded_at() = now;
  *report.mutable_recorded_by() = origin.principal;
  return report;
}

void Touch(v1::Route* route, const storage::Origin& origin,
           const google::protobuf::Timestamp& now) {
  route->set_reports(route->reports() + 1);
  *route->mutable_meta()->mutable_updated_at() = now;
  *route->mutable_meta()->mutable_updated_by() = origin.principal;
}

}  // namespace

bool Stands(const v1::RouteReport& report) {
  return !report.withdrawal() && report.superseded_by() == 0;
}

RouteStore::RouteStore(storage::Store* store)
    : store_(store), feed_(store, RouteReportsTable().schema()) {}

absl::StatusOr<std::unique_ptr<RouteStore>> RouteStore::Open(storage::Store* store) {
  std::unique_ptr<RouteStore> routes(new RouteStore(store));
  CORRIDOR_RETURN_IF_ERROR(routes->feed_.Recover());
  return routes;
}

absl::StatusOr<v1::Route> RouteStore::Create(const storage::Origin& origin,
                                             const v1::CreateRouteRequest& request) {
  v1::Route route = NewRoute(origin, request, TimeUtil::GetCurrentTime());
  storage::Mutation mutation;
  mutation.SetOrigin(origin);
  mutation.Insert(RoutesTable(), route);
  absl::StatusOr<storage::CommitResult> result = store_->Commit(mutation);
  if (absl::IsAlreadyExists(result.status())) {
    return absl::AlreadyExistsError(absl::StrCat("route.id: a route with id \"", route.id(),
                                                 "\" already exists; choose another id"));
  }
  if (!result.ok()) return result.status();
  return WithVersion(std::move(route), result->versions[0]);
}

absl::StatusOr<v1::Route> RouteStore::Get(absl::string_view field, absl::string_view id) const {
  CORRIDOR_ASSIGN_OR_RETURN(storage::Versioned<v1::Route> route,
                            storage::GetRecord(*store_, RoutesTable(), field, id));
  return std::move(route).Release();
}

absl::StatusOr<v1::ListRoutesResponse> RouteStore::List(const v1::ListRoutesRequest& request,
                                                        int page_size) const {
  storage::ScanOptions scan;
  scan.page_size = page_size;
  scan.page_token = request.page().page_token();
  scan.query = absl::StrCat("serves=", request.serves_area_id(), "|status=", request.status());
  if (!request.serves_area_id().empty()) {
    scan.index = "serves";
    scan.prefix = KeyWriter().String(request.serves_area_id()).Release();
  } else if (request.status() != v1::ROUTE_STATUS_UNSPECIFIED) {
    scan.index = "status";
    scan.prefix = KeyWriter().Uint32(request.status()).Release();
  }
  auto matches = [&](const v1::Route& route) {
    return request.status() == v1::ROUTE_STATUS_UNSPECIFIED || route.status() == request.status();
  };
  std::vector<std::pair<v1::Route, uint64_t>> found;
  v1::ListRoutesResponse response;
  CORRIDOR_ASSIGN_OR_RETURN(
      *response.mutable_next_page_token(),
      storage::ScanRecords<v1::Route>(*store_, RoutesTable(), scan, &found, matches));
  for (auto& [route, version] : found) {
    *response.add_routes() = WithVersion(std::move(route), version);
  }
  return response;
}

absl::StatusOr<v1::ReportRouteStatusResponse> RouteStore::Report(
    const storage::Origin& origin, const v1::ReportRouteStatusRequest& request,
    const std::string& controlling_party_id) {
  v1::ReportRouteStatusResponse response;
  absl::StatusOr<uint64_t> position =
      feed_.Append([&](uint64_t position, storage::Mutation* mutation) -> absl::Status {
        mutation->SetOrigin(origin);
        CORRIDOR_ASSIGN_OR_RETURN(
            storage::Versioned<v1::Route> stored,
            storage::GetRecord(*store_, RoutesTable(), "route_id", request.route_id()));
        v1::Route& route = stored.record;
        const google::protobuf::Timestamp now = TimeUtil::GetCurrentTime();
        v1::RouteReport report =
            ReportFrom(request, controlling_party_id, position, route, origin, now);
        // A report observed before the current status (filed late) is
        // history, not news about the road.
        const bool latest =
            !route.has_status_observed_at() || request.observed_at() >= route.status_observed_at();
        report.set_current(latest);
        if (latest) {
          route.set_status(request.status());
          *route.mutable_status_observed_at() = request.observed_at();
          if (!request.controlling_party().empty()) {
            route.set_controlling_party(request.controlling_party());
            route.set_controlling_party_id(controlling_party_id);
          }
        }
        Touch(&route, origin, now);
        mutation->Update(RoutesTable(), route, stored.version);
        mutation->Insert(RouteReportsTable(), report);
        *response.mutable_route() = WithVersion(std::move(route), stored.version + 1);
        *response.mutable_report() = std::move(report);
        return absl::OkStatus();
      });
  CORRIDOR_RETURN_IF_ERROR(position.status());
  return response;
}

absl::StatusOr<RouteStore::Standing> RouteStore::StandingReports(const std::string& route_id,
                                                                 int64_t excluded) const {
  Standing standing;
  storage::ScanOptions scan;
  scan.index = "route";
  scan.prefix = KeyWriter().String(route_id).Release();
  scan.reverse = true;  // newest observation first
  scan.page_size = 500;
  CORRIDOR_RETURN_IF_ERROR(storage::ForEachRecord<v1::RouteReport>(
      *store_, RouteReportsTable(), scan, [&](const v1::RouteReport& report, uint64_t) {
        if (report.position() == excluded || !Stands(report)) return absl::OkStatus();
        if (!standing.latest) standing.latest = report;
        if (standing.controlling_party.empty()) {
          standing.controlling_party = report.controlling_party();
          standing.controlling_party_id = report.controlling_party_id();
        }
        return absl::OkStatus();
      }));
  return standing;
}

absl::StatusOr<v1::ReportRouteStatusResponse> RouteStore::Correct(
    const storage::Origin& origin, const v1::CorrectRouteReportRequest& request,
    const std::string& controlling_party_id) {
  v1::ReportRouteStatusResponse response;
  absl::StatusOr<uint64_t> position =
      feed_.Append([&](uint64_t position, storage::Mutation* mutation) -> absl::Status {
        mutation->SetOrigin(origin);
        CORRIDOR_ASSIGN_OR_RETURN(storage::Versioned<v1::RouteReport> old,
                                  StandingReport(request.position()));
        const std::string& route_id = old.record.route_id();
        if (!request.withdraw() && request.report().route_id() != route_id) {
          return InvalidField(
              "report.route_id",
              absl::StrCat("must be ", route_id, ", the route of report ", request.position(),
                           "; a report on another road is a new report"));
        }
        CORRIDOR_ASSIGN_OR_RETURN(storage::Versioned<v1::Route> stored,
                                  storage::GetRecord(*store_, RoutesTable(), "route_id", route_id));
        v1::Route& route = stored.record;
        const google::protobuf::Timestamp now = TimeUtil::GetCurrentTime();
        v1::ReportRouteStatusRequest filed = request.report();
        if (request.withdraw()) {
          filed = v1::ReportRouteStatusRequest();
          filed.set_route_id(route_id);
          *filed.mutable_observed_at() = old.record.observed_at();
        }
        v1::RouteReport report = ReportFrom(filed, request.withdraw() ? "" : controlling_party_id,
                                            position, route, origin, now);
        report.set_supersedes(request.position());
        report.set_correction_reason(request.reason());
        report.set_withdrawal(request.withdraw());
        old.record.set_superseded_by(static_cast<int64_t>(position));

        // The route's status is its latest report still standing, this one
        // included unless it withdraws.
        CORRIDOR_ASSIGN_OR_RETURN(Standing standing, StandingReports(route_id, request.position()));
        if (Stands(report) &&
            (!standing.latest || report.observed_at() >= standing.latest->observed_at())) {
          standing.latest = report;
          if (!report.controlling_party().empty()) {
            standing.controlling_party = report.controlling_party();
            standing.controlling_party_id = report.controlling_party_id();
          }
        }
        report.set_current(standing.latest && standing.latest->position() == report.position());
        if (standing.latest) {
          route.set_status(standing.latest->status());
          *route.mutable_status_observed_at() = standing.latest->observed_at();
        } else {
          route.set_status(v1::ROUTE_STATUS_UNKNOWN);
          route.clear_status_observed_at();
        }
        route.set_controlling_party(standing.controlling_party);
        route.set_controlling_party_id(standing.controlling_party_id);
        Touch(&route, origin, now);
        mutation->Update(RouteReportsTable(), old.record, old.version);
        mutation->Update(RoutesTable(), route, stored.version);
        mutation->Insert(RouteReportsTable(), report);
        *response.mutable_route() = WithVersion(std::move(route), stored.version + 1);
        *response.mutable_report() = std::move(report);
        return absl::OkStatus();
      });
  CORRIDOR_RETURN_IF_ERROR(position.status());
  return response;
}

absl::StatusOr<storage::Versioned<v1::RouteReport>> RouteStore::GetReport(int64_t position) const {
  storage::Versioned<v1::RouteReport> found;
  absl::StatusOr<uint64_t> version =
      store_->Get(RouteReportsTable().schema(),
                  KeyWriter().Uint64(static_cast<uint64_t>(position)).Release(), &found.record);
  if (absl::IsNotFound(version.status())) {
    return absl::NotFoundError(absl::StrCat("position: no road report at feed position ", position,
                                            "; see corridorctl routes history ROUTE"));
  }
  CORRIDOR_RETURN_IF_ERROR(version.status());
  found.version = *version;
  return found;
}

absl::StatusOr<storage::Versioned<v1::RouteReport>> RouteStore::StandingReport(
    int64_t position) const {
  CORRIDOR_ASSIGN_OR_RETURN(storage::Versioned<v1::RouteReport> found, GetReport(position));
  if (found.record.withdrawal()) {
    return absl::FailedPreconditionError(
        absl::StrCat("position: report ", position, " is itself the withdrawal of report ",
                     found.record.supersedes(), "; file a new report instead"));
  }
  if (found.record.superseded_by() != 0) {
    return absl::FailedPreconditionError(absl::StrCat(
        "position: report ", position, " was already superseded by report ",
        found.record.superseded_by(), "; see routes history for the report that stands now"));
  }
  return found;
}

absl::StatusOr<v1::GetRouteHistoryResponse> RouteStore::History(
    const v1::GetRouteHistoryRequest& request, int page_size) const {
  storage::ScanOptions page;
  page.index = "route";
  page.reverse = true;
  page.page_size = page_size;
  page.page_token = request.page().page_token();
  v1::GetRouteHistoryResponse response;
  CORRIDOR_ASSIGN_OR_RETURN(
      *response.mutable_next_page_token(),
      storage::HistoryPage(*store_, RoutesTable(), "route_id", request.route_id(),
                           RouteReportsTable(), page, response.mutable_reports()));
  return response;
}

absl::StatusOr<std::vector<v1::RouteReport>> RouteStore::ReportsAfter(
    uint64_t after, const absl::flat_hash_set<std::string>& routes, int max,
    uint64_t* scanned_to) const {
  std::vector<v1::RouteReport> reports;
  CORRIDOR_ASSIGN_OR_RETURN(
      *scanned_to,
      feed_.ReadAfter(
          after, max, [&](uint64_t, absl::string_view payload, bool* kept) -> absl::Status {
            v1::RouteReport report;
            if (!report.ParseFromArray(payload.data(), static_cast<int>(payload.size()))) {
              return absl::DataLossError(
                  "a stored route report could not be read; the database may be damaged: "
                  "restore it from a backup");
            }
            *kept = routes.empty() || routes.contains(report.route_id());
            if (*kept) reports.push_back(std::move(report));
            return absl::OkStatus();
          }));
  return reports;
}

absl::StatusOr<int> RouteStore::LoadReferenceData(const storage::Origin& origin,
                                                  const ReferenceSource& source) {
  CORRIDOR_ASSIGN_OR_RETURN(const std::optional<std::string> loaded,
                            store_->GetMeta(kReferenceLoadedKey));
  if (loaded.has_value()) return 0;
  CORRIDOR_ASSIGN_OR_RETURN(const Reference reference, source());

  // Routes first, each only if missing; then their reports through the feed,
  // so that they have positions like any other report. The marker is
  // written last, so a crash midway finishes the load on the next start:
  // only the loader files reports before the marker exists, in reference
  // order, so a route's first `reports` reference reports are already there.
  int created = 0;
  absl::flat_hash_map<std::string, int64_t> already_filed;
  for (const v1::CreateRouteRequest& request : reference.routes) {
    absl::StatusOr<v1::Route> route = Create(origin, request);
    if (absl::IsAlreadyExists(route.status())) {
      route = Get("id", request.route().id());
    } else if (route.ok()) {
      ++created;
    }
    if (!route.ok()) return route.status();
    already_filed[route->id()] = route->reports();
  }
  for (const v1::ReportRouteStatusRequest& request : reference.reports) {
    if (already_filed[request.route_id()]-- > 0) continue;
    // Resolved after start, once the registry can be read.
    CORRIDOR_RETURN_IF_ERROR(Report(origin, request, /*controlling_party_id=*/"").status());
  }
  storage::Mutation marker;
  marker.SetOrigin(origin);
  marker.PutMeta(kReferenceLoadedKey, TimeUtil::ToString(TimeUtil::GetCurrentTime()));
  CORRIDOR_RETURN_IF_ERROR(store_->Commit(marker).status());
  return created;
}

absl::StatusOr<PartyResolution> RouteStore::ResolveStoredParties(
    const std::vector<v1::Party>& parties) {
  PartyResolution resolution;
  CORRIDOR_RETURN_IF_ERROR(ResolvePartiesOfTable<v1::Route>(
      store_, RoutesTable(), PartyResolutionOrigin(),
      [&](v1::Route* route, PartyResolution* r) {
        return FillPartyId(parties, route->controlling_party(),
                           route->mutable_controlling_party_id(), r);
      },
      &resolution));
  // Reports are counted once: a route's party is one of its reports'.
  resolution.unresolved.clear();
  CORRIDOR_RETURN_IF_ERROR(ResolvePartiesOfTable<v1::RouteReport>(
      store_, RouteReportsTable(), PartyResolutionOrigin(),
      [&](v1::RouteReport* report, PartyResolution* r) {
        return FillPartyId(parties, report->controlling_party(),
                           report->mutable_controlling_party_id(), r);
      },
      &resolution));
  return resolution;
}

}  // namespace corridor::routes
