// Online backups of one service's store, and their restore.
//
// A backup is a folder that is itself a ready data folder: a RocksDB
// checkpoint, the files the service keeps beside its database (its journal
// signing key), and a BACKUP manifest naming the service and the journal
// head the copy holds. Restoring copies it into an empty data folder and
// proves the copy: the restored journal must have the manifest's head, and
// every record must match the journal entry that last wrote it.
//
// A server writes backups only under its backup root (BackupRoot), and
// never into its own data folder. Backups are readable by their owner only:
// folders 0700, files 0600.
//
//   absl::StatusOr<BackupRoot> root = BackupRoot::Open("/backups", "/data");
//   absl::StatusOr<std::string> folder = root->Resolve("2026-11-23/areas");
//   absl::StatusOr<BackupManifest> made =
//       CreateBackup(store, "areas", {"/data/areas/journal-signing-key.pem"}, *folder);
//   ... later, with the service stopped ...
//   absl::StatusOr<BackupManifest> restored =
//       RestoreBackup("/backups/2026-11-23/areas", "/data/areas", "areas", progress);
#ifndef CORRIDOR_STORAGE_BACKUP_H_
#define CORRIDOR_STORAGE_BACKUP_H_

#include <cstdint>
#include <functional>
#include <map>
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
  // Each file's SHA-256 (hex) by name; empty in manifests from before they
  // were kept, whose files are checked by count and size only.
  std::map<std::string, std::string> file_sha256;
};

// Creates `folder` (and its parents) readable by its owner only if it is
// missing, and returns its resolved path; FAILED_PRECONDITION if it lies
// inside `data_dir` (what a backup or a key must stay out of).
absl::StatusOr<std::string> PrivateFolderOutside(const std::string& folder,
                                                 const std::string& data_dir);

// The folder a server writes backups under, and the data folder it keeps
// them out of. Copyable; holds only the two resolved paths.
class BackupRoot {
 public:
  // Creates `root` (0700) if it is missing, and resolves it and `data_dir`
  // (symlinks too). FAILED_PRECONDITION if the root lies inside `data_dir`,
  // where every backup would be refused; UNAVAILABLE if it cannot be made.
  static absl::StatusOr<BackupRoot> Open(const std::string& root, const std::string& data_dir);

  // The resolved root, absolute.
  const std::string& path() const { return root_; }

  // The absolute folder a request for `requested` may write: a relative
  // path is taken under the root, an absolute one must lie inside it. `..`
  // and the symlinks of the part that exists are resolved first (realpath),
  // so neither can lead out. INVALID_ARGUMENT, with a message that names no
  // field (the caller names its own), if the folder is empty, is the root
  // itself, leaves the root, or lies in (or holds) the data folder.
  absl::StatusOr<std::string> Resolve(absl::string_view requested) const;

 private:
  BackupRoot(std::string root, std::string data_dir)
      : root_(std::move(root)), data_dir_(std::move(data_dir)) {}

  std::string root_;
  std::string data_dir_;
};

// Checkpoints `store` into `folder` (which must not exist), copies
// `extra_files` into it, and writes the manifest last, so that a folder
// without one is an unfinished backup. Writes to the store carry on.
// Missing parents of `folder` are created 0700; the backup's folders end
// 0700 and its files 0600, whatever the umask. `folder` is used as given:
// confine it with BackupRoot::Resolve first.
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

// Copies the backup in `from` into `to`, the data folder of `service`
// (missing or empty; nothing else is overwritten), then opens the copy and
// verifies it against the manifest and its own journal. FAILED_PRECONDITION,
// naming both services, before anything is copied if the manifest is of
// another service than `service`. `to` is created 0700 if missing, and the
// copied files are 0600. On a failed verification the copy is left in place
// for inspection and the error says so.
absl::StatusOr<BackupManifest> RestoreBackup(
    const std::string& from, const std::string& to, absl::string_view service,
    const std::function<void(const RestoreProgress&)>& progress = nullptr);

}  // namespace corridor::storage

#endif  // CORRIDOR_STORAGE_BACKUP_H_
