// The checkpoints a process publishes for its services' journals, and the
// witnesses' cosignatures of them (C2SP tlog-checkpoint, tlog-cosignature).
//
// A checkpoint is published, not signed per request: a new one only when the
// last is older than the interval and the journal grew, so that witnesses
// polling at different moments cosign the same one and a client can find
// one cosigned by k of them. The newest kKeptPerService are kept, with their
// cosignatures, in memory: witnesses cosign again after a restart.
//
// Thread-safe.
#ifndef CORRIDOR_SERVICES_AUDIT_CHECKPOINT_PUBLISHER_H_
#define CORRIDOR_SERVICES_AUDIT_CHECKPOINT_PUBLISHER_H_

#include <deque>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "corridor/v1/audit.pb.h"
#include "services/common/module.h"

namespace corridor {

struct CheckpointOptions {
  // Origins are "<origin_prefix>/<service>".
  std::string origin_prefix = "localhost/corridor";
  // How long a published checkpoint stands before a newer head replaces it.
  // Zero publishes the current head at every request.
  absl::Duration interval = absl::ZeroDuration();
  // The cosigner verifier keys (type 0x04) of the witnesses whose
  // cosignatures are collected.
  std::vector<std::string> witness_keys;
};

class CheckpointPublisher {
 public:
  static constexpr size_t kKeptPerService = 64;

  // INVALID_ARGUMENT naming a witness key that is not a cosigner's key.
  static absl::StatusOr<std::unique_ptr<CheckpointPublisher>> Create(CheckpointOptions options);

  // The newest published checkpoint of `service`, publishing the current
  // head first when due (or at once, with `fresh`).
  absl::StatusOr<v1::Checkpoint> Published(const std::string& service,
                                           const ServiceStorage& storage, bool fresh);
  // The newest published checkpoint carrying at least `min_cosignatures`;
  // FAILED_PRECONDITION saying how many the newest carries if none does.
  absl::StatusOr<v1::Checkpoint> Witnessed(const std::string& service,
                                           const ServiceStorage& storage,
                                           uint32_t min_cosignatures);
  // Adds the cosignatures of listed witnesses that `cosigned_note` carries
  // to the published checkpoint it is of.
  absl::StatusOr<v1::AddCosignatureResponse> AddCosignature(const std::string& service,
                                                            const std::string& cosigned_note);

 private:
  struct Round {
    std::string log_note;  // as the log signed it
    std::string public_key;  // the key that signed it
    uint64_t tree_size = 0;
    std::string root_hash;
    absl::Time published;
    std::map<std::string, std::string> cosignatures;  // lines, by witness name
  };

  explicit CheckpointPublisher(CheckpointOptions options) : options_(std::move(options)) {}
  v1::Checkpoint ToCheckpoint(const std::string& service, const Round& round) const;
  std::string Origin(const std::string& service) const {
    return options_.origin_prefix + "/" + service;
  }

  const CheckpointOptions options_;
  absl::Mutex mu_;
  std::map<std::string, std::deque<Round>> rounds_ ABSL_GUARDED_BY(mu_);  // newest last
};

}  // namespace corridor

#endif  // CORRIDOR_SERVICES_AUDIT_CHECKPOINT_PUBLISHER_H_
