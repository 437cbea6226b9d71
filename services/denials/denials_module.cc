#include "services/denials/denials_module.h"

#include "services/common/references.h"
#include "services/common/stored_parties.h"
#include "services/denials/denial_service.h"
#include "services/denials/denial_store.h"
#include "services/denials/denial_tables.h"

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
        service_(&denials_, &references_, access),
        stored_parties_("denials", &references_, [this](const std::vector<v1::Party>& parties) {
          return denials_.ResolveStoredParties(parties);
        }) {}

  std::vector<HostedService> Services() override {
    return {{&service_, v1::DenialService::service_full_name()}};
  }
  const ServiceStorage& storage() const override { return storage_; }
  void Start() override { stored_parties_.Start(); }

 private:
  ServiceStorage storage_;
  DenialStore denials_;
  References references_;
  DenialService service_;
  StoredPartyResolution stored_parties_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<ServiceModule>> OpenDenialsModule(const ModuleOptions& options) {
  if (options.peers == nullptr) {
    return absl::InternalError("the denials service needs a service directory");
  }
  absl::StatusOr<ServiceStorage> storage =
      OpenServiceStorage(options, {&DenialsTable().schema(), &DenialRevisionsTable().schema()});
  if (!storage.ok()) return storage.status();
  storage->derive_for_mirror = [](const std::string& table, const google::protobuf::Message* before,
                                  const google::protobuf::Message& after,
                                  storage::Mutation* mutation) {
    if (table != DenialsTable().schema().info().name) return;
    AddStatsCounterChange(static_cast<const v1::Denial*>(before),
                          static_cast<const v1::Denial&>(after), mutation);
  };
  return std::unique_ptr<ServiceModule>(
      new DenialsModule(*std::move(storage), options.peers, options.access));
}

}  // namespace corridor::denials
