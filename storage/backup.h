// Online backups of one service's store, and their restore.
//
// A backup is a folder that is itself a ready data folder: a RocksDB
// checkpoint, the files the service keeps beside its database (its journal
// signing key), and a BACKUP manifest naming the service and the journal
// head the copy holds. Restoring copies it into an empty data folder and
// proves the copy: the restored journal must have the manifest's head, and
// every record must match the journal entry that last wrote it.
//
//   absl::StatusOr<BackupManifest> made =
//       CreateBackup(store, "areas", {"/data/areas/journal-signing-key.pem"}, "/backups/areas");
//   ... later, with the service stopped ...
//   absl::StatusOr<BackupManifest> restored =
//       RestoreBackup("/backups/areas", "/data/areas", progress);
#ifndef CORRIDOR_STORAGE_BACKUP_H_
#define CORRIDOR_STORAGE_BACKUP_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "storage/store.h"

namespace corridor::storage {

// The manifest's name inside a backup folder.
inline constexpr char kBackupManifestName[] = "BACKUP";

struct BackupManifest {
  std::string service;
  absl::Time created;
  JournalHead head;  // what the copy holds
  uint64_t files = 0;
  uint64_t bytes = 0;
};

// Checkpoints `store` into `folder` (which must not exist), copies
// `extra_files` into it, and writes the manifest last, so that a folder
// without one is an unfinished backup. Writes to the store carry on.
absl::StatusOr<BackupManifest> CreateBackup(const Store& store, absl::string_view service,
                                            const std::vector<std::string>& extra_files,
                                            const std::string& folder);

// Reads a backup folder's manifest; NOT_FOUND if there is none (not a
// backup, or one that did not finish).
absl::StatusOr<BackupManifest> ReadBackupManifest(const std::string& folder);

// What RestoreBackup is doing, for progress lines.
struct RestoreProgress {
  std::string stage;     // "copying", "verifying journal", "verifying records"
  uint64_t done = 0;
  uint64_t total = 0;    // 0 when not known in advance
};

// Copies the backup in `from` into `to` (missing or empty; nothing else is
// overwritten), then opens the copy and verifies it against the manifest
// and its own journal. On a failed verification the copy is left in place
// for inspection and the error says so.
absl::StatusOr<BackupManifest> RestoreBackup(
    const std::string& from, const std::string& to,
    const std::function<void(const RestoreProgress&)>& progress = nullptr);

}  // namespace corridor::storage

#endif  // CORRIDOR_STORAGE_BACKUP_H_
