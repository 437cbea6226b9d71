#include "storage/rocks_util.h"

#include "absl/strings/str_cat.h"
#include "storage/key_codec.h"

namespace corridor::storage {

absl::Status FromRocks(const rocksdb::Status& s, absl::string_view what) {
  if (s.ok()) return absl::OkStatus();
  std::string message = absl::StrCat(what, ": ", s.ToString());
  if (s.IsNotFound()) return absl::NotFoundError(message);
  if (s.IsCorruption()) {
    return absl::DataLossError(absl::StrCat(message, "; restore the database from a backup"));
  }
  if (s.IsIOError() && s.ToString().find("lock") != std::string::npos) {
    return absl::FailedPreconditionError(
        absl::StrCat(message,
                     "; another process has this database open: stop it, or point this "
                     "one at another data folder"));
  }
  if (s.IsIOError()) {
    return absl::UnavailableError(absl::StrCat(message, "; check the disk (space, permissions)"));
  }
  return absl::InternalError(message);
}

std::string EncodeValue(uint64_t version, absl::string_view payload) {
  std::string value = KeyWriter().Uint64(version).Release();
  value.append(payload.data(), payload.size());
  return value;
}

absl::StatusOr<RawRecord> DecodeValue(absl::string_view value) {
  KeyReader reader(value);
  RawRecord record;
  if (!reader.Uint64(&record.version)) {
    return absl::DataLossError(
        "a stored record is shorter than its version header; the database "
        "may be damaged: restore it from a backup");
  }
  record.payload = std::string(reader.rest());
  return record;
}

RangeIterator::RangeIterator(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* family,
                             std::string lower, std::string upper,
                             const rocksdb::Snapshot* snapshot)
    : lower_(std::move(lower)),
      upper_(std::move(upper)),
      lower_slice_(lower_),
      upper_slice_(upper_) {
  options_.snapshot = snapshot;
  if (!lower_.empty()) options_.iterate_lower_bound = &lower_slice_;
  if (!upper_.empty()) options_.iterate_upper_bound = &upper_slice_;
  it_.reset(db->NewIterator(options_, family));
}

// Returned by value: C++17 constructs it in the caller's variable, so the
// slices keep pointing at its own bounds.
RangeIterator RangeIterator::OverPrefix(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* family,
                                        absl::string_view prefix,
                                        const rocksdb::Snapshot* snapshot) {
  return RangeIterator(db, family, std::string(prefix), PrefixSuccessor(prefix), snapshot);
}

void RangeIterator::SeekPast(absl::string_view key, bool reverse) {
  const rocksdb::Slice target(key.data(), key.size());
  if (reverse) {
    it_->SeekForPrev(target);
    if (it_->Valid() && it_->key() == target) it_->Prev();
  } else {
    it_->Seek(target);
    if (it_->Valid() && it_->key() == target) it_->Next();
  }
}

}  // namespace corridor::storage
