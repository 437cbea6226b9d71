#include "services/routes/routes_module.h"

#include "absl/strings/str_cat.h"
#include "common/log.h"
#include "services/common/references.h"
#include "services/common/stored_parties.h"
#include "services/routes/reference_data.h"
#include "services/routes/route_service.h"
#include "services/routes/route_store.h"
#include "services/routes/route_tables.h"

namespace corridor::routes {
namespace {

// How long a call to the party registry may take before the caller's
// request fails with UNAVAILABLE.
constexpr absl::Duration kReferenceTimeout = absl::Seconds(3);

class RoutesModule final : public ServiceModule {
 public:
  RoutesModule(ServiceStorage storage, std::unique_ptr<RouteStore> routes,
               const ServiceDirectory* peers, const AccessControl* access)
      : storage_(std::move(storage)),
        routes_(std::move(routes)),
        references_(peers != nullptr ? peers : &no_peers_, kReferenceTimeout),
        service_(routes_.get(), &references_, access),
        stored_parties_("routes", &references_, [this](const std::vector<v1::Party>& parties) {
          return routes_->ResolveStoredParties(parties);
        }) {}

  std::vector<HostedService> Services() override {
    return {{&service_, v1::RouteService::service_full_name()}};
  }
  void BeginShutdown() override { service_.EndStreams(); }
  const ServiceStorage& storage() const override { return storage_; }
  void Start() override { stored_parties_.Start(); }

 private:
  ServiceStorage storage_;
  std::unique_ptr<RouteStore> routes_;
  // Without peers (a routes service on its own), a report that names a
  // controlling party is refused as UNAVAILABLE: the registry is out of
  // reach.
  ServiceDirectory no_peers_;
  References references_;
  RouteService service_;
  StoredPartyResolution stored_parties_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<ServiceModule>> OpenRoutesModule(const ModuleOptions& options) {
  absl::StatusOr<ServiceStorage> storage =
      OpenServiceStorage(options, {&RoutesTable().schema(), &RouteReportsTable().schema()});
  if (!storage.ok()) return storage.status();
  absl::StatusOr<std::unique_ptr<RouteStore>> routes = RouteStore::Open(storage->store.get());
  if (!routes.ok()) return routes.status();

  if (options.load_reference_data && !options.mirror) {
    absl::StatusOr<int> created = (*routes)->LoadReferenceData(
        ReferenceDataOrigin(), []() -> absl::StatusOr<RouteStore::Reference> {
          auto reference = ParseReferenceRoutes(EmbeddedRoutesCsv(), EmbeddedRouteEventsCsv());
          if (!reference.ok()) {
            return absl::InternalError(
                absl::StrCat("the built-in route reference data does not parse (",
                             reference.status().message(), "); rebuild from a clean checkout"));
          }
          return reference;
        });
    if (!created.ok()) return created.status();
    if (*created > 0) {
      CORRIDOR_LOG(INFO) << "routes: loaded " << *created
                         << " reference routes into Aleppo with their 2016 status history";
    }
  }
  return std::unique_ptr<ServiceModule>(
      new RoutesModule(*std::move(storage), *std::move(routes), options.peers, options.access));
}

}  // namespace corridor::routes
