// RocksDB plumbing shared by the store's files; private to storage/.
//
// Nothing here leaves the storage layer: callers of Store see absl::Status
// and strings, never rocksdb types.
#ifndef CORRIDOR_STORAGE_ROCKS_UTIL_H_
#define CORRIDOR_STORAGE_ROCKS_UTIL_H_

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "rocksdb/db.h"
#include "storage/store.h"

namespace corridor::storage {

// Maps a RocksDB status to an absl::Status whose message starts with `what`
// and says what to do: corruption is DATA_LOSS, a folder locked by another
// process FAILED_PRECONDITION, other I/O errors UNAVAILABLE.
absl::Status FromRocks(const rocksdb::Status& s, absl::string_view what);

// A stored record's value: its version (8 bytes, big-endian), then the
// serialized record.
std::string EncodeValue(uint64_t version, absl::string_view payload);
// DATA_LOSS if the value is shorter than its version.
absl::StatusOr<RawRecord> DecodeValue(absl::string_view value);

inline absl::string_view View(const rocksdb::Slice& slice) {
  return absl::string_view(slice.data(), slice.size());
}

// Holds a RocksDB snapshot for as long as it lives.
class ScopedSnapshot {
 public:
  explicit ScopedSnapshot(rocksdb::DB* db) : db_(db), snapshot_(db->GetSnapshot()) {}
  ScopedSnapshot(const ScopedSnapshot&) = delete;
  ScopedSnapshot& operator=(const ScopedSnapshot&) = delete;
  ~ScopedSnapshot() { db_->ReleaseSnapshot(snapshot_); }
  const rocksdb::Snapshot* get() const { return snapshot_; }

 private:
  rocksdb::DB* db_;
  const rocksdb::Snapshot* snapshot_;
};

// An iterator over the keys of one column family from `lower` (inclusive)
// to `upper` (exclusive); an empty bound leaves that side open. It owns the
// bounds that rocksdb::ReadOptions only points at, so they cannot die
// before the iterator does. Reads the latest state, or `snapshot` if given.
class RangeIterator {
 public:
  RangeIterator(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* family, std::string lower,
                std::string upper, const rocksdb::Snapshot* snapshot = nullptr);
  // Every key that starts with `prefix`.
  static RangeIterator OverPrefix(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* family,
                                  absl::string_view prefix,
                                  const rocksdb::Snapshot* snapshot = nullptr);

  RangeIterator(const RangeIterator&) = delete;
  RangeIterator& operator=(const RangeIterator&) = delete;

  // Positions at the first key of the range, or at its last.
  void SeekToFirst() { it_->Seek(lower_); }
  void SeekToLast() { it_->SeekToLast(); }
  // Positions at the first key strictly after `key` (before it if
  // `reverse`), for resuming a walk where a page ended.
  void SeekPast(absl::string_view key, bool reverse);
  void Seek(absl::string_view key) { it_->Seek(rocksdb::Slice(key.data(), key.size())); }

  bool Valid() const { return it_->Valid(); }
  void Next() { it_->Next(); }
  void Prev() { it_->Prev(); }
  absl::string_view key() const { return View(it_->key()); }
  absl::string_view value() const { return View(it_->value()); }

  // The options the iterator reads with (its snapshot), for point reads
  // that must see the same state.
  const rocksdb::ReadOptions& read_options() const { return options_; }
  // OK, or the iterator's error as FromRocks(status, what) maps it.
  absl::Status status(absl::string_view what) const { return FromRocks(it_->status(), what); }

 private:
  const std::string lower_;
  const std::string upper_;
  rocksdb::Slice lower_slice_;
  rocksdb::Slice upper_slice_;
  rocksdb::ReadOptions options_;
  std::unique_ptr<rocksdb::Iterator> it_;
};

}  // namespace corridor::storage

#endif  // CORRIDOR_STORAGE_ROCKS_UTIL_H_
