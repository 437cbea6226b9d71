#include "services/common/key_rotation.h"

#include <sys/stat.h>

#include <cstdio>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "common/log.h"
#include "common/status_macros.h"
#include "google/protobuf/util/time_util.h"
#include "services/common/module.h"
#include "storage/key_codec.h"
#include "storage/tree_signer.h"

namespace corridor {
namespace {

using storage::KeyWriter;

bool FileExists(const std::string& path) {
  struct stat info;
  return stat(path.c_str(), &info) == 0;
}

std::string NextKeyPath(const std::string& key_path) { return key_path + ".next"; }

}  // namespace

const storage::Table<v1::SigningKeyRotation>& SigningKeyRotationsTable() {
  static const auto* table = new storage::Table<v1::SigningKeyRotation>(
      {.name = "signing_keys", .noun = "key rotation", .key_field = "sequence"},
      [](const v1::SigningKeyRotation& r) {
        return KeyWriter().Uint64(static_cast<uint64_t>(r.sequence())).Release();
      },
      [](const v1::SigningKeyRotation& r) { return absl::StrCat(r.sequence()); });
  return *table;
}

absl::StatusOr<std::vector<v1::SigningKeyRotation>> SigningKeyRotations(
    const storage::Store& store) {
  std::vector<v1::SigningKeyRotation> rotations;
  storage::ScanOptions scan;
  scan.page_size = 500;
  CORRIDOR_RETURN_IF_ERROR(storage::ForEachRecord<v1::SigningKeyRotation>(
      store, SigningKeyRotationsTable(), scan,
      [&](v1::SigningKeyRotation& rotation, uint64_t version) {
        rotation.set_version(static_cast<int64_t>(version));
        rotations.push_back(std::move(rotation));
        return absl::OkStatus();
      }));
  return rotations;
}

absl::StatusOr<v1::SigningKeyRotation> RotateSigningKey(const std::string& service,
                                                        const ServiceStorage& storage,
                                                        const storage::Origin& origin,
                                                        const std::string& reason) {
  if (reason.empty()) {
    return absl::InvalidArgumentError("reason: say why the key is rotated, for the record");
  }
  // One rotation at a time in this process.
  static absl::Mutex rotating(absl::kConstInit);
  absl::MutexLock lock(&rotating);
  const std::string next_path = NextKeyPath(storage.signing_key_path);
  std::remove(next_path.c_str());  // left by a rotation that never committed
  CORRIDOR_ASSIGN_OR_RETURN(std::unique_ptr<storage::TreeSigner> next,
                            storage::TreeSigner::LoadOrCreate(next_path));
  CORRIDOR_ASSIGN_OR_RETURN(const std::vector<v1::SigningKeyRotation> earlier,
                            SigningKeyRotations(*storage.store));
  v1::SigningKeyRotation rotation;
  rotation.set_sequence(static_cast<int64_t>(earlier.size()) + 1);
  rotation.set_service(service);
  rotation.set_previous_public_key(storage.signer->public_key());
  rotation.set_public_key(next->public_key());
  rotation.set_tree_size(storage.store->journal_head().size);
  *rotation.mutable_rotated_at() = google::protobuf::util::TimeUtil::GetCurrentTime();
  rotation.set_reason(reason);
  const std::string signed_bytes = storage::KeyRotationSigningInput(
      service, static_cast<uint64_t>(rotation.sequence()), rotation.previous_public_key(),
      rotation.public_key(), rotation.tree_size());
  CORRIDOR_ASSIGN_OR_RETURN(*rotation.mutable_previous_key_signature(),
                            storage.signer->Sign(signed_bytes));
  CORRIDOR_ASSIGN_OR_RETURN(*rotation.mutable_new_key_signature(), next->Sign(signed_bytes));
  storage::Mutation mutation;
  mutation.SetOrigin(origin);
  mutation.Insert(SigningKeyRotationsTable(), rotation);
  CORRIDOR_RETURN_IF_ERROR(storage.store->Commit(mutation).status());
  // Journaled: from here the new key is the key, even after a crash.
  if (std::rename(next_path.c_str(), storage.signing_key_path.c_str()) != 0) {
    return absl::InternalError(absl::StrCat(
        "the rotation is journaled but the new key could not replace ", storage.signing_key_path,
        "; the service puts it in place from ", next_path, " when it next starts"));
  }
  storage.signer->Replace(std::move(*next));
  CORRIDOR_LOG(WARNING) << "the journal signing key of " << service << " was rotated at "
                        << rotation.tree_size() << " entries (" << reason
                        << "): publish the new verifier key (corridorctl audit key); "
                           "verifiers who pinned the old one follow the rotation";
  rotation.set_version(1);
  return rotation;
}

absl::Status FinishKeyRotation(const storage::Store& store, const std::string& key_path) {
  const std::string next_path = NextKeyPath(key_path);
  if (!FileExists(next_path)) return absl::OkStatus();
  CORRIDOR_ASSIGN_OR_RETURN(std::unique_ptr<storage::TreeSigner> next,
                            storage::TreeSigner::LoadOrCreate(next_path));
  CORRIDOR_ASSIGN_OR_RETURN(const std::vector<v1::SigningKeyRotation> rotations,
                            SigningKeyRotations(store));
  if (!rotations.empty() && rotations.back().public_key() == next->public_key()) {
    if (std::rename(next_path.c_str(), key_path.c_str()) != 0) {
      return absl::UnavailableError(
          absl::StrCat("cannot move the rotated key ", next_path, " to ", key_path));
    }
    CORRIDOR_LOG(WARNING) << "finished the key rotation a stop interrupted: " << key_path
                          << " is now the rotated key";
    return absl::OkStatus();
  }
  std::remove(next_path.c_str());
  CORRIDOR_LOG(INFO) << "removed " << next_path << ", the key of a rotation that never committed";
  return absl::OkStatus();
}

}  // namespace corridor
