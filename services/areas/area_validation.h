// Request validation for the areas service: pure functions, no storage.
// Each returns INVALID_ARGUMENT naming the first bad field, or OK.
#ifndef CORRIDOR_SERVICES_AREAS_AREA_VALIDATION_H_
#define CORRIDOR_SERVICES_AREAS_AREA_VALIDATION_H_

#include "absl/status/status.h"
#include "corridor/v1/areas.pb.h"

namespace corridor::areas {

inline constexpr size_t kMaxNameBytes = 200;
inline constexpr size_t kMaxNotesBytes = 4000;
inline constexpr int kMaxAltNames = 20;

absl::Status ValidateAreaId(absl::string_view field, absl::string_view id);
// A known, specified status.
absl::Status ValidateStatus(absl::string_view field, int status);
// The descriptive fields of an area (not status or server-maintained ones).
absl::Status ValidateAreaFields(absl::string_view field, const v1::Area& area);

absl::Status ValidateCreate(const v1::CreateAreaRequest& request);
absl::Status ValidateUpdate(const v1::UpdateAreaRequest& request);
absl::Status ValidateStatusChange(const v1::RecordStatusChangeRequest& request);
absl::Status ValidateList(const v1::ListAreasRequest& request);

}  // namespace corridor::areas

#endif  // CORRIDOR_SERVICES_AREAS_AREA_VALIDATION_H_
