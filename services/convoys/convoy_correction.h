// Corrections of convoys recorded in error (CorrectConvoy): which values may
// change in which state, and what changes with them. Pure functions over a
// convoy, used by the store and tested on their own.
#ifndef CORRIDOR_SERVICES_CONVOYS_CONVOY_CORRECTION_H_
#define CORRIDOR_SERVICES_CONVOYS_CONVOY_CORRECTION_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "corridor/v1/convoys.pb.h"

namespace corridor::convoys {

// Checks `correction` against the convoy as it stands and applies it, with
// what follows from it: APPROVED and PARTIALLY_APPROVED follow the people
// approved, the status date follows a corrected date of the current
// status, an outcome that is no denial drops the responsible party. On an
// error (INVALID_ARGUMENT naming `correction.<field>`, or
// FAILED_PRECONDITION when the convoy's state has no such value) the convoy
// may be half changed: apply to a copy.
absl::Status ApplyCorrection(const v1::ConvoyCorrection& correction, v1::Convoy* convoy);

// Each step of the convoy dated on or after the one before it: requested,
// then approved or denied, dispatched, the outcome. INVALID_ARGUMENT naming
// `field` (a transition's "occurred_on"), or, when `field` is empty,
// "correction.<date>" for the date that comes too early.
absl::Status CheckDateOrder(const v1::Convoy& convoy, absl::string_view field);

// Sets each manifest line's removed and refused quantities from `losses`
// (an outcome's, or a correction's). INVALID_ARGUMENT naming
// `<field>[i].line` for a line the manifest lacks, `<field>[i]` for more lost
// than the line carried.
absl::Status ApplyLosses(absl::string_view field,
                         const google::protobuf::RepeatedPtrField<v1::LineLoss>& losses,
                         v1::Convoy* convoy);

}  // namespace corridor::convoys

#endif  // CORRIDOR_SERVICES_CONVOYS_CONVOY_CORRECTION_H_
