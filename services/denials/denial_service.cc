#include "services/denials/denial_service.h"

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/server.h"
#include "common/status.h"
#include "common/validation.h"
#include "services/denials/denial_validation.h"

namespace corridor::denials {
namespace {

// The references checker names area_id and route_id; in a denial they sit
// under `facts`.
absl::Status CheckFacts(const References& references, const v1::DenialFacts& facts,
                        absl::Time caller_deadline) {
  absl::Status s = references.CheckAreaAndRoute(facts.area_id(), facts.route_id(), caller_deadline);
  if (s.ok() || s.code() != absl::StatusCode::kInvalidArgument) return s;
  return absl::Status(s.code(), absl::StrCat("facts.", s.message()));
}

}  // namespace

grpc::Status DenialService::RecordDenial(grpc::ServerContext* context,
                                         const v1::RecordDenialRequest* request,
                                         v1::Denial* response) {
  absl::StatusOr<storage::Origin> origin = Admit(context, "RecordDenial");
  if (!origin.ok()) return ToGrpc(origin.status());
  if (absl::Status s = ValidateRecord(*request, absl::Now()); !s.ok()) return ToGrpc(s);
  if (request->has_reported_by() && origin->principal.role() != v1::ROLE_SERVICE) {
    return ToGrpc(absl::PermissionDeniedError(
        "reported_by: only a service relaying another principal's denial may name who reported "
        "it; leave it out, and the denial is attributed to your own token"));
  }
  if (absl::Status s = CheckFacts(*references_, request->facts(), CallDeadline(*context));
      !s.ok()) {
    return ToGrpc(s);
  }
  return RespondTo(*origin, store_->Record(*origin, *request), response);
}

grpc::Status DenialService::CorrectDenial(grpc::ServerContext* context,
                                          const v1::CorrectDenialRequest* request,
                                          v1::Denial* response) {
  absl::StatusOr<storage::Origin> origin = Admit(context, "CorrectDenial");
  if (!origin.ok()) return ToGrpc(origin.status());
  if (absl::Status s = ValidateCorrect(*request, absl::Now()); !s.ok()) return ToGrpc(s);
  if (!request->withdraw() && !request->confirm()) {
    if (absl::Status s = CheckFacts(*references_, request->facts(), CallDeadline(*context));
        !s.ok()) {
      return ToGrpc(s);
    }
  }
  return RespondTo(*origin, store_->Correct(*origin, *request), response);
}

grpc::Status DenialService::GetDenial(grpc::ServerContext* context,
                                      const v1::GetDenialRequest* request, v1::Denial* response) {
  absl::StatusOr<storage::Origin> origin = Admit(context, "GetDenial");
  if (!origin.ok()) return ToGrpc(origin.status());
  if (absl::Status s = ValidateDenialId("id", request->id()); !s.ok()) return ToGrpc(s);
  return RespondTo(*origin, store_->Get("id", request->id()), response);
}

grpc::Status DenialService::ListDenials(grpc::ServerContext* context,
                                        const v1::ListDenialsRequest* request,
                                        v1::ListDenialsResponse* response) {
  absl::StatusOr<storage::Origin> origin = Admit(context, "ListDenials");
  if (!origin.ok()) return ToGrpc(origin.status());
  if (absl::Status s = ValidateList(*request); !s.ok()) return ToGrpc(s);
  absl::StatusOr<int> page_size = PageSizeOf("page", request->page());
  if (!page_size.ok()) return ToGrpc(page_size.status());
  return RespondTo(*origin, store_->List(*request, *page_size), response);
}

grpc::Status DenialService::GetDenialHistory(grpc::ServerContext* context,
                                             const v1::GetDenialHistoryRequest* request,
                                             v1::GetDenialHistoryResponse* response) {
  absl::StatusOr<storage::Origin> origin = Admit(context, "GetDenialHistory");
  if (!origin.ok()) return ToGrpc(origin.status());
  if (absl::Status s = ValidateDenialId("denial_id", request->denial_id()); !s.ok()) {
    return ToGrpc(s);
  }
  absl::StatusOr<int> page_size = PageSizeOf("page", request->page());
  if (!page_size.ok()) return ToGrpc(page_size.status());
  return RespondTo(*origin, store_->History(*request, *page_size), response);
}

grpc::Status DenialService::DenialStats(grpc::ServerContext* context,
                                        const v1::DenialStatsRequest* request,
                                        v1::DenialStatsResponse* response) {
  absl::StatusOr<storage::Origin> origin = Admit(context, "DenialStats");
  if (!origin.ok()) return ToGrpc(origin.status());
  if (absl::Status s = ValidateStats(*request); !s.ok()) return ToGrpc(s);
  return RespondTo(*origin, store_->Stats(*request), response);
}

}  // namespace corridor::denials
