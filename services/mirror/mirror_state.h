// What a mirror keeps beside its copies, in files of its own (the copies
// take nothing but the primary's entries): each service's last verified
// signed head, so that the mirror serves one at once after a restart, and
// the evidence of a divergence, so that a mirror that stopped stays stopped,
// with the proof, until someone moves the evidence aside.
#ifndef CORRIDOR_SERVICES_MIRROR_MIRROR_STATE_H_
#define CORRIDOR_SERVICES_MIRROR_MIRROR_STATE_H_

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "corridor/v1/audit.pb.h"

namespace corridor::mirror {

class MirrorState {
 public:
  // Keeps its files in `folder` (created 0700 if missing); empty keeps
  // nothing (tests of the follower alone).
  explicit MirrorState(std::string folder) : folder_(std::move(folder)) {}

  absl::StatusOr<std::optional<v1::SignedTreeHead>> VerifiedHead(const std::string& service) const;
  // Written whole or not at all (a new file renamed over the old, synced).
  absl::Status SaveVerifiedHead(const std::string& service, const v1::SignedTreeHead& head) const;

  // The evidence saved when mirroring `service` stopped, if any.
  absl::StatusOr<std::optional<std::string>> Divergence(const std::string& service) const;
  absl::Status SaveDivergence(const std::string& service, const std::string& evidence) const;
  // Where it is kept: "<folder>/<service>.divergence".
  std::string DivergencePath(const std::string& service) const;

 private:
  absl::StatusOr<std::optional<std::string>> Read(const std::string& name) const;
  absl::Status Write(const std::string& name, const std::string& bytes) const;

  const std::string folder_;
};

}  // namespace corridor::mirror

#endif  // CORRIDOR_SERVICES_MIRROR_MIRROR_STATE_H_
