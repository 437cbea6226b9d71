// corridor.v1.AuditService for every service hosted in a process: tree
// heads signed with the service's key, entries, proofs and record digests,
// all read from the service's own store. One instance serves all the
// process's services; requests name the service (or leave it empty when
// there is one).
#ifndef CORRIDOR_SERVICES_AUDIT_AUDIT_SERVICE_H_
#define CORRIDOR_SERVICES_AUDIT_AUDIT_SERVICE_H_

#include <atomic>
#include <map>
#include <string>

#include "absl/container/flat_hash_set.h"
#include "corridor/v1/audit.grpc.pb.h"
#include "services/audit/checkpoint_publisher.h"
#include "services/common/admitted_service.h"
#include "services/common/module.h"

namespace corridor {

// Where a mirror's audit service takes the heads it serves: the primary's,
// as the mirror verified them (services/mirror), since a mirror holds no key
// of the primary's and signs nothing itself.
class VerifiedHeads {
 public:
  virtual ~VerifiedHeads() = default;
  // The newest signed head and checkpoint of `service` whose entries the
  // copy holds; UNAVAILABLE while none has been verified.
  virtual absl::StatusOr<v1::SignedTreeHead> TreeHead(const std::string& service) const = 0;
  virtual absl::StatusOr<v1::Checkpoint> Checkpoint(const std::string& service) const = 0;
};

class AuditService final : public AdmittedService<v1::AuditService> {
 public:
  // `audited` maps service names to their storage; it, `access` and
  // `checkpoints` (which publishes the services' checkpoints and collects
  // the witnesses' cosignatures) must outlive this.
  AuditService(HostedStorage audited, const AccessControl* access, CheckpointPublisher* checkpoints)
      : AdmittedService(access), audited_(std::move(audited)), checkpoints_(checkpoints) {}

  grpc::Status GetTreeHead(grpc::ServerContext* context, const v1::GetTreeHeadRequest* request,
                           v1::SignedTreeHead* response) override;
  grpc::Status GetCheckpoint(grpc::ServerContext* context, const v1::GetCheckpointRequest* request,
                             v1::Checkpoint* response) override;
  grpc::Status AddCosignature(grpc::ServerContext* context,
                              const v1::AddCosignatureRequest* request,
                              v1::AddCosignatureResponse* response) override;
  grpc::Status GetEntries(grpc::ServerContext* context, const v1::GetEntriesRequest* request,
                          v1::GetEntriesResponse* response) override;
  grpc::Status GetInclusionProof(grpc::ServerContext* context,
                                 const v1::GetInclusionProofRequest* request,
                                 v1::InclusionProof* response) override;
  grpc::Status GetInclusionProofByHash(grpc::ServerContext* context,
                                       const v1::GetInclusionProofByHashRequest* request,
                                       v1::InclusionProof* response) override;
  grpc::Status ListSigningKeyRotations(grpc::ServerContext* context,
                                       const v1::ListSigningKeyRotationsRequest* request,
                                       v1::ListSigningKeyRotationsResponse* response) override;
  grpc::Status GetConsistencyProof(grpc::ServerContext* context,
                                   const v1::GetConsistencyProofRequest* request,
                                   v1::ConsistencyProof* response) override;
  // A record stored in a block that fails RocksDB's checksum is listed
  // with its table and key and no record_sha256 (storage::RecordDigest's
  // `unreadable`), so that an audit names every such record.
  grpc::Status ListRecordDigests(grpc::ServerContext* context,
                                 const v1::ListRecordDigestsRequest* request,
                                 v1::ListRecordDigestsResponse* response) override;
  grpc::Status CheckDerivedData(grpc::ServerContext* context,
                                const v1::CheckDerivedDataRequest* request,
                                v1::CheckDerivedDataResponse* response) override;
  grpc::Status WatchChanges(grpc::ServerContext* context, const v1::WatchChangesRequest* request,
                            grpc::ServerWriter<v1::Change>* writer) override;

  // Serve `heads` (valid for this object's lifetime) as the tree heads and
  // checkpoints: a mirror's. Call before serving.
  void ServeVerifiedHeads(const VerifiedHeads* heads) { verified_heads_ = heads; }

  // Ends every WatchChanges stream (at shutdown), telling clients where to
  // resume.
  void EndStreams();

  static constexpr uint64_t kMaxEntriesPerCall = 1000;
  static constexpr int kMaxDigestsPerPage = 5000;
  static constexpr int kMaxWatchedTables = 32;

 private:
  // The named service's storage; INVALID_ARGUMENT naming `service` if this
  // process does not host it.
  absl::StatusOr<const ServiceStorage*> Find(const std::string& service, std::string* name) const;
  // A mirror's GetCheckpoint: the primary's newest verified checkpoint.
  absl::StatusOr<v1::Checkpoint> MirroredCheckpoint(const std::string& service,
                                                    const v1::GetCheckpointRequest& request) const;
  // The tables a WatchChanges request follows (empty: all), each one of
  // `storage`'s; INVALID_ARGUMENT naming the field otherwise.
  static absl::StatusOr<absl::flat_hash_set<std::string>> WatchedTables(
      const v1::WatchChangesRequest& request, const std::string& name,
      const ServiceStorage& storage);

  HostedStorage audited_;
  CheckpointPublisher* checkpoints_;
  const VerifiedHeads* verified_heads_ = nullptr;
  std::atomic<bool> ending_{false};
  // CheckDerivedData reads a whole service and holds an index's entries in
  // memory: one runs at a time.
  std::atomic<bool> checking_derived_{false};
};

}  // namespace corridor

#endif  // CORRIDOR_SERVICES_AUDIT_AUDIT_SERVICE_H_
