// Verifies a service's audit journal from outside: fetches the signed tree
// head, every journal entry and the digests of every stored record, and
// trusts nothing the service computed (storage::JournalVerifier rebuilds
// the tree). `corridorctl audit verify` prints its report.
//
//   std::unique_ptr<AuditLog> log = NewGrpcAuditLog(channel, prepare);
//   absl::StatusOr<AuditReport> report = VerifyAudit(*log, "denials", saved_head);
//   if (report.ok() && !report->verified()) ...  // report->findings say what
#ifndef CORRIDOR_CLIENTS_AUDIT_AUDIT_VERIFICATION_H_
#define CORRIDOR_CLIENTS_AUDIT_AUDIT_VERIFICATION_H_

#include <grpcpp/grpcpp.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "corridor/v1/audit.pb.h"

namespace corridor::audit {

// What verification reads of a service's audit journal. Errors are the
// calls' (code and message).
class AuditLog {
 public:
  virtual ~AuditLog() = default;
  // The latest signed tree head of `service` ("" lets a process that
  // serves one service answer for it).
  virtual absl::StatusOr<v1::SignedTreeHead> Head(const std::string& service) = 0;
  // Entries from `start`, before `end`: as many as the service sends at once.
  virtual absl::StatusOr<v1::GetEntriesResponse> Entries(const std::string& service, uint64_t start,
                                                         uint64_t end) = 0;
  virtual absl::StatusOr<v1::ConsistencyProof> ConsistencyProof(const std::string& service,
                                                                uint64_t first_size,
                                                                uint64_t second_size) = 0;
  // One page of the digests of the stored records ("" for the first).
  virtual absl::StatusOr<v1::ListRecordDigestsResponse> RecordDigests(
      const std::string& service, const std::string& page_token) = 0;
  // Every rotation of the service's signing key, oldest first.
  virtual absl::StatusOr<v1::ListSigningKeyRotationsResponse> SigningKeyRotations(
      const std::string& service) = 0;
  // The service's check of its indexes and counters against its records.
  virtual absl::StatusOr<v1::CheckDerivedDataResponse> DerivedData(const std::string& service) = 0;
};

// The AuditService on `channel`; `prepare` readies each call (deadline,
// bearer token).
std::unique_ptr<AuditLog> NewGrpcAuditLog(std::shared_ptr<grpc::Channel> channel,
                                          std::function<void(grpc::ClientContext*)> prepare);

struct AuditReport {
  // What was found altered, missing or unreadable, one line each: the first
  // VerifyOptions::max_findings of them. Empty when everything checked out.
  std::vector<std::string> findings;
  // Every finding, listed or not.
  int64_t finding_count = 0;
  // Of finding_count, the stored records that cannot be read (RocksDB's
  // checksum failed), rather than altered.
  int64_t unreadable_records = 0;
  bool verified() const { return finding_count == 0; }

  std::string service;  // as the head names it
  v1::SignedTreeHead head;
  // The head verification started from, if it was given one.
  std::optional<v1::SignedTreeHead> saved;
  int64_t records = 0;  // stored records checked against their entries
  // Key rotations followed from the pinned (or saved head's) key to the
  // head's, each signed by the key before it.
  int rotations_followed = 0;
  // Whether the service checked its indexes and counters against its
  // records (a server from before CheckDerivedData cannot), how many, and
  // how many findings are theirs.
  bool derived_checked = false;
  int64_t indexes_checked = 0;
  int64_t counters_checked = 0;
  int64_t derived_findings = 0;
};

struct VerifyOptions {
  // Called once the head is fetched and its signature checked.
  std::function<void(const v1::SignedTreeHead& head)> on_head;
  // Called now and then while entries are fetched.
  std::function<void(uint64_t fetched, uint64_t total)> on_entries;
  // Called before the service checks its indexes and counters, which reads
  // every record once per index.
  std::function<void(int64_t records)> on_derived;
  // How many findings the report lists; all are counted.
  size_t max_findings = 1000;
  // The Ed25519 public key (32 raw bytes) the head must be signed with,
  // pinned from a trusted channel: a head signed by any other key is a
  // finding that ends verification. Empty: the key the head carries is
  // trusted (trust on first use), unless a saved head pins it.
  std::string pinned_public_key;
};

// Checks the head's signature; with `saved` (a head saved earlier), that
// the journal still extends it (same service and key, no fewer entries,
// the same first entries, a valid consistency proof); that the entries
// hash to the signed root; and that every stored record matches the
// latest entry that wrote it, and none is missing; then has the service
// check its indexes and counters against those records. A call that fails is
// the error; what verification finds is in the report. A head or journal
// that cannot be trusted ends verification at its finding; past that,
// every altered, missing or unreadable record is a finding of its own (a
// journal entry changed in place is one, and the records are still
// checked).
absl::StatusOr<AuditReport> VerifyAudit(AuditLog& log, const std::string& service,
                                        const std::optional<v1::SignedTreeHead>& saved,
                                        const VerifyOptions& options = {});

}  // namespace corridor::audit

#endif  // CORRIDOR_CLIENTS_AUDIT_AUDIT_VERIFICATION_H_
