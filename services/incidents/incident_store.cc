#include "services/incidents/incident_store.h"

#include <algorithm>
#include <map>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/ids.h"
#include "common/status_macros.h"
#include "google/protobuf/util/message_differencer.h"
#include "google/protobuf/util/time_util.h"
#include "services/common/record_checks.h"
#include "services/common/revised_records.h"
#include "services/incidents/incident_tables.h"
#include "services/incidents/incident_validation.h"
#include "storage/key_codec.h"
#include "storage/records.h"

namespace corridor::incidents {
namespace {

using google::protobuf::util::MessageDifferencer;
using google::protobuf::util::TimeUtil;
using storage::KeyReader;
using storage::KeyWriter;
using storage::WithVersion;

void AddCounters(const v1::Incident& incident, int64_t sign, storage::Mutation* mutation) {
  for (IncidentCounter& counter : StatsCounters(incident, sign)) {
    mutation->AddToCounter(std::move(counter.key), std::move(counter.deltas));
  }
}

// The letter a grouping reads in counter keys (incident_tables.h).
char LetterOf(v1::IncidentStatsDimension group) {
  switch (group) {
    case v1::INCIDENT_STATS_DIMENSION_PARTY:
      return 'p';
    case v1::INCIDENT_STATS_DIMENSION_TYPE:
      return 'y';
    case v1::INCIDENT_STATS_DIMENSION_WEAPON:
      return 'w';
    case v1::INCIDENT_STATS_DIMENSION_AREA:
      return 'a';
    default:
      return 'm';
  }
}

// What the counters of one group add up to.
struct Sums {
  std::vector<int64_t> values = std::vector<int64_t>(9, 0);
  uint32_t month = 0;

  void Add(const std::vector<int64_t>& deltas) {
    for (size_t i = 0; i < values.size() && i < deltas.size(); ++i) values[i] += deltas[i];
  }
};

void FillRow(const std::string& label, const Sums& sums, char letter, v1::IncidentStatsRow* row) {
  row->set_group(label);
  row->set_incidents(sums.values[0]);
  row->set_killed(sums.values[1]);
  row->set_injured(sums.values[2]);
  row->set_civilians_killed(sums.values[3]);
  row->set_children_killed(sums.values[4]);
  row->set_aid_workers_killed(sums.values[5]);
  row->set_medical_workers_killed(sums.values[6]);
  row->set_incidents_with_killed(sums.values[7]);
  row->set_incidents_with_injured(sums.values[8]);
  int number = 0;
  if (letter == 'y' && absl::SimpleAtoi(label, &number)) {
    row->set_type(static_cast<v1::IncidentType>(number));
    row->set_group(v1::IncidentType_Name(row->type()));
  } else if (letter == 'w' && absl::SimpleAtoi(label, &number)) {
    row->set_weapon(static_cast<v1::Weapon>(number));
    row->set_group(v1::Weapon_Name(row->weapon()));
  } else if (letter == 'm') {
    row->mutable_month()->set_year(static_cast<int32_t>(sums.month / 100));
    row->mutable_month()->set_month(static_cast<int32_t>(sums.month % 100));
  }
}

// The counters a stats query reads (incident_tables.h): keys from prefix
// on, each a month and, when keyed by value, a dimension's value; with
// `one_value`, only those of `filter_value` count.
struct CounterRange {
  char group_letter = 'm';
  std::string prefix;
  bool keyed_by_value = false;
  bool one_value = false;
  std::string filter_value;
};

CounterRange RangeOf(const v1::IncidentStatsRequest& request) {
  CounterRange range;
  const char letter = range.group_letter = LetterOf(request.group_by());
  // The one filter, if any (ValidateStats allows one other than party only
  // by month).
  char filter = request.party().empty() ? 0 : 'p';
  range.filter_value = request.party();
  if (request.type() != v1::INCIDENT_TYPE_UNSPECIFIED) {
    filter = 'y';
    range.filter_value = absl::StrCat(static_cast<int>(request.type()));
  } else if (request.weapon() != v1::WEAPON_UNSPECIFIED) {
    filter = 'w';
    range.filter_value = absl::StrCat(static_cast<int>(request.weapon()));
  } else if (!request.area_id().empty()) {
    filter = 'a';
    range.filter_value = request.area_id();
  }
  range.keyed_by_value = filter != 0 || letter != 'm';
  if (filter == 'p' && letter != 'p' && letter != 'm') {
    // One party's counters by a second dimension lead with the party.
    range.prefix = KeyWriter()
                       .String(absl::StrCat("p>", std::string(1, letter)))
                       .String(request.party())
                       .Release();
    return range;
  }
  // A filter by month (or by its own dimension) reads that dimension's
  // counters of the one value.
  range.one_value = filter != 0;
  const char read = filter != 0 ? filter : letter == 'm' ? 't' : letter;
  range.prefix = KeyWriter().String(std::string(1, read)).Release();
  return range;
}

const RevisedTables<v1::Incident>& Tables() {
  static const auto* tables = new RevisedTables<v1::Incident>{
      IncidentsTable(), IncidentRevisionsTable(), "incident", "incident_id", "CorrectIncident"};
  return *tables;
}

}  // namespace

void AddStatsCounterChange(const v1::Incident* before, const v1::Incident& after,
                           storage::Mutation* mutation) {
  if (before != nullptr && !before->withdrawn()) AddCounters(*before, -1, mutation);
  if (!after.withdrawn()) AddCounters(after, +1, mutation);
}

absl::StatusOr<v1::Incident> IncidentStore::Record(const storage::Origin& origin,
                                                   const v1::RecordIncidentRequest& request) {
  v1::Incident incident;
  incident.set_id(IncidentIdFor(request.idempotency_key()));
  *incident.mutable_facts() = request.facts();
  incident.set_idempotency_key(request.idempotency_key());
  *incident.mutable_reported_by() =
      request.has_reported_by() ? request.reported_by() : origin.principal;
  return RecordFirstRevision<v1::Incident>(*store_, Tables(), origin, std::move(incident),
                                           AddStatsCounterChange, [&](const v1::Incident& first) {
                                             return MessageDifferencer::Equals(first.facts(),
                                                                               request.facts());
                                           });
}

absl::StatusOr<v1::Incident> IncidentStore::Correct(const storage::Origin& origin,
                                                    const v1::CorrectIncidentRequest& request) {
  return SupersedeRevision<v1::Incident>(
      *store_, Tables(), origin, request.incident_id(), request.expected_revision(),
      request.reason(),
      [&](const v1::Incident&, v1::Incident* next) {
        if (request.withdraw()) {
          next->set_withdrawn(true);
        } else {
          *next->mutable_facts() = request.facts();
        }
        return absl::OkStatus();
      },
      AddStatsCounterChange);
}

absl::StatusOr<v1::Incident> IncidentStore::Get(absl::string_view field,
                                                absl::string_view id) const {
  CORRIDOR_ASSIGN_OR_RETURN(storage::Versioned<v1::Incident> incident,
                            storage::GetRecord(*store_, IncidentsTable(), field, id));
  return std::move(incident).Release();
}

absl::StatusOr<v1::ListIncidentsResponse> IncidentStore::List(
    const v1::ListIncidentsRequest& request, int page_size) const {
  storage::ScanOptions scan;
  scan.reverse = true;
  scan.page_size = page_size;
  scan.page_token = request.page().page_token();
  scan.query =
      absl::StrCat("party=", request.party(), "|area=", request.area_id(), "|type=", request.type(),
                   "|weapon=", request.weapon(), "|convoy=", request.convoy_id());
  // The index most likely to be narrow leads; the others are checked per
  // record.
  if (!request.convoy_id().empty()) {
    scan.index = "convoy";
    scan.prefix = KeyWriter().String(request.convoy_id()).Release();
  } else if (!request.area_id().empty()) {
    scan.index = "area";
    scan.prefix = KeyWriter().String(request.area_id()).Release();
  } else if (!request.party().empty()) {
    scan.index = "party";
    scan.prefix = KeyWriter().String(request.party()).Release();
  } else if (request.weapon() != v1::WEAPON_UNSPECIFIED) {
    scan.index = "weapon";
    scan.prefix = KeyWriter().Uint32(static_cast<uint32_t>(request.weapon())).Release();
  } else if (request.type() != v1::INCIDENT_TYPE_UNSPECIFIED) {
    scan.index = "type";
    scan.prefix = KeyWriter().Uint32(static_cast<uint32_t>(request.type())).Release();
  } else {
    scan.index = "occurred";
  }
  if (request.has_since()) {
    scan.start = KeyWriter().Int64(TimeUtil::TimestampToMicroseconds(request.since())).Release();
  }
  if (request.has_until()) {
    scan.end = KeyWriter().Int64(TimeUtil::TimestampToMicroseconds(request.until())).Release();
  }
  auto matches = [&](const v1::Incident& i) {
    const v1::IncidentFacts& f = i.facts();
    const auto& weapons = f.weapons();
    return (request.party().empty() || PartyKey(f) == request.party()) &&
           (request.area_id().empty() || f.area_id() == request.area_id()) &&
           (request.type() == v1::INCIDENT_TYPE_UNSPECIFIED || f.type() == request.type()) &&
           (request.weapon() == v1::WEAPON_UNSPECIFIED ||
            std::find(weapons.begin(), weapons.end(), request.weapon()) != weapons.end()) &&
           (request.convoy_id().empty() || f.convoy_id() == request.convoy_id());
  };
  std::vector<std::pair<v1::Incident, uint64_t>> found;
  v1::ListIncidentsResponse response;
  CORRIDOR_ASSIGN_OR_RETURN(
      *response.mutable_next_page_token(),
      storage::ScanRecords<v1::Incident>(*store_, IncidentsTable(), scan, &found, matches));
  for (auto& [incident, version] : found) {
    *response.add_incidents() = WithVersion(std::move(incident), version);
  }
  return response;
}

absl::StatusOr<v1::GetIncidentHistoryResponse> IncidentStore::History(
    const v1::GetIncidentHistoryRequest& request, int page_size) const {
  storage::ScanOptions page;
  page.page_size = page_size;
  page.page_token = request.page().page_token();
  v1::GetIncidentHistoryResponse response;
  CORRIDOR_ASSIGN_OR_RETURN(
      *response.mutable_next_page_token(),
      storage::HistoryPage(*store_, IncidentsTable(), "incident_id", request.incident_id(),
                           IncidentRevisionsTable(), page, response.mutable_revisions()));
  return response;
}

absl::StatusOr<v1::IncidentStatsResponse> IncidentStore::Stats(
    const v1::IncidentStatsRequest& request) const {
  CORRIDOR_RETURN_IF_ERROR(ValidateStats(request));
  const CounterRange range = RangeOf(request);
  const char letter = range.group_letter;
  std::map<std::string, Sums> groups;
  Sums total;
  CORRIDOR_RETURN_IF_ERROR(store_->ScanCounters(
      range.prefix, KeyWriter().Uint32(corridor::MonthNumber(request.from())).Release(),
      KeyWriter().Uint32(corridor::MonthNumber(request.to()) + 1).Release(),
      [&](absl::string_view key, const std::vector<int64_t>& values) -> absl::Status {
        KeyReader reader(key);
        uint32_t month = 0;
        std::string value;
        if (!reader.Uint32(&month) || (range.keyed_by_value && !reader.String(&value))) {
          return absl::DataLossError(
              "an incident statistics counter is malformed; restore the database from a "
              "backup");
        }
        if (range.one_value && value != range.filter_value) return absl::OkStatus();
        if (values.empty() || values[0] == 0) return absl::OkStatus();  // corrected away
        Sums& sums =
            groups[letter == 'm' ? absl::StrFormat("%04d-%02d", month / 100, month % 100) : value];
        sums.month = month;
        sums.Add(values);
        // A weapon's counters overlap (one incident, several weapons): the
        // total is read apart.
        if (letter != 'w') total.Add(values);
        return absl::OkStatus();
      }));
  v1::IncidentStatsResponse response;
  std::vector<std::pair<std::string, Sums>> rows(groups.begin(), groups.end());
  if (letter != 'm') {
    std::stable_sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) {
      return a.second.values[0] > b.second.values[0];
    });
  }
  for (const auto& [label, sums] : rows) FillRow(label, sums, letter, response.add_rows());
  if (letter != 'w') {
    FillRow("total", total, 't', response.mutable_total());
    return response;
  }
  v1::IncidentStatsRequest overall = request;
  overall.set_group_by(v1::INCIDENT_STATS_DIMENSION_MONTH);
  CORRIDOR_ASSIGN_OR_RETURN(v1::IncidentStatsResponse by_month, Stats(overall));
  *response.mutable_total() = by_month.total();
  return response;
}

}  // namespace corridor::incidents
