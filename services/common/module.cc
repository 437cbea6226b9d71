#include "services/common/module.h"

#include <sys/stat.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/log.h"
#include "common/validation.h"

namespace corridor {
namespace {

constexpr char kSigningKeyBesideStore[] = "journal-signing-key.pem";

bool FileExists(const std::string& path) {
  struct stat info;
  return stat(path.c_str(), &info) == 0;
}

}  // namespace

absl::StatusOr<ServiceStorage> OpenServiceStorage(
    const ModuleOptions& options, const std::vector<const storage::TableSchema*>& tables) {
  storage::StoreOptions store_options;
  store_options.path = options.data_dir;
  store_options.sync = options.sync;
  ServiceStorage opened;
  absl::StatusOr<std::unique_ptr<storage::Store>> store = storage::Store::Open(store_options);
  if (!store.ok()) return store.status();
  opened.store = *std::move(store);
  opened.tables = tables;
  for (const storage::TableSchema* table : tables) {
    absl::Status built =
        opened.store->BuildMissingIndexes(*table, [&](const std::string& index, uint64_t records) {
          CORRIDOR_LOG(INFO) << options.data_dir << ": building index " << index << " of "
                             << table->info().name << ": " << records << " records so far";
        });
    if (!built.ok()) return built;
  }
  const std::string beside = options.data_dir + "/" + kSigningKeyBesideStore;
  const bool kept_apart = !options.signing_key_path.empty();
  const std::string key_path = kept_apart ? options.signing_key_path : beside;
  if (kept_apart && !FileExists(key_path) && FileExists(beside)) {
    // A new key would sign a journal the old one signed: every pinned key
    // would fail. Moving the key is the operator's act, not ours.
    return absl::FailedPreconditionError(absl::StrCat(
        "the journal of ", options.data_dir, " is signed with the key in ", beside,
        ", and there is none at ", key_path, ": move it there (mv ", beside, " ", key_path,
        ") so that its signatures stay valid, or start without the key folder"));
  }
  absl::StatusOr<std::unique_ptr<storage::TreeSigner>> signer =
      storage::TreeSigner::LoadOrCreate(key_path);
  if (!signer.ok()) return signer.status();
  if (kept_apart && FileExists(beside)) {
    CORRIDOR_LOG(WARNING) << "a copy of a journal signing key is still at " << beside
                          << ", where backups copy it: remove it once " << key_path
                          << " is known to be the same key";
  }
  if (!kept_apart) opened.files_beside_store = {key_path};
  opened.signer = *std::move(signer);
  return opened;
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
