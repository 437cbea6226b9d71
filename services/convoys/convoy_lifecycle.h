// The convoy life cycle as data: which status may follow which. Pure
// functions, used by the store and tested on their own.
//
//   REQUESTED -> APPROVED | PARTIALLY_APPROVED | DENIED | CANCELLED
//   APPROVED, PARTIALLY_APPROVED -> DISPATCHED | CANCELLED
//   DISPATCHED -> DELIVERED | PARTIALLY_DELIVERED | TURNED_BACK | ATTACKED | CANCELLED
//   everything else is final.
#ifndef CORRIDOR_SERVICES_CONVOYS_CONVOY_LIFECYCLE_H_
#define CORRIDOR_SERVICES_CONVOYS_CONVOY_LIFECYCLE_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "corridor/v1/convoys.pb.h"

namespace corridor::convoys {

// The statuses a convoy in `from` may move to; empty for a final status.
std::vector<v1::ConvoyStatus> NextStatuses(v1::ConvoyStatus from);

bool IsFinal(v1::ConvoyStatus status);
bool IsAllowed(v1::ConvoyStatus from, v1::ConvoyStatus to);

// The fewest transitions that bring a convoy from `from` to `to`, in order
// (`to` last); the earlier of two equally short ways is the one that
// NextStatuses lists first (APPROVED before PARTIALLY_APPROVED). Empty
// when `to` is `from` or cannot be reached from it.
std::vector<v1::ConvoyStatus> PathTo(v1::ConvoyStatus from, v1::ConvoyStatus to);

// OK, or FAILED_PRECONDITION naming the convoy's current status and what it
// may become instead.
absl::Status CheckTransition(absl::string_view convoy_id, v1::ConvoyStatus from,
                             v1::ConvoyStatus to);

// "PARTIALLY_DELIVERED" for CONVOY_STATUS_PARTIALLY_DELIVERED.
std::string StatusName(v1::ConvoyStatus status);

// Delivered fully or partly.
bool WasDelivered(v1::ConvoyStatus status);

// One of RecordConvoyOutcome's statuses: delivered fully or partly, turned
// back, attacked, cancelled.
bool IsOutcome(v1::ConvoyStatus status);

// Whether a convoy in `status` stands as a denial in the denials service
// (denied, turned back, attacked).
bool RelaysDenial(v1::ConvoyStatus status);

}  // namespace corridor::convoys

#endif  // CORRIDOR_SERVICES_CONVOYS_CONVOY_LIFECYCLE_H_
