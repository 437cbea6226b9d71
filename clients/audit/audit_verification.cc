#include "clients/audit/audit_verification.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "absl/strings/cord.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/status.h"
#include "corridor/v1/audit.grpc.pb.h"
#include "google/protobuf/util/time_util.h"
#include "storage/journal_verifier.h"
#include "storage/key_chain.h"
#include "storage/tree_signer.h"

namespace corridor::audit {
namespace {

using google::protobuf::util::TimeUtil;
using storage::merkle::Hash;

// Findings travel as statuses beside the calls' errors, marked with this
// payload so that a service's own DATA_LOSS is never taken for one.
constexpr char kFindingPayload[] = "corridor.audit.finding";
constexpr int kDigestPage = 5000;

absl::Status Finding(absl::string_view what) {
  absl::Status status = absl::DataLossError(what);
  status.SetPayload(kFindingPayload, absl::Cord("1"));
  return status;
}

bool IsFinding(const absl::Status& status) {
  return status.GetPayload(kFindingPayload).has_value();
}

class GrpcAuditLog final : public AuditLog {
 public:
  GrpcAuditLog(std::shared_ptr<grpc::Channel> channel,
               std::function<void(grpc::ClientContext*)> prepare)
      : stub_(v1::AuditService::NewStub(std::move(channel))), prepare_(std::move(prepare)) {}

  absl::StatusOr<v1::SignedTreeHead> Head(const std::string& service) override {
    v1::GetTreeHeadRequest request;
    request.set_service(service);
    return Call(&v1::AuditService::Stub::GetTreeHead, request);
  }
  absl::StatusOr<v1::GetEntriesResponse> Entries(const std::string& service, uint64_t start,
                                                 uint64_t end) override {
    v1::GetEntriesRequest request;
    request.set_service(service);
    request.set_start(start);
    request.set_end(end);
    return Call(&v1::AuditService::Stub::GetEntries, request);
  }
  absl::StatusOr<v1::ConsistencyProof> ConsistencyProof(const std::string& service,
                                                        uint64_t first_size,
                                                        uint64_t second_size) override {
    v1::GetConsistencyProofRequest request;
    request.set_service(service);
    request.set_first_size(first_size);
    request.set_second_size(second_size);
    return Call(&v1::AuditService::Stub::GetConsistencyProof, request);
  }
  absl::StatusOr<v1::ListRecordDigestsResponse> RecordDigests(
      const std::string& service, const std::string& page_token) override {
    v1::ListRecordDigestsRequest request;
    request.set_service(service);
    request.mutable_page()->set_page_size(kDigestPage);
    request.mutable_page()->set_page_token(page_token);
    return Call(&v1::AuditService::Stub::ListRecordDigests, request);
  }
  absl::StatusOr<v1::ListSigningKeyRotationsResponse> SigningKeyRotations(
      const std::string& service) override {
    v1::ListSigningKeyRotationsRequest request;
    request.set_service(service);
    return Call(&v1::AuditService::Stub::ListSigningKeyRotations, request);
  }
  absl::StatusOr<v1::CheckDerivedDataResponse> DerivedData(const std::string& service) override {
    v1::CheckDerivedDataRequest request;
    request.set_service(service);
    return Call(&v1::AuditService::Stub::CheckDerivedData, request, kDerivedDataDeadline);
  }

 private:
  // The service reads every record once per index: a call deadline meant
  // for one page would cut it short on a large service.
  static constexpr absl::Duration kDerivedDataDeadline = absl::Minutes(30);

  template <typename Request, typename Response>
  absl::StatusOr<Response> Call(
      grpc::Status (v1::AuditService::Stub::*rpc)(grpc::ClientContext*, const Request&, Response*),
      const Request& request, absl::Duration deadline = absl::ZeroDuration()) {
    grpc::ClientContext context;
    if (prepare_) prepare_(&context);
    if (deadline > absl::ZeroDuration()) {
      context.set_deadline(absl::ToChronoTime(absl::Now() + deadline));
    }
    Response response;
    CORRIDOR_RETURN_IF_ERROR(FromGrpc(((*stub_).*rpc)(&context, request, &response)));
    return response;
  }

  std::unique_ptr<v1::AuditService::Stub> stub_;
  std::function<void(grpc::ClientContext*)> prepare_;
};

// Checks a head's signature with the key it carries.
absl::Status CheckSignature(const v1::SignedTreeHead& head) {
  absl::StatusOr<Hash> root = storage::merkle::FromBytes(head.root_hash());
  if (!root.ok()) return absl::DataLossError("the tree head's root hash is not 32 bytes");
  return storage::VerifyEd25519(
      head.public_key(),
      storage::TreeHeadSigningInput(head.service(), head.tree_size(),
                                    TimeUtil::TimestampToMicroseconds(head.timestamp()), *root),
      head.signature());
}

// That the service's current `head` extends the `saved` one, as far as
// the heads alone tell.
absl::Status CheckExtends(const v1::SignedTreeHead& head, const v1::SignedTreeHead& saved) {
  if (saved.service() != head.service()) {
    return Finding(absl::StrCat("the saved head is of the ", saved.service(), " service"));
  }
  if (absl::Status s = CheckSignature(saved); !s.ok()) {
    return Finding(absl::StrCat("the saved head: ", s.message()));
  }
  if (head.tree_size() < saved.tree_size()) {
    return Finding(absl::StrCat("the journal has ", head.tree_size(), " entries, fewer than the ",
                                saved.tree_size(), " of the saved head: entries were deleted"));
  }
  return absl::OkStatus();
}

// One run of VerifyAudit. Each step returns a call's error or a Finding
// that ends the run; findings that do not are added to the report.
class Verification {
 public:
  Verification(AuditLog& log, const VerifyOptions& options, AuditReport* report)
      : log_(log), options_(options), report_(report) {}

  absl::Status Run(const std::string& service);
  void AddFinding(absl::string_view what);

 private:
  absl::Status FetchEntries(uint64_t to, const v1::SignedTreeHead* saved);
  absl::Status CheckConsistency(const v1::SignedTreeHead& saved, const v1::SignedTreeHead& head);
  // Follows the service's key rotations from the key `from` to `to`
  // (report_->rotations_followed); the chain's break otherwise.
  absl::Status FollowRotations(const std::string& from, const std::string& to);
  // A finding if a key rotation retired the key that signed `head` before
  // the journal reached its size.
  absl::Status CheckNotRetired(const v1::SignedTreeHead& head);
  absl::Status CheckRecords();
  // The service's check of its indexes and counters; its findings join the
  // report's. Skipped (derived_checked false) by a server without it.
  absl::Status CheckDerivedData();
  absl::Status FetchDigests(std::vector<storage::RecordDigest>* unmatched);

  AuditLog& log_;
  const VerifyOptions& options_;
  AuditReport* report_;
  std::string service_;
  storage::JournalVerifier verifier_;
  bool saved_root_checked_ = false;
};

void Verification::AddFinding(absl::string_view what) {
  ++report_->finding_count;
  if (report_->findings.size() < options_.max_findings) report_->findings.emplace_back(what);
}

// Fetches entries from the verifier's size up to `to` into it; on
// reaching the saved head's size, compares the roots.
absl::Status Verification::FetchEntries(uint64_t to, const v1::SignedTreeHead* saved) {
  const uint64_t step = std::max<uint64_t>(to / 10, 50'000);
  uint64_t start = verifier_.size();
  uint64_t next_report = start + step;
  while (start < to) {
    CORRIDOR_ASSIGN_OR_RETURN(v1::GetEntriesResponse response, log_.Entries(service_, start, to));
    if (response.entries().empty()) {
      return Finding(absl::StrCat("the server returned no entries from ", start));
    }
    for (const std::string& entry : response.entries()) {
      if (absl::Status s = verifier_.AddEntry(start, entry); !s.ok()) return Finding(s.message());
      ++start;
      if (saved == nullptr || verifier_.size() != saved->tree_size()) continue;
      saved_root_checked_ = true;
      if (storage::merkle::ToBytes(verifier_.Root()) != saved->root_hash()) {
        return Finding(absl::StrCat("the first ", saved->tree_size(),
                                    " entries no longer hash to the root of the saved head: "
                                    "history before it was rewritten"));
      }
    }
    if (start >= next_report && start < to) {
      if (options_.on_entries) options_.on_entries(start, to);
      next_report += step;
    }
  }
  return absl::OkStatus();
}

absl::Status Verification::CheckConsistency(const v1::SignedTreeHead& saved,
                                            const v1::SignedTreeHead& head) {
  if (saved.tree_size() == 0) return absl::OkStatus();
  if (!saved_root_checked_) return Finding("the saved head's size was never reached");
  CORRIDOR_ASSIGN_OR_RETURN(v1::ConsistencyProof proof,
                            log_.ConsistencyProof(service_, saved.tree_size(), head.tree_size()));
  std::vector<Hash> hashes;
  for (const std::string& bytes : proof.proof()) {
    absl::StatusOr<Hash> hash = storage::merkle::FromBytes(bytes);
    if (!hash.ok()) return Finding("a consistency proof hash is malformed");
    hashes.push_back(*hash);
  }
  absl::Status consistent = storage::merkle::VerifyConsistency(
      saved.tree_size(), head.tree_size(), *storage::merkle::FromBytes(saved.root_hash()),
      *storage::merkle::FromBytes(head.root_hash()), hashes);
  return consistent.ok() ? consistent : Finding(consistent.message());
}

// Every stored record's digest, checked against the fetched entries; those
// that do not match them are kept in `unmatched`. A digest without a
// SHA-256 is a record the service could not read.
absl::Status Verification::FetchDigests(std::vector<storage::RecordDigest>* unmatched) {
  std::string page_token;
  do {
    absl::StatusOr<v1::ListRecordDigestsResponse> page = log_.RecordDigests(service_, page_token);
    if (absl::IsDataLoss(page.status())) {
      // The service could not read on, and could not say which records.
      return Finding(absl::StrCat("the stored records after the ", report_->records,
                                  " listed cannot be read: ", page.status().message()));
    }
    if (!page.ok()) return page.status();
    for (const v1::RecordDigest& d : page->records()) {
      storage::RecordDigest record{d.table(), d.key(), d.version(), {}};
      if (d.record_sha256().empty()) {
        record.unreadable = true;
      } else {
        absl::StatusOr<Hash> sha = storage::merkle::FromBytes(d.record_sha256());
        if (!sha.ok()) return Finding("a record digest is malformed");
        record.sha256 = *sha;
      }
      ++report_->records;
      if (!verifier_.CheckRecord(record).ok()) unmatched->push_back(std::move(record));
    }
    page_token = page->next_page_token();
  } while (!page_token.empty());
  return absl::OkStatus();
}

// Stored records against the entries that wrote them. Writes may land
// while this runs: a record newer than the fetched entries is checked
// again after fetching the entries that followed.
absl::Status Verification::CheckRecords() {
  std::vector<storage::RecordDigest> unmatched;
  CORRIDOR_RETURN_IF_ERROR(FetchDigests(&unmatched));
  if (!unmatched.empty()) {
    CORRIDOR_ASSIGN_OR_RETURN(v1::SignedTreeHead later, log_.Head(service_));
    CORRIDOR_RETURN_IF_ERROR(FetchEntries(later.tree_size(), nullptr));
    for (const storage::RecordDigest& record : unmatched) {
      absl::Status s = verifier_.CheckRecord(record);
      if (s.ok()) continue;
      if (record.unreadable) ++report_->unreadable_records;
      AddFinding(s.message());
    }
  }
  for (const absl::Status& missing : verifier_.MissingRecords()) AddFinding(missing.message());
  return absl::OkStatus();
}

absl::Status Verification::CheckDerivedData() {
  if (options_.on_derived) options_.on_derived(report_->records);
  absl::StatusOr<v1::CheckDerivedDataResponse> checked = log_.DerivedData(service_);
  if (absl::IsUnimplemented(checked.status())) return absl::OkStatus();
  CORRIDOR_RETURN_IF_ERROR(checked.status());
  report_->derived_checked = true;
  report_->indexes_checked = checked->indexes_checked();
  report_->counters_checked = checked->counters_checked();
  report_->derived_findings = checked->findings_size();
  for (const std::string& finding : checked->findings()) AddFinding(finding);
  return absl::OkStatus();
}

absl::Status Verification::FollowRotations(const std::string& from, const std::string& to) {
  CORRIDOR_ASSIGN_OR_RETURN(const v1::ListSigningKeyRotationsResponse listed,
                            log_.SigningKeyRotations(service_));
  const std::vector<v1::SigningKeyRotation> rotations(listed.rotations().begin(),
                                                      listed.rotations().end());
  CORRIDOR_ASSIGN_OR_RETURN(report_->rotations_followed,
                            storage::FollowKeyRotations(service_, from, to, rotations));
  return absl::OkStatus();
}

absl::Status Verification::CheckNotRetired(const v1::SignedTreeHead& head) {
  CORRIDOR_ASSIGN_OR_RETURN(const v1::ListSigningKeyRotationsResponse listed,
                            log_.SigningKeyRotations(service_));
  absl::Status retired =
      storage::CheckKeyNotRetired(service_, head.public_key(), head.tree_size(),
                                  {listed.rotations().begin(), listed.rotations().end()});
  if (!retired.ok()) return Finding(absl::StrCat("the tree head: ", retired.message()));
  return absl::OkStatus();
}

absl::Status Verification::Run(const std::string& service) {
  CORRIDOR_ASSIGN_OR_RETURN(report_->head, log_.Head(service));
  const v1::SignedTreeHead& head = report_->head;
  service_ = report_->service = head.service();
  if (!options_.pinned_public_key.empty() && head.public_key() != options_.pinned_public_key) {
    absl::Status followed = FollowRotations(options_.pinned_public_key, head.public_key());
    if (!followed.ok()) {
      return Finding(absl::StrCat(
          "the tree head is signed by the key ", absl::BytesToHexString(head.public_key()),
          ", not the pinned key ", absl::BytesToHexString(options_.pinned_public_key), ", and ",
          followed.message(),
          ": this is not the journal the key's owner signs. Do not trust it until the key's "
          "owner confirms a new key through the channel the pinned key came from"));
    }
  }
  if (absl::Status s = CheckSignature(head); !s.ok()) return Finding(s.message());
  CORRIDOR_RETURN_IF_ERROR(CheckNotRetired(head));
  if (report_->saved) {
    CORRIDOR_RETURN_IF_ERROR(CheckExtends(head, *report_->saved));
    if (report_->saved->public_key() != head.public_key()) {
      absl::Status followed = FollowRotations(report_->saved->public_key(), head.public_key());
      if (!followed.ok()) {
        return Finding(absl::StrCat("the service signs with another key than the saved head's, ",
                                    followed.message(), ": its key was replaced"));
      }
    }
  }
  if (options_.on_head) options_.on_head(head);
  absl::Status fetched =
      FetchEntries(head.tree_size(), report_->saved ? &*report_->saved : nullptr);
  if (absl::IsDataLoss(fetched) && !IsFinding(fetched)) {
    return Finding(absl::StrCat("journal entries from ", verifier_.size(),
                                " on cannot be read: ", fetched.message()));
  }
  CORRIDOR_RETURN_IF_ERROR(fetched);
  if (storage::merkle::ToBytes(verifier_.Root()) != head.root_hash()) {
    AddFinding("the entries do not hash to the signed root: an entry was changed, or the tree was");
  }
  if (report_->saved) {
    absl::Status consistent = CheckConsistency(*report_->saved, head);
    if (!consistent.ok() && !IsFinding(consistent)) return consistent;
    if (!consistent.ok()) AddFinding(consistent.message());
  }
  CORRIDOR_RETURN_IF_ERROR(CheckRecords());
  return CheckDerivedData();
}

}  // namespace

std::unique_ptr<AuditLog> NewGrpcAuditLog(std::shared_ptr<grpc::Channel> channel,
                                          std::function<void(grpc::ClientContext*)> prepare) {
  return std::make_unique<GrpcAuditLog>(std::move(channel), std::move(prepare));
}

absl::StatusOr<AuditReport> VerifyAudit(AuditLog& log, const std::string& service,
                                        const std::optional<v1::SignedTreeHead>& saved,
                                        const VerifyOptions& options) {
  AuditReport report;
  report.service = service;
  report.saved = saved;
  Verification verification(log, options, &report);
  absl::Status status = verification.Run(service);
  if (status.ok()) return report;
  if (!IsFinding(status)) return status;
  verification.AddFinding(status.message());
  return report;
}

}  // namespace corridor::audit
