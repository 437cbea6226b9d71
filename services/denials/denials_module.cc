#include "services/denials/denials_module.h"

#include "services/denials/denial_service.h"
#include "services/denials/denial_store.h"
#include "services/denials/denial_tables.h"
#include "services/common/references.h"

namespace corridor::denials {
namespace {

// How long a call to the areas, routes or convoys service may take before the
// caller's request fails with UNAVAILABLE.
constexpr absl::Duration kReferenceTimeout = absl::Seconds(3);

class DenialsModule final : public ServiceModule {
 public:
  DenialsModule(ServiceStorage storage, const ServiceDirectory* peers, const AccessControl* access)
      : storage_(std::move(storage)),
        denials_(storage_.store.get()),
        references_(peers, kReferenceTimeout),
        service_(&denials_, &references_, access) {}

  std::vector<HostedService> Services() override {
    return {{&service_, v1::DenialService::service_full_name()}};
  }
  const ServiceStorage& storage() const override { return storage_; }

 private:
  ServiceStorage storage_;
  DenialStore denials_;
  References references_;
  DenialService service_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<ServiceModule>> OpenDenialsModule(const ModuleOptions& options) {
  if (options.peers == nullptr) {
    return absl::InternalError("the denials service needs a service directory");
  }
  absl::StatusOr<ServiceStorage> storage =
      OpenServiceStorage(options, {&DenialsTable().schema(), &DenialRevisionsTable().schema()});
  if (!storage.ok()) return storage.status();
  return std::unique_ptr<ServiceModule>(
      new DenialsModule(*std::move(storage), options.peers, options.access));
}

}  // namespace corridor::denials
