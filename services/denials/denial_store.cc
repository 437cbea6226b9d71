#include "services/denials/denial_store.h"

#include <algorithm>
#include <map>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/ids.h"
#include "common/status.h"
#include "common/status_macros.h"
#include "google/protobuf/util/message_differencer.h"
#include "google/protobuf/util/time_util.h"
#include "services/common/record_checks.h"
#include "services/common/revised_records.h"
#include "services/denials/denial_tables.h"
#include "services/denials/denial_validation.h"
#include "storage/key_codec.h"
#include "storage/records.h"

namespace corridor::denials {
namespace {

using google::protobuf::util::MessageDifferencer;
using google::protobuf::util::TimeUtil;
using storage::KeyReader;
using storage::KeyWriter;
using storage::WithVersion;

void AddCounters(const v1::Denial& denial, int64_t sign, storage::Mutation* mutation) {
  for (StatsCounter& counter : StatsCounters(denial, sign)) {
    mutation->AddToCounter(std::move(counter.key), std::move(counter.deltas));
  }
}

const RevisedTables<v1::Denial>& Tables() {
  static const auto* tables = new RevisedTables<v1::Denial>{DenialsTable(), DenialRevisionsTable(),
                                                            "denial", "denial_id", "CorrectDenial"};
  return *tables;
}

}  // namespace

void AddStatsCounterChange(const v1::Denial* before, const v1::Denial& after,
                           storage::Mutation* mutation) {
  if (before != nullptr && !before->withdrawn()) AddCounters(*before, -1, mutation);
  if (!after.withdrawn()) AddCounters(after, +1, mutation);
}

namespace {

// One dimension of a stats query: its letter in counter keys and the
// filter value, if any.
struct Dimension {
  char letter;
  std::string filter;
};

// The counters a stats query reads: keys prefix+start to prefix+end, the
// dimensions they are keyed by, and what the rows are grouped by.
struct StatsRange {
  std::vector<Dimension> named;  // in key order
  char group_letter = 'm';       // p, a, c, or m for months
  std::string prefix;
  std::string start;
  std::string end;
};

StatsRange RangeOf(const v1::DenialStatsRequest& request) {
  StatsRange range;
  // The dimensions named by the grouping or a filter, in key order p, a, c.
  const v1::StatsDimension group = request.group_by();
  if (!request.party().empty() || group == v1::STATS_DIMENSION_PARTY) {
    range.named.push_back({'p', request.party()});
  }
  if (!request.area_id().empty() || group == v1::STATS_DIMENSION_AREA) {
    range.named.push_back({'a', request.area_id()});
  }
  if (request.category() != v1::ACCESS_CONSTRAINT_CATEGORY_UNSPECIFIED ||
      group == v1::STATS_DIMENSION_CATEGORY) {
    range.named.push_back({'c', request.category() == v1::ACCESS_CONSTRAINT_CATEGORY_UNSPECIFIED
                                    ? std::string()
                                    : absl::StrCat(static_cast<int>(request.category()))});
  }
  range.group_letter = group == v1::STATS_DIMENSION_PARTY      ? 'p'
                       : group == v1::STATS_DIMENSION_AREA     ? 'a'
                       : group == v1::STATS_DIMENSION_CATEGORY ? 'c'
                                                               : 'm';
  std::vector<Dimension>& named = range.named;
  // A pair of dimensions is read as (filtered, grouped): the filtered value
  // leads the key, so the range holds only that value's counters.
  if (named.size() == 2 && named[0].filter.empty()) std::swap(named[0], named[1]);
  if (named.empty()) {
    range.prefix = KeyWriter().String("t").Release();
  } else if (named.size() == 1) {
    range.prefix = KeyWriter().String(std::string(1, named[0].letter)).Release();
  } else {
    range.prefix = KeyWriter()
                       .String(absl::StrCat(std::string(1, named[0].letter), ">",
                                            std::string(1, named[1].letter)))
                       .String(named[0].filter)
                       .Release();
  }
  // Months are yyyymm, so "to + 1" is past the last month even in December.
  range.start = KeyWriter().Uint32(corridor::MonthNumber(request.from())).Release();
  range.end = KeyWriter().Uint32(corridor::MonthNumber(request.to()) + 1).Release();
  return range;
}

// What the counters of one group add up to.
struct Sums {
  int64_t denials = 0, people = 0, with_people = 0, unconfirmed = 0, people_unconfirmed = 0;
  uint32_t month = 0;

  void Add(const std::vector<int64_t>& values) {
    denials += values[0];
    people += values[1];
    with_people += values[2];
    // Counters written before confirmations existed have three values.
    if (values.size() > 4) {
      unconfirmed += values[3];
      people_unconfirmed += values[4];
    }
  }
};

std::string MonthLabel(uint32_t month) {
  return absl::StrFormat("%04d-%02d", month / 100, month % 100);
}

// Adds the counters of `range` up per group (month or dimension value) and
// in `total`.
absl::Status SumCounters(const storage::Store& store, const StatsRange& range,
                         std::map<std::string, Sums>* groups, Sums* total) {
  const std::vector<Dimension>& named = range.named;
  return store.ScanCounters(
      range.prefix, range.start, range.end,
      [&](absl::string_view key, const std::vector<int64_t>& values) -> absl::Status {
        KeyReader reader(key);
        uint32_t month = 0;
        std::string value;  // the value of the last dimension in the key
        if (!reader.Uint32(&month) || (!named.empty() && !reader.String(&value))) {
          return absl::DataLossError(
              "a denial statistics counter is malformed; restore the database from a backup");
        }
        const Dimension& last = named.empty() ? Dimension{'m', ""} : named.back();
        if (!last.filter.empty() && value != last.filter) return absl::OkStatus();
        if (values.size() < 3 || values[0] == 0) return absl::OkStatus();  // corrected away
        Sums& sums = (*groups)[range.group_letter == 'm' ? MonthLabel(month) : value];
        sums.month = month;
        sums.Add(values);
        total->Add(values);
        return absl::OkStatus();
      });
}

void FillRow(const std::string& label, const Sums& sums, char group_letter,
             v1::DenialStatsRow* row) {
  row->set_group(label);
  row->set_denials(sums.denials);
  row->set_people_affected(sums.people);
  row->set_denials_with_people_affected(sums.with_people);
  row->set_unconfirmed(sums.unconfirmed);
  row->set_people_affected_unconfirmed(sums.people_unconfirmed);
  if (group_letter == 'c') {
    int number = 0;
    if (absl::SimpleAtoi(label, &number)) {
      row->set_category(static_cast<v1::AccessConstraintCategory>(number));
      row->set_group(v1::AccessConstraintCategory_Name(row->category()));
    }
  }
  if (group_letter == 'm') {
    row->mutable_month()->set_year(static_cast<int32_t>(sums.month / 100));
    row->mutable_month()->set_month(static_cast<int32_t>(sums.month % 100));
  }
}

}  // namespace

namespace {

// Revision 1 of the denial `request` records, before it is stamped.
v1::Denial NewDenial(const storage::Origin& origin, const v1::RecordDenialRequest& request) {
  v1::Denial denial;
  denial.set_id(DenialIdFor(request.idempotency_key()));
  *denial.mutable_facts() = request.facts();
  denial.set_idempotency_key(request.idempotency_key());
  // The service validated that only a relaying service names a reporter.
  *denial.mutable_reported_by() =
      request.has_reported_by() ? request.reported_by() : origin.principal;
  denial.set_awaiting_confirmation(denial.reported_by().role() == v1::ROLE_PARTNER);
  return denial;
}

}  // namespace

absl::StatusOr<v1::Denial> DenialStore::Record(const storage::Origin& origin,
                                               const v1::RecordDenialRequest& request) {
  return RecordFirstRevision<v1::Denial>(*store_, Tables(), origin, NewDenial(origin, request),
                                         AddStatsCounterChange, [&](const v1::Denial& stored) {
                                           return MessageDifferencer::Equals(stored.facts(),
                                                                             request.facts());
                                         });
}

absl::StatusOr<ImportedRows> DenialStore::Import(
    const storage::Origin& origin, const std::vector<v1::RecordDenialRequest>& requests) {
  std::vector<v1::Denial> denials;
  denials.reserve(requests.size());
  for (const v1::RecordDenialRequest& request : requests) {
    denials.push_back(NewDenial(origin, request));
  }
  return RecordFirstRevisions<v1::Denial>(
      *store_, Tables(), origin, std::move(denials), AddStatsCounterChange,
      [&](const v1::Denial& stored, size_t row) {
        return MessageDifferencer::Equals(stored.facts(), requests[row].facts());
      });
}

absl::StatusOr<v1::Denial> DenialStore::Correct(const storage::Origin& origin,
                                                const v1::CorrectDenialRequest& request) {
  return SupersedeRevision<v1::Denial>(
      *store_, Tables(), origin, request.denial_id(), request.expected_revision(), request.reason(),
      [&](const v1::Denial& current, v1::Denial* next) -> absl::Status {
        if (request.confirm() && !current.awaiting_confirmation()) {
          return absl::FailedPreconditionError(absl::StrCat(
              "confirm: denial ", current.id(), " does not await confirmation (it was ",
              current.reported_by().role() == v1::ROLE_PARTNER ? "confirmed already"
                                                               : "not reported by a partner",
              "); correct its facts instead if they are wrong"));
        }
        if (request.withdraw()) {
          next->set_withdrawn(true);
        } else if (request.confirm()) {
          next->set_awaiting_confirmation(false);
        } else {
          *next->mutable_facts() = request.facts();
        }
        return absl::OkStatus();
      },
      AddStatsCounterChange);
}

absl::StatusOr<v1::Denial> DenialStore::Get(absl::string_view field, absl::string_view id) const {
  CORRIDOR_ASSIGN_OR_RETURN(storage::Versioned<v1::Denial> denial,
                            storage::GetRecord(*store_, DenialsTable(), field, id));
  return std::move(denial).Release();
}

absl::StatusOr<v1::ListDenialsResponse> DenialStore::List(const v1::ListDenialsRequest& request,
                                                          int page_size) const {
  // Walk the index that covers the most filters; its time suffix bounds
  // the period; the filters it does not cover are checked per record.
  const bool party = !request.party().empty();
  const bool area = !request.area_id().empty();
  const bool category = request.category() != v1::ACCESS_CONSTRAINT_CATEGORY_UNSPECIFIED;
  const uint32_t category_number = static_cast<uint32_t>(request.category());
  storage::ScanOptions scan;
  scan.reverse = true;
  scan.page_size = page_size;
  scan.page_token = request.page().page_token();
  scan.query = absl::StrCat("party=", request.party(), "|area=", request.area_id(),
                            "|route=", request.route_id(), "|category=", request.category(),
                            "|convoy=", request.convoy_id());
  if (!request.convoy_id().empty()) {
    scan.index = "convoy";
    scan.prefix = KeyWriter().String(request.convoy_id()).Release();
  } else if (party && area && category) {
    scan.index = "party_area_category";
    scan.prefix = KeyWriter()
                      .String(request.party())
                      .String(request.area_id())
                      .Uint32(category_number)
                      .Release();
  } else if (party && area) {
    scan.index = "party_area";
    scan.prefix = KeyWriter().String(request.party()).String(request.area_id()).Release();
  } else if (party && category) {
    scan.index = "party_category";
    scan.prefix = KeyWriter().String(request.party()).Uint32(category_number).Release();
  } else if (area && category) {
    scan.index = "area_category";
    scan.prefix = KeyWriter().String(request.area_id()).Uint32(category_number).Release();
  } else if (area) {
    scan.index = "area";
    scan.prefix = KeyWriter().String(request.area_id()).Release();
  } else if (!request.route_id().empty()) {
    scan.index = "route";
    scan.prefix = KeyWriter().String(request.route_id()).Release();
  } else if (party) {
    scan.index = "party";
    scan.prefix = KeyWriter().String(request.party()).Release();
  } else if (category) {
    scan.index = "category";
    scan.prefix = KeyWriter().Uint32(category_number).Release();
  } else {
    scan.index = "occurred";
  }
  if (request.has_since()) {
    scan.start = KeyWriter().Int64(TimeUtil::TimestampToMicroseconds(request.since())).Release();
  }
  if (request.has_until()) {
    scan.end = KeyWriter().Int64(TimeUtil::TimestampToMicroseconds(request.until())).Release();
  }
  auto matches = [&](const v1::Denial& d) {
    const v1::DenialFacts& f = d.facts();
    return (!party || PartyKey(f) == request.party()) &&
           (!area || f.area_id() == request.area_id()) &&
           (request.route_id().empty() || f.route_id() == request.route_id()) &&
           (!category || f.category() == request.category()) &&
           (request.convoy_id().empty() || f.convoy_id() == request.convoy_id());
  };
  std::vector<std::pair<v1::Denial, uint64_t>> found;
  v1::ListDenialsResponse response;
  CORRIDOR_ASSIGN_OR_RETURN(
      *response.mutable_next_page_token(),
      storage::ScanRecords<v1::Denial>(*store_, DenialsTable(), scan, &found, matches));
  for (auto& [denial, version] : found) {
    *response.add_denials() = WithVersion(std::move(denial), version);
  }
  return response;
}

absl::StatusOr<v1::GetDenialHistoryResponse> DenialStore::History(
    const v1::GetDenialHistoryRequest& request, int page_size) const {
  storage::ScanOptions page;
  page.page_size = page_size;
  page.page_token = request.page().page_token();
  v1::GetDenialHistoryResponse response;
  CORRIDOR_ASSIGN_OR_RETURN(
      *response.mutable_next_page_token(),
      storage::HistoryPage(*store_, DenialsTable(), "denial_id", request.denial_id(),
                           DenialRevisionsTable(), page, response.mutable_revisions()));
  return response;
}

absl::StatusOr<v1::DenialStatsResponse> DenialStore::Stats(
    const v1::DenialStatsRequest& request) const {
  CORRIDOR_RETURN_IF_ERROR(ValidateStats(request));
  const StatsRange range = RangeOf(request);
  std::map<std::string, Sums> groups;
  Sums total;
  CORRIDOR_RETURN_IF_ERROR(SumCounters(*store_, range, &groups, &total));

  v1::DenialStatsResponse response;
  std::vector<std::pair<std::string, Sums>> rows(groups.begin(), groups.end());
  if (range.group_letter != 'm') {
    std::stable_sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) {
      return a.second.denials > b.second.denials;
    });
  }
  for (const auto& [label, sums] : rows) {
    if (sums.denials == 0) continue;
    FillRow(label, sums, range.group_letter, response.add_rows());
  }
  FillRow("total", total, range.group_letter, response.mutable_total());
  response.mutable_total()->clear_category();
  response.mutable_total()->clear_month();
  return response;
}

absl::StatusOr<PartyResolution> DenialStore::ResolveStoredParties(
    const std::vector<v1::Party>& parties) {
  PartyResolution resolution;
  CORRIDOR_RETURN_IF_ERROR(ResolvePartiesOfTable<v1::Denial>(
      store_, DenialsTable(), PartyResolutionOrigin(),
      [&](v1::Denial* denial, PartyResolution* r) {
        v1::DenialFacts* facts = denial->mutable_facts();
        return FillPartyId(parties, facts->party(), facts->mutable_party_id(), r);
      },
      &resolution,
      [](const v1::Denial& before, const v1::Denial& after, storage::Mutation* mutation) {
        AddStatsCounterChange(&before, after, mutation);
      }));
  return resolution;
}

}  // namespace corridor::denials
