#include "services/agreements/agreement_tables.h"

#include "absl/strings/str_cat.h"
#include "common/validation.h"
#include "google/protobuf/util/time_util.h"
#include "storage/key_codec.h"

namespace corridor::agreements {

using storage::KeyWriter;

const storage::Table<v1::Agreement>& AgreementsTable() {
  static const storage::Table<v1::Agreement>* table = new storage::Table<v1::Agreement>(
      {.name = "agreements", .noun = "agreement", .key_field = "id"},
      [](const v1::Agreement& a) { return KeyWriter().String(a.id()).Release(); },
      [](const v1::Agreement& a) { return a.id(); });
  return *table;
}

const storage::Table<v1::Violation>& ViolationsTable() {
  static const storage::Table<v1::Violation>* table = [] {
    auto* t = new storage::Table<v1::Violation>(
        {.name = "violations", .noun = "violation", .key_field = "id"},
        [](const v1::Violation& v) { return KeyWriter().String(v.id()).Release(); },
        [](const v1::Violation& v) { return v.id(); });
    t->Index("agreement", [](const v1::Violation& v) -> std::vector<std::string> {
      return {KeyWriter()
                  .String(v.agreement_id())
                  .Int64(google::protobuf::util::TimeUtil::TimestampToMicroseconds(v.occurred_at()))
                  .Release()};
    });
    t->Index("source", [](const v1::Violation& v) -> std::vector<std::string> {
      return {KeyWriter().String(v.agreement_id()).String(v.term_id()).String(v.source()).Release()};
    });
    return t;
  }();
  return *table;
}

const storage::Table<v1::ConvoyCopy>& ConvoyCopiesTable() {
  static const storage::Table<v1::ConvoyCopy>* table = [] {
    auto* t = new storage::Table<v1::ConvoyCopy>(
        {.name = "convoy_copies", .noun = "convoy", .key_field = "id"},
        [](const v1::ConvoyCopy& c) { return KeyWriter().String(c.convoy().id()).Release(); },
        [](const v1::ConvoyCopy& c) { return c.convoy().id(); });
    t->Index("delivered", [](const v1::ConvoyCopy& copy) -> std::vector<std::string> {
      const v1::Convoy& c = copy.convoy();
      if (c.status() != v1::CONVOY_STATUS_DELIVERED &&
          c.status() != v1::CONVOY_STATUS_PARTIALLY_DELIVERED) {
        return {};
      }
      return {KeyWriter().String(c.area_id()).Uint32(DateNumber(c.outcome_date())).Release()};
    });
    return t;
  }();
  return *table;
}

const storage::Table<v1::ConsequenceRecord>& ConsequencesTable() {
  static const storage::Table<v1::ConsequenceRecord>* table =
      new storage::Table<v1::ConsequenceRecord>(
          {.name = "consequences", .noun = "consequence record", .key_field = "violation_id"},
          [](const v1::ConsequenceRecord& c) {
            return KeyWriter()
                .String(c.agreement_id())
                .String(c.violation_id())
                .Uint64(static_cast<uint64_t>(c.sequence()))
                .Release();
          },
          [](const v1::ConsequenceRecord& c) {
            return absl::StrCat(c.violation_id(), " record ", c.sequence());
          });
  return *table;
}

const std::vector<std::string>& FollowedServices() {
  static const auto* followed =
      new std::vector<std::string>{"routes", "convoys", "denials", "incidents"};
  return *followed;
}

}  // namespace corridor::agreements
