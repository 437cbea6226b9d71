#include "services/routes/route_service.h"

#include "absl/strings/str_cat.h"
#include "common/field_limits.h"
#include "common/server.h"
#include "common/status_macros.h"
#include "common/stream_headers.h"
#include "common/validation.h"
#include "services/routes/route_validation.h"

namespace corridor::routes {
namespace {

// How many reports a watch reads from the database at a time.
constexpr int kWatchBatch = 256;
// How often an idle watch checks whether its client has gone.
constexpr absl::Duration kWatchIdleCheck = absl::Milliseconds(500);

}  // namespace

grpc::Status RouteService::ListRoutes(grpc::ServerContext* context,
                                      const v1::ListRoutesRequest* request,
                                      v1::ListRoutesResponse* response) {
  return Serve(context, "ListRoutes", response,
               [&](const storage::Origin&) -> absl::StatusOr<v1::ListRoutesResponse> {
                 CORRIDOR_RETURN_IF_ERROR(ValidateList(*request));
                 CORRIDOR_ASSIGN_OR_RETURN(const int page_size,
                                           PageSizeOf("page", request->page()));
                 return store_->List(*request, page_size);
               });
}

grpc::Status RouteService::GetRoute(grpc::ServerContext* context,
                                    const v1::GetRouteRequest* request, v1::Route* response) {
  return Serve(context, "GetRoute", response,
               [&](const storage::Origin&) -> absl::StatusOr<v1::Route> {
                 CORRIDOR_RETURN_IF_ERROR(ValidateRouteId("id", request->id()));
                 return store_->Get("id", request->id());
               });
}

grpc::Status RouteService::CreateRoute(grpc::ServerContext* context,
                                       const v1::CreateRouteRequest* request, v1::Route* response) {
  return ServeWrite(context, "CreateRoute", *request, response,
                    [&](const storage::Origin& origin) -> absl::StatusOr<v1::Route> {
                      CORRIDOR_RETURN_IF_ERROR(ValidateCreate(*request));
                      CORRIDOR_ASSIGN_OR_RETURN(
                          const v1::Party party,
                          references_->ResolveParty("route.controlling_party",
                                                    request->route().controlling_party(),
                                                    CallDeadline(*context)));
                      v1::CreateRouteRequest resolved = *request;
                      resolved.mutable_route()->set_controlling_party_id(party.id());
                      return store_->Create(origin, resolved);
                    });
}

grpc::Status RouteService::ReportRouteStatus(grpc::ServerContext* context,
                                             const v1::ReportRouteStatusRequest* request,
                                             v1::ReportRouteStatusResponse* response) {
  return ServeWrite(
      context, "ReportRouteStatus", *request, response,
      [&](const storage::Origin& origin) -> absl::StatusOr<v1::ReportRouteStatusResponse> {
        CORRIDOR_RETURN_IF_ERROR(ValidateReport(*request, absl::Now()));
        CORRIDOR_ASSIGN_OR_RETURN(
            const v1::Party party,
            references_->ResolveParty("controlling_party", request->controlling_party(),
                                      CallDeadline(*context)));
        return store_->Report(origin, *request, party.id());
      });
}

grpc::Status RouteService::CorrectRouteReport(grpc::ServerContext* context,
                                              const v1::CorrectRouteReportRequest* request,
                                              v1::ReportRouteStatusResponse* response) {
  return ServeWrite(
      context, "CorrectRouteReport", *request, response,
      [&](const storage::Origin& origin) -> absl::StatusOr<v1::ReportRouteStatusResponse> {
        CORRIDOR_RETURN_IF_ERROR(ValidateCorrectReport(*request));
        if (request->withdraw()) return store_->Correct(origin, *request, "");
        CORRIDOR_ASSIGN_OR_RETURN(const storage::Versioned<v1::RouteReport> old,
                                  store_->GetReport(request->position()));
        v1::CorrectRouteReportRequest merged = *request;
        *merged.mutable_report() = CorrectedReport(old.record, request->report());
        absl::Status valid = ValidateReport(merged.report(), absl::Now());
        if (!valid.ok()) {
          return absl::Status(valid.code(), absl::StrCat("report.", valid.message()));
        }
        // A party kept from the old report keeps its resolution, even
        // text that names none (the reference data's "Contested").
        std::string party_id = old.record.controlling_party_id();
        if (merged.report().controlling_party() != old.record.controlling_party()) {
          CORRIDOR_ASSIGN_OR_RETURN(const v1::Party party,
                                    references_->ResolveParty("report.controlling_party",
                                                              merged.report().controlling_party(),
                                                              CallDeadline(*context)));
          party_id = party.id();
        }
        return store_->Correct(origin, merged, party_id);
      });
}

grpc::Status RouteService::GetRouteHistory(grpc::ServerContext* context,
                                           const v1::GetRouteHistoryRequest* request,
                                           v1::GetRouteHistoryResponse* response) {
  return Serve(context, "GetRouteHistory", response,
               [&](const storage::Origin&) -> absl::StatusOr<v1::GetRouteHistoryResponse> {
                 CORRIDOR_RETURN_IF_ERROR(ValidateRouteId("route_id", request->route_id()));
                 CORRIDOR_ASSIGN_OR_RETURN(const int page_size,
                                           PageSizeOf("page", request->page()));
                 return store_->History(*request, page_size);
               });
}

grpc::Status RouteService::WatchRouteStatus(grpc::ServerContext* context,
                                            const v1::WatchRouteStatusRequest* request,
                                            grpc::ServerWriter<v1::RouteStatusEvent>* writer) {
  StreamSlot slot;
  absl::StatusOr<storage::Origin> origin = AdmitStream(context, "WatchRouteStatus", &slot);
  if (!origin.ok()) return ToGrpc(origin.status());
  if (absl::Status s = CheckFieldLimits(*request); !s.ok()) return ToGrpc(s);
  if (absl::Status s = ValidateWatch(*request); !s.ok()) return ToGrpc(s);
  for (const std::string& id : request->route_ids()) {
    absl::StatusOr<v1::Route> route = store_->Get("route_ids", id);
    if (!route.ok()) return ToGrpc(route.status());
  }
  const absl::flat_hash_set<std::string> routes(request->route_ids().begin(),
                                                request->route_ids().end());
  storage::Feed& feed = store_->feed();
  // `start` is the first position wanted, `after_position` the one before.
  uint64_t position = feed.last_position();
  if (request->has_start()) {
    position = request->start() > 0 ? request->start() - 1 : 0;
  } else if (request->has_after_position()) {
    position = static_cast<uint64_t>(request->after_position());
  }
  if (const uint64_t last = feed.last_position(); position > last) {
    const bool by_start = request->has_start();
    return ToGrpc(InvalidField(
        by_start ? "start" : "after_position",
        absl::StrCat(by_start ? position + 1 : position, " is past the last report's position (",
                     last, "); resume from at most ", by_start ? last + 1 : last)));
  }
  // Headers go out at once, so the client knows it is subscribed before the
  // first report arrives.
  context->AddInitialMetadata(kSubscribedHeader, absl::StrCat(position));
  writer->SendInitialMetadata();
  while (!context->IsCancelled()) {
    uint64_t scanned_to = position;
    absl::StatusOr<std::vector<v1::RouteReport>> reports =
        store_->ReportsAfter(position, routes, kWatchBatch, &scanned_to);
    if (!reports.ok()) return ToGrpc(reports.status());
    for (v1::RouteReport& report : *reports) {
      v1::RouteStatusEvent event;
      *event.mutable_report() = std::move(report);
      RedactFor(origin->principal, &event);
      if (!writer->Write(event)) return grpc::Status::CANCELLED;  // the client left
    }
    const bool advanced = scanned_to > position;
    position = scanned_to;
    if (advanced) continue;  // there may be more; read again before waiting
    if (feed.closed()) {
      return grpc::Status(grpc::StatusCode::UNAVAILABLE,
                          absl::StrCat("the server is shutting down; reconnect with start=",
                                       position + 1, " to miss nothing"));
    }
    feed.WaitAfter(position, absl::Now() + kWatchIdleCheck);
  }
  return grpc::Status::CANCELLED;
}

void RouteService::EndStreams() { store_->feed().Close(); }

}  // namespace corridor::routes
