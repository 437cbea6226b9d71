// What the record generators of the benchmarks share: the reference areas
// records are spread over, and the years they fall in.
#ifndef CORRIDOR_BENCHMARKS_GENERATED_RECORDS_H_
#define CORRIDOR_BENCHMARKS_GENERATED_RECORDS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "services/areas/reference_data.h"

namespace corridor {

// The 51 reference areas' ids (EG-DUMA alone if they cannot be read).
inline std::vector<std::string> ReferenceAreaIds() {
  std::vector<std::string> ids;
  auto areas = areas::ParseBesiegedAreasCsv(areas::EmbeddedBesiegedAreasCsv());
  if (areas.ok()) {
    for (const v1::CreateAreaRequest& a : *areas) ids.push_back(a.area().id());
  }
  if (ids.empty()) ids.push_back("EG-DUMA");
  return ids;
}

// Generated records occur from 2012-01-01 to 2019-12-31, in seconds.
inline constexpr int64_t kGeneratedFrom = 1325376000;
inline constexpr int64_t kGeneratedTo = 1577836799;

}  // namespace corridor

#endif  // CORRIDOR_BENCHMARKS_GENERATED_RECORDS_H_
