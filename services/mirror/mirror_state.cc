#include "services/mirror/mirror_state.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "storage/store.h"

namespace corridor::mirror {
namespace {

constexpr char kHeadSuffix[] = ".verified-head";
constexpr char kDivergenceSuffix[] = ".divergence";

}  // namespace

std::string MirrorState::DivergencePath(const std::string& service) const {
  return absl::StrCat(folder_, "/", service, kDivergenceSuffix);
}

absl::StatusOr<std::optional<std::string>> MirrorState::Read(const std::string& name) const {
  if (folder_.empty()) return std::optional<std::string>();
  const std::string path = absl::StrCat(folder_, "/", name);
  std::error_code error;
  if (!std::filesystem::exists(path, error)) return std::optional<std::string>();
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::UnavailableError(
        absl::StrCat("cannot read ", path, ": ", std::strerror(errno), "; check its permissions"));
  }
  std::stringstream bytes;
  bytes << in.rdbuf();
  return std::optional<std::string>(bytes.str());
}

absl::Status MirrorState::Write(const std::string& name, const std::string& bytes) const {
  if (folder_.empty()) return absl::OkStatus();
  if (absl::Status made = storage::CreatePrivateFolders(folder_); !made.ok()) return made;
  const std::string path = absl::StrCat(folder_, "/", name);
  const std::string partial = path + ".partial";
  const int fd =
      ::open(partial.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
  bool written = fd >= 0;
  for (size_t done = 0; written && done < bytes.size();) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    written = n > 0;
    if (written) done += static_cast<size_t>(n);
  }
  written = written && ::fsync(fd) == 0;
  if (fd >= 0) ::close(fd);
  if (!written || std::rename(partial.c_str(), path.c_str()) != 0) {
    return absl::UnavailableError(absl::StrCat("cannot write ", path, ": ", std::strerror(errno),
                                               "; check the disk and the folder's permissions"));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::optional<v1::SignedTreeHead>> MirrorState::VerifiedHead(
    const std::string& service) const {
  absl::StatusOr<std::optional<std::string>> bytes = Read(service + kHeadSuffix);
  if (!bytes.ok()) return bytes.status();
  if (!bytes->has_value()) return std::optional<v1::SignedTreeHead>();
  v1::SignedTreeHead head;
  if (!head.ParseFromString(**bytes)) {
    // Only this process writes it, whole: a damaged one is re-verified.
    return std::optional<v1::SignedTreeHead>();
  }
  return std::optional<v1::SignedTreeHead>(head);
}

absl::Status MirrorState::SaveVerifiedHead(const std::string& service,
                                           const v1::SignedTreeHead& head) const {
  return Write(service + kHeadSuffix, head.SerializeAsString());
}

absl::StatusOr<std::optional<std::string>> MirrorState::Divergence(
    const std::string& service) const {
  return Read(service + kDivergenceSuffix);
}

absl::Status MirrorState::SaveDivergence(const std::string& service,
                                         const std::string& evidence) const {
  return Write(service + kDivergenceSuffix, evidence);
}

}  // namespace corridor::mirror
