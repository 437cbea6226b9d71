#include "services/areas/areas_module.h"

#include "absl/strings/str_cat.h"
#include "common/log.h"
#include "services/areas/area_service.h"
#include "services/areas/area_store.h"
#include "services/areas/reference_data.h"

namespace corridor::areas {
namespace {

class AreasModule final : public ServiceModule {
 public:
  explicit AreasModule(std::unique_ptr<storage::Store> store)
      : store_(std::move(store)), areas_(store_.get()), service_(&areas_) {}

  std::vector<HostedService> Services() override {
    return {{&service_, v1::AreaService::service_full_name()}};
  }

 private:
  std::unique_ptr<storage::Store> store_;
  AreaStore areas_;
  AreaService service_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<ServiceModule>> OpenAreasModule(const ModuleOptions& options) {
  storage::StoreOptions store_options;
  store_options.path = options.data_dir;
  store_options.sync = options.sync;
  absl::StatusOr<std::unique_ptr<storage::Store>> store = storage::Store::Open(store_options);
  if (!store.ok()) return store.status();

  if (options.load_reference_data) {
    AreaStore areas(store->get());
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
  return std::unique_ptr<ServiceModule>(new AreasModule(*std::move(store)));
}

}  // namespace corridor::areas
