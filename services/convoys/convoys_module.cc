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
  ConvoysModule(ServiceStorage storage, const ServiceDirectory* peers)
      : storage_(std::move(storage)),
        convoys_(storage_.store.get()),
        references_(peers, kReferenceTimeout),
        service_(&convoys_, &references_) {}

  std::vector<HostedService> Services() override {
    return {{&service_, v1::ConvoyService::service_full_name()}};
  }
  const ServiceStorage& storage() const override { return storage_; }

 private:
  ServiceStorage storage_;
  ConvoyStore convoys_;
  References references_;
  ConvoyService service_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<ServiceModule>> OpenConvoysModule(const ModuleOptions& options) {
  if (options.peers == nullptr) {
    return absl::InternalError("the convoys service needs a service directory");
  }
  absl::StatusOr<ServiceStorage> storage = OpenServiceStorage(options);
  if (!storage.ok()) return storage.status();
  return std::unique_ptr<ServiceModule>(new ConvoysModule(*std::move(storage), options.peers));
}

}  // namespace corridor::convoys
