#include "services/common/module.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/log.h"
#include "common/validation.h"

namespace corridor {

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
  const std::string key_path = options.data_dir + "/journal-signing-key.pem";
  absl::StatusOr<std::unique_ptr<storage::TreeSigner>> signer =
      storage::TreeSigner::LoadOrCreate(key_path);
  if (!signer.ok()) return signer.status();
  opened.files_beside_store = {key_path};
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
