#include "services/areas/areas_module.h"

#include "absl/strings/str_cat.h"
#include "common/log.h"
#include "services/areas/area_service.h"
#include "services/areas/area_store.h"
#include "services/areas/area_tables.h"
#include "services/areas/reference_data.h"

namespace corridor::areas {
namespace {

class AreasModule final : public ServiceModule {
 public:
  AreasModule(ServiceStorage storage, const AccessControl* access)
      : storage_(std::move(storage)), areas_(storage_.store.get()), service_(&areas_, access) {}

  std::vector<HostedService> Services() override {
    return {{&service_, v1::AreaService::service_full_name()}};
  }
  const ServiceStorage& storage() const override { return storage_; }

 private:
  ServiceStorage storage_;
  AreaStore areas_;
  AreaService service_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<ServiceModule>> OpenAreasModule(const ModuleOptions& options) {
  absl::StatusOr<ServiceStorage> storage =
      OpenServiceStorage(options, {&AreasTable().schema(), &StatusHistoryTable().schema()});
  if (!storage.ok()) return storage.status();

  if (options.load_reference_data) {
    AreaStore areas(storage->store.get());
    absl::StatusOr<int> created = areas.LoadReferenceData(
        ReferenceDataOrigin(), []() -> absl::StatusOr<std::vector<v1::CreateAreaRequest>> {
          auto reference = ParseBesiegedAreasCsv(EmbeddedBesiegedAreasCsv());
          if (!reference.ok()) {
            return absl::InternalError(absl::StrCat("the built-in reference data does not parse (",
                                                    reference.status().message(),
                                                    "); rebuild from a clean checkout"));
          }
          return reference;
        });
    if (!created.ok()) return created.status();
    if (*created > 0) {
      CORRIDOR_LOG(INFO) << "areas: loaded " << *created
                         << " reference areas (Siege Watch / UN listings 2016-2017)";
    }
  }
  return std::unique_ptr<ServiceModule>(new AreasModule(*std::move(storage), options.access));
}

}  // namespace corridor::areas
