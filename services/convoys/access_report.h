// The access report's arithmetic: what a period's requests add up to per
// area, per enclave, per area status and per delivery mode. Pure functions
// over convoys, areas and status histories, tested on their own: the store
// reads the convoys, the service asks the areas service, this adds up.
#ifndef CORRIDOR_SERVICES_CONVOYS_ACCESS_REPORT_H_
#define CORRIDOR_SERVICES_CONVOYS_ACCESS_REPORT_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "corridor/v1/areas.pb.h"
#include "corridor/v1/convoys.pb.h"

namespace corridor::convoys {

// Sums over requests of one kind.
class AccessTally {
 public:
  void Add(const v1::Convoy& convoy);
  void Merge(const AccessTally& other);

  v1::AccessTotals ToTotals() const;
  // The row's own figures (requests to items_lost, shares of requests).
  void FillRow(v1::AreaAccess* row) const;
  int64_t requests() const { return requests_; }
  int64_t delivered() const { return delivered_; }

 private:
  int64_t requests_ = 0;
  int64_t pending_ = 0;
  int64_t approved_ = 0;
  int64_t denied_ = 0;
  int64_t delivered_ = 0;
  int64_t cancelled_ = 0;
  int64_t cancelled_unanswered_ = 0;
  int64_t people_requested_ = 0;
  int64_t people_approved_ = 0;
  int64_t people_reached_ = 0;
  // Removed and refused, per (category, unit): different units do not add.
  std::map<std::pair<int, std::string>, std::pair<double, double>> lost_;
};

// One area's requests planned in a period, and its last aid delivery.
struct AreaTally {
  AccessTally aid;
  AccessTally evacuations;
  std::map<v1::DeliveryMode, AccessTally> aid_by_mode;
  // The last aid delivery on or before the end of the period, whenever it
  // was planned.
  std::optional<v1::Date> last_delivery;

  void Add(const v1::Convoy& convoy);
  void Merge(const AreaTally& other);
};

// Whether a medical evacuation (counted apart from aid).
bool IsEvacuation(const v1::Convoy& convoy);

// Whether the area's status on `day` can only be read from its history:
// its current status took effect after `day`, or no date says when.
bool NeedsStatusHistory(const v1::Area& area, const v1::Date& day);

// The status `area` had on `day`: the latest change dated on or before it;
// failing that, an undated change (a listing whose source gives no date);
// UNSPECIFIED if neither. `history` is in any order.
v1::AreaStatus StatusOn(const std::vector<v1::StatusChange>& history, const v1::Date& day);

// The member areas of each aggregate row: the areas of its area_group that
// are not aggregates themselves, in id order.
absl::flat_hash_map<std::string, std::vector<std::string>> MembersOfAggregates(
    const std::vector<v1::Area>& areas);

// What the report needs beyond the request.
struct ReportInputs {
  // The report's rows, in id order.
  std::vector<const v1::Area*> rows;
  // Every area a row covers (the row's own, and an aggregate's members):
  // its tally over the period and its status on the last day.
  absl::flat_hash_map<std::string, AreaTally> tallies;
  absl::flat_hash_map<std::string, v1::AreaStatus> status_on_end;
  absl::flat_hash_map<std::string, bool> is_aggregate;
  absl::flat_hash_map<std::string, std::vector<std::string>> members;
};

// The areas each row covers, in order: the row's own id, then its members.
std::vector<std::string> CoveredBy(const ReportInputs& inputs, const v1::Area& row);

// The report's rows and totals (journal head and generated_at are the
// caller's). Each request counts once in the totals, however many rows
// cover its area.
v1::AccessReport AssembleAccessReport(const ReportInputs& inputs, const v1::Date& from,
                                      const v1::Date& to);

}  // namespace corridor::convoys

#endif  // CORRIDOR_SERVICES_CONVOYS_ACCESS_REPORT_H_
