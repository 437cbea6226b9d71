#include "services/incidents/incident_tables.h"

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "google/protobuf/util/time_util.h"
#include "storage/key_codec.h"

namespace corridor::incidents {
namespace {

using storage::KeyWriter;

int64_t OccurredMicros(const v1::IncidentFacts& facts) {
  return google::protobuf::util::TimeUtil::TimestampToMicroseconds(facts.occurred_at());
}

// The values an incident has for a dimension's letter: one per weapon for
// "w", none for a party or area it does not name.
std::vector<std::string> ValuesOf(char dimension, const v1::IncidentFacts& facts) {
  switch (dimension) {
    case 'p':
      return {PartyKey(facts)};
    case 'a':
      return {facts.area_id()};
    case 'y':
      return {absl::StrCat(static_cast<int>(facts.type()))};
    default: {
      // No weapon stated is a group of its own, "", as no party or area is.
      std::vector<std::string> weapons;
      for (int weapon : facts.weapons()) weapons.push_back(absl::StrCat(weapon));
      if (weapons.empty()) weapons.push_back("");
      return weapons;
    }
  }
}

}  // namespace

const std::string& PartyKey(const v1::IncidentFacts& facts) {
  return facts.party_id().empty() ? facts.party() : facts.party_id();
}

uint32_t MonthNumber(const v1::IncidentFacts& facts) {
  const absl::CivilSecond utc =
      absl::ToCivilSecond(absl::FromUnixMicros(OccurredMicros(facts)), absl::UTCTimeZone());
  return static_cast<uint32_t>(utc.year() * 100 + utc.month());
}

std::vector<IncidentCounter> StatsCounters(const v1::Incident& incident, int64_t sign) {
  const v1::IncidentFacts& facts = incident.facts();
  const v1::Casualties& c = facts.casualties();
  const std::vector<int64_t> deltas = {sign,
                                       sign * c.total().killed(),
                                       sign * c.total().injured(),
                                       sign * c.civilians().killed(),
                                       sign * c.children().killed(),
                                       sign * c.aid_workers().killed(),
                                       sign * c.medical_workers().killed(),
                                       sign * (c.total().has_killed() ? 1 : 0),
                                       sign * (c.total().has_injured() ? 1 : 0)};
  const uint32_t month = MonthNumber(facts);
  std::vector<IncidentCounter> counters;
  counters.push_back({KeyWriter().String("t").Uint32(month).Release(), deltas});
  for (char d : {'p', 'y', 'w', 'a'}) {
    for (const std::string& value : ValuesOf(d, facts)) {
      counters.push_back(
          {KeyWriter().String(std::string(1, d)).Uint32(month).String(value).Release(), deltas});
    }
  }
  for (char d : {'y', 'w', 'a'}) {
    for (const std::string& value : ValuesOf(d, facts)) {
      counters.push_back({KeyWriter()
                              .String(absl::StrCat("p>", std::string(1, d)))
                              .String(PartyKey(facts))
                              .Uint32(month)
                              .String(value)
                              .Release(),
                          deltas});
    }
  }
  return counters;
}

const storage::Table<v1::Incident>& IncidentsTable() {
  static const storage::Table<v1::Incident>* table = [] {
    auto* t = new storage::Table<v1::Incident>(
        {.name = "incidents", .noun = "incident", .key_field = "id"},
        [](const v1::Incident& i) { return KeyWriter().String(i.id()).Release(); },
        [](const v1::Incident& i) { return i.id(); });
    // Each term is (leading values..., time); withdrawn: none.
    auto index = [t](const char* name,
                     std::function<std::vector<std::string>(const v1::IncidentFacts&)> leads) {
      t->Index(name, [leads](const v1::Incident& i) -> std::vector<std::string> {
        if (i.withdrawn()) return {};
        std::vector<std::string> terms;
        for (const std::string& lead : leads(i.facts())) {
          terms.push_back(
              absl::StrCat(lead, KeyWriter().Int64(OccurredMicros(i.facts())).Release()));
        }
        return terms;
      });
    };
    auto one = [](std::string lead) { return std::vector<std::string>{std::move(lead)}; };
    auto unless_empty = [](const std::string& value) {
      return value.empty() ? std::vector<std::string>{}
                           : std::vector<std::string>{KeyWriter().String(value).Release()};
    };
    index("occurred", [one](const v1::IncidentFacts&) { return one(""); });
    index("party",
          [unless_empty](const v1::IncidentFacts& f) { return unless_empty(PartyKey(f)); });
    index("area", [unless_empty](const v1::IncidentFacts& f) { return unless_empty(f.area_id()); });
    index("type", [one](const v1::IncidentFacts& f) {
      return one(KeyWriter().Uint32(static_cast<uint32_t>(f.type())).Release());
    });
    index("weapon", [](const v1::IncidentFacts& f) {
      std::vector<std::string> leads;
      for (int weapon : f.weapons()) {
        leads.push_back(KeyWriter().Uint32(static_cast<uint32_t>(weapon)).Release());
      }
      return leads;
    });
    index("convoy",
          [unless_empty](const v1::IncidentFacts& f) { return unless_empty(f.convoy_id()); });
    return t;
  }();
  return *table;
}

const storage::Table<v1::Incident>& IncidentRevisionsTable() {
  static const storage::Table<v1::Incident>* table = new storage::Table<v1::Incident>(
      {.name = "incident_revisions", .noun = "incident revision", .key_field = "incident_id"},
      [](const v1::Incident& i) {
        return KeyWriter().String(i.id()).Uint64(i.revision()).Release();
      },
      [](const v1::Incident& i) { return absl::StrCat(i.id(), " revision ", i.revision()); });
  return *table;
}

}  // namespace corridor::incidents
