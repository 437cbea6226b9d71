#include "services/mirror/replicated_batch.h"

#include <map>
#include <memory>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "storage/merkle.h"

namespace corridor::mirror {
namespace {

// A record the batch stores: the newest version the batch carries of it.
struct Copied {
  const storage::TableSchema* table = nullptr;
  std::unique_ptr<google::protobuf::Message> record;
  std::string payload;
  uint64_t version = 0;
};

// The record `written` describes, from `record` (the feed's CURRENT copy).
absl::StatusOr<Copied> CheckRecord(const ServiceStorage& copy, uint64_t index,
                                   const v1::JournalChange& written,
                                   const v1::ChangedRecord& record) {
  const std::string where = absl::StrCat("entry ", index, ", ", written.table(), " ",
                                         written.description(), " version ", written.version());
  Copied copied;
  copied.table = FindTable(copy, written.table());
  if (copied.table == nullptr) {
    return absl::FailedPreconditionError(
        absl::StrCat(where, ": the primary keeps a table \"", written.table(),
                     "\" this build of corridor-mirror does not know; upgrade it"));
  }
  const std::string& payload = record.record().value();
  if (storage::merkle::ToBytes(storage::merkle::Sha256(payload)) != written.record_sha256()) {
    return absl::DataLossError(
        absl::StrCat(where,
                     ": the record the change feed gives has another digest than the "
                     "one the entry commits to"));
  }
  copied.record.reset(copied.table->prototype().New());
  if (!copied.record->ParseFromString(payload) ||
      copied.table->PrimaryKey(*copied.record) != written.key()) {
    return absl::DataLossError(
        absl::StrCat(where, ": the record does not parse as the entry's record"));
  }
  copied.payload = payload;
  copied.version = written.version();
  return copied;
}

}  // namespace

absl::StatusOr<ReplicatedBatch> BuildReplicatedBatch(const ServiceStorage& copy,
                                                     const std::vector<v1::Change>& changes) {
  ReplicatedBatch batch;
  std::map<std::string, Copied> newest;  // by table and primary key
  for (const v1::Change& change : changes) {
    v1::JournalEntry entry;
    if (!entry.ParseFromString(change.entry_bytes()) || entry.index() != change.index()) {
      return absl::DataLossError(
          absl::StrCat("entry ", change.index(), " of the change feed cannot be parsed"));
    }
    if (change.records_size() != entry.changes_size()) {
      return absl::DataLossError(absl::StrCat("entry ", change.index(), ": the change feed gives ",
                                              change.records_size(), " records for the entry's ",
                                              entry.changes_size(), " changes"));
    }
    for (int i = 0; i < entry.changes_size(); ++i) {
      const v1::ChangedRecord& record = change.records(i);
      if (record.state() == v1::ChangedRecord::REDACTED) {
        return absl::PermissionDeniedError(
            absl::StrCat("entry ", change.index(),
                         ": the primary redacts records for this mirror's token; "
                         "give the mirror a token of role oversight"));
      }
      // A superseded record comes with a later entry; a removed or withheld
      // one is not the record's to copy.
      if (record.state() != v1::ChangedRecord::CURRENT) continue;
      CORRIDOR_ASSIGN_OR_RETURN(Copied copied,
                                CheckRecord(copy, change.index(), entry.changes(i), record));
      std::string key = copied.table->RecordKey(entry.changes(i).key());
      auto it = newest.find(key);
      if (it == newest.end() || it->second.version < copied.version) {
        newest[std::move(key)] = std::move(copied);
      }
    }
    batch.entries.push_back(change.entry_bytes());
  }
  for (auto& [key, copied] : newest) {
    if (copy.derive_for_mirror) {
      std::unique_ptr<google::protobuf::Message> before(copied.table->prototype().New());
      absl::StatusOr<uint64_t> held =
          copy.store->Get(*copied.table, copied.table->PrimaryKey(*copied.record), before.get());
      if (!held.ok() && !absl::IsNotFound(held.status())) return held.status();
      if (!held.ok() || *held < copied.version) {
        copy.derive_for_mirror(copied.table->info().name, held.ok() ? before.get() : nullptr,
                               *copied.record, &batch.records);
      }
    }
    batch.records.Replicate(*copied.table, *copied.record, std::move(copied.payload),
                            copied.version);
  }
  return batch;
}

}  // namespace corridor::mirror
