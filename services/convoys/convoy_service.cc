#include "services/convoys/convoy_service.h"

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/server.h"
#include "common/status.h"
#include "common/validation.h"
#include "google/protobuf/util/time_util.h"
#include "services/convoys/convoy_validation.h"

namespace corridor::convoys {
namespace {

absl::CivilDay Today() { return absl::ToCivilDay(absl::Now(), absl::UTCTimeZone()); }

// A partner acts for its own agency only.
absl::Status CheckPartnerAgency(const storage::Origin& origin, absl::string_view field,
                                absl::string_view agency) {
  const v1::Principal& caller = origin.principal;
  if (caller.role() != v1::ROLE_PARTNER || caller.agency() == agency) return absl::OkStatus();
  return absl::PermissionDeniedError(absl::StrCat(
      field, ": the partner token \"", caller.name(), "\" acts for agency \"", caller.agency(),
      "\" and may not submit or update convoys of agency \"", agency, "\""));
}

}  // namespace

absl::Status ConvoyService::CheckConvoyOfCaller(const storage::Origin& origin,
                                                const std::string& convoy_id) const {
  if (origin.principal.role() != v1::ROLE_PARTNER) return absl::OkStatus();
  // A convoy's agency never changes, so this read cannot race the write.
  absl::StatusOr<v1::Convoy> convoy = store_->Get("convoy_id", convoy_id);
  if (!convoy.ok()) return convoy.status();
  return CheckPartnerAgency(origin, "convoy_id", convoy->agency());
}

grpc::Status ConvoyService::SubmitConvoyRequest(grpc::ServerContext* context,
                                                const v1::SubmitConvoyRequestRequest* request,
                                                v1::Convoy* response) {
  absl::StatusOr<storage::Origin> origin = Admit(context, "SubmitConvoyRequest");
  if (!origin.ok()) return ToGrpc(origin.status());
  if (absl::Status s = ValidateSubmit(*request); !s.ok()) return ToGrpc(s);
  if (absl::Status s = CheckPartnerAgency(*origin, "agency", request->agency()); !s.ok()) {
    return ToGrpc(s);
  }
  if (absl::Status s = references_->CheckAreaAndRoute(request->area_id(), request->route_id(),
                                                      CallDeadline(*context));
      !s.ok())
    return ToGrpc(s);
  return RespondTo(*origin, store_->Submit(*origin, *request, Today()), response);
}

grpc::Status ConvoyService::ApproveConvoy(grpc::ServerContext* context,
                                          const v1::ApproveConvoyRequest* request,
                                          v1::Convoy* response) {
  absl::StatusOr<storage::Origin> origin = Admit(context, "ApproveConvoy");
  if (!origin.ok()) return ToGrpc(origin.status());
  const absl::CivilDay today = Today();
  if (absl::Status s = ValidateApprove(*request, today); !s.ok()) return ToGrpc(s);
  if (absl::Status s = CheckConvoyOfCaller(*origin, request->convoy_id()); !s.ok()) {
    return ToGrpc(s);
  }
  return RespondTo(*origin, store_->Approve(*origin, *request, today), response);
}

grpc::Status ConvoyService::RecordApprovalStep(grpc::ServerContext* context,
                                               const v1::RecordApprovalStepRequest* request,
                                               v1::Convoy* response) {
  absl::StatusOr<storage::Origin> origin = Admit(context, "RecordApprovalStep");
  if (!origin.ok()) return ToGrpc(origin.status());
  if (absl::Status s = ValidateApprovalStep(*request, Today()); !s.ok()) return ToGrpc(s);
  if (absl::Status s = CheckConvoyOfCaller(*origin, request->convoy_id()); !s.ok()) {
    return ToGrpc(s);
  }
  return RespondTo(*origin, store_->RecordApprovalStep(*origin, *request), response);
}

grpc::Status ConvoyService::DenyConvoy(grpc::ServerContext* context,
                                       const v1::DenyConvoyRequest* request, v1::Convoy* response) {
  absl::StatusOr<storage::Origin> origin = Admit(context, "DenyConvoy");
  if (!origin.ok()) return ToGrpc(origin.status());
  const absl::CivilDay today = Today();
  if (absl::Status s = ValidateDeny(*request, today); !s.ok()) return ToGrpc(s);
  if (absl::Status s = CheckConvoyOfCaller(*origin, request->convoy_id()); !s.ok()) {
    return ToGrpc(s);
  }
  return RespondTo(*origin, store_->Deny(*origin, *request, today), response);
}

grpc::Status ConvoyService::DispatchConvoy(grpc::ServerContext* context,
                                           const v1::DispatchConvoyRequest* request,
                                           v1::Convoy* response) {
  absl::StatusOr<storage::Origin> origin = Admit(context, "DispatchConvoy");
  if (!origin.ok()) return ToGrpc(origin.status());
  const absl::CivilDay today = Today();
  if (absl::Status s = ValidateDispatch(*request, today); !s.ok()) return ToGrpc(s);
  if (absl::Status s = CheckConvoyOfCaller(*origin, request->convoy_id()); !s.ok()) {
    return ToGrpc(s);
  }
  return RespondTo(*origin, store_->Dispatch(*origin, *request, today), response);
}

grpc::Status ConvoyService::RecordConvoyOutcome(grpc::ServerContext* context,
                                                const v1::RecordConvoyOutcomeRequest* request,
                                                v1::Convoy* response) {
  absl::StatusOr<storage::Origin> origin = Admit(context, "RecordConvoyOutcome");
  if (!origin.ok()) return ToGrpc(origin.status());
  const absl::CivilDay today = Today();
  if (absl::Status s = ValidateOutcome(*request, today); !s.ok()) return ToGrpc(s);
  if (absl::Status s = CheckConvoyOfCaller(*origin, request->convoy_id()); !s.ok()) {
    return ToGrpc(s);
  }
  return RespondTo(*origin, store_->RecordOutcome(*origin, *request, today), response);
}

grpc::Status ConvoyService::GetConvoy(grpc::ServerContext* context,
                                      const v1::GetConvoyRequest* request, v1::Convoy* response) {
  absl::StatusOr<storage::Origin> origin = Admit(context, "GetConvoy");
  if (!origin.ok()) return ToGrpc(origin.status());
  if (absl::Status s = ValidateConvoyId("id", request->id()); !s.ok()) return ToGrpc(s);
  return RespondTo(*origin, store_->Get("id", request->id()), response);
}

grpc::Status ConvoyService::ListConvoys(grpc::ServerContext* context,
                                        const v1::ListConvoysRequest* request,
                                        v1::ListConvoysResponse* response) {
  absl::StatusOr<storage::Origin> origin = Admit(context, "ListConvoys");
  if (!origin.ok()) return ToGrpc(origin.status());
  if (absl::Status s = ValidateList(*request); !s.ok()) return ToGrpc(s);
  absl::StatusOr<int> page_size = PageSizeOf("page", request->page());
  if (!page_size.ok()) return ToGrpc(page_size.status());
  return RespondTo(*origin, store_->List(*request, *page_size), response);
}

grpc::Status ConvoyService::GetConvoyHistory(grpc::ServerContext* context,
                                             const v1::GetConvoyHistoryRequest* request,
                                             v1::GetConvoyHistoryResponse* response) {
  absl::StatusOr<storage::Origin> origin = Admit(context, "GetConvoyHistory");
  if (!origin.ok()) return ToGrpc(origin.status());
  if (absl::Status s = ValidateConvoyId("convoy_id", request->convoy_id()); !s.ok()) {
    return ToGrpc(s);
  }
  absl::StatusOr<int> page_size = PageSizeOf("page", request->page());
  if (!page_size.ok()) return ToGrpc(page_size.status());
  return RespondTo(*origin, store_->History(*request, *page_size), response);
}

grpc::Status ConvoyService::GetAccessReport(grpc::ServerContext* context,
                                            const v1::GetAccessReportRequest* request,
                                            v1::AccessReport* response) {
  absl::StatusOr<storage::Origin> origin = Admit(context, "GetAccessReport");
  if (!origin.ok()) return ToGrpc(origin.status());
  if (absl::Status s = ValidateAccessReport(*request); !s.ok()) return ToGrpc(s);
  std::vector<v1::Area> areas;
  if (request->area_ids().empty()) {
    absl::StatusOr<std::vector<v1::Area>> all = references_->ListAreas(CallDeadline(*context));
    if (!all.ok()) return ToGrpc(all.status());
    areas = *std::move(all);
  } else {
    for (int i = 0; i < request->area_ids_size(); ++i) {
      absl::StatusOr<v1::Area> area = references_->GetArea(
          absl::StrCat("area_ids[", i, "]"), request->area_ids(i), CallDeadline(*context));
      if (!area.ok()) return ToGrpc(area.status());
      areas.push_back(*std::move(area));
    }
  }
  v1::AccessReport report;
  // Taken before reading: every change up to this journal size is in the
  // report (changes made while it is read may be too).
  const storage::JournalHead journal = store_->journal_head();
  report.set_journal_tree_size(journal.size);
  report.set_journal_root_hash(storage::merkle::ToBytes(journal.root));
  *report.mutable_from() = request->from();
  *report.mutable_to() = request->to();
  for (const v1::Area& area : areas) {
    absl::StatusOr<v1::AreaAccess> row = store_->Access(area, request->from(), request->to());
    if (!row.ok()) return ToGrpc(row.status());
    *report.add_areas() = *std::move(row);
  }
  *report.mutable_generated_at() = google::protobuf::util::TimeUtil::GetCurrentTime();
  *response = std::move(report);
  return grpc::Status::OK;
}

}  // namespace corridor::convoys
