#include "services/convoys/convoys_module.h"

#include "services/convoys/convoy_service.h"
#include "services/convoys/convoy_store.h"
#include "services/convoys/references.h"

namespace corridor::convoys {
namespace {

// How long a call to the areas or routes service may take before the
// caller's request fails with UNAVAILABLE.
constexpr absl::Duration kReferenceTimeout = absl::Seconds(3);

class ConvoysModule final : public ServiceModule {
 public:
  ConvoysModule(std::unique_ptr<storage::Store> store, const ServiceDirectory* peers)
      : store_(std::move(store)),
        convoys_(store_.get()),
        references_(peers, kReferenceTimeout),
        service_(&convoys_, &references_) {}

  std::vector<HostedService> Services() override {
    return {{&service_, v1::ConvoyService::service_full_name()}};
  }

 private:
  std::unique_ptr<storage::Store> store_;
  ConvoyStore convoys_;
  References references_;
  ConvoyService service_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<ServiceModule>> OpenConvoysModule(const ModuleOptions& options) {
  if (options.peers == nullptr) {
    return absl::InternalError("the convoys service needs a service directory");
  }
  storage::StoreOptions store_options;
  store_options.path = options.data_dir;
  store_options.sync = options.sync;
  absl::StatusOr<std::unique_ptr<storage::Store>> store = storage::Store::Open(store_options);
  if (!store.ok()) return store.status();
  return std::unique_ptr<ServiceModule>(new ConvoysModule(*std::move(store), options.peers));
}

}  // namespace corridor::convoys
