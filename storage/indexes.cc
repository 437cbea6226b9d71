// Index entries: what a commit adds and deletes, building an index a new
// release added, and checking every index against its records.
#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "storage/key_codec.h"
#include "storage/store_impl.h"

namespace corridor::storage {
namespace {

// Records indexed per unsynced write while an index is built.
constexpr int kBatchRecords = 1000;

// Where the marker of a built index is kept.
std::string BuiltKey(const TableSchema& table, const TableSchema::Index& index) {
  return absl::StrCat(kMetaPrefix, "index-built/", table.info().name, "/", index.name);
}

}  // namespace

absl::Status ForEachStoredRecord(
    rocksdb::DB* db, rocksdb::ColumnFamilyHandle* records, const TableSchema& table,
    const rocksdb::Snapshot* snapshot, absl::string_view why,
    const std::function<absl::Status(const google::protobuf::Message& record,
                                     const std::string& primary_key)>& visit) {
  const std::string prefix = table.RecordPrefix();
  RangeIterator it = RangeIterator::OverPrefix(db, records, prefix, snapshot);
  std::unique_ptr<google::protobuf::Message> record(table.prototype().New());
  for (it.SeekToFirst(); it.Valid(); it.Next()) {
    CORRIDOR_ASSIGN_OR_RETURN(const RawRecord raw, DecodeValue(it.value()));
    if (!record->ParseFromString(raw.payload)) {
      return absl::DataLossError(absl::StrCat("a stored ", table.info().noun,
                                              " could not be parsed while ", why,
                                              "; restore the database from a backup"));
    }
    CORRIDOR_RETURN_IF_ERROR(visit(*record, std::string(it.key().substr(prefix.size()))));
  }
  return it.status(absl::StrCat("reading records while ", why));
}

void StageIndexChanges(rocksdb::ColumnFamilyHandle* indexes, const TableSchema& table,
                       const std::string& primary_key,
                       const std::vector<std::vector<std::string>>& before,
                       const std::vector<std::vector<std::string>>& after,
                       rocksdb::WriteBatch* batch) {
  // Delete the terms the record lost, add the ones it gained.
  for (size_t x = 0; x < table.indexes().size(); ++x) {
    const std::string prefix = table.IndexPrefix(table.indexes()[x].name);
    for (const std::string& term : before[x]) {
      if (std::find(after[x].begin(), after[x].end(), term) == after[x].end()) {
        batch->Delete(indexes, prefix + term + primary_key);
      }
    }
    for (const std::string& term : after[x]) {
      if (std::find(before[x].begin(), before[x].end(), term) == before[x].end()) {
        batch->Put(indexes, prefix + term + primary_key, primary_key);
      }
    }
  }
}

absl::Status Store::BuildMissingIndexes(const TableSchema& table, const IndexProgress& progress) {
  if (impl_->options().read_only) return absl::OkStatus();
  for (const TableSchema::Index& index : table.indexes()) {
    CORRIDOR_RETURN_IF_ERROR(impl_->BuildIndex(table, index, progress));
  }
  return absl::OkStatus();
}

absl::Status Store::Impl::BuildIndex(const TableSchema& table, const TableSchema::Index& index,
                                     const IndexProgress& progress) {
  rocksdb::DB* db = db_;
  const std::string built = BuiltKey(table, index);
  std::string unused;
  rocksdb::Status found = db->Get(rocksdb::ReadOptions(), meta(), built, &unused);
  if (found.ok()) return absl::OkStatus();
  if (!found.IsNotFound()) return FromRocks(found, "reading index metadata");

  const std::string entries = table.IndexPrefix(index.name);
  rocksdb::WriteBatch batch;
  uint64_t done = 0;
  CORRIDOR_RETURN_IF_ERROR(ForEachStoredRecord(
      db, records(), table, nullptr, absl::StrCat("building index ", index.name),
      [&](const google::protobuf::Message& record, const std::string& primary_key) {
        for (const std::string& term : index.terms(record)) {
          batch.Put(indexes(), entries + term + primary_key, primary_key);
        }
        if (++done % kBatchRecords != 0) return absl::OkStatus();
        // Unsynced: the marker below is written (synced) only once every
        // entry is, so a crash midway builds the index again.
        CORRIDOR_RETURN_IF_ERROR(
            FromRocks(db->Write(rocksdb::WriteOptions(), &batch), "building an index"));
        batch.Clear();
        if (progress) progress(index.name, done);
        return absl::OkStatus();
      }));
  batch.Put(meta(), built, absl::StrCat(done));
  rocksdb::WriteOptions write_options;
  write_options.sync = options().sync;
  CORRIDOR_RETURN_IF_ERROR(FromRocks(db->Write(write_options, &batch), "building an index"));
  if (progress && done % kBatchRecords != 0) progress(index.name, done);
  return absl::OkStatus();
}

absl::Status Store::CheckIndexes(const TableSchema& table) const {
  ScopedSnapshot snapshot(impl_->db());
  for (const TableSchema::Index& index : table.indexes()) {
    CORRIDOR_RETURN_IF_ERROR(impl_->CheckIndex(table, index, snapshot.get()));
  }
  return absl::OkStatus();
}

absl::Status Store::Impl::CheckIndex(const TableSchema& table, const TableSchema::Index& index,
                                     const rocksdb::Snapshot* snapshot) const {
  const std::string entries = table.IndexPrefix(index.name);
  // Every entry the records call for, as (index key, primary key).
  std::vector<std::pair<std::string, std::string>> expected;
  CORRIDOR_RETURN_IF_ERROR(ForEachStoredRecord(
      db(), records(), table, snapshot, "checking indexes",
      [&](const google::protobuf::Message& record, const std::string& primary_key) {
        for (const std::string& term : index.terms(record)) {
          expected.emplace_back(entries + term + primary_key, primary_key);
        }
        return absl::OkStatus();
      }));
  std::sort(expected.begin(), expected.end());
  expected.erase(std::unique(expected.begin(), expected.end()), expected.end());

  RangeIterator it = RangeIterator::OverPrefix(db(), indexes(), entries, snapshot);
  const std::string where = absl::StrCat("index ", index.name, " of ", table.info().name);
  const std::string& noun = table.info().noun;
  size_t next = 0;
  for (it.SeekToFirst(); it.Valid(); it.Next(), ++next) {
    if (next == expected.size() || it.key() != expected[next].first) {
      // The first entry in key order that differs: either the index has
      // one no record calls for, or it lacks the one expected here.
      if (next < expected.size() && expected[next].first < it.key()) break;
      return absl::DataLossError(absl::StrCat(where, " has an entry for ", noun, " key ",
                                              DescribeKey(it.value()),
                                              " that no stored record calls for"));
    }
    if (it.value() != expected[next].second) {
      return absl::DataLossError(absl::StrCat(where, " points at the wrong ", noun, " for ",
                                              DescribeKey(expected[next].second)));
    }
  }
  CORRIDOR_RETURN_IF_ERROR(it.status("reading an index to check it"));
  if (next < expected.size()) {
    return absl::DataLossError(absl::StrCat(where, " lacks the entry of ", noun, " key ",
                                            DescribeKey(expected[next].second),
                                            ": lists filtered by it leave that ", noun, " out"));
  }
  return absl::OkStatus();
}

}  // namespace corridor::storage
