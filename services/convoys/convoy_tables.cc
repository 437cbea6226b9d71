#include "services/convoys/convoy_tables.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/validation.h"
#include "services/convoys/convoy_lifecycle.h"
#include "storage/key_codec.h"

namespace corridor::convoys {

using storage::KeyWriter;

std::string AgencyTerm(absl::string_view agency) {
  return KeyWriter().String(absl::AsciiStrToLower(agency)).Release();
}

const storage::Table<v1::Convoy>& ConvoysTable() {
  static const storage::Table<v1::Convoy>* table = [] {
    auto* t = new storage::Table<v1::Convoy>(
        {.name = "convoys", .noun = "convoy", .key_field = "id"},
        [](const v1::Convoy& c) { return KeyWriter().String(c.id()).Release(); },
        [](const v1::Convoy& c) { return c.id(); });
    auto planned = [](const v1::Convoy& c) { return DateNumber(c.planned_date()); };
    t->Index("area", [planned](const v1::Convoy& c) -> std::vector<std::string> {
      return {KeyWriter().String(c.area_id()).Uint32(planned(c)).Release()};
    });
    t->Index("route", [planned](const v1::Convoy& c) -> std::vector<std::string> {
      if (c.route_id().empty()) return {};
      return {KeyWriter().String(c.route_id()).Uint32(planned(c)).Release()};
    });
    t->Index("agency", [planned](const v1::Convoy& c) -> std::vector<std::string> {
      return {KeyWriter().Raw(AgencyTerm(c.agency())).Uint32(planned(c)).Release()};
    });
    t->Index("status", [planned](const v1::Convoy& c) -> std::vector<std::string> {
      return {KeyWriter().Uint32(c.status()).Uint32(planned(c)).Release()};
    });
    t->Index("planned", [planned](const v1::Convoy& c) -> std::vector<std::string> {
      return {KeyWriter().Uint32(planned(c)).Release()};
    });
    t->Index("delivered", [](const v1::Convoy& c) -> std::vector<std::string> {
      // Aid only: an evacuation is no delivery to the area.
      if (!WasDelivered(c.status()) || c.kind() == v1::REQUEST_KIND_MEDICAL_EVACUATION) return {};
      return {KeyWriter().String(c.area_id()).Uint32(DateNumber(c.outcome_date())).Release()};
    });
    return t;
  }();
  return *table;
}

const storage::Table<v1::ConvoyEvent>& ConvoyEventsTable() {
  static const storage::Table<v1::ConvoyEvent>* table = new storage::Table<v1::ConvoyEvent>(
      {.name = "convoy_events", .noun = "convoy event", .key_field = "convoy_id"},
      [](const v1::ConvoyEvent& e) {
        return KeyWriter().String(e.convoy_id()).Uint64(e.sequence()).Release();
      },
      [](const v1::ConvoyEvent& e) { return absl::StrCat(e.convoy_id(), " #", e.sequence()); });
  return *table;
}

}  // namespace corridor::convoys
