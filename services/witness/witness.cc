#include "services/witness/witness.h"

#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "common/log.h"
#include "common/status_macros.h"
#include "google/protobuf/util/time_util.h"
#include "storage/checkpoint.h"
#include "storage/cosignature.h"
#include "storage/key_chain.h"
#include "storage/key_codec.h"
#include "storage/records.h"

namespace corridor::witness {
namespace {

using storage::KeyWriter;
using storage::merkle::Hash;

// The last checkpoint cosigned, by log origin.
const storage::Table<v1::WitnessedCheckpoint>& WitnessedTable() {
  static const auto* table = new storage::Table<v1::WitnessedCheckpoint>(
      {.name = "witnessed", .noun = "witnessed log", .key_field = "origin"},
      [](const v1::WitnessedCheckpoint& c) { return KeyWriter().String(c.origin()).Release(); },
      [](const v1::WitnessedCheckpoint& c) { return c.origin(); });
  return *table;
}

// Contradictions, by id (ev-000001, ...: in the order recorded).
const storage::Table<v1::ForkEvidence>& EvidenceTable() {
  static const auto* table = new storage::Table<v1::ForkEvidence>(
      {.name = "evidence", .noun = "evidence", .key_field = "id"},
      [](const v1::ForkEvidence& e) { return KeyWriter().String(e.id()).Release(); },
      [](const v1::ForkEvidence& e) { return e.id(); });
  return *table;
}

// Meta key of the key a log's rotations led to, by origin.
constexpr char kTrustedKeyMeta[] = "trusted-log-key/";

storage::Origin WitnessOrigin(const std::string& name) {
  storage::Origin origin;
  origin.principal.set_name(name);
  origin.rpc = "/corridor.v1.WitnessService/AddCheckpoint";
  return origin;
}

google::protobuf::Timestamp Now() {
  return google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(absl::Now()));
}

template <typename T>
absl::StatusOr<std::vector<T>> AllRecords(const storage::Store& store,
                                          const storage::Table<T>& table) {
  std::vector<T> records;
  storage::ScanOptions scan;
  scan.page_size = 500;
  CORRIDOR_RETURN_IF_ERROR(storage::ForEachRecord<T>(store, table, scan, [&](T& record, uint64_t) {
    records.push_back(std::move(record));
    return absl::OkStatus();
  }));
  return records;
}

}  // namespace

absl::StatusOr<std::unique_ptr<Witness>> Witness::Create(storage::Store* store,
                                                         const storage::TreeSigner* signer,
                                                         WitnessOptions options) {
  std::map<std::string, std::string> log_keys;
  for (const std::string& key : options.log_keys) {
    absl::Status valid = storage::PublicKeyOfVerifierKey(key).status();
    if (!valid.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("log key \"", key, "\": ", valid.message(),
                       "; take each log's key from `corridorctl audit key --service=S`"));
    }
    log_keys[key.substr(0, key.find('+'))] = key;
  }
  if (log_keys.empty()) {
    return absl::InvalidArgumentError(
        "log keys: a witness needs the verifier key of at least one log to follow");
  }
  // A key reached through a log's rotations outlives a restart: the key in
  // the file may be one the log retired since.
  for (auto& [origin, key] : log_keys) {
    CORRIDOR_ASSIGN_OR_RETURN(std::optional<std::string> followed,
                              store->GetMeta(absl::StrCat(kTrustedKeyMeta, origin)));
    if (followed.has_value() && *followed != key) {
      CORRIDOR_LOG(INFO) << origin << ": trusting " << *followed
                         << ", reached earlier from the configured key through its rotations";
      key = *followed;
    }
  }
  std::unique_ptr<Witness> witness(
      new Witness(store, signer, std::move(options.name), std::move(log_keys)));
  if (!storage::IsValidKeyName(witness->name_)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "name: \"", witness->name_,
        "\" is not a key name: use a URL without scheme or spaces, e.g. witness.example.org"));
  }
  return witness;
}

Witness::Witness(storage::Store* store, const storage::TreeSigner* signer, std::string name,
                 std::map<std::string, std::string> log_keys)
    : store_(store),
      signer_(signer),
      name_(std::move(name)),
      log_keys_(std::move(log_keys)),
      verifier_key_(storage::CosignerVerifierKey(name_, signer->public_key())) {}

absl::StatusOr<Witness::Presented> Witness::Check(absl::string_view note,
                                                  const std::vector<std::string>& proof) const {
  Presented presented;
  CORRIDOR_ASSIGN_OR_RETURN(const storage::ParsedNote parsed, storage::ParseNote(note));
  CORRIDOR_ASSIGN_OR_RETURN(presented.checkpoint, storage::ParseCheckpoint(parsed.body));
  const std::map<std::string, std::string> keys = logs();
  const auto log_key = keys.find(presented.checkpoint.origin);
  if (log_key == keys.end()) {
    std::vector<std::string> origins;
    for (const auto& [origin, key] : keys) origins.push_back(origin);
    return absl::NotFoundError(absl::StrCat("note: this witness does not follow the log \"",
                                            presented.checkpoint.origin, "\"; it follows ",
                                            absl::StrJoin(origins, ", ")));
  }
  if (absl::Status signed_by_log = storage::OpenNote(note, log_key->second).status();
      !signed_by_log.ok()) {
    return absl::UnauthenticatedError(
        absl::StrCat("note: not signed by the key this witness trusts for ",
                     presented.checkpoint.origin, ": ", signed_by_log.message()));
  }
  for (size_t i = 0; i < proof.size(); ++i) {
    absl::StatusOr<Hash> hash = storage::merkle::FromBytes(proof[i]);
    if (!hash.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("consistency_proof[", i, "]: not a 32-byte hash"));
    }
    presented.proof.push_back(*hash);
  }
  presented.body = parsed.body;
  // The log's own note, without other witnesses' lines, is what is kept.
  presented.log_note = absl::StrCat(parsed.body, "\n", parsed.LineOf(log_key->second).value_or(""));
  return presented;
}

absl::StatusOr<v1::AddCheckpointResponse> Witness::AddCheckpoint(
    uint64_t old_size, const std::vector<std::string>& proof, absl::string_view note,
    absl::string_view proof_source) {
  CORRIDOR_ASSIGN_OR_RETURN(const Presented checked, Check(note, proof));
  const storage::Checkpoint& presented = checked.checkpoint;
  const std::vector<Hash>& hashes = checked.proof;
  const std::string& log_note = checked.log_note;
  absl::MutexLock lock(&mu_);
  CORRIDOR_ASSIGN_OR_RETURN(const std::optional<v1::WitnessedCheckpoint> last,
                            Latest(presented.origin));
  uint64_t version = 0;
  if (last.has_value()) version = static_cast<uint64_t>(last->version());
  const uint64_t known = last.has_value() ? last->tree_size() : 0;
  if (old_size != known) {
    return absl::FailedPreconditionError(
        absl::StrCat("old_size: this witness last cosigned ", presented.origin, " at ", known,
                     " entries, not ", old_size,
                     "; present the checkpoint again with the consistency proof "
                     "from ",
                     known));
  }
  if (!last.has_value()) {
    if (!hashes.empty()) {
      return absl::InvalidArgumentError(
          "consistency_proof: must be empty for the first checkpoint of a log");
    }
    return Cosign(log_note, checked.body, last, version);
  }
  CORRIDOR_ASSIGN_OR_RETURN(const Hash known_root, storage::merkle::FromBytes(last->root_hash()));
  v1::ForkEvidence evidence;
  evidence.set_origin(presented.origin);
  evidence.set_cosigned_note(last->cosigned_note());
  evidence.set_presented_note(log_note);
  for (const std::string& hash : proof) evidence.add_consistency_proof(hash);
  evidence.set_proof_source(std::string(proof_source));
  if (presented.tree_size < known) {
    // An older checkpoint is no contradiction; the log's current one is.
    if (proof_source.empty()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "note: the checkpoint has ", presented.tree_size, " entries, fewer than the ", known,
          " this witness cosigned: present a newer one, not an older one"));
    }
    evidence.set_reason(
        absl::StrCat("the tree shrank from ", known, " to ", presented.tree_size, " entries"));
    return Refuse(std::move(evidence));
  }
  if (presented.tree_size == known) {
    if (presented.root != known_root) {
      evidence.set_reason(
          absl::StrCat("two different root hashes for the same ", known, " entries"));
      return Refuse(std::move(evidence));
    }
    return Cosign(log_note, checked.body, last, version);
  }
  absl::Status consistent = storage::merkle::VerifyConsistency(known, presented.tree_size,
                                                               known_root, presented.root, hashes);
  if (!consistent.ok()) {
    if (proof_source.empty()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "consistency_proof: does not prove that ", presented.tree_size, " entries extend the ",
          known, " this witness cosigned: ", consistent.message()));
    }
    evidence.set_reason(
        absl::StrCat("the log's own consistency proof from ", known, " to ", presented.tree_size,
                     " entries fails: its history was rewritten (", consistent.message(), ")"));
    return Refuse(std::move(evidence));
  }
  return Cosign(log_note, checked.body, last, version);
}

absl::StatusOr<v1::AddCheckpointResponse> Witness::Cosign(
    const std::string& note, const std::string& body,
    const std::optional<v1::WitnessedCheckpoint>& last, uint64_t version) {
  CORRIDOR_ASSIGN_OR_RETURN(const storage::Checkpoint checkpoint, storage::ParseCheckpoint(body));
  const int64_t now = absl::ToUnixSeconds(absl::Now());
  CORRIDOR_ASSIGN_OR_RETURN(const std::string line,
                            storage::CosignatureLine(body, name_, now, *signer_));
  v1::WitnessedCheckpoint witnessed;
  witnessed.set_origin(checkpoint.origin);
  witnessed.set_tree_size(checkpoint.tree_size);
  witnessed.set_root_hash(storage::merkle::ToBytes(checkpoint.root));
  witnessed.set_cosigned_note(note + line);
  *witnessed.mutable_cosigned_at() = google::protobuf::util::TimeUtil::SecondsToTimestamp(now);
  storage::Mutation mutation;
  mutation.SetOrigin(WitnessOrigin(name_));
  if (last.has_value()) {
    mutation.Update(WitnessedTable(), witnessed, version);
  } else {
    mutation.Insert(WitnessedTable(), witnessed);
  }
  CORRIDOR_RETURN_IF_ERROR(store_->Commit(mutation).status());
  v1::AddCheckpointResponse response;
  response.set_cosignature(line);
  response.set_cosigned_note(witnessed.cosigned_note());
  return response;
}

absl::Status Witness::Refuse(v1::ForkEvidence evidence) {
  CORRIDOR_ASSIGN_OR_RETURN(const std::vector<v1::ForkEvidence> kept, Evidence());
  for (const v1::ForkEvidence& earlier : kept) {
    // A log that keeps presenting the same checkpoint is refused each time
    // but recorded once.
    if (earlier.origin() == evidence.origin() &&
        earlier.cosigned_note() == evidence.cosigned_note() &&
        earlier.presented_note() == evidence.presented_note()) {
      return absl::AbortedError(absl::StrCat(evidence.origin(), ": ", evidence.reason(),
                                             "; refused again (evidence ", earlier.id(), ")"));
    }
  }
  evidence.set_id(absl::StrFormat("ev-%06d", kept.size() + 1));
  *evidence.mutable_recorded_at() = Now();
  storage::Mutation mutation;
  mutation.SetOrigin(WitnessOrigin(name_));
  mutation.Insert(EvidenceTable(), evidence);
  CORRIDOR_RETURN_IF_ERROR(store_->Commit(mutation).status());
  refusals_.fetch_add(1);
  CORRIDOR_LOG(ERROR) << "refused to cosign " << evidence.origin() << ": " << evidence.reason()
                      << ". Both signed checkpoints are kept as evidence " << evidence.id()
                      << " (corridorctl witness evidence); tell the other witnesses and the "
                         "oversight bodies that follow this log";
  return absl::AbortedError(absl::StrCat(evidence.origin(), ": ", evidence.reason(),
                                         "; refused, and kept as evidence ", evidence.id()));
}

std::map<std::string, std::string> Witness::logs() const {
  absl::MutexLock lock(&keys_mu_);
  return log_keys_;
}

absl::Status Witness::FollowKeyRotations(const std::string& origin, const std::string& current_key,
                                         const std::vector<v1::SigningKeyRotation>& rotations) {
  absl::MutexLock lock(&keys_mu_);
  auto trusted = log_keys_.find(origin);
  if (trusted == log_keys_.end()) {
    return absl::NotFoundError(absl::StrCat("this witness does not follow ", origin));
  }
  if (current_key.substr(0, current_key.find('+')) != origin) {
    return absl::DataLossError(absl::StrCat("the key ", current_key, " is not named ", origin));
  }
  CORRIDOR_ASSIGN_OR_RETURN(const std::string from,
                            storage::PublicKeyOfVerifierKey(trusted->second));
  CORRIDOR_ASSIGN_OR_RETURN(const std::string to, storage::PublicKeyOfVerifierKey(current_key));
  const size_t slash = origin.rfind('/');
  const std::string service = slash == std::string::npos ? origin : origin.substr(slash + 1);
  CORRIDOR_ASSIGN_OR_RETURN(const int followed,
                            storage::FollowKeyRotations(service, from, to, rotations));
  storage::Mutation remembered;
  remembered.SetOrigin(WitnessOrigin(name_));
  remembered.PutMeta(absl::StrCat(kTrustedKeyMeta, origin), current_key);
  CORRIDOR_RETURN_IF_ERROR(store_->Commit(remembered).status());
  trusted->second = current_key;
  CORRIDOR_LOG(WARNING) << origin << " rotated its key " << followed
                        << (followed == 1 ? " time" : " times")
                        << ", each rotation signed by the key before it: trusting " << current_key
                        << " from now on";
  return absl::OkStatus();
}

absl::StatusOr<std::optional<v1::WitnessedCheckpoint>> Witness::Latest(
    absl::string_view origin) const {
  v1::WitnessedCheckpoint found;
  absl::StatusOr<uint64_t> version =
      store_->Get(WitnessedTable().schema(), KeyWriter().String(origin).Release(), &found);
  if (absl::IsNotFound(version.status())) return std::nullopt;
  if (!version.ok()) return version.status();
  return storage::WithVersion(std::move(found), *version);
}

absl::StatusOr<std::vector<v1::WitnessedCheckpoint>> Witness::AllLatest() const {
  return AllRecords(*store_, WitnessedTable());
}

absl::StatusOr<std::vector<v1::ForkEvidence>> Witness::Evidence() const {
  return AllRecords(*store_, EvidenceTable());
}

}  // namespace corridor::witness
