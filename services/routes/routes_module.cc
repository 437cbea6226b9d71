#include "services/routes/routes_module.h"

#include "absl/strings/str_cat.h"
#include "common/log.h"
#include "services/routes/reference_data.h"
#include "services/routes/route_service.h"
#include "services/routes/route_store.h"
#include "services/routes/route_tables.h"

namespace corridor::routes {
namespace {

class RoutesModule final : public ServiceModule {
 public:
  RoutesModule(ServiceStorage storage, std::unique_ptr<RouteStore> routes,
               const AccessControl* access)
      : storage_(std::move(storage)), routes_(std::move(routes)), service_(routes_.get(), access) {}

  std::vector<HostedService> Services() override {
    return {{&service_, v1::RouteService::service_full_name()}};
  }
  void BeginShutdown() override { service_.EndStreams(); }
  const ServiceStorage& storage() const override { return storage_; }

 private:
  ServiceStorage storage_;
  std::unique_ptr<RouteStore> routes_;
  RouteService service_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<ServiceModule>> OpenRoutesModule(const ModuleOptions& options) {
  absl::StatusOr<ServiceStorage> storage =
      OpenServiceStorage(options, {&RoutesTable().schema(), &RouteReportsTable().schema()});
  if (!storage.ok()) return storage.status();
  absl::StatusOr<std::unique_ptr<RouteStore>> routes = RouteStore::Open(storage->store.get());
  if (!routes.ok()) return routes.status();

  if (options.load_reference_data) {
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
      new RoutesModule(*std::move(storage), *std::move(routes), options.access));
}

}  // namespace corridor::routes
