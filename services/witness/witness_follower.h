// How a witness follows logs without being asked: every interval, for each
// log it trusts, it fetches the log's published checkpoint and, from the log
// itself, the consistency proof from the size it last cosigned, judges them
// (Witness::AddCheckpoint; a failing proof the log gave is evidence of a
// fork) and hands its cosignature back to the log (AuditService.
// AddCosignature), which serves it with the checkpoint.
#ifndef CORRIDOR_SERVICES_WITNESS_WITNESS_FOLLOWER_H_
#define CORRIDOR_SERVICES_WITNESS_WITNESS_FOLLOWER_H_

#include <map>
#include <memory>
#include <string>
#include <thread>

#include "absl/status/status.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "common/service_channels.h"
#include "corridor/v1/audit.grpc.pb.h"
#include "services/witness/witness.h"

namespace corridor::witness {

struct FollowerOptions {
  // The bearer token to read the deployment with (any role).
  std::string token;
  absl::Duration interval = absl::Seconds(5);
  // Hand cosignatures back to the log.
  bool submit = true;
};

class WitnessFollower {
 public:
  // `witness` and `channels` (where each service answers: corridord's
  // address for all, or each service's own) must outlive the follower.
  WitnessFollower(Witness* witness, ServiceChannels* channels, FollowerOptions options);
  ~WitnessFollower();

  // One pass over every log; the first error (each is logged when it
  // differs from the log's last). Tests call it directly, never beside
  // Start, which runs it every interval.
  absl::Status PollOnce();
  void Start();
  void Stop();

 private:
  absl::Status Follow(const std::string& origin);
  // Trusts `current_key` for `origin` if the log's key rotations lead there.
  absl::Status FollowRotations(v1::AuditService::Stub& audit, const std::string& service,
                               const std::string& origin, const std::string& current_key);

  Witness* witness_;
  ServiceChannels* channels_;
  // The last error of each log, so that one that repeats is logged once.
  std::map<std::string, std::string> last_errors_;
  FollowerOptions options_;
  absl::Notification stop_;
  std::thread thread_;
};

// The service a log's origin names: its last path element
// ("monitor.example.org/corridor/denials" -> "denials").
std::string ServiceOfOrigin(const std::string& origin);

}  // namespace corridor::witness

#endif  // CORRIDOR_SERVICES_WITNESS_WITNESS_FOLLOWER_H_
