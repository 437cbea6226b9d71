#include "services/routes/route_tables.h"

#include "absl/strings/str_cat.h"
#include "google/protobuf/util/time_util.h"
#include "storage/key_codec.h"

namespace corridor::routes {

using google::protobuf::util::TimeUtil;
using storage::KeyWriter;

const storage::Table<v1::Route>& RoutesTable() {
  static const storage::Table<v1::Route>* table = [] {
    auto* t = new storage::Table<v1::Route>(
        {.name = "routes", .noun = "route", .key_field = "id"},
        [](const v1::Route& r) { return KeyWriter().String(r.id()).Release(); },
        [](const v1::Route& r) { return r.id(); });
    t->Index("serves", [](const v1::Route& r) {
      std::vector<std::string> terms;
      for (const std::string& area : r.serves_area_ids()) {
        terms.push_back(KeyWriter().String(area).Release());
      }
      return terms;
    });
    t->Index("status", [](const v1::Route& r) -> std::vector<std::string> {
      return {KeyWriter().Uint32(r.status()).Release()};
    });
    return t;
  }();
  return *table;
}

const storage::Table<v1::RouteReport>& RouteReportsTable() {
  static const storage::Table<v1::RouteReport>* table = [] {
    auto* t = new storage::Table<v1::RouteReport>(
        {.name = "route_reports", .noun = "route report", .key_field = "position"},
        [](const v1::RouteReport& r) {
          return KeyWriter().Uint64(static_cast<uint64_t>(r.position())).Release();
        },
        [](const v1::RouteReport& r) { return absl::StrCat("#", r.position()); });
    t->Index("route", [](const v1::RouteReport& r) -> std::vector<std::string> {
      return {KeyWriter()
                  .String(r.route_id())
                  .Int64(TimeUtil::TimestampToMicroseconds(r.observed_at()))
                  .Uint64(static_cast<uint64_t>(r.position()))
                  .Release()};
    });
    return t;
  }();
  return *table;
}

}  // namespace corridor::routes
