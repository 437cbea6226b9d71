#include "services/witness/witness_follower.h"

#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/credentials.h"
#include "common/log.h"
#include "common/status.h"
#include "common/status_macros.h"

namespace corridor::witness {
namespace {

constexpr absl::Duration kCallTimeout = absl::Seconds(10);

void Prepare(grpc::ClientContext* context, const std::string& token) {
  AttachBearerToken(context, token);
  context->set_deadline(absl::ToChronoTime(absl::Now() + kCallTimeout));
}

}  // namespace

std::string ServiceOfOrigin(const std::string& origin) {
  const size_t slash = origin.rfind('/');
  return slash == std::string::npos ? origin : origin.substr(slash + 1);
}

WitnessFollower::WitnessFollower(Witness* witness, ServiceChannels* channels,
                                 FollowerOptions options)
    : witness_(witness), channels_(channels), options_(std::move(options)) {}

WitnessFollower::~WitnessFollower() { Stop(); }

absl::Status WitnessFollower::PollOnce() {
  absl::Status first;
  for (const auto& [origin, key] : witness_->logs()) {
    absl::Status followed = Follow(origin);
    std::string& last = last_errors_[origin];
    if (!followed.ok()) {
      if (last != followed.message()) {
        // A refusal's message names the log already.
        const bool named = absl::StartsWith(followed.message(), origin);
        CORRIDOR_LOG(WARNING) << (named ? "" : origin + ": ") << followed.message()
                              << (absl::IsAborted(followed) ? "" : " (said once until it changes)");
      }
      last = std::string(followed.message());
      first.Update(followed);
    } else if (!last.empty()) {
      CORRIDOR_LOG(INFO) << origin << ": followed again";
      last.clear();
    }
  }
  return first;
}

absl::Status WitnessFollower::Follow(const std::string& origin) {
  const std::string service = ServiceOfOrigin(origin);
  const std::string address = channels_->AddressOf(service);
  std::unique_ptr<v1::AuditService::Stub> audit =
      v1::AuditService::NewStub(channels_->For(service));
  v1::GetCheckpointRequest request;
  request.set_service(service);
  v1::Checkpoint checkpoint;
  grpc::ClientContext context;
  Prepare(&context, options_.token);
  if (grpc::Status s = audit->GetCheckpoint(&context, request, &checkpoint); !s.ok()) {
    return absl::UnavailableError(absl::StrCat("cannot read the checkpoint of ", service, " at ",
                                               address, ": ", s.error_message()));
  }
  CORRIDOR_ASSIGN_OR_RETURN(const std::optional<v1::WitnessedCheckpoint> last,
                            witness_->Latest(origin));
  const uint64_t known = last.has_value() ? last->tree_size() : 0;
  if (last.has_value() && checkpoint.tree_size() == known &&
      checkpoint.root_hash() == last->root_hash()) {
    // Nothing new; hand the cosignature back again if the log lost it.
    for (const std::string& name : checkpoint.cosigned_by()) {
      if (witness_->verifier_key().rfind(name + "+", 0) == 0) return absl::OkStatus();
    }
  }
  std::vector<std::string> proof;
  if (last.has_value() && checkpoint.tree_size() > known) {
    v1::GetConsistencyProofRequest proof_request;
    proof_request.set_service(service);
    proof_request.set_first_size(known);
    proof_request.set_second_size(checkpoint.tree_size());
    v1::ConsistencyProof consistency;
    grpc::ClientContext proof_context;
    Prepare(&proof_context, options_.token);
    grpc::Status s = audit->GetConsistencyProof(&proof_context, proof_request, &consistency);
    if (!s.ok()) {
      return absl::UnavailableError(absl::StrCat("cannot read the consistency proof of ", service,
                                                 " from ", known, " to ", checkpoint.tree_size(),
                                                 ": ", s.error_message()));
    }
    proof.assign(consistency.proof().begin(), consistency.proof().end());
  }
  const std::string source = absl::StrCat("fetched from the log at ", address);
  absl::StatusOr<v1::AddCheckpointResponse> judged =
      witness_->AddCheckpoint(known, proof, checkpoint.note(), source);
  if (absl::IsUnauthenticated(judged.status())) {
    // Signed by another key: follow the log's key rotations, if any lead
    // there from the key trusted now.
    absl::Status followed = FollowRotations(*audit, service, origin, checkpoint.verifier_key());
    judged = followed.ok() ? witness_->AddCheckpoint(known, proof, checkpoint.note(), source)
                           : absl::UnauthenticatedError(
                                 absl::StrCat(judged.status().message(), "; ", followed.message()));
  }
  CORRIDOR_ASSIGN_OR_RETURN(const v1::AddCheckpointResponse cosigned, std::move(judged));
  if (!last.has_value() || checkpoint.tree_size() != known) {
    CORRIDOR_LOG(INFO) << "cosigned " << origin << " at " << checkpoint.tree_size() << " entries";
  }
  if (!options_.submit) return absl::OkStatus();
  v1::AddCosignatureRequest submit;
  submit.set_service(service);
  submit.set_cosigned_note(cosigned.cosigned_note());
  v1::AddCosignatureResponse submitted;
  grpc::ClientContext submit_context;
  Prepare(&submit_context, options_.token);
  if (grpc::Status s = audit->AddCosignature(&submit_context, submit, &submitted); !s.ok()) {
    return absl::Status(
        FromGrpc(s).code(),
        absl::StrCat("the log did not take the cosignature of ", service, ": ", s.error_message(),
                     s.error_code() == grpc::StatusCode::PERMISSION_DENIED
                         ? absl::StrCat("; ask its operator to list this "
                                        "witness's key: ",
                                        witness_->verifier_key())
                         : ""));
  }
  return absl::OkStatus();
}

absl::Status WitnessFollower::FollowRotations(v1::AuditService::Stub& audit,
                                              const std::string& service, const std::string& origin,
                                              const std::string& current_key) {
  v1::ListSigningKeyRotationsRequest request;
  request.set_service(service);
  v1::ListSigningKeyRotationsResponse rotations;
  grpc::ClientContext context;
  Prepare(&context, options_.token);
  if (grpc::Status s = audit.ListSigningKeyRotations(&context, request, &rotations); !s.ok()) {
    return absl::UnavailableError(
        absl::StrCat("cannot read the key rotations of ", service, ": ", s.error_message()));
  }
  return witness_->FollowKeyRotations(origin, current_key,
                                      {rotations.rotations().begin(), rotations.rotations().end()});
}

void WitnessFollower::Start() {
  thread_ = std::thread([this] {
    do {
      PollOnce().IgnoreError();
    } while (!stop_.WaitForNotificationWithTimeout(options_.interval));
  });
}

void WitnessFollower::Stop() {
  if (!stop_.HasBeenNotified()) stop_.Notify();
  if (thread_.joinable()) thread_.join();
}

}  // namespace corridor::witness
