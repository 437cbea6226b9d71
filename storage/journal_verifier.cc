#include "storage/journal_verifier.h"

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "corridor/v1/audit.pb.h"

namespace corridor::storage {

absl::Status JournalVerifier::AddEntry(uint64_t index, absl::string_view bytes) {
  if (index != frontier_.size()) {
    return absl::DataLossError(absl::StrCat("journal entry ", frontier_.size(),
                                            " is missing: the next one has index ", index));
  }
  v1::JournalEntry entry;
  if (!entry.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return absl::DataLossError(absl::StrCat("journal entry ", index, " does not parse"));
  }
  if (entry.index() != index) {
    return absl::DataLossError(absl::StrCat("journal entry ", index, " says it is entry ",
                                            entry.index(), ": entries were moved or edited"));
  }
  for (const v1::JournalChange& change : entry.changes()) {
    if (change.table() == "_meta") continue;
    Latest& latest = latest_[{change.table(), change.key()}];
    latest.version = change.version();
    latest.sha256 = change.record_sha256();
    latest.entry = index;
    latest.description = change.description();
  }
  frontier_.Append(merkle::LeafHash(bytes));
  return absl::OkStatus();
}

absl::Status JournalVerifier::CheckRecord(const RecordDigest& record) {
  auto it = latest_.find({record.table, record.primary_key});
  if (it == latest_.end()) {
    return absl::DataLossError(
        absl::StrCat("stored ", record.table, " record (key ", absl::CHexEscape(record.primary_key),
                     ", version ", record.version,
                     ") has no journal entry: it was written behind the service's back"));
  }
  Latest& latest = it->second;
  latest.seen = true;
  if (record.unreadable) {
    return absl::DataLossError(
        absl::StrCat("stored ", record.table, " record \"", latest.description,
                     "\" (written by journal entry ", latest.entry,
                     ") cannot be read: its block of the database failed RocksDB's checksum; "
                     "restore the database from a backup"));
  }
  if (latest.version != record.version || latest.sha256 != merkle::ToBytes(record.sha256)) {
    return absl::DataLossError(
        absl::StrCat("stored ", record.table, " record \"", latest.description, "\" (version ",
                     record.version, ") does not match journal entry ", latest.entry, " (version ",
                     latest.version, "): the record was changed outside the service"));
  }
  return absl::OkStatus();
}

absl::Status JournalVerifier::CheckNoRecordMissing() const {
  std::vector<absl::Status> missing = MissingRecords();
  return missing.empty() ? absl::OkStatus() : missing.front();
}

std::vector<absl::Status> JournalVerifier::MissingRecords() const {
  std::vector<absl::Status> missing;
  for (const auto& [key, latest] : latest_) {
    if (!latest.seen) {
      missing.push_back(absl::DataLossError(
          absl::StrCat(key.first, " record \"", latest.description, "\", written by journal entry ",
                       latest.entry, ", is no longer stored: it was deleted outside the service")));
    }
  }
  return missing;
}

}  // namespace corridor::storage
