#include "services/module.h"

#include "common/log.h"

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
  absl::StatusOr<std::unique_ptr<storage::TreeSigner>> signer =
      storage::TreeSigner::LoadOrCreate(options.data_dir + "/journal-signing-key.pem");
  if (!signer.ok()) return signer.status();
  opened.signer = *std::move(signer);
  return opened;
}

}  // namespace corridor
