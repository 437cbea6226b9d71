#include "services/areas/areas_module.h"

#include "absl/strings/str_cat.h"
#include "common/log.h"
#include "services/areas/area_service.h"
#include "services/areas/area_store.h"
#include "services/areas/area_tables.h"
#include "services/areas/party_service.h"
#include "services/areas/party_store.h"
#include "services/areas/reference_data.h"

namespace corridor::areas {
namespace {

class AreasModule final : public ServiceModule {
 public:
  AreasModule(ServiceStorage storage, const AccessControl* access)
      : storage_(std::move(storage)),
        parties_(storage_.store.get()),
        areas_(storage_.store.get(), &parties_),
        service_(&areas_, access),
        party_service_(&parties_, access, [this] { ResolveStoredParties(); }) {}

  std::vector<HostedService> Services() override {
    return {{&service_, v1::AreaService::service_full_name()},
            {&party_service_, v1::PartyService::service_full_name()}};
  }
  const ServiceStorage& storage() const override { return storage_; }

 private:
  // Areas stored under a spelling the registry has just learnt get its
  // party at once; a failure is logged and left for the next start.
  void ResolveStoredParties() {
    absl::StatusOr<PartyResolution> resolution = areas_.ResolveStoredParties();
    if (resolution.ok()) {
      LogPartyResolution("areas", *resolution);
    } else {
      CORRIDOR_LOG(WARNING) << "areas: stored besieging parties not resolved after a registry "
                               "change ("
                            << resolution.status().message() << "); the next start does it";
    }
  }

  ServiceStorage storage_;
  PartyStore parties_;
  AreaStore areas_;
  AreaService service_;
  PartyService party_service_;
};

absl::Status BuiltInDoesNotParse(absl::string_view file, const absl::Status& status) {
  return absl::InternalError(absl::StrCat("the built-in ", file, " does not parse (",
                                          status.message(), "); rebuild from a clean checkout"));
}

// The registry first, so that the reference areas' besieging parties
// resolve in it; then every area stored before a spelling was known.
absl::Status LoadReferenceData(storage::Store* store) {
  PartyStore parties(store);
  absl::StatusOr<int> created_parties = parties.LoadReferenceData(
      ReferenceDataOrigin(), []() -> absl::StatusOr<std::vector<v1::Party>> {
        auto reference = ParsePartiesCsv(EmbeddedPartiesCsv());
        if (!reference.ok()) return BuiltInDoesNotParse("parties.csv", reference.status());
        return reference;
      });
  if (!created_parties.ok()) return created_parties.status();
  if (*created_parties > 0) {
    CORRIDOR_LOG(INFO) << "areas: loaded " << *created_parties
                       << " parties into the party registry (data/reference/parties.csv)";
  }
  AreaStore areas(store, &parties);
  absl::StatusOr<int> created = areas.LoadReferenceData(
      ReferenceDataOrigin(), []() -> absl::StatusOr<std::vector<v1::CreateAreaRequest>> {
        auto reference = ParseBesiegedAreasCsv(EmbeddedBesiegedAreasCsv());
        if (!reference.ok()) return BuiltInDoesNotParse("besieged_areas.csv", reference.status());
        return reference;
      });
  if (!created.ok()) return created.status();
  if (*created > 0) {
    CORRIDOR_LOG(INFO) << "areas: loaded " << *created
                       << " reference areas (Siege Watch / UN listings 2016-2017)";
  }
  return absl::OkStatus();
}

absl::Status ResolveStoredParties(storage::Store* store) {
  PartyStore parties(store);
  AreaStore areas(store, &parties);
  absl::StatusOr<PartyResolution> resolution = areas.ResolveStoredParties();
  if (!resolution.ok()) return resolution.status();
  LogPartyResolution("areas", *resolution);
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::unique_ptr<ServiceModule>> OpenAreasModule(const ModuleOptions& options) {
  absl::StatusOr<ServiceStorage> storage = OpenServiceStorage(
      options, {&AreasTable().schema(), &StatusHistoryTable().schema(), &PartiesTable().schema()});
  if (!storage.ok()) return storage.status();
  if (options.mirror) {
    return std::unique_ptr<ServiceModule>(new AreasModule(*std::move(storage), options.access));
  }
  if (options.load_reference_data) {
    if (absl::Status loaded = LoadReferenceData(storage->store.get()); !loaded.ok()) return loaded;
  }
  if (absl::Status resolved = ResolveStoredParties(storage->store.get()); !resolved.ok()) {
    return resolved;
  }
  return std::unique_ptr<ServiceModule>(new AreasModule(*std::move(storage), options.access));
}

}  // namespace corridor::areas
