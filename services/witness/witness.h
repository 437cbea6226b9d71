// The witness's judgement (C2SP tlog-witness): whether a log's new
// checkpoint is consistent with the last one cosigned for that log, and
// its cosignature if so. State and evidence live in the witness's own
// store, so that a restarted witness keeps refusing what it refused.
//
//   auto witness = Witness::Create(&store, &signer, {.name = "witness.example.org",
//                                                    .log_keys = {denials_key}});
//   auto cosigned = (*witness)->AddCheckpoint(old_size, proof, note, "");
//
// Thread-safe: checkpoints are judged one at a time.
#ifndef CORRIDOR_SERVICES_WITNESS_WITNESS_H_
#define CORRIDOR_SERVICES_WITNESS_WITNESS_H_

#include <atomic>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "corridor/v1/witness.pb.h"
#include "storage/checkpoint.h"
#include "storage/merkle.h"
#include "storage/store.h"
#include "storage/tree_signer.h"

namespace corridor::witness {

struct WitnessOptions {
  // The witness's key name, e.g. "witness.example.org/corridor".
  std::string name;
  // The signed-note verifier keys of the logs it trusts; a key's name is
  // its log's origin.
  std::vector<std::string> log_keys;
};

class Witness {
 public:
  // `store` and `signer` must outlive the witness. INVALID_ARGUMENT naming
  // the option if the name or a log key is malformed.
  static absl::StatusOr<std::unique_ptr<Witness>> Create(storage::Store* store,
                                                         const storage::TreeSigner* signer,
                                                         WitnessOptions options);

  // tlog-witness add-checkpoint (see proto/corridor/v1/witness.proto for the
  // errors). `proof_source` says where the checkpoint and `proof` came
  // from: empty when a caller presented them, in which case a failing proof
  // or an older checkpoint is the caller's error; the log's address when the
  // witness fetched them from the log itself as its current state, in which
  // case either is evidence of a fork. Two roots for one size are evidence
  // whoever presents them: the log signed both.
  absl::StatusOr<v1::AddCheckpointResponse> AddCheckpoint(uint64_t old_size,
                                                          const std::vector<std::string>& proof,
                                                          absl::string_view note,
                                                          absl::string_view proof_source);

  // The last checkpoint cosigned for `origin`, if any.
  absl::StatusOr<std::optional<v1::WitnessedCheckpoint>> Latest(absl::string_view origin) const;
  absl::StatusOr<std::vector<v1::WitnessedCheckpoint>> AllLatest() const;
  absl::StatusOr<std::vector<v1::ForkEvidence>> Evidence() const;

  // The witness's verifier key (signature type 0x04).
  const std::string& verifier_key() const { return verifier_key_; }
  // The origins of the logs it trusts, each with its verifier key.
  std::map<std::string, std::string> logs() const;
  // Trusts `current_key` (a verifier key) for `origin` from now on if the
  // log's key rotations lead to it from the key trusted now, each signed by
  // the key before it; DATA_LOSS (and no change) otherwise.
  absl::Status FollowKeyRotations(const std::string& origin, const std::string& current_key,
                                  const std::vector<v1::SigningKeyRotation>& rotations);
  // Contradictions recorded since the process started, for metrics.
  uint64_t refusals() const { return refusals_.load(); }

 private:
  Witness(storage::Store* store, const storage::TreeSigner* signer, std::string name,
          std::map<std::string, std::string> log_keys);

  // A checkpoint signed by a log this witness trusts, with its proof.
  struct Presented {
    storage::Checkpoint checkpoint;
    std::string body;
    std::string log_note;  // the body and the log's own signature line
    std::vector<storage::merkle::Hash> proof;
  };
  // INVALID_ARGUMENT, NOT_FOUND or UNAUTHENTICATED as AddCheckpoint says.
  absl::StatusOr<Presented> Check(absl::string_view note,
                                  const std::vector<std::string>& proof) const;

  // Cosigns `note` (whose body is `body`) and records it as the latest for
  // its log.
  absl::StatusOr<v1::AddCheckpointResponse> Cosign(
      const std::string& note, const std::string& body,
      const std::optional<v1::WitnessedCheckpoint>& last, uint64_t version)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Keeps `evidence` and returns ABORTED saying what it shows.
  absl::Status Refuse(v1::ForkEvidence evidence) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  storage::Store* store_;
  const storage::TreeSigner* signer_;
  std::string name_;
  mutable absl::Mutex keys_mu_;
  std::map<std::string, std::string> log_keys_ ABSL_GUARDED_BY(keys_mu_);  // by origin
  std::string verifier_key_;
  std::atomic<uint64_t> refusals_{0};
  absl::Mutex mu_;
};

}  // namespace corridor::witness

#endif  // CORRIDOR_SERVICES_WITNESS_WITNESS_H_
