// corridor-mirror's follower: a verified copy of every service of another
// Corridor deployment (the primary), kept in the mirror's own RocksDB.
//
// Each pass, for each service: read the primary's signed tree head and check
// its signature against the key pinned for the service (following the
// service's key rotations from it); check with the primary's consistency
// proof that the head extends the journal the copy holds; then read the new
// entries from the change feed in batches, and store a batch only once it
// is proven part of the signed tree (its root is the head's, or a
// consistency proof leads from it to the head) and every record it carries
// has the digest its entry commits to. Nothing unproven is stored. The
// copy's journal holds the primary's entries as the primary hashed them,
// so the mirror answers every proof, with the primary's head, itself.
//
// A primary whose history no longer extends the copy (rewritten, restored
// from an older backup, forked) stops that service's mirroring for good:
// the mirror reports the first entry that no longer matches, and keeps
// serving what it verified.
//
//   Mirror::Create(copies, &primary_channels, options) -> Start() ... Stop()
#ifndef CORRIDOR_SERVICES_MIRROR_MIRROR_H_
#define CORRIDOR_SERVICES_MIRROR_MIRROR_H_

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "common/service_channels.h"
#include "corridor/v1/audit.grpc.pb.h"
#include "services/common/runtime.h"
#include "services/mirror/mirror_state.h"
#include "storage/checkpoint.h"

namespace corridor::mirror {

struct MirrorOptions {
  // A token of the primary's of role oversight (or admin): only they get
  // every entry's bytes and every record whole, which the proofs need.
  std::string token;
  // The checkpoint verifier key pinned for each service (what
  // `corridorctl audit key --service=S` prints at the primary), as listed;
  // a key's name ends with its service ("monitor.example.org/corridor/
  // denials").
  std::vector<std::string> log_keys;
  // How long to wait between passes when the copy has caught up.
  absl::Duration interval = absl::Seconds(1);
  // Entries proven and stored per write.
  uint64_t batch_entries = 500;
  // Where the mirror keeps its own files (MirrorState): each service's
  // last verified head and the evidence of a divergence. Empty: none.
  std::string state_dir;
};

// Where the copy of one service stands.
struct MirrorProgress {
  uint64_t stored = 0;        // entries the copy holds
  uint64_t primary_size = 0;  // in the primary's last signed head
  // When the copy last held a signed head's every entry (at first, when the
  // mirror started).
  absl::Time caught_up;
  bool up = false;  // the last pass over the service succeeded
  // Why mirroring stopped: the primary no longer extends the copy.
  std::string divergence;
};

// The verifier key pinned for each of `services` (auth, the mirror's own,
// needs none), from the lines of --log_keys_file, by service.
// INVALID_ARGUMENT naming a line that is no journal's verifier key, or a
// service no line is for.
absl::StatusOr<std::map<std::string, storage::VerifierKey>> PinnedKeys(
    const std::vector<std::string>& log_keys, const std::vector<std::string>& services);

class Mirror final : public MirrorFollower {
 public:
  // `copies` (each service's store opened with ModuleOptions::mirror) must
  // outlive the mirror; `primary` reaches the primary's services. INVALID_ARGUMENT naming the
  // service whose verifier key is missing or malformed.
  static absl::StatusOr<std::unique_ptr<Mirror>> Create(const HostedStorage& copies,
                                                        std::shared_ptr<ServiceChannels> primary,
                                                        MirrorOptions options);
  ~Mirror() override;

  // One pass over every service; the first error (each is logged when it
  // differs from the service's last). ABORTED for a service that diverged.
  // Tests call it directly, never beside Start.
  absl::Status PollOnce();
  MirrorProgress Progress(const std::string& service) const;

  // MirrorFollower: runs PollOnce every interval, at once again while it
  // stores entries.
  void Start() override;
  void Stop() override;
  void WriteMetrics(MetricsText* text) const override;
  absl::StatusOr<v1::SignedTreeHead> TreeHead(const std::string& service) const override;
  absl::StatusOr<v1::Checkpoint> Checkpoint(const std::string& service) const override;

 private:
  struct Copy;
  Mirror(std::shared_ptr<ServiceChannels> primary, MirrorOptions options);

  // Where `copy` stands at start: its size, the head it last verified, a
  // divergence it stopped at.
  absl::Status Resume(const Copy& copy);
  // PollOnce, adding to *stored the entries it stored.
  absl::Status PollAll(uint64_t* stored);
  // One pass for one service; sets *stored to the entries it stored.
  absl::Status Follow(Copy& copy, uint64_t* stored);
  absl::StatusOr<v1::SignedTreeHead> ReadSignedHead(Copy& copy, v1::AuditService::Stub& primary);
  absl::Status CheckExtends(Copy& copy, v1::AuditService::Stub& primary,
                            const v1::SignedTreeHead& head);
  // OK if the tree of `size` entries whose root is `root_at_size` is a
  // prefix of `head`'s (the same root at its size, or the primary's
  // consistency proof); UNAVAILABLE if the proof cannot be read; DATA_LOSS
  // saying what does not hold.
  absl::Status ProvePrefix(Copy& copy, v1::AuditService::Stub& primary, uint64_t size,
                           const storage::merkle::Hash& root_at_size,
                           const v1::SignedTreeHead& head);
  absl::Status CopyEntries(Copy& copy, v1::AuditService::Stub& primary,
                           const v1::SignedTreeHead& head, uint64_t* stored);
  absl::Status ProveAndStore(Copy& copy, v1::AuditService::Stub& primary,
                             const v1::SignedTreeHead& head, const std::vector<v1::Change>& batch);
  absl::Status RefreshCheckpoint(Copy& copy, v1::AuditService::Stub& primary);
  // Stops mirroring `copy` for good: the primary's entry `index` no longer
  // matches. Saves the evidence: the message, the head the mirror had
  // verified, and `presented`, what the primary signed instead.
  absl::Status Diverge(Copy& copy, uint64_t index, const std::string& what,
                       const google::protobuf::Message& presented);
  // Checks what the token is: an oversight token, or an admin's (warned),
  // and nothing that can write the record (INVALID_ARGUMENT naming
  // --primary_token_file); UNAVAILABLE if the primary cannot say yet.
  absl::Status CheckToken();
  // Logs a service's failing pass: when it changes, and every 5 minutes.
  void LogFailure(Copy& copy, const absl::Status& status);
  // The first entry of [0, upto) whose leaf the primary serves differently
  // from the copy's; `upto` if none does.
  absl::StatusOr<uint64_t> FirstMismatch(Copy& copy, v1::AuditService::Stub& primary,
                                         uint64_t upto);
  void Prepare(grpc::ClientContext* context) const;

  const std::shared_ptr<ServiceChannels> primary_;
  const MirrorOptions options_;
  const MirrorState state_;
  std::map<std::string, std::unique_ptr<Copy>> copies_;  // by service
  mutable absl::Mutex mu_;
  std::map<std::string, MirrorProgress> progress_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, v1::SignedTreeHead> heads_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, v1::Checkpoint> checkpoints_ ABSL_GUARDED_BY(mu_);
  // Touched by Create, then by the follower's thread alone.
  bool token_checked_ = false;
  std::string token_error_;
  absl::Notification stop_;
  std::thread thread_;
};

}  // namespace corridor::mirror

#endif  // CORRIDOR_SERVICES_MIRROR_MIRROR_H_
