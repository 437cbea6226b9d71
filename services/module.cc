#include "services/module.h"

namespace corridor {

absl::StatusOr<ServiceStorage> OpenServiceStorage(const ModuleOptions& options) {
  storage::StoreOptions store_options;
  store_options.path = options.data_dir;
  store_options.sync = options.sync;
  ServiceStorage opened;
  absl::StatusOr<std::unique_ptr<storage::Store>> store = storage::Store::Open(store_options);
  if (!store.ok()) return store.status();
  opened.store = *std::move(store);
  absl::StatusOr<std::unique_ptr<storage::TreeSigner>> signer =
      storage::TreeSigner::LoadOrCreate(options.data_dir + "/journal-signing-key.pem");
  if (!signer.ok()) return signer.status();
  opened.signer = *std::move(signer);
  return opened;
}

}  // namespace corridor
