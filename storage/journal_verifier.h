// Re-checks an audit journal from its entries alone: rebuilds the Merkle
// tree, and compares every stored record with the latest journal entry that
// wrote it. Used by `corridorctl audit verify` (entries fetched over gRPC)
// and by tests (entries read from the store); it trusts nothing the
// service computed.
#ifndef CORRIDOR_STORAGE_JOURNAL_VERIFIER_H_
#define CORRIDOR_STORAGE_JOURNAL_VERIFIER_H_

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "storage/merkle.h"
#include "storage/store.h"

namespace corridor::storage {

class JournalVerifier {
 public:
  // Adds the next entry (indexes must run 0, 1, 2...). DATA_LOSS saying
  // which entry if it is out of order or does not parse.
  absl::Status AddEntry(uint64_t index, absl::string_view entry);

  uint64_t size() const { return frontier_.size(); }
  merkle::Hash Root() const { return frontier_.Root(); }

  // Checks one stored record against the latest journal entry that wrote
  // it: same version, same SHA-256. DATA_LOSS naming the record otherwise,
  // and saying so if the record could not be read at all.
  absl::Status CheckRecord(const RecordDigest& record);
  // After every stored record was checked: DATA_LOSS naming a record the
  // journal wrote but the store no longer has.
  absl::Status CheckNoRecordMissing() const;
  // The same, one DATA_LOSS per missing record, in key order.
  std::vector<absl::Status> MissingRecords() const;

 private:
  struct Latest {
    uint64_t version = 0;
    std::string sha256;
    uint64_t entry = 0;
    std::string description;
    bool seen = false;
  };
  merkle::Frontier frontier_;
  std::map<std::pair<std::string, std::string>, Latest> latest_;  // (table, key)
};

}  // namespace corridor::storage

#endif  // CORRIDOR_STORAGE_JOURNAL_VERIFIER_H_
