#include "services/convoys/convoy_lifecycle.h"

#include <algorithm>
#include <deque>
#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace corridor::convoys {

std::vector<v1::ConvoyStatus> NextStatuses(v1::ConvoyStatus from) {
  switch (from) {
    case v1::CONVOY_STATUS_REQUESTED:
      return {v1::CONVOY_STATUS_APPROVED, v1::CONVOY_STATUS_PARTIALLY_APPROVED,
              v1::CONVOY_STATUS_DENIED, v1::CONVOY_STATUS_CANCELLED};
    case v1::CONVOY_STATUS_APPROVED:
    case v1::CONVOY_STATUS_PARTIALLY_APPROVED:
      return {v1::CONVOY_STATUS_DISPATCHED, v1::CONVOY_STATUS_CANCELLED};
    case v1::CONVOY_STATUS_DISPATCHED:
      return {v1::CONVOY_STATUS_DELIVERED, v1::CONVOY_STATUS_PARTIALLY_DELIVERED,
              v1::CONVOY_STATUS_TURNED_BACK, v1::CONVOY_STATUS_ATTACKED,
              v1::CONVOY_STATUS_CANCELLED};
    default:
      return {};
  }
}

bool IsFinal(v1::ConvoyStatus status) { return NextStatuses(status).empty(); }

bool IsAllowed(v1::ConvoyStatus from, v1::ConvoyStatus to) {
  const std::vector<v1::ConvoyStatus> next = NextStatuses(from);
  return std::find(next.begin(), next.end(), to) != next.end();
}

std::vector<v1::ConvoyStatus> PathTo(v1::ConvoyStatus from, v1::ConvoyStatus to) {
  // Breadth first over a graph of nine statuses; `reached_from` doubles as
  // the visited set.
  std::map<v1::ConvoyStatus, v1::ConvoyStatus> reached_from = {{from, from}};
  std::deque<v1::ConvoyStatus> frontier = {from};
  while (!frontier.empty() && reached_from.count(to) == 0) {
    const v1::ConvoyStatus at = frontier.front();
    frontier.pop_front();
    for (v1::ConvoyStatus next : NextStatuses(at)) {
      if (reached_from.emplace(next, at).second) frontier.push_back(next);
    }
  }
  std::vector<v1::ConvoyStatus> path;
  if (from == to || reached_from.count(to) == 0) return path;
  for (v1::ConvoyStatus at = to; at != from; at = reached_from[at]) path.push_back(at);
  std::reverse(path.begin(), path.end());
  return path;
}

std::string StatusName(v1::ConvoyStatus status) {
  return v1::ConvoyStatus_Name(status).substr(sizeof("CONVOY_STATUS_") - 1);
}

absl::Status CheckTransition(absl::string_view convoy_id, v1::ConvoyStatus from,
                             v1::ConvoyStatus to) {
  if (IsAllowed(from, to)) return absl::OkStatus();
  const std::vector<v1::ConvoyStatus> next = NextStatuses(from);
  std::string options =
      next.empty()
          ? "it is final and can no longer change"
          : absl::StrCat("from there it can only become ",
                         absl::StrJoin(next, ", ", [](std::string* out, v1::ConvoyStatus s) {
                           out->append(StatusName(s));
                         }));
  return absl::FailedPreconditionError(absl::StrCat("convoy ", convoy_id, " is ", StatusName(from),
                                                    ", so it cannot become ", StatusName(to), "; ",
                                                    options));
}

bool WasDelivered(v1::ConvoyStatus status) {
  return status == v1::CONVOY_STATUS_DELIVERED || status == v1::CONVOY_STATUS_PARTIALLY_DELIVERED;
}

bool IsOutcome(v1::ConvoyStatus status) {
  return WasDelivered(status) || status == v1::CONVOY_STATUS_TURNED_BACK ||
         status == v1::CONVOY_STATUS_ATTACKED || status == v1::CONVOY_STATUS_CANCELLED;
}

bool RelaysDenial(v1::ConvoyStatus status) {
  return status == v1::CONVOY_STATUS_DENIED || status == v1::CONVOY_STATUS_TURNED_BACK ||
         status == v1::CONVOY_STATUS_ATTACKED;
}

}  // namespace corridor::convoys
