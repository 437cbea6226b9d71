#include "services/convoys/access_report.h"

#include <algorithm>

#include "absl/container/flat_hash_set.h"
#include "common/validation.h"
#include "services/convoys/convoy_lifecycle.h"

namespace corridor::convoys {
namespace {

std::optional<double> ShareOf(int64_t part, int64_t whole) {
  if (whole <= 0) return std::nullopt;
  return static_cast<double>(part) / static_cast<double>(whole);
}

const std::optional<v1::Date>& Later(const std::optional<v1::Date>& a,
                                     const std::optional<v1::Date>& b) {
  if (!a) return b;
  if (!b) return a;
  return DateNumber(*b) > DateNumber(*a) ? b : a;
}

// The report groups statuses as the UN's reports do: besieged,
// hard-to-reach, and every other.
v1::AreaStatus GroupOf(v1::AreaStatus status) {
  return status == v1::AREA_STATUS_BESIEGED || status == v1::AREA_STATUS_HARD_TO_REACH
             ? status
             : v1::AREA_STATUS_UNSPECIFIED;
}

v1::AreaAccess RowFor(const ReportInputs& inputs, const v1::Area& area, const v1::Date& to) {
  v1::AreaAccess row;
  row.set_area_id(area.id());
  row.set_area_name(area.name_en());
  row.set_area_status(inputs.status_on_end.at(area.id()));
  if (area.has_population() && area.population().has_count()) {
    row.set_people_in_need(area.population().count());
  }
  AreaTally covered;
  for (const std::string& id : CoveredBy(inputs, area)) {
    covered.Merge(inputs.tallies.at(id));
    if (id != area.id()) row.add_member_area_ids(id);
  }
  covered.aid.FillRow(&row);
  *row.mutable_evacuations() = covered.evacuations.ToTotals();
  if (covered.last_delivery) {
    *row.mutable_last_delivery() = *covered.last_delivery;
    row.set_days_since_last_delivery(CivilDayOf(to) - CivilDayOf(*covered.last_delivery));
  }
  row.set_not_reached(covered.aid.delivered() == 0);
  return row;
}

}  // namespace

void AccessTally::Add(const v1::Convoy& c) {
  ++requests_;
  people_requested_ += c.beneficiaries_requested();
  if (c.status() == v1::CONVOY_STATUS_REQUESTED) ++pending_;
  if (c.has_beneficiaries_approved()) {
    ++approved_;
    people_approved_ += c.beneficiaries_approved();
  }
  if (c.status() == v1::CONVOY_STATUS_DENIED) ++denied_;
  if (c.status() == v1::CONVOY_STATUS_CANCELLED) {
    ++cancelled_;
    if (!c.has_beneficiaries_approved()) ++cancelled_unanswered_;
  }
  if (WasDelivered(c.status())) {
    ++delivered_;
    people_reached_ += c.beneficiaries_reached();
  }
  for (const v1::ManifestLine& line : c.manifest()) {
    if (line.quantity_removed() == 0 && line.quantity_refused() == 0) continue;
    auto& sums = lost_[{line.category(), line.unit()}];
    sums.first += line.quantity_removed();
    sums.second += line.quantity_refused();
  }
}

void AccessTally::Merge(const AccessTally& other) {
  requests_ += other.requests_;
  pending_ += other.pending_;
  approved_ += other.approved_;
  denied_ += other.denied_;
  delivered_ += other.delivered_;
  cancelled_ += other.cancelled_;
  cancelled_unanswered_ += other.cancelled_unanswered_;
  people_requested_ += other.people_requested_;
  people_approved_ += other.people_approved_;
  people_reached_ += other.people_reached_;
  for (const auto& [key, sums] : other.lost_) {
    auto& mine = lost_[key];
    mine.first += sums.first;
    mine.second += sums.second;
  }
}

v1::AccessTotals AccessTally::ToTotals() const {
  v1::AccessTotals totals;
  totals.set_requests(requests_);
  totals.set_pending(pending_);
  totals.set_approved(approved_);
  totals.set_denied(denied_);
  totals.set_delivered(delivered_);
  totals.set_cancelled(cancelled_);
  totals.set_cancelled_unanswered(cancelled_unanswered_);
  totals.set_people_requested(people_requested_);
  totals.set_people_approved(people_approved_);
  totals.set_people_reached(people_reached_);
  if (auto share = ShareOf(people_reached_, people_requested_)) {
    totals.set_share_people_reached(*share);
  }
  if (auto share = ShareOf(delivered_, requests_)) totals.set_share_requests_delivered(*share);
  for (const auto& [key, sums] : lost_) {
    v1::ItemsLost* items = totals.add_items_lost();
    items->set_category(static_cast<v1::CargoCategory>(key.first));
    items->set_unit(key.second);
    items->set_removed(sums.first);
    items->set_refused(sums.second);
  }
  return totals;
}

void AccessTally::FillRow(v1::AreaAccess* row) const {
  const v1::AccessTotals totals = ToTotals();
  row->set_requests(requests_);
  row->set_approved(approved_);
  row->set_denied(denied_);
  row->set_delivered(delivered_);
  row->set_beneficiaries_requested(people_requested_);
  row->set_beneficiaries_approved(people_approved_);
  row->set_beneficiaries_reached(people_reached_);
  if (auto share = ShareOf(approved_, requests_)) row->set_share_approved(*share);
  if (auto share = ShareOf(delivered_, requests_)) row->set_share_delivered(*share);
  *row->mutable_items_lost() = totals.items_lost();
}

bool IsEvacuation(const v1::Convoy& convoy) {
  return convoy.kind() == v1::REQUEST_KIND_MEDICAL_EVACUATION;
}

void AreaTally::Add(const v1::Convoy& convoy) {
  if (IsEvacuation(convoy)) {
    evacuations.Add(convoy);
    return;
  }
  aid.Add(convoy);
  aid_by_mode[convoy.mode()].Add(convoy);
}

void AreaTally::Merge(const AreaTally& other) {
  aid.Merge(other.aid);
  evacuations.Merge(other.evacuations);
  for (const auto& [mode, tally] : other.aid_by_mode) aid_by_mode[mode].Merge(tally);
  last_delivery = Later(last_delivery, other.last_delivery);
}

bool NeedsStatusHistory(const v1::Area& area, const v1::Date& day) {
  if (area.has_status_since()) return DateNumber(area.status_since()) > DateNumber(day);
  return area.status_changes() > 1;
}

v1::AreaStatus StatusOn(const std::vector<v1::StatusChange>& history, const v1::Date& day) {
  const v1::StatusChange* latest_dated = nullptr;
  const v1::StatusChange* latest_undated = nullptr;
  for (const v1::StatusChange& change : history) {
    if (!change.has_effective_date()) {
      if (latest_undated == nullptr || change.sequence() > latest_undated->sequence()) {
        latest_undated = &change;
      }
      continue;
    }
    if (DateNumber(change.effective_date()) > DateNumber(day)) continue;
    // Of two changes on one day, the one recorded later stands.
    if (latest_dated == nullptr ||
        std::make_pair(DateNumber(change.effective_date()), change.sequence()) >
            std::make_pair(DateNumber(latest_dated->effective_date()), latest_dated->sequence())) {
      latest_dated = &change;
    }
  }
  if (latest_dated != nullptr) return latest_dated->status();
  if (latest_undated != nullptr) return latest_undated->status();
  return v1::AREA_STATUS_UNSPECIFIED;
}

absl::flat_hash_map<std::string, std::vector<std::string>> MembersOfAggregates(
    const std::vector<v1::Area>& areas) {
  absl::flat_hash_map<std::string, std::vector<std::string>> members;
  for (const v1::Area& aggregate : areas) {
    if (!aggregate.aggregate() || aggregate.area_group().empty()) continue;
    std::vector<std::string>& ids = members[aggregate.id()];
    for (const v1::Area& area : areas) {
      if (!area.aggregate() && area.area_group() == aggregate.area_group()) {
        ids.push_back(area.id());
      }
    }
    std::sort(ids.begin(), ids.end());
  }
  return members;
}

std::vector<std::string> CoveredBy(const ReportInputs& inputs, const v1::Area& row) {
  std::vector<std::string> covered = {row.id()};
  auto members = inputs.members.find(row.id());
  if (members != inputs.members.end()) {
    covered.insert(covered.end(), members->second.begin(), members->second.end());
  }
  return covered;
}

v1::AccessReport AssembleAccessReport(const ReportInputs& inputs, const v1::Date& from,
                                      const v1::Date& to) {
  v1::AccessReport report;
  *report.mutable_from() = from;
  *report.mutable_to() = to;
  std::vector<std::string> counted;  // each covered area once, in order met
  absl::flat_hash_set<std::string> seen;
  for (const v1::Area* area : inputs.rows) {
    *report.add_areas() = RowFor(inputs, *area, to);
    for (std::string& id : CoveredBy(inputs, *area)) {
      if (seen.insert(id).second) counted.push_back(std::move(id));
    }
  }

  AccessTally aid;
  AccessTally evacuations;
  std::map<v1::DeliveryMode, AccessTally> by_mode;
  // BESIEGED, HARD_TO_REACH, other: always present, so that a zero shows.
  const v1::AreaStatus groups[] = {v1::AREA_STATUS_BESIEGED, v1::AREA_STATUS_HARD_TO_REACH,
                                   v1::AREA_STATUS_UNSPECIFIED};
  std::map<v1::AreaStatus, std::pair<int64_t, AccessTally>> by_status;
  for (v1::AreaStatus group : groups) by_status[group];
  for (const std::string& id : counted) {
    const AreaTally& tally = inputs.tallies.at(id);
    aid.Merge(tally.aid);
    evacuations.Merge(tally.evacuations);
    for (const auto& [mode, modal] : tally.aid_by_mode) by_mode[mode].Merge(modal);
    auto& [areas, status_tally] = by_status[GroupOf(inputs.status_on_end.at(id))];
    if (!inputs.is_aggregate.at(id)) ++areas;
    status_tally.Merge(tally.aid);
  }
  *report.mutable_totals() = aid.ToTotals();
  *report.mutable_evacuations() = evacuations.ToTotals();
  for (v1::AreaStatus group : groups) {
    v1::StatusTotals* status = report.add_by_area_status();
    status->set_area_status(group);
    status->set_areas(by_status[group].first);
    *status->mutable_totals() = by_status[group].second.ToTotals();
  }
  for (const auto& [mode, tally] : by_mode) {
    if (tally.requests() == 0) continue;
    v1::ModeTotals* modal = report.add_by_mode();
    modal->set_mode(mode);
    *modal->mutable_totals() = tally.ToTotals();
  }
  return report;
}

}  // namespace corridor::convoys
