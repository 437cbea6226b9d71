// A table for storage tests: records keyed by id, with a single-term index
// ("status") and a multi-term one ("alt", one entry per alternative name).
#ifndef CORRIDOR_TESTS_TESTING_TEST_TABLE_H_
#define CORRIDOR_TESTS_TESTING_TEST_TABLE_H_

#include <string>
#include <vector>

#include "corridor/v1/areas.pb.h"
#include "storage/key_codec.h"
#include "storage/table.h"

namespace corridor::testing {

inline const storage::Table<v1::Area>& ThingsTable() {
  static const storage::Table<v1::Area>* table = [] {
    using storage::KeyWriter;
    auto* t = new storage::Table<v1::Area>(
        {.name = "things", .noun = "thing", .key_field = "id"},
        [](const v1::Area& a) { return KeyWriter().String(a.id()).Release(); },
        [](const v1::Area& a) { return a.id(); });
    t->Index("status", [](const v1::Area& a) -> std::vector<std::string> {
      return {KeyWriter().Uint32(a.status()).Release()};
    });
    t->Index("alt", [](const v1::Area& a) {
      std::vector<std::string> terms;
      for (const std::string& name : a.alt_names()) {
        terms.push_back(KeyWriter().String(name).Release());
      }
      return terms;
    });
    return t;
  }();
  return *table;
}

}  // namespace corridor::testing

#endif  // CORRIDOR_TESTS_TESTING_TEST_TABLE_H_
