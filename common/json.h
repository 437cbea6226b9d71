// JSON text for the few places that write JSON by hand (GeoJSON exports,
// the gateway's error bodies) rather than from a proto.
#ifndef CORRIDOR_COMMON_JSON_H_
#define CORRIDOR_COMMON_JSON_H_

#include <string>

#include "absl/strings/string_view.h"

namespace corridor {

// `text` as a JSON string literal, quotes included; control characters
// escaped. `text` is UTF-8 and passes through as it is.
std::string JsonString(absl::string_view text);

}  // namespace corridor

#endif  // CORRIDOR_COMMON_JSON_H_
