#include "services/convoys/convoy_service.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "common/error_details.h"
#include "common/field_limits.h"
#include "common/ids.h"
#include "common/server.h"
#include "common/validation.h"
#include "google/protobuf/util/time_util.h"
#include "services/convoys/convoy_validation.h"

namespace corridor::convoys {
namespace {

// A partner acts for its own agency only.
absl::Status CheckPartnerAgency(const storage::Origin& origin, absl::string_view field,
                                absl::string_view agency) {
  const v1::Principal& caller = origin.principal;
  if (caller.role() != v1::ROLE_PARTNER || SameAgency(caller.agency(), agency))
    return absl::OkStatus();
  return WithReason(
      absl::PermissionDeniedError(absl::StrCat(
          field, ": the partner token \"", caller.name(), "\" acts for agency \"", caller.agency(),
          "\" and may not submit or update convoys of agency \"", agency, "\"")),
      "OTHER_AGENCY");
}

}  // namespace

absl::Status ConvoyService::CheckConvoyOfCaller(const storage::Origin& origin,
                                                const std::string& convoy_id) const {
  if (origin.principal.role() != v1::ROLE_PARTNER) return absl::OkStatus();
  // A convoy's agency never changes, so this read cannot race the write.
  CORRIDOR_ASSIGN_OR_RETURN(const v1::Convoy convoy, store_->Get("convoy_id", convoy_id));
  return CheckPartnerAgency(origin, "convoy_id", convoy.agency());
}

grpc::Status ConvoyService::SubmitConvoyRequest(grpc::ServerContext* context,
                                                const v1::SubmitConvoyRequestRequest* request,
                                                v1::Convoy* response) {
  return ServeWrite(
      context, "SubmitConvoyRequest", *request, response,
      [&](const storage::Origin& origin) -> absl::StatusOr<v1::Convoy> {
        CORRIDOR_RETURN_IF_ERROR(ValidateSubmit(*request));
        CORRIDOR_RETURN_IF_ERROR(CheckPartnerAgency(origin, "agency", request->agency()));
        CORRIDOR_RETURN_IF_ERROR(references_->CheckAreaAndRoute(
            request->area_id(), request->route_id(), CallDeadline(*context)));
        return store_->Submit(origin, *request, TodayUtc());
      });
}

grpc::Status ConvoyService::ApproveConvoy(grpc::ServerContext* context,
                                          const v1::ApproveConvoyRequest* request,
                                          v1::Convoy* response) {
  return ServeWrite(context, "ApproveConvoy", *request, response,
                    [&](const storage::Origin& origin) -> absl::StatusOr<v1::Convoy> {
                      const absl::CivilDay today = TodayUtc();
                      CORRIDOR_RETURN_IF_ERROR(ValidateApprove(*request, today));
                      CORRIDOR_RETURN_IF_ERROR(CheckConvoyOfCaller(origin, request->convoy_id()));
                      return store_->Approve(origin, *request, today);
                    });
}

grpc::Status ConvoyService::RecordApprovalStep(grpc::ServerContext* context,
                                               const v1::RecordApprovalStepRequest* request,
                                               v1::Convoy* response) {
  return ServeWrite(context, "RecordApprovalStep", *request, response,
                    [&](const storage::Origin& origin) -> absl::StatusOr<v1::Convoy> {
                      CORRIDOR_RETURN_IF_ERROR(ValidateApprovalStep(*request, TodayUtc()));
                      CORRIDOR_RETURN_IF_ERROR(CheckConvoyOfCaller(origin, request->convoy_id()));
                      return store_->RecordApprovalStep(origin, *request);
                    });
}

grpc::Status ConvoyService::DenyConvoy(grpc::ServerContext* context,
                                       const v1::DenyConvoyRequest* request, v1::Convoy* response) {
  return ServeWrite(
      context, "DenyConvoy", *request, response,
      [&](const storage::Origin& origin) -> absl::StatusOr<v1::Convoy> {
        const absl::CivilDay today = TodayUtc();
        CORRIDOR_RETURN_IF_ERROR(ValidateDeny(*request, today));
        CORRIDOR_RETURN_IF_ERROR(CheckConvoyOfCaller(origin, request->convoy_id()));
        CORRIDOR_ASSIGN_OR_RETURN(
            const PartyIds party_ids,
            ResolveParties({{"denying_party", request->denying_party()}}, CallDeadline(*context)));
        return store_->Deny(origin, *request, today, party_ids);
      });
}

grpc::Status ConvoyService::DispatchConvoy(grpc::ServerContext* context,
                                           const v1::DispatchConvoyRequest* request,
                                           v1::Convoy* response) {
  return ServeWrite(context, "DispatchConvoy", *request, response,
                    [&](const storage::Origin& origin) -> absl::StatusOr<v1::Convoy> {
                      const absl::CivilDay today = TodayUtc();
                      CORRIDOR_RETURN_IF_ERROR(ValidateDispatch(*request, today));
                      CORRIDOR_RETURN_IF_ERROR(CheckConvoyOfCaller(origin, request->convoy_id()));
                      return store_->Dispatch(origin, *request, today);
                    });
}

grpc::Status ConvoyService::RecordConvoyOutcome(grpc::ServerContext* context,
                                                const v1::RecordConvoyOutcomeRequest* request,
                                                v1::Convoy* response) {
  return ServeWrite(context, "RecordConvoyOutcome", *request, response,
                    [&](const storage::Origin& origin) -> absl::StatusOr<v1::Convoy> {
                      const absl::CivilDay today = TodayUtc();
                      CORRIDOR_RETURN_IF_ERROR(ValidateOutcome(*request, today));
                      CORRIDOR_RETURN_IF_ERROR(CheckConvoyOfCaller(origin, request->convoy_id()));
                      CORRIDOR_ASSIGN_OR_RETURN(
                          const PartyIds party_ids,
                          ResolveParties({{"responsible_party", request->responsible_party()}},
                                         CallDeadline(*context)));
                      return store_->RecordOutcome(origin, *request, today, party_ids);
                    });
}

absl::StatusOr<PartyIds> ConvoyService::ResolveParties(
    const std::vector<std::pair<absl::string_view, std::string>>& texts,
    absl::Time deadline) const {
  PartyIds ids;
  for (const auto& [field, text] : texts) {
    if (text.empty()) continue;
    CORRIDOR_ASSIGN_OR_RETURN(const v1::Party party,
                              references_->ResolveParty(field, text, deadline));
    ids[text] = party.id();
  }
  return ids;
}

absl::Status ConvoyService::CheckCorrectedPlace(const v1::CorrectConvoyRequest& request,
                                                absl::Time deadline) const {
  const v1::ConvoyCorrection& c = request.correction();
  if (c.area_id().empty() && (c.route_id().empty() || c.route_id() == "-")) {
    return absl::OkStatus();
  }
  CORRIDOR_ASSIGN_OR_RETURN(const v1::Convoy convoy, store_->Get("convoy_id", request.convoy_id()));
  const std::string area = c.area_id().empty() ? convoy.area_id() : c.area_id();
  const std::string route = c.route_id() == "-"    ? ""
                            : c.route_id().empty() ? convoy.route_id()
                                                   : c.route_id();
  absl::Status checked = references_->CheckAreaAndRoute(area, route, deadline);
  if (checked.ok()) return checked;
  return absl::Status(checked.code(), absl::StrCat("correction.", checked.message()));
}

absl::StatusOr<PartyIds> ConvoyService::CheckedImport(const storage::Origin& origin,
                                                      const v1::ImportConvoyRequest& request,
                                                      absl::CivilDay today,
                                                      absl::Time deadline) const {
  CORRIDOR_RETURN_IF_ERROR(ValidateImport(request, today));
  const v1::SubmitConvoyRequestRequest& submit = request.submit();
  CORRIDOR_RETURN_IF_ERROR(CheckPartnerAgency(origin, "submit.agency", submit.agency()));
  if (absl::Status place =
          references_->CheckAreaAndRoute(submit.area_id(), submit.route_id(), deadline);
      !place.ok()) {
    // The references checker names area_id and route_id; here they sit
    // under `submit`.
    if (place.code() != absl::StatusCode::kInvalidArgument) return place;
    return absl::InvalidArgumentError(absl::StrCat("submit.", place.message()));
  }
  return ResolveParties({{"deny.denying_party", request.deny().denying_party()},
                         {"outcome.responsible_party", request.outcome().responsible_party()}},
                        deadline);
}

grpc::Status ConvoyService::ImportConvoy(grpc::ServerContext* context,
                                         const v1::ImportConvoyRequest* request,
                                         v1::Convoy* response) {
  return ServeWrite(context, "ImportConvoy", *request, response,
                    [&](const storage::Origin& origin) -> absl::StatusOr<v1::Convoy> {
                      const absl::CivilDay today = TodayUtc();
                      CORRIDOR_ASSIGN_OR_RETURN(
                          const PartyIds party_ids,
                          CheckedImport(origin, *request, today, CallDeadline(*context)));
                      return store_->Import(origin, *request, today, party_ids);
                    });
}

absl::StatusOr<ConvoyStore::ImportRow> ConvoyService::ImportedRow(
    const storage::Origin& origin, const v1::ImportConvoyRequest& row, absl::CivilDay today) const {
  CORRIDOR_RETURN_IF_ERROR(CheckImportedRequest(row, "agency and idempotency_key"));
  // The steps are the unary calls' requests: their request ids would be
  // ignored here, so they are refused like the row's own.
  for (const auto& [step, request_id] :
       {std::pair<const char*, const std::string&>{"submit", row.submit().request_id()},
        {"approve", row.approve().request_id()},
        {"deny", row.deny().request_id()},
        {"dispatch", row.dispatch().request_id()},
        {"outcome", row.outcome().request_id()}}) {
    if (!request_id.empty()) {
      return absl::InvalidArgumentError(absl::StrCat(
          step,
          ".request_id: leave it empty in an import: a row is stored once by its agency "
          "and idempotency_key, however often it is sent"));
    }
  }
  CORRIDOR_ASSIGN_OR_RETURN(PartyIds party_ids,
                            CheckedImport(origin, row, today, absl::Now() + kImportCheckTimeout));
  return ConvoyStore::ImportRow{&row, std::move(party_ids)};
}

grpc::Status ConvoyService::ImportConvoys(
    grpc::ServerContext* context,
    grpc::ServerReaderWriter<v1::ImportBatchResponse, v1::ImportConvoysRequest>* stream) {
  return ServeImport(
      context, "ImportConvoys", stream,
      [&](const storage::Origin& origin,
          const v1::ImportConvoysRequest& request) -> absl::StatusOr<v1::ImportBatchResponse> {
        const absl::CivilDay today = TodayUtc();
        ImportAnswer answer;
        std::vector<ConvoyStore::ImportRow> accepted;
        for (const v1::ImportConvoyRow& row : request.rows()) {
          CORRIDOR_RETURN_IF_ERROR(
              answer.Take(row.line(), ImportedRow(origin, row.convoy(), today), &accepted));
        }
        CORRIDOR_ASSIGN_OR_RETURN(const ImportedRows imported,
                                  store_->ImportMany(origin, accepted, today));
        answer.Add(imported);
        return std::move(answer).Release();
      });
}

grpc::Status ConvoyService::CorrectConvoy(grpc::ServerContext* context,
                                          const v1::CorrectConvoyRequest* request,
                                          v1::Convoy* response) {
  return ServeWrite(context, "CorrectConvoy", *request, response,
                    [&](const storage::Origin& origin) -> absl::StatusOr<v1::Convoy> {
                      const absl::CivilDay today = TodayUtc();
                      CORRIDOR_RETURN_IF_ERROR(ValidateCorrect(*request, today));
                      CORRIDOR_RETURN_IF_ERROR(CheckConvoyOfCaller(origin, request->convoy_id()));
                      const absl::Time deadline = CallDeadline(*context);
                      CORRIDOR_RETURN_IF_ERROR(CheckCorrectedPlace(*request, deadline));
                      CORRIDOR_ASSIGN_OR_RETURN(
                          const PartyIds party_ids,
                          ResolveParties({{"correction.responsible_party",
                                           request->correction().responsible_party()}},
                                         deadline));
                      return store_->Correct(origin, *request, today, party_ids);
                    });
}

grpc::Status ConvoyService::GetConvoy(grpc::ServerContext* context,
                                      const v1::GetConvoyRequest* request, v1::Convoy* response) {
  return Serve(context, "GetConvoy", response,
               [&](const storage::Origin&) -> absl::StatusOr<v1::Convoy> {
                 CORRIDOR_RETURN_IF_ERROR(ValidateConvoyId("id", request->id()));
                 return store_->Get("id", request->id());
               });
}

grpc::Status ConvoyService::ListConvoys(grpc::ServerContext* context,
                                        const v1::ListConvoysRequest* request,
                                        v1::ListConvoysResponse* response) {
  return Serve(context, "ListConvoys", response,
               [&](const storage::Origin&) -> absl::StatusOr<v1::ListConvoysResponse> {
                 CORRIDOR_RETURN_IF_ERROR(ValidateList(*request));
                 CORRIDOR_ASSIGN_OR_RETURN(const int page_size,
                                           PageSizeOf("page", request->page()));
                 return store_->List(*request, page_size);
               });
}

grpc::Status ConvoyService::GetConvoyHistory(grpc::ServerContext* context,
                                             const v1::GetConvoyHistoryRequest* request,
                                             v1::GetConvoyHistoryResponse* response) {
  return Serve(context, "GetConvoyHistory", response,
               [&](const storage::Origin&) -> absl::StatusOr<v1::GetConvoyHistoryResponse> {
                 CORRIDOR_RETURN_IF_ERROR(ValidateConvoyId("convoy_id", request->convoy_id()));
                 CORRIDOR_ASSIGN_OR_RETURN(const int page_size,
                                           PageSizeOf("page", request->page()));
                 return store_->History(*request, page_size);
               });
}

absl::StatusOr<ReportInputs> ConvoyService::InputsOfReport(
    const v1::GetAccessReportRequest& request, const std::vector<v1::Area>& areas,
    absl::Time deadline) const {
  ReportInputs inputs;
  inputs.members = MembersOfAggregates(areas);
  absl::flat_hash_map<std::string, const v1::Area*> by_id;
  for (const v1::Area& area : areas) {
    by_id[area.id()] = &area;
    inputs.is_aggregate[area.id()] = area.aggregate();
  }
  if (request.area_ids().empty()) {
    for (const v1::Area& area : areas) inputs.rows.push_back(&area);
  }
  for (int i = 0; i < request.area_ids_size(); ++i) {
    auto found = by_id.find(request.area_ids(i));
    if (found == by_id.end()) {
      return InvalidField(absl::StrCat("area_ids[", i, "]"),
                          absl::StrCat("the areas service has no area \"", request.area_ids(i),
                                       "\"; list areas to see the ids in use"));
    }
    inputs.rows.push_back(found->second);
  }
  std::sort(inputs.rows.begin(), inputs.rows.end(),
            [](const v1::Area* a, const v1::Area* b) { return a->id() < b->id(); });
  inputs.rows.erase(std::unique(inputs.rows.begin(), inputs.rows.end()), inputs.rows.end());
  for (const v1::Area* row : inputs.rows) {
    for (const std::string& id : CoveredBy(inputs, *row)) {
      if (inputs.tallies.contains(id)) continue;
      const v1::Area& area = *by_id.at(id);
      CORRIDOR_ASSIGN_OR_RETURN(inputs.tallies[id],
                                store_->TallyArea(id, request.from(), request.to()));
      v1::AreaStatus status = area.status();
      if (NeedsStatusHistory(area, request.to())) {
        CORRIDOR_ASSIGN_OR_RETURN(const std::vector<v1::StatusChange> history,
                                  references_->AreaHistory(id, deadline));
        status = StatusOn(history, request.to());
      }
      inputs.status_on_end[id] = status;
    }
  }
  return inputs;
}

grpc::Status ConvoyService::GetAccessReport(grpc::ServerContext* context,
                                            const v1::GetAccessReportRequest* request,
                                            v1::AccessReport* response) {
  return Serve(context, "GetAccessReport", response,
               [&](const storage::Origin&) -> absl::StatusOr<v1::AccessReport> {
                 CORRIDOR_RETURN_IF_ERROR(CheckFieldLimits(*request));
                 CORRIDOR_RETURN_IF_ERROR(ValidateAccessReport(*request));
                 const absl::Time deadline = CallDeadline(*context);
                 // Taken before reading: every change up to this journal size is in the
                 // report (changes made while it is read may be too).
                 const storage::JournalHead journal = store_->journal_head();
                 CORRIDOR_ASSIGN_OR_RETURN(const std::vector<v1::Area> areas,
                                           references_->ListAreas(deadline));
                 CORRIDOR_ASSIGN_OR_RETURN(const ReportInputs inputs,
                                           InputsOfReport(*request, areas, deadline));
                 v1::AccessReport report =
                     AssembleAccessReport(inputs, request->from(), request->to());
                 report.set_journal_tree_size(journal.size);
                 report.set_journal_root_hash(storage::merkle::ToBytes(journal.root));
                 *report.mutable_generated_at() =
                     google::protobuf::util::TimeUtil::GetCurrentTime();
                 return report;
               });
}

}  // namespace corridor::convoys
