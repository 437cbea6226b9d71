#include "services/denials/denial_tables.h"

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "google/protobuf/util/time_util.h"
#include "storage/key_codec.h"

namespace corridor::denials {

using storage::KeyWriter;

int64_t OccurredMicros(const v1::DenialFacts& facts) {
  return google::protobuf::util::TimeUtil::TimestampToMicroseconds(facts.occurred_at());
}

uint32_t MonthNumber(const v1::DenialFacts& facts) {
  const absl::CivilSecond utc =
      absl::ToCivilSecond(absl::FromUnixMicros(OccurredMicros(facts)), absl::UTCTimeZone());
  return static_cast<uint32_t>(utc.year() * 100 + utc.month());
}

const std::string& PartyKey(const v1::DenialFacts& facts) {
  return facts.party_id().empty() ? facts.party() : facts.party_id();
}

std::string DimensionValue(char dimension, const v1::DenialFacts& facts) {
  switch (dimension) {
    case 'p':
      return PartyKey(facts);
    case 'a':
      return facts.area_id();
    default:
      return absl::StrCat(static_cast<int>(facts.category()));
  }
}

std::vector<StatsCounter> StatsCounters(const v1::Denial& denial, int64_t sign) {
  const v1::DenialFacts& facts = denial.facts();
  const int64_t people = facts.has_people_affected() ? facts.people_affected() : 0;
  const bool unconfirmed = denial.awaiting_confirmation();
  const std::vector<int64_t> deltas = {sign, sign * people,
                                       sign * (facts.has_people_affected() ? 1 : 0),
                                       sign * (unconfirmed ? 1 : 0), sign * (unconfirmed ? people : 0)};
  const uint32_t month = MonthNumber(facts);
  std::vector<StatsCounter> counters;
  counters.push_back({KeyWriter().String("t").Uint32(month).Release(), deltas});
  const char dimensions[] = {'p', 'a', 'c'};
  for (char d : dimensions) {
    counters.push_back({KeyWriter()
                            .String(std::string(1, d))
                            .Uint32(month)
                            .String(DimensionValue(d, facts))
                            .Release(),
                        deltas});
  }
  for (char first : dimensions) {
    for (char second : dimensions) {
      if (first == second) continue;
      counters.push_back(
          {KeyWriter()
               .String(absl::StrCat(std::string(1, first), ">", std::string(1, second)))
               .String(DimensionValue(first, facts))
               .Uint32(month)
               .String(DimensionValue(second, facts))
               .Release(),
           deltas});
    }
  }
  return counters;
}

const storage::Table<v1::Denial>& DenialsTable() {
  static const storage::Table<v1::Denial>* table = [] {
    auto* t = new storage::Table<v1::Denial>(
        {.name = "denials", .noun = "denial", .key_field = "id"},
        [](const v1::Denial& d) { return KeyWriter().String(d.id()).Release(); },
        [](const v1::Denial& d) { return d.id(); });
    // Each index term is (leading strings..., time); withdrawn: none.
    using Terms = std::function<std::vector<std::string>(const v1::Denial&)>;
    auto index = [t](const char* name, std::function<bool(const v1::DenialFacts&)> applies,
                     std::function<void(const v1::DenialFacts&, KeyWriter*)> lead) {
      Terms terms = [applies, lead](const v1::Denial& d) -> std::vector<std::string> {
        if (d.withdrawn() || (applies && !applies(d.facts()))) return {};
        KeyWriter key;
        if (lead) lead(d.facts(), &key);
        return {key.Int64(OccurredMicros(d.facts())).Release()};
      };
      t->Index(name, terms);
    };
    auto category = [](const v1::DenialFacts& f) { return static_cast<uint32_t>(f.category()); };
    index("occurred", nullptr, nullptr);
    index("party", nullptr, [](const v1::DenialFacts& f, KeyWriter* k) { k->String(PartyKey(f)); });
    index("area", nullptr, [](const v1::DenialFacts& f, KeyWriter* k) { k->String(f.area_id()); });
    index(
        "route", [](const v1::DenialFacts& f) { return !f.route_id().empty(); },
        [](const v1::DenialFacts& f, KeyWriter* k) { k->String(f.route_id()); });
    index("category", nullptr,
          [category](const v1::DenialFacts& f, KeyWriter* k) { k->Uint32(category(f)); });
    index(
        "convoy", [](const v1::DenialFacts& f) { return !f.convoy_id().empty(); },
        [](const v1::DenialFacts& f, KeyWriter* k) { k->String(f.convoy_id()); });
    index("party_area", nullptr, [](const v1::DenialFacts& f, KeyWriter* k) {
      k->String(PartyKey(f)).String(f.area_id());
    });
    index("party_category", nullptr, [category](const v1::DenialFacts& f, KeyWriter* k) {
      k->String(PartyKey(f)).Uint32(category(f));
    });
    index("area_category", nullptr, [category](const v1::DenialFacts& f, KeyWriter* k) {
      k->String(f.area_id()).Uint32(category(f));
    });
    index("party_area_category", nullptr, [category](const v1::DenialFacts& f, KeyWriter* k) {
      k->String(PartyKey(f)).String(f.area_id()).Uint32(category(f));
    });
    return t;
  }();
  return *table;
}

const storage::Table<v1::Denial>& DenialRevisionsTable() {
  static const storage::Table<v1::Denial>* table = new storage::Table<v1::Denial>(
      {.name = "denial_revisions", .noun = "denial revision", .key_field = "denial_id"},
      [](const v1::Denial& d) { return KeyWriter().String(d.id()).Uint64(d.revision()).Release(); },
      [](const v1::Denial& d) { return absl::StrCat(d.id(), " revision ", d.revision()); });
  return *table;
}

}  // namespace corridor::denials
