#include "storage/backup.h"

#include <limits.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <sstream>
#include <system_error>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/status_macros.h"
#include "storage/journal_verifier.h"

namespace corridor::storage {
namespace {

namespace fs = std::filesystem;

constexpr char kFormatLine[] = "corridor-backup: 1";
constexpr int kDigestPage = 5000;
// Manifest lines "sha256 NAME: HEX", one per file.
constexpr char kFileHashPrefix[] = "sha256 ";

absl::Status FileError(absl::string_view what, const fs::path& path, const std::error_code& error) {
  return absl::UnavailableError(
      absl::StrCat(what, " ", path.string(), ": ", error.message(),
                   "; check the folder's permissions and free space"));
}

// Counts the regular files under `folder` and their bytes.
void Measure(const fs::path& folder, uint64_t* files, uint64_t* bytes) {
  std::error_code error;
  for (const auto& item : fs::recursive_directory_iterator(folder, error)) {
    if (!item.is_regular_file()) continue;
    ++*files;
    *bytes += item.file_size();
  }
}

// The SHA-256 (hex) of each regular file directly in `folder` but the
// manifest, by name, read 1 MiB at a time.
absl::StatusOr<std::map<std::string, std::string>> HashFiles(const fs::path& folder) {
  std::map<std::string, std::string> hashes;
  std::error_code error;
  std::vector<char> chunk(1 << 20);
  for (const auto& item : fs::directory_iterator(folder, error)) {
    const std::string name = item.path().filename().string();
    if (!item.is_regular_file() || absl::StartsWith(name, kBackupManifestName)) continue;
    std::ifstream in(item.path(), std::ios::binary);
    std::unique_ptr<EVP_MD_CTX, void (*)(EVP_MD_CTX*)> context(EVP_MD_CTX_new(), EVP_MD_CTX_free);
    EVP_DigestInit_ex(context.get(), EVP_sha256(), nullptr);
    while (in) {
      in.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
      EVP_DigestUpdate(context.get(), chunk.data(), static_cast<size_t>(in.gcount()));
    }
    if (in.bad())
      return FileError("cannot read", item.path(), std::make_error_code(std::errc::io_error));
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    EVP_DigestFinal_ex(context.get(), digest, &length);
    hashes[name] =
        absl::BytesToHexString(absl::string_view(reinterpret_cast<const char*>(digest), length));
  }
  if (error) return FileError("cannot read", folder, error);
  return hashes;
}

std::string ManifestText(const BackupManifest& manifest) {
  std::string text = absl::StrCat(
      kFormatLine, "\nservice: ", manifest.service,
      "\ncreated: ", absl::FormatTime(absl::RFC3339_full, manifest.created, absl::UTCTimeZone()),
      "\njournal_size: ", manifest.head.size, "\njournal_root: ", merkle::ToHex(manifest.head.root),
      "\nfiles: ", manifest.files, "\nbytes: ", manifest.bytes, "\n");
  for (const auto& [name, hash] : manifest.file_sha256) {
    absl::StrAppend(&text, kFileHashPrefix, name, ": ", hash, "\n");
  }
  return text;
}

// That the restored files in `to` are the ones the manifest describes:
// their count and size, and each one's SHA-256 where the manifest has them.
absl::Status CheckRestoredFiles(const std::string& to, const BackupManifest& manifest) {
  uint64_t files = 0, bytes = 0;
  Measure(to, &files, &bytes);
  if (files != manifest.files || bytes != manifest.bytes) {
    return absl::DataLossError(
        absl::StrCat("it holds ", files, " files of ", bytes, " bytes in all, its manifest says ",
                     manifest.files, " files of ", manifest.bytes,
                     " bytes: files were added, removed or changed since the backup was made"));
  }
  if (manifest.file_sha256.empty()) return absl::OkStatus();
  CORRIDOR_ASSIGN_OR_RETURN(const auto hashes, HashFiles(to));
  for (const auto& [name, hash] : hashes) {
    auto listed = manifest.file_sha256.find(name);
    if (listed == manifest.file_sha256.end() || listed->second != hash) {
      return absl::DataLossError(absl::StrCat(
          "its file ", name, " is not the one the backup wrote (its SHA-256 is ", hash,
          listed == manifest.file_sha256.end() ? ", and the manifest lists no such file"
                                               : absl::StrCat(", the manifest's ", listed->second),
          "): it was changed since the backup was made"));
    }
  }
  return absl::OkStatus();
}

// Folders 0700, files 0600, from `folder` down. The checkpoint's table
// files may be hard links to the live database's, which become 0600 too
// (as the server's umask makes them anyway).
absl::Status MakePrivate(const fs::path& folder) {
  std::error_code error;
  fs::permissions(folder, fs::perms::owner_all, fs::perm_options::replace, error);
  if (error) return FileError("cannot restrict the permissions of", folder, error);
  for (auto it = fs::recursive_directory_iterator(folder, error);
       !error && it != fs::recursive_directory_iterator(); it.increment(error)) {
    const fs::file_status status = it->symlink_status(error);
    if (error) break;
    if (fs::is_symlink(status)) continue;
    fs::permissions(it->path(),
                    fs::is_directory(status) ? fs::perms::owner_all
                                             : fs::perms::owner_read | fs::perms::owner_write,
                    fs::perm_options::replace, error);
    if (error) return FileError("cannot restrict the permissions of", it->path(), error);
  }
  if (error) return FileError("cannot read", folder, error);
  return absl::OkStatus();
}

// Whether `path` is `folder` or lies below it; both absolute and normal.
bool IsInside(const fs::path& path, const fs::path& folder) {
  auto part = path.begin();
  for (const fs::path& step : folder) {
    if (step.empty()) continue;  // after a trailing slash
    if (part == path.end() || *part != step) return false;
    ++part;
  }
  return true;
}

// realpath(3) of the longest leading part of `path` that exists, with the
// rest appended and `..` in it folded. A symlink in the part that exists
// is followed; one that points nowhere is an error.
absl::StatusOr<fs::path> ResolveOnce(const fs::path& path) {
  fs::path existing;
  fs::path rest;
  bool missing = false;
  for (const fs::path& part : path) {
    if (part.empty()) continue;
    if (!missing) {
      struct stat info;
      const fs::path next = existing / part;
      if (::lstat(next.c_str(), &info) == 0) {
        existing = next;
        continue;
      }
      missing = true;
    }
    rest /= part;
  }
  char resolved[PATH_MAX];
  if (::realpath(existing.c_str(), resolved) == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat(existing.string(), " cannot be resolved (", std::strerror(errno),
                     "): a symlink that points nowhere, or a folder this server may not read"));
  }
  fs::path result = (fs::path(resolved) / rest).lexically_normal();
  if (result.filename().empty() && result != result.root_path()) result = result.parent_path();
  return result;
}

// ResolveOnce until nothing changes: folding `..` after a missing folder
// ("new/../link/x") can bring an existing symlink into the path, which the
// next round resolves. The result is the path the kernel would follow.
absl::StatusOr<fs::path> ResolveExisting(const fs::path& path) {
  fs::path current = path;
  for (int round = 0; round < 8; ++round) {
    absl::StatusOr<fs::path> next = ResolveOnce(current);
    if (!next.ok() || *next == current) return next;
    current = *std::move(next);
  }
  return absl::InvalidArgumentError(
      absl::StrCat(path.string(), " does not settle to one folder; name it without `..`"));
}

absl::Status Mismatch(const std::string& to, absl::string_view what) {
  return absl::DataLossError(absl::StrCat(
      "the restored copy in ", to, " does not match its backup: ", what,
      ". It is left there for inspection; do not start a service on it. Restore from "
      "another backup."));
}

using ProgressReport = std::function<void(const std::string& stage, uint64_t done, uint64_t total)>;

// Copies the files of the backup in `from` (all but its manifest) into the
// new folder `to`, readable by this user only.
absl::Status CopyBackupFiles(const std::string& from, const std::string& to, uint64_t files,
                             const ProgressReport& report) {
  std::error_code error;
  if (fs::exists(to) && !fs::is_empty(to, error)) {
    return absl::FailedPreconditionError(
        absl::StrCat(to,
                     " is not empty; restore into a new folder (move the old one aside first: "
                     "nothing is overwritten)"));
  }
  CORRIDOR_RETURN_IF_ERROR(CreatePrivateFolders(to));
  uint64_t copied = 0;
  for (const auto& item : fs::directory_iterator(from, error)) {
    const std::string name = item.path().filename().string();
    if (name == kBackupManifestName || !item.is_regular_file()) continue;
    const fs::path copy = fs::path(to) / name;
    fs::copy_file(item.path(), copy, error);
    if (error) return FileError("cannot copy", item.path(), error);
    fs::permissions(copy, fs::perms::owner_read | fs::perms::owner_write, fs::perm_options::replace,
                    error);
    if (error) return FileError("cannot restrict the permissions of", copy, error);
    report("copying", ++copied, files);
  }
  if (error) return FileError("cannot read", from, error);
  return absl::OkStatus();
}

// The checks `corridorctl audit verify` makes, read from the restored copy:
// the journal's entries hash to the manifest's root, and every record is
// the one its last journal entry wrote.
absl::Status VerifyCopy(const Store& store, const BackupManifest& manifest,
                        const ProgressReport& report) {
  const uint64_t size = manifest.head.size;
  JournalVerifier verifier;
  CORRIDOR_RETURN_IF_ERROR(store.ReadJournal(0, size, [&](uint64_t index, absl::string_view entry) {
    absl::Status added = verifier.AddEntry(index, entry);
    if ((index + 1) % 10000 == 0 || index + 1 == size) {
      report("verifying journal", index + 1, size);
    }
    return added;
  }));
  if (verifier.Root() != manifest.head.root) {
    return absl::DataLossError("the journal's entries do not hash to the manifest's root");
  }
  std::string token;
  uint64_t checked = 0;
  do {
    CORRIDOR_ASSIGN_OR_RETURN(
        token, store.ScanRecordDigests(token, kDigestPage, [&](const RecordDigest& record) {
          ++checked;
          return verifier.CheckRecord(record);
        }));
    report("verifying records", checked, 0);
  } while (!token.empty());
  return verifier.CheckNoRecordMissing();
}

}  // namespace

absl::StatusOr<std::string> PrivateFolderOutside(const std::string& folder,
                                                 const std::string& data_dir) {
  if (folder.empty()) return absl::InvalidArgumentError("the folder is empty");
  CORRIDOR_RETURN_IF_ERROR(CreatePrivateFolders(folder));
  CORRIDOR_ASSIGN_OR_RETURN(const fs::path real, ResolveExisting(fs::absolute(folder)));
  CORRIDOR_ASSIGN_OR_RETURN(const fs::path real_data, ResolveExisting(fs::absolute(data_dir)));
  if (IsInside(real, real_data)) {
    return absl::FailedPreconditionError(
        absl::StrCat(real.string(), " lies inside the data folder ", real_data.string(),
                     ", which backups copy and whoever holds the data can read"));
  }
  return real.string();
}

absl::StatusOr<BackupRoot> BackupRoot::Open(const std::string& root, const std::string& data_dir) {
  if (root.empty()) return absl::InvalidArgumentError("the backup root is empty");
  CORRIDOR_ASSIGN_OR_RETURN(const std::string real_root, PrivateFolderOutside(root, data_dir));
  CORRIDOR_ASSIGN_OR_RETURN(const fs::path real_data, ResolveExisting(fs::absolute(data_dir)));
  return BackupRoot(real_root, real_data.string());
}

absl::StatusOr<std::string> BackupRoot::Resolve(absl::string_view requested) const {
  if (requested.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "is empty; name a new folder under the backup root ", root_, ", e.g. 2026-11-23/areas"));
  }
  // The system calls would read the path only up to a NUL.
  if (requested.find('\0') != absl::string_view::npos) {
    return absl::InvalidArgumentError("contains a NUL character; name a folder without one");
  }
  const fs::path asked(std::string{requested});
  CORRIDOR_ASSIGN_OR_RETURN(const fs::path folder,
                            ResolveExisting(asked.is_absolute() ? asked : fs::path(root_) / asked));
  if (!IsInside(folder, root_)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "\"", requested, "\" is ", folder.string(), ", outside the backup root ", root_,
        "; name a folder relative to the root (e.g. 2026-11-23/areas) or an absolute one "
        "inside it"));
  }
  if (folder == fs::path(root_)) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"", requested, "\" is the backup root itself; name a new folder inside it"));
  }
  if (IsInside(folder, data_dir_) || IsInside(data_dir_, folder)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "\"", requested, "\" is ", folder.string(), ", in this server's data folder ", data_dir_,
        ", where the live databases are; name a folder under the backup root "
        "outside it"));
  }
  return folder.string();
}

absl::StatusOr<BackupManifest> CreateBackup(const Store& store, absl::string_view service,
                                            const std::vector<std::string>& extra_files,
                                            const std::string& folder) {
  CORRIDOR_RETURN_IF_ERROR(CreatePrivateFolders(fs::path(folder).parent_path().string()));
  CORRIDOR_ASSIGN_OR_RETURN(const JournalHead head, store.Checkpoint(folder));
  std::error_code error;
  for (const std::string& file : extra_files) {
    fs::copy_file(file, fs::path(folder) / fs::path(file).filename(), error);
    if (error) return FileError("cannot copy", file, error);
  }
  CORRIDOR_RETURN_IF_ERROR(MakePrivate(folder));
  BackupManifest manifest;
  manifest.service = std::string(service);
  manifest.created = absl::Now();
  manifest.head = head;
  Measure(folder, &manifest.files, &manifest.bytes);
  CORRIDOR_ASSIGN_OR_RETURN(manifest.file_sha256, HashFiles(folder));
  // Written whole under another name, then renamed: a manifest is there
  // only once everything it describes is.
  const fs::path partial = fs::path(folder) / absl::StrCat(kBackupManifestName, ".partial");
  {
    std::ofstream out(partial);
    out << ManifestText(manifest);
    out.flush();
    if (!out) return FileError("cannot write", partial, std::make_error_code(std::errc::io_error));
  }
  fs::permissions(partial, fs::perms::owner_read | fs::perms::owner_write,
                  fs::perm_options::replace, error);
  if (error) return FileError("cannot restrict the permissions of", partial, error);
  fs::rename(partial, fs::path(folder) / kBackupManifestName, error);
  if (error) return FileError("cannot finish the manifest in", folder, error);
  return manifest;
}

absl::StatusOr<BackupManifest> ReadBackupManifest(const std::string& folder) {
  const fs::path path = fs::path(folder) / kBackupManifestName;
  std::ifstream in(path);
  if (!in) {
    return absl::NotFoundError(absl::StrCat(
        folder, " holds no ", kBackupManifestName,
        " manifest: it is not a Corridor backup, or the backup did not finish"));
  }
  std::stringstream text;
  text << in.rdbuf();
  std::map<std::string, std::string> fields;
  bool format_seen = false;
  for (absl::string_view line : absl::StrSplit(text.str(), '\n', absl::SkipEmpty())) {
    if (line == kFormatLine) {
      format_seen = true;
      continue;
    }
    std::pair<std::string, std::string> kv = absl::StrSplit(line, absl::MaxSplits(": ", 1));
    fields[kv.first] = kv.second;
  }
  auto bad = [&](absl::string_view field) {
    return absl::DataLossError(absl::StrCat("the manifest ", path.string(),
                                            " is damaged: field \"", field,
                                            "\" is missing or malformed"));
  };
  if (!format_seen) return bad("corridor-backup");
  BackupManifest manifest;
  manifest.service = fields["service"];
  if (manifest.service.empty()) return bad("service");
  std::string parse_error;
  if (!absl::ParseTime(absl::RFC3339_full, fields["created"], &manifest.created, &parse_error)) {
    return bad("created");
  }
  if (!absl::SimpleAtoi(fields["journal_size"], &manifest.head.size)) return bad("journal_size");
  const std::string& root_hex = fields["journal_root"];
  if (root_hex.size() != 64) return bad("journal_root");
  absl::StatusOr<merkle::Hash> root = merkle::FromBytes(absl::HexStringToBytes(root_hex));
  if (!root.ok()) return bad("journal_root");
  manifest.head.root = *root;
  if (!absl::SimpleAtoi(fields["files"], &manifest.files)) return bad("files");
  if (!absl::SimpleAtoi(fields["bytes"], &manifest.bytes)) return bad("bytes");
  for (const auto& [key, value] : fields) {
    if (!absl::StartsWith(key, kFileHashPrefix)) continue;
    if (value.size() != 64) return bad(key);
    manifest.file_sha256[key.substr(strlen(kFileHashPrefix))] = value;
  }
  return manifest;
}

absl::StatusOr<BackupManifest> RestoreBackup(
    const std::string& from, const std::string& to, absl::string_view service,
    const std::function<void(const RestoreProgress&)>& progress) {
  CORRIDOR_ASSIGN_OR_RETURN(const BackupManifest manifest, ReadBackupManifest(from));
  if (manifest.service != service) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the backup in ", from, " is of the ", manifest.service, " service, not of ", service,
        ": its records do not belong in ", service, "'s data folder ", to,
        ". Nothing was copied; restore it into the data folder of ", manifest.service));
  }
  const ProgressReport report = [&](const std::string& stage, uint64_t done, uint64_t total) {
    if (progress) progress(RestoreProgress{stage, done, total});
  };
  CORRIDOR_RETURN_IF_ERROR(CopyBackupFiles(from, to, manifest.files, report));
  // The journal and the records are checked below; the rest of the files
  // (indexes, counters, the signing key) only by being the ones the backup
  // wrote.
  report("checking files", 0, manifest.files);
  if (absl::Status same = CheckRestoredFiles(to, manifest); !same.ok()) {
    return Mismatch(to, same.message());
  }

  StoreOptions options;
  options.path = to;
  options.read_only = true;
  absl::StatusOr<std::unique_ptr<Store>> store = Store::Open(options);
  if (!store.ok()) return Mismatch(to, store.status().message());
  const JournalHead head = (*store)->journal_head();
  if (head.size != manifest.head.size || head.root != manifest.head.root) {
    return Mismatch(
        to, absl::StrCat("its journal has ", head.size, " entries with root ",
                         merkle::ToHex(head.root), ", the manifest says ", manifest.head.size,
                         " with root ", merkle::ToHex(manifest.head.root)));
  }
  if (absl::Status verified = VerifyCopy(**store, manifest, report); !verified.ok()) {
    return Mismatch(to, verified.message());
  }
  return manifest;
}

}  // namespace corridor::storage
