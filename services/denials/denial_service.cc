#include "services/denials/denial_service.h"

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/server.h"
#include "common/status_macros.h"
#include "common/validation.h"
#include "services/common/record_checks.h"
#include "services/denials/denial_validation.h"

namespace corridor::denials {
namespace {

// The area, the route and the convoy, if one is named, each with its own
// service. The references checker names area_id, route_id and convoy_id;
// in a denial they sit under `facts`.
absl::Status CheckFacts(const References& references, const v1::DenialFacts& facts,
                        absl::Time caller_deadline) {
  absl::Status s = references.CheckAreaAndRoute(facts.area_id(), facts.route_id(), caller_deadline);
  if (s.ok() && !facts.convoy_id().empty()) {
    s = references.CheckConvoy("convoy_id", facts.convoy_id(), caller_deadline);
  }
  if (s.ok() || s.code() != absl::StatusCode::kInvalidArgument) return s;
  return absl::Status(s.code(), absl::StrCat("facts.", s.message()));
}

// The facts with the id of the party their text names; INVALID_ARGUMENT
// naming facts.party with the closest names if it names none.
absl::StatusOr<v1::DenialFacts> WithPartyId(const References& references,
                                            const v1::DenialFacts& facts,
                                            absl::Time caller_deadline) {
  CORRIDOR_ASSIGN_OR_RETURN(const v1::Party party,
                            references.ResolveParty("facts.party", facts.party(), caller_deadline));
  v1::DenialFacts resolved = facts;
  resolved.set_party_id(party.id());
  return resolved;
}

}  // namespace

absl::StatusOr<v1::RecordDenialRequest> DenialService::Resolved(
    const storage::Origin& origin, const v1::RecordDenialRequest& request,
    absl::Time deadline) const {
  CORRIDOR_RETURN_IF_ERROR(ValidateRecord(request, absl::Now()));
  CORRIDOR_RETURN_IF_ERROR(CheckRelayKey(origin.principal, request.idempotency_key()));
  if (request.has_reported_by() && origin.principal.role() != v1::ROLE_SERVICE) {
    return absl::PermissionDeniedError(
        "reported_by: only a service relaying another principal's denial may name "
        "who reported it; leave it out, and the denial is attributed to your own "
        "token");
  }
  CORRIDOR_RETURN_IF_ERROR(CheckFacts(*references_, request.facts(), deadline));
  v1::RecordDenialRequest resolved = request;
  CORRIDOR_ASSIGN_OR_RETURN(*resolved.mutable_facts(),
                            WithPartyId(*references_, request.facts(), deadline));
  return resolved;
}

grpc::Status DenialService::RecordDenial(grpc::ServerContext* context,
                                         const v1::RecordDenialRequest* request,
                                         v1::Denial* response) {
  return ServeWrite(context, "RecordDenial", *request, response,
                    [&](const storage::Origin& origin) -> absl::StatusOr<v1::Denial> {
                      CORRIDOR_ASSIGN_OR_RETURN(const v1::RecordDenialRequest resolved,
                                                Resolved(origin, *request, CallDeadline(*context)));
                      return store_->Record(origin, resolved);
                    });
}

grpc::Status DenialService::ImportDenials(
    grpc::ServerContext* context,
    grpc::ServerReaderWriter<v1::ImportBatchResponse, v1::ImportDenialsRequest>* stream) {
  return ServeImport(
      context, "ImportDenials", stream,
      [&](const storage::Origin& origin,
          const v1::ImportDenialsRequest& request) -> absl::StatusOr<v1::ImportBatchResponse> {
        ImportAnswer answer;
        std::vector<v1::RecordDenialRequest> accepted;
        for (const v1::ImportDenialRow& row : request.rows()) {
          CORRIDOR_RETURN_IF_ERROR(
              answer.Take(row.line(), ImportedRow(origin, row.denial()), &accepted));
        }
        CORRIDOR_ASSIGN_OR_RETURN(const ImportedRows imported, store_->Import(origin, accepted));
        answer.Add(imported);
        return std::move(answer).Release();
      });
}

absl::StatusOr<v1::RecordDenialRequest> DenialService::ImportedRow(
    const storage::Origin& origin, const v1::RecordDenialRequest& row) const {
  CORRIDOR_RETURN_IF_ERROR(CheckImportedRequest(row, "idempotency_key"));
  return Resolved(origin, row, absl::Now() + kImportCheckTimeout);
}

grpc::Status DenialService::CorrectDenial(grpc::ServerContext* context,
                                          const v1::CorrectDenialRequest* request,
                                          v1::Denial* response) {
  return ServeWrite(
      context, "CorrectDenial", *request, response,
      [&](const storage::Origin& origin) -> absl::StatusOr<v1::Denial> {
        CORRIDOR_RETURN_IF_ERROR(ValidateCorrect(*request, absl::Now()));
        if (request->withdraw() || request->confirm()) {
          return store_->Correct(origin, *request);
        }
        const absl::Time deadline = CallDeadline(*context);
        CORRIDOR_RETURN_IF_ERROR(CheckFacts(*references_, request->facts(), deadline));
        v1::CorrectDenialRequest resolved = *request;
        CORRIDOR_ASSIGN_OR_RETURN(*resolved.mutable_facts(),
                                  WithPartyId(*references_, request->facts(), deadline));
        return store_->Correct(origin, resolved);
      });
}

grpc::Status DenialService::GetDenial(grpc::ServerContext* context,
                                      const v1::GetDenialRequest* request, v1::Denial* response) {
  return Serve(context, "GetDenial", response,
               [&](const storage::Origin&) -> absl::StatusOr<v1::Denial> {
                 CORRIDOR_RETURN_IF_ERROR(ValidateDenialId("id", request->id()));
                 return store_->Get("id", request->id());
               });
}

grpc::Status DenialService::ListDenials(grpc::ServerContext* context,
                                        const v1::ListDenialsRequest* request,
                                        v1::ListDenialsResponse* response) {
  return Serve(context, "ListDenials", response,
               [&](const storage::Origin&) -> absl::StatusOr<v1::ListDenialsResponse> {
                 CORRIDOR_RETURN_IF_ERROR(ValidateList(*request));
                 CORRIDOR_ASSIGN_OR_RETURN(const int page_size,
                                           PageSizeOf("page", request->page()));
                 const References::PartyFilter party =
                     references_->PartyFilterOf(request->party(), CallDeadline(*context));
                 v1::ListDenialsRequest by_key = *request;
                 by_key.set_party(party.key);
                 CORRIDOR_ASSIGN_OR_RETURN(v1::ListDenialsResponse page,
                                           store_->List(by_key, page_size));
                 if (page.denials().empty() && request->page().page_token().empty() &&
                     !party.unknown.ok()) {
                   return party.unknown;
                 }
                 return page;
               });
}

grpc::Status DenialService::GetDenialHistory(grpc::ServerContext* context,
                                             const v1::GetDenialHistoryRequest* request,
                                             v1::GetDenialHistoryResponse* response) {
  return Serve(context, "GetDenialHistory", response,
               [&](const storage::Origin&) -> absl::StatusOr<v1::GetDenialHistoryResponse> {
                 CORRIDOR_RETURN_IF_ERROR(ValidateDenialId("denial_id", request->denial_id()));
                 CORRIDOR_ASSIGN_OR_RETURN(const int page_size,
                                           PageSizeOf("page", request->page()));
                 return store_->History(*request, page_size);
               });
}

grpc::Status DenialService::DenialStats(grpc::ServerContext* context,
                                        const v1::DenialStatsRequest* request,
                                        v1::DenialStatsResponse* response) {
  // The store validates the request (ValidateStats): it is what the
  // benchmarks call directly too.
  return Serve(context, "DenialStats", response,
               [&](const storage::Origin&) -> absl::StatusOr<v1::DenialStatsResponse> {
                 const absl::Time deadline = CallDeadline(*context);
                 const References::PartyFilter party =
                     references_->PartyFilterOf(request->party(), deadline);
                 v1::DenialStatsRequest by_key = *request;
                 by_key.set_party(party.key);
                 CORRIDOR_ASSIGN_OR_RETURN(v1::DenialStatsResponse stats, store_->Stats(by_key));
                 if (stats.total().denials() == 0 && !party.unknown.ok()) return party.unknown;
                 if (request->group_by() == v1::STATS_DIMENSION_PARTY) {
                   // Names for the ids; a registry out of reach leaves them unnamed.
                   absl::StatusOr<References::PartyList> parties = references_->Parties(deadline);
                   for (v1::DenialStatsRow& row : *stats.mutable_rows()) {
                     if (!parties.ok()) break;
                     for (const v1::Party& party : **parties) {
                       if (party.id() == row.group()) row.set_party_name(party.name());
                     }
                   }
                 }
                 return stats;
               });
}

}  // namespace corridor::denials
