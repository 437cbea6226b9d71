#include "services/areas/area_tables.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/validation.h"
#include "storage/key_codec.h"

namespace corridor::areas {

using storage::KeyWriter;

std::string PartyKeyOf(const v1::Area& area) {
  if (!area.besieging_party_id().empty()) return area.besieging_party_id();
  return absl::AsciiStrToLower(area.besieging_party());
}

std::string PartyTerm(absl::string_view party_key) {
  return KeyWriter().String(party_key).Release();
}

const storage::Table<v1::Area>& AreasTable() {
  static const storage::Table<v1::Area>* table = [] {
    auto* t = new storage::Table<v1::Area>(
        {.name = "areas", .noun = "area", .key_field = "id"},
        [](const v1::Area& a) { return KeyWriter().String(a.id()).Release(); },
        [](const v1::Area& a) { return a.id(); });
    t->Index("status", [](const v1::Area& a) -> std::vector<std::string> {
      return {KeyWriter().Uint32(a.status()).Release()};
    });
    t->Index("governorate", [](const v1::Area& a) -> std::vector<std::string> {
      return {KeyWriter().String(a.governorate().pcode()).Release()};
    });
    t->Index("party", [](const v1::Area& a) -> std::vector<std::string> {
      if (a.besieging_party().empty()) return {};
      return {PartyTerm(PartyKeyOf(a))};
    });
    return t;
  }();
  return *table;
}

const storage::Table<v1::StatusChange>& StatusHistoryTable() {
  static const storage::Table<v1::StatusChange>* table = new storage::Table<v1::StatusChange>(
      {.name = "area_status_changes", .noun = "status change", .key_field = "area_id"},
      [](const v1::StatusChange& c) {
        return KeyWriter()
            .String(c.area_id())
            .Uint32(c.has_effective_date() ? DateNumber(c.effective_date()) : 0)
            .Uint64(c.sequence())
            .Release();
      },
      [](const v1::StatusChange& c) { return absl::StrCat(c.area_id(), " #", c.sequence()); });
  return *table;
}

}  // namespace corridor::areas
