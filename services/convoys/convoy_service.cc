#include "services/convoys/convoy_service.h"

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/request_context.h"
#include "common/status.h"
#include "common/validation.h"
#include "google/protobuf/util/time_util.h"
#include "services/convoys/convoy_validation.h"

namespace corridor::convoys {
namespace {

// Who calls which RPC of this service, for the audit journal.
storage::Origin CallOrigin(const grpc::ServerContext& context, absl::string_view method) {
  return OriginOf(context, v1::ConvoyService::service_full_name(), method);
}

absl::CivilDay Today() { return absl::ToCivilDay(absl::Now(), absl::UTCTimeZone()); }

}  // namespace

grpc::Status ConvoyService::SubmitConvoyRequest(grpc::ServerContext* context,
                                                const v1::SubmitConvoyRequestRequest* request,
                                                v1::Convoy* response) {
  if (absl::Status s = ValidateSubmit(*request); !s.ok()) return ToGrpc(s);
  if (absl::Status s = references_->CheckAreaAndRoute(request->area_id(), request->route_id());
      !s.ok())
    return ToGrpc(s);
  return Respond(store_->Submit(CallOrigin(*context, "SubmitConvoyRequest"), *request, Today()),
                 response);
}

grpc::Status ConvoyService::ApproveConvoy(grpc::ServerContext* context,
                                          const v1::ApproveConvoyRequest* request,
                                          v1::Convoy* response) {
  const absl::CivilDay today = Today();
  if (absl::Status s = ValidateApprove(*request, today); !s.ok()) return ToGrpc(s);
  return Respond(store_->Approve(CallOrigin(*context, "ApproveConvoy"), *request, today), response);
}

grpc::Status ConvoyService::DenyConvoy(grpc::ServerContext* context,
                                       const v1::DenyConvoyRequest* request, v1::Convoy* response) {
  const absl::CivilDay today = Today();
  if (absl::Status s = ValidateDeny(*request, today); !s.ok()) return ToGrpc(s);
  return Respond(store_->Deny(CallOrigin(*context, "DenyConvoy"), *request, today), response);
}

grpc::Status ConvoyService::DispatchConvoy(grpc::ServerContext* context,
                                           const v1::DispatchConvoyRequest* request,
                                           v1::Convoy* response) {
  const absl::CivilDay today = Today();
  if (absl::Status s = ValidateDispatch(*request, today); !s.ok()) return ToGrpc(s);
  return Respond(store_->Dispatch(CallOrigin(*context, "DispatchConvoy"), *request, today),
                 response);
}

grpc::Status ConvoyService::RecordConvoyOutcome(grpc::ServerContext* context,
                                                const v1::RecordConvoyOutcomeRequest* request,
                                                v1::Convoy* response) {
  const absl::CivilDay today = Today();
  if (absl::Status s = ValidateOutcome(*request, today); !s.ok()) return ToGrpc(s);
  return Respond(
      store_->RecordOutcome(CallOrigin(*context, "RecordConvoyOutcome"), *request, today),
      response);
}

grpc::Status ConvoyService::GetConvoy(grpc::ServerContext*, const v1::GetConvoyRequest* request,
                                      v1::Convoy* response) {
  if (absl::Status s = ValidateConvoyId("id", request->id()); !s.ok()) return ToGrpc(s);
  return Respond(store_->Get("id", request->id()), response);
}

grpc::Status ConvoyService::ListConvoys(grpc::ServerContext*, const v1::ListConvoysRequest* request,
                                        v1::ListConvoysResponse* response) {
  if (absl::Status s = ValidateList(*request); !s.ok()) return ToGrpc(s);
  absl::StatusOr<int> page_size = PageSizeOf("page", request->page());
  if (!page_size.ok()) return ToGrpc(page_size.status());
  return Respond(store_->List(*request, *page_size), response);
}

grpc::Status ConvoyService::GetConvoyHistory(grpc::ServerContext*,
                                             const v1::GetConvoyHistoryRequest* request,
                                             v1::GetConvoyHistoryResponse* response) {
  if (absl::Status s = ValidateConvoyId("convoy_id", request->convoy_id()); !s.ok()) {
    return ToGrpc(s);
  }
  absl::StatusOr<int> page_size = PageSizeOf("page", request->page());
  if (!page_size.ok()) return ToGrpc(page_size.status());
  return Respond(store_->History(*request, *page_size), response);
}

grpc::Status ConvoyService::GetAccessReport(grpc::ServerContext*,
                                            const v1::GetAccessReportRequest* request,
                                            v1::AccessReport* response) {
  if (absl::Status s = ValidateAccessReport(*request); !s.ok()) return ToGrpc(s);
  std::vector<v1::Area> areas;
  if (request->area_ids().empty()) {
    absl::StatusOr<std::vector<v1::Area>> all = references_->ListAreas();
    if (!all.ok()) return ToGrpc(all.status());
    areas = *std::move(all);
  } else {
    for (int i = 0; i < request->area_ids_size(); ++i) {
      absl::StatusOr<v1::Area> area =
          references_->GetArea(absl::StrCat("area_ids[", i, "]"), request->area_ids(i));
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
