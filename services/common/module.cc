#include "services/common/module.h"

#include <sys/stat.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/log.h"
#include "common/status_macros.h"
#include "common/validation.h"
#include "services/common/key_rotation.h"

namespace corridor {
namespace {

constexpr char kSigningKeyBesideStore[] = "journal-signing-key.pem";

bool FileExists(const std::string& path) {
  struct stat info;
  return stat(path.c_str(), &info) == 0;
}

// A key that a rotation retired (from a backup made before it) must not
// sign again: heads it signs would be refused by every verifier.
absl::Status CheckKeyIsTheLastRotated(const storage::Store& store,
                                      const storage::TreeSigner& signer,
                                      const std::string& key_path) {
  CORRIDOR_ASSIGN_OR_RETURN(const std::vector<v1::SigningKeyRotation> rotations,
                            SigningKeyRotations(store));
  if (rotations.empty() || rotations.back().public_key() == signer.public_key()) {
    return absl::OkStatus();
  }
  return absl::FailedPreconditionError(absl::StrCat(
      "the key at ", key_path, " is not the one the journal's last key rotation (",
      rotations.back().sequence(),
      ") names: a retired key (from a backup made before the rotation?) must not sign again. "
      "Put the rotated key back, or, for a key truly lost, start with --allow_new_signing_key "
      "and publish the new verifier key"));
}

}  // namespace

absl::StatusOr<ServiceStorage> OpenServiceStorage(
    const ModuleOptions& options, const std::vector<const storage::TableSchema*>& tables) {
  storage::StoreOptions store_options;
  store_options.path = options.data_dir;
  store_options.sync = options.sync;
  store_options.replica = options.mirror;
  ServiceStorage opened;
  absl::StatusOr<std::unique_ptr<storage::Store>> store = storage::Store::Open(store_options);
  if (!store.ok()) return store.status();
  opened.store = *std::move(store);
  opened.tables = tables;
  opened.tables.push_back(&SigningKeyRotationsTable().schema());
  for (const storage::TableSchema* table : tables) {
    absl::Status built =
        opened.store->BuildMissingIndexes(*table, [&](const std::string& index, uint64_t records) {
          CORRIDOR_LOG(INFO) << options.data_dir << ": building index " << index << " of "
                             << table->info().name << ": " << records << " records so far";
        });
    if (!built.ok()) return built;
  }
  if (options.mirror) return opened;  // the primary's key signs what it serves
  const std::string beside = options.data_dir + "/" + kSigningKeyBesideStore;
  const bool kept_apart = !options.signing_key_path.empty();
  const std::string key_path = kept_apart ? options.signing_key_path : beside;
  CORRIDOR_RETURN_IF_ERROR(FinishKeyRotation(*opened.store, key_path));
  if (kept_apart && !FileExists(key_path) && FileExists(beside)) {
    // A new key would sign a journal the old one signed: every pinned key
    // would fail. Moving the key is the operator's act, not ours.
    return absl::FailedPreconditionError(absl::StrCat(
        "the journal of ", options.data_dir, " is signed with the key in ", beside,
        ", and there is none at ", key_path, ": move it there (mv ", beside, " ", key_path,
        ") so that its signatures stay valid, or start without the key folder"));
  }
  const uint64_t entries = opened.store->journal_head().size;
  if (!FileExists(key_path) && entries > 0 && !options.allow_new_signing_key) {
    // Verifiers pinned the key that signed this journal's heads: a new one
    // would make every pin fail, and would be an operator's excuse.
    return absl::FailedPreconditionError(absl::StrCat(
        "the journal of ", options.data_dir, " has ", entries,
        " entries but its signing key is not at ", key_path,
        ": put the key that signed it there (a restored backup of data kept apart from its "
        "key needs the key folder, --signing_key_dir). Only to start a new key deliberately, "
        "start with --allow_new_signing_key and publish the new verifier key: every pinned "
        "key stops verifying"));
  }
  const bool key_existed = FileExists(key_path);
  absl::StatusOr<std::unique_ptr<storage::TreeSigner>> signer =
      storage::TreeSigner::LoadOrCreate(key_path);
  if (!signer.ok()) return signer.status();
  if (kept_apart && FileExists(beside)) {
    absl::StatusOr<std::unique_ptr<storage::TreeSigner>> copy =
        storage::TreeSigner::LoadOrCreate(beside);
    if (!copy.ok()) return copy.status();
    if ((*copy)->public_key() != (*signer)->public_key()) {
      return absl::FailedPreconditionError(absl::StrCat(
          "two different journal signing keys: ", key_path, " and ", beside,
          ". The journal's heads were signed with one of them; keep that one at ", key_path,
          " and move the other away (corridorctl audit key shows the key verifiers pinned)"));
    }
    CORRIDOR_LOG(WARNING) << "a copy of the journal signing key " << key_path << " is still at "
                          << beside << ", in the data folder: remove it, so that a copy of "
                          << "the data cannot sign";
  }
  if (entries > 0 && options.allow_new_signing_key && !key_existed) {
    CORRIDOR_LOG(WARNING) << "a NEW journal signing key for " << options.data_dir << " (its "
                          << entries << " entries were signed with another): publish the new "
                          << "verifier key (corridorctl audit key); every pinned key fails";
  }
  if (!options.allow_new_signing_key) {
    CORRIDOR_RETURN_IF_ERROR(CheckKeyIsTheLastRotated(*opened.store, **signer, key_path));
  }
  if (!kept_apart) opened.files_beside_store = {key_path};
  opened.signing_key_path = key_path;
  opened.signer = *std::move(signer);
  return opened;
}

const storage::TableSchema* FindTable(const ServiceStorage& storage, absl::string_view name) {
  for (const storage::TableSchema* table : storage.tables) {
    if (table->info().name == name) return table;
  }
  return nullptr;
}

absl::StatusOr<const ServiceStorage*> FindHostedStorage(const HostedStorage& hosted,
                                                        const std::string& service,
                                                        std::string* name) {
  if (service.empty() && hosted.size() == 1) {
    *name = hosted.begin()->first;
    return hosted.begin()->second;
  }
  auto it = hosted.find(service);
  if (it == hosted.end()) {
    std::vector<std::string> names;
    for (const auto& [n, unused] : hosted) names.push_back(n);
    return InvalidField(
        "service",
        absl::StrCat(service.empty() ? "is required" : "\"" + service + "\" is not served here",
                     "; this server keeps the databases of: ", absl::StrJoin(names, ", ")));
  }
  *name = it->first;
  return it->second;
}

}  // namespace corridor
