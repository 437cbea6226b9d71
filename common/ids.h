// Ids derived from idempotency keys, so that a retried request finds the
// record its first attempt created.
#ifndef CORRIDOR_COMMON_IDS_H_
#define CORRIDOR_COMMON_IDS_H_

#include <string>

#include "absl/strings/string_view.h"

namespace corridor {

// `prefix` followed by the first 16 hex digits of SHA-256(input), e.g.
// DerivedId("cv-", ...) = "cv-3f2a9c0d41b7e655".
std::string DerivedId(absl::string_view prefix, absl::string_view input);

}  // namespace corridor

#endif  // CORRIDOR_COMMON_IDS_H_
