#include "services/witness/witness_service.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/status.h"
#include "storage/checkpoint.h"

namespace corridor::witness {

grpc::Status WitnessService::AddCheckpoint(grpc::ServerContext* context,
                                           const v1::AddCheckpointRequest* request,
                                           v1::AddCheckpointResponse* response) {
  // A proof has at most one hash per level of a 2^64-entry tree.
  if (request->consistency_proof_size() > kMaxProofHashes) {
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                        absl::StrCat("consistency_proof: ", request->consistency_proof_size(),
                                     " hashes; a proof has at most ", kMaxProofHashes));
  }
  const std::vector<std::string> proof(request->consistency_proof().begin(),
                                       request->consistency_proof().end());
  absl::StatusOr<v1::AddCheckpointResponse> cosigned =
      witness_->AddCheckpoint(request->old_size(), proof, request->note(), "");
  if (absl::IsFailedPrecondition(cosigned.status())) {
    // tlog-witness answers 409 with the size it knows: say it in a form a
    // program reads without parsing the message.
    absl::StatusOr<storage::ParsedNote> parsed = storage::ParseNote(request->note());
    absl::StatusOr<storage::Checkpoint> checkpoint =
        parsed.ok() ? storage::ParseCheckpoint(parsed->body)
                    : absl::StatusOr<storage::Checkpoint>(parsed.status());
    if (checkpoint.ok()) {
      absl::StatusOr<std::optional<v1::WitnessedCheckpoint>> last =
          witness_->Latest(checkpoint->origin);
      if (last.ok()) {
        context->AddTrailingMetadata("corridor-witness-size",
                                     std::to_string(last->has_value() ? (*last)->tree_size() : 0));
      }
    }
  }
  return Respond(std::move(cosigned), response);
}

grpc::Status WitnessService::ListWitnessedCheckpoints(
    grpc::ServerContext* context, const v1::ListWitnessedCheckpointsRequest* request,
    v1::ListWitnessedCheckpointsResponse* response) {
  absl::StatusOr<std::vector<v1::WitnessedCheckpoint>> all = witness_->AllLatest();
  if (!all.ok()) return ToGrpc(all.status());
  for (v1::WitnessedCheckpoint& checkpoint : *all) {
    *response->add_checkpoints() = std::move(checkpoint);
  }
  response->set_verifier_key(witness_->verifier_key());
  return grpc::Status::OK;
}

grpc::Status WitnessService::ListEvidence(grpc::ServerContext* context,
                                          const v1::ListEvidenceRequest* request,
                                          v1::ListEvidenceResponse* response) {
  absl::StatusOr<std::vector<v1::ForkEvidence>> evidence = witness_->Evidence();
  if (!evidence.ok()) return ToGrpc(evidence.status());
  for (v1::ForkEvidence& item : *evidence) *response->add_evidence() = std::move(item);
  return grpc::Status::OK;
}

}  // namespace corridor::witness
