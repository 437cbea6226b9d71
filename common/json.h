// JSON text for the places that write JSON by hand (GeoJSON exports, the
// gateway's error bodies and its answers, clients/web/json_printer.h).
#ifndef CORRIDOR_COMMON_JSON_H_
#define CORRIDOR_COMMON_JSON_H_

#include <string>

#include "absl/strings/string_view.h"

namespace corridor {

// Appends `text` as a JSON string literal, quotes included, escaped as
// protobuf's JSON printer escapes: the quote and backslash, control
// characters, < and > (for HTML), and invisible format characters
// (U+00AD, U+200B..U+200F, U+2028..U+202E, U+FEFF...), as \uXXXX. Other
// UTF-8 passes through as it is. Where `text` is not UTF-8: each bad byte
// becomes U+FFFD with `replace_invalid`; otherwise it returns false, with
// `out` unspecified.
bool AppendJsonString(absl::string_view text, std::string* out, bool replace_invalid);

// `text` as a JSON string literal (AppendJsonString, replacing what is not
// UTF-8).
std::string JsonString(absl::string_view text);

}  // namespace corridor

#endif  // CORRIDOR_COMMON_JSON_H_
