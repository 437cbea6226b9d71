// The size limits the contract declares on fields ((corridor.v1.limit),
// proto/corridor/v1/limits.proto), enforced from the declarations
// themselves, so that what a partner reads and what a server refuses
// cannot differ.
#ifndef CORRIDOR_COMMON_FIELD_LIMITS_H_
#define CORRIDOR_COMMON_FIELD_LIMITS_H_

#include <string>

#include "absl/status/status.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"

namespace corridor {

// OK, or INVALID_ARGUMENT naming the first field of `message` (or of a
// message inside it) over its declared limit, as "manifest[2].unit: is 51
// bytes long; the limit is 50" or "alt_names: has 21 items; the limit is
// 20". Fields without a declaration are not limited here.
absl::Status CheckFieldLimits(const google::protobuf::Message& message);

// The declared limit of `field`: max_bytes and max_items, 0 where none.
struct DeclaredLimit {
  uint32_t max_bytes = 0;
  uint32_t max_items = 0;
};
DeclaredLimit LimitOf(const google::protobuf::FieldDescriptor& field);

}  // namespace corridor

#endif  // CORRIDOR_COMMON_FIELD_LIMITS_H_
