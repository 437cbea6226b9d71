#include "services/incidents/incidents_module.h"

#include "services/common/references.h"
#include "services/incidents/incident_service.h"
#include "services/incidents/incident_store.h"
#include "services/incidents/incident_tables.h"

namespace corridor::incidents {
namespace {

// How long a call to the areas, routes or convoys service may take before the
// caller's request fails with UNAVAILABLE.
constexpr absl::Duration kReferenceTimeout = absl::Seconds(3);

class IncidentsModule final : public ServiceModule {
 public:
  IncidentsModule(ServiceStorage storage, const ServiceDirectory* peers,
                  const AccessControl* access)
      : storage_(std::move(storage)),
        incidents_(storage_.store.get()),
        references_(peers, kReferenceTimeout),
        service_(&incidents_, &references_, access) {}

  std::vector<HostedService> Services() override {
    return {{&service_, v1::IncidentService::service_full_name()}};
  }
  const ServiceStorage& storage() const override { return storage_; }

 private:
  ServiceStorage storage_;
  IncidentStore incidents_;
  References references_;
  IncidentService service_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<ServiceModule>> OpenIncidentsModule(const ModuleOptions& options) {
  if (options.peers == nullptr) {
    return absl::InternalError("the incidents service needs a service directory");
  }
  absl::StatusOr<ServiceStorage> storage =
      OpenServiceStorage(options, {&IncidentsTable().schema(), &IncidentRevisionsTable().schema()});
  if (!storage.ok()) return storage.status();
  storage->derive_for_mirror = [](const std::string& table, const google::protobuf::Message* before,
                                  const google::protobuf::Message& after,
                                  storage::Mutation* mutation) {
    if (table != IncidentsTable().schema().info().name) return;
    AddStatsCounterChange(static_cast<const v1::Incident*>(before),
                          static_cast<const v1::Incident&>(after), mutation);
  };
  return std::unique_ptr<ServiceModule>(
      new IncidentsModule(*std::move(storage), options.peers, options.access));
}

}  // namespace corridor::incidents
