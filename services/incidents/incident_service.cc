#include "services/incidents/incident_service.h"

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/server.h"
#include "common/status_macros.h"
#include "common/validation.h"
#include "services/common/record_checks.h"
#include "services/incidents/incident_validation.h"

namespace corridor::incidents {
namespace {

// The references checker names area_id, route_id and convoy_id; in an
// incident they sit under `facts`.
absl::Status UnderFacts(absl::Status status) {
  if (status.ok() || status.code() != absl::StatusCode::kInvalidArgument) return status;
  return absl::Status(status.code(), absl::StrCat("facts.", status.message()));
}

}  // namespace

absl::StatusOr<v1::IncidentFacts> IncidentService::Checked(const v1::IncidentFacts& facts,
                                                           absl::Time deadline) const {
  if (!facts.area_id().empty()) {
    CORRIDOR_RETURN_IF_ERROR(
        UnderFacts(references_->CheckAreaAndRoute(facts.area_id(), facts.route_id(), deadline)));
  } else if (!facts.route_id().empty()) {
    CORRIDOR_RETURN_IF_ERROR(
        UnderFacts(references_->GetRoute("route_id", facts.route_id(), deadline).status()));
  }
  if (!facts.convoy_id().empty()) {
    CORRIDOR_RETURN_IF_ERROR(
        UnderFacts(references_->CheckConvoy("convoy_id", facts.convoy_id(), deadline)));
  }
  v1::IncidentFacts resolved = facts;
  resolved.clear_party_id();
  if (!facts.party().empty()) {
    CORRIDOR_ASSIGN_OR_RETURN(const v1::Party party,
                              references_->ResolveParty("facts.party", facts.party(), deadline));
    resolved.set_party_id(party.id());
  }
  return resolved;
}

grpc::Status IncidentService::RecordIncident(grpc::ServerContext* context,
                                             const v1::RecordIncidentRequest* request,
                                             v1::Incident* response) {
  return ServeWrite(
      context, "RecordIncident", *request, response,
      [&](const storage::Origin& origin) -> absl::StatusOr<v1::Incident> {
        CORRIDOR_RETURN_IF_ERROR(ValidateRecord(*request, absl::Now()));
        CORRIDOR_RETURN_IF_ERROR(CheckRelayKey(origin.principal, request->idempotency_key()));
        if (request->has_reported_by() && origin.principal.role() != v1::ROLE_SERVICE) {
          return absl::PermissionDeniedError(
              "reported_by: only a service relaying another principal's report may name who "
              "reported it; leave it out, and the incident is attributed to your own token");
        }
        v1::RecordIncidentRequest resolved = *request;
        CORRIDOR_ASSIGN_OR_RETURN(*resolved.mutable_facts(),
                                  Checked(request->facts(), CallDeadline(*context)));
        return store_->Record(origin, resolved);
      });
}

grpc::Status IncidentService::CorrectIncident(grpc::ServerContext* context,
                                              const v1::CorrectIncidentRequest* request,
                                              v1::Incident* response) {
  return ServeWrite(context, "CorrectIncident", *request, response,
                    [&](const storage::Origin& origin) -> absl::StatusOr<v1::Incident> {
                      CORRIDOR_RETURN_IF_ERROR(ValidateCorrect(*request, absl::Now()));
                      if (request->withdraw()) return store_->Correct(origin, *request);
                      v1::CorrectIncidentRequest resolved = *request;
                      CORRIDOR_ASSIGN_OR_RETURN(*resolved.mutable_facts(),
                                                Checked(request->facts(), CallDeadline(*context)));
                      return store_->Correct(origin, resolved);
                    });
}

grpc::Status IncidentService::GetIncident(grpc::ServerContext* context,
                                          const v1::GetIncidentRequest* request,
                                          v1::Incident* response) {
  return Serve(context, "GetIncident", response,
               [&](const storage::Origin&) -> absl::StatusOr<v1::Incident> {
                 CORRIDOR_RETURN_IF_ERROR(ValidateIncidentId("id", request->id()));
                 return store_->Get("id", request->id());
               });
}

grpc::Status IncidentService::ListIncidents(grpc::ServerContext* context,
                                            const v1::ListIncidentsRequest* request,
                                            v1::ListIncidentsResponse* response) {
  return Serve(
      context, "ListIncidents", response,
      [&](const storage::Origin&) -> absl::StatusOr<v1::ListIncidentsResponse> {
        CORRIDOR_RETURN_IF_ERROR(ValidateList(*request));
        CORRIDOR_ASSIGN_OR_RETURN(const int page_size, PageSizeOf("page", request->page()));
        const References::PartyFilter party =
            references_->PartyFilterOf(request->party(), CallDeadline(*context));
        v1::ListIncidentsRequest by_key = *request;
        by_key.set_party(party.key);
        CORRIDOR_ASSIGN_OR_RETURN(v1::ListIncidentsResponse page, store_->List(by_key, page_size));
        if (page.incidents().empty() && request->page().page_token().empty() &&
            !party.unknown.ok()) {
          return party.unknown;
        }
        return page;
      });
}

grpc::Status IncidentService::GetIncidentHistory(grpc::ServerContext* context,
                                                 const v1::GetIncidentHistoryRequest* request,
                                                 v1::GetIncidentHistoryResponse* response) {
  return Serve(
      context, "GetIncidentHistory", response,
      [&](const storage::Origin&) -> absl::StatusOr<v1::GetIncidentHistoryResponse> {
        CORRIDOR_RETURN_IF_ERROR(ValidateIncidentId("incident_id", request->incident_id()));
        CORRIDOR_ASSIGN_OR_RETURN(const int page_size, PageSizeOf("page", request->page()));
        return store_->History(*request, page_size);
      });
}

grpc::Status IncidentService::IncidentStats(grpc::ServerContext* context,
                                            const v1::IncidentStatsRequest* request,
                                            v1::IncidentStatsResponse* response) {
  return Serve(context, "IncidentStats", response,
               [&](const storage::Origin&) -> absl::StatusOr<v1::IncidentStatsResponse> {
                 const absl::Time deadline = CallDeadline(*context);
                 const References::PartyFilter party =
                     references_->PartyFilterOf(request->party(), deadline);
                 v1::IncidentStatsRequest by_key = *request;
                 by_key.set_party(party.key);
                 CORRIDOR_ASSIGN_OR_RETURN(v1::IncidentStatsResponse stats, store_->Stats(by_key));
                 if (stats.total().incidents() == 0 && !party.unknown.ok()) return party.unknown;
                 if (request->group_by() != v1::INCIDENT_STATS_DIMENSION_PARTY) return stats;
                 // Names for the ids; a registry out of reach leaves them unnamed.
                 absl::StatusOr<References::PartyList> parties = references_->Parties(deadline);
                 if (!parties.ok()) return stats;
                 for (v1::IncidentStatsRow& row : *stats.mutable_rows()) {
                   for (const v1::Party& known : **parties) {
                     if (known.id() == row.group()) row.set_party_name(known.name());
                   }
                 }
                 return stats;
               });
}

}  // namespace corridor::incidents
