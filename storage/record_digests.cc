// Walking every stored record's digest, for audits and backups. A block of
// the records' table files that fails RocksDB's checksum does not end the
// walk: the records the journal says were written there are read one by
// one, and those that cannot be read are reported as such.
#include <map>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "storage/key_codec.h"
#include "storage/page_token.h"
#include "storage/store_impl.h"

namespace corridor::storage {
namespace {

// Tables whose changes the journal lists but the verifier skips.
constexpr char kMetaTable[] = "_meta";

absl::StatusOr<RecordDigest> DigestOf(absl::string_view key, absl::string_view value) {
  KeyReader reader(key);
  RecordDigest digest;
  if (!reader.String(&digest.table)) {
    return absl::DataLossError("a stored record key is malformed; restore from a backup");
  }
  digest.primary_key = std::string(reader.rest());
  CORRIDOR_ASSIGN_OR_RETURN(const RawRecord record, DecodeValue(value));
  digest.version = record.version;
  digest.sha256 = merkle::Sha256(record.payload);
  return digest;
}

// Record key -> (table, primary key) of every record the journal wrote
// with a key after `after`, in key order.
using JournalRecords = std::map<std::string, std::pair<std::string, std::string>>;

absl::StatusOr<JournalRecords> JournalRecordsAfter(const Store& store, absl::string_view after) {
  JournalRecords records;
  CORRIDOR_RETURN_IF_ERROR(
      store.ReadJournal(0, store.journal_head().size, [&](uint64_t index, absl::string_view bytes) {
        v1::JournalEntry entry;
        if (!entry.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
          return absl::DataLossError(absl::StrCat("audit journal entry ", index,
                                                  " does not parse; restore from a backup"));
        }
        for (const v1::JournalChange& change : entry.changes()) {
          if (change.table() == kMetaTable) continue;
          std::string key = KeyWriter().String(change.table()).Raw(change.key()).Release();
          if (key > after) records[std::move(key)] = {change.table(), change.key()};
        }
        return absl::OkStatus();
      }));
  return records;
}

// Up to `budget` of the records the journal wrote after `resume_after`,
// each read on its own: one in a damaged block is visited as unreadable,
// one no longer stored is left for the verifier to miss. Returns the next
// page token.
absl::StatusOr<std::string> DigestsPastDamage(const Store& store, rocksdb::DB* db,
                                              rocksdb::ColumnFamilyHandle* records,
                                              const rocksdb::Snapshot* snapshot,
                                              std::string resume_after, int budget,
                                              uint64_t fingerprint,
                                              const Store::DigestVisitor& visit) {
  CORRIDOR_ASSIGN_OR_RETURN(const JournalRecords written, JournalRecordsAfter(store, resume_after));
  rocksdb::ReadOptions options;
  options.snapshot = snapshot;
  for (const auto& [key, names] : written) {
    if (budget-- == 0) return EncodePageToken(fingerprint, resume_after);
    std::string value;
    const rocksdb::Status read = db->Get(options, records, key, &value);
    if (read.IsCorruption()) {
      RecordDigest digest;
      digest.table = names.first;
      digest.primary_key = names.second;
      digest.unreadable = true;
      CORRIDOR_RETURN_IF_ERROR(visit(digest));
    } else if (!read.IsNotFound()) {
      CORRIDOR_RETURN_IF_ERROR(FromRocks(read, "reading a record"));
      CORRIDOR_ASSIGN_OR_RETURN(const RecordDigest digest, DigestOf(key, value));
      CORRIDOR_RETURN_IF_ERROR(visit(digest));
    }
    resume_after = key;
  }
  return std::string();
}

}  // namespace

absl::StatusOr<std::string> Store::ScanRecordDigests(const std::string& page_token, int page_size,
                                                     const DigestVisitor& visit) const {
  const uint64_t fingerprint = QueryFingerprint("*", "", "", false, "digests");
  std::string resume_after;
  if (!page_token.empty()) {
    CORRIDOR_ASSIGN_OR_RETURN(resume_after, DecodePageToken(page_token, fingerprint));
  }
  ScopedSnapshot snapshot(impl_->db());
  int seen = 0;
  {
    RangeIterator it(impl_->db(), impl_->records(), "", "", snapshot.get());
    if (resume_after.empty()) {
      it.SeekToFirst();
    } else {
      it.SeekPast(resume_after, /*reverse=*/false);
    }
    for (; it.Valid(); it.Next(), ++seen) {
      if (seen == page_size) return EncodePageToken(fingerprint, resume_after);
      CORRIDOR_ASSIGN_OR_RETURN(const RecordDigest digest, DigestOf(it.key(), it.value()));
      CORRIDOR_RETURN_IF_ERROR(visit(digest));
      resume_after = std::string(it.key());
    }
    absl::Status scanned = it.status("scanning records");
    if (!absl::IsDataLoss(scanned)) {
      CORRIDOR_RETURN_IF_ERROR(scanned);
      return std::string();
    }
  }
  return DigestsPastDamage(*this, impl_->db(), impl_->records(), snapshot.get(),
                           std::move(resume_after), page_size - seen, fingerprint, visit);
}

}  // namespace corridor::storage
