#include "common/credentials.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/status_macros.h"

namespace corridor {
namespace {

absl::StatusOr<std::string> ReadPem(const std::string& path, absl::string_view what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::InvalidArgumentError(absl::StrCat("cannot read the ", what, " file \"", path,
                                                   "\"; check the path and its permissions"));
  }
  std::ostringstream contents;
  contents << in.rdbuf();
  if (contents.str().find("-----BEGIN") == std::string::npos) {
    return absl::InvalidArgumentError(
        absl::StrCat("the ", what, " file \"", path, "\" is not PEM (no -----BEGIN line)"));
  }
  return contents.str();
}

}  // namespace

void AttachBearerToken(grpc::ClientContext* context, absl::string_view token) {
  if (token.empty()) return;
  context->AddMetadata(kAuthorizationHeader, absl::StrCat("Bearer ", token));
}

absl::StatusOr<std::string> ReadTokenFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    return absl::NotFoundError(absl::StrCat(
        "cannot read the token file \"", path,
        "\"; check the path (the platform writes its first admin token to "
        "<data_dir>/credentials/admin.token) and that it is readable by you"));
  }
  std::string line;
  std::getline(in, line);
  std::string token(absl::StripAsciiWhitespace(line));
  if (token.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("the token file \"", path, "\" is empty; its first line must be the token"));
  }
  return token;
}

absl::Status WriteTokenFile(const std::string& path, absl::string_view token) {
  const size_t slash = path.rfind('/');
  if (slash != std::string::npos && slash > 0) {
    // The folder may exist already (with its own mode); only create it.
    ::mkdir(path.substr(0, slash).c_str(), 0700);
  }
  const std::string partial = path + ".partial";
  // A .partial left by a crash, or a symlink planted there by another user
  // of the folder, is removed (unlink does not follow symlinks); O_EXCL and
  // O_NOFOLLOW then refuse anything that takes its place, and the file is
  // 0600 from its first byte.
  if (::unlink(partial.c_str()) != 0 && errno != ENOENT) {
    return absl::PermissionDeniedError(
        absl::StrCat("cannot replace \"", partial, "\" (", std::strerror(errno),
                     "), left from an earlier attempt; remove it, or save the token elsewhere"));
  }
  const int fd =
      ::open(partial.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) {
    return absl::PermissionDeniedError(absl::StrCat("cannot write the token file \"", partial,
                                                    "\" (", std::strerror(errno),
                                                    "); check the folder exists and is writable"));
  }
  const std::string line = absl::StrCat(token, "\n");
  size_t done = 0;
  while (done < line.size()) {
    const ssize_t n = ::write(fd, line.data() + done, line.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    done += static_cast<size_t>(n);
  }
  const bool written = done == line.size() && ::fsync(fd) == 0;
  const bool closed = ::close(fd) == 0;
  if (!written || !closed || std::rename(partial.c_str(), path.c_str()) != 0) {
    ::unlink(partial.c_str());
    return absl::InternalError(absl::StrCat("cannot write the token file \"", path,
                                            "\"; is the disk full or read-only?"));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> ChannelCredentialsFor(
    const ClientTls& tls) {
  if (tls.ca_file.empty()) {
    if (!tls.cert_file.empty() || !tls.key_file.empty()) {
      return absl::InvalidArgumentError(
          "a TLS client certificate needs the CA that signed the server's certificate too");
    }
    return grpc::InsecureChannelCredentials();
  }
  grpc::SslCredentialsOptions options;
  CORRIDOR_ASSIGN_OR_RETURN(options.pem_root_certs, ReadPem(tls.ca_file, "TLS CA"));
  if (tls.cert_file.empty() != tls.key_file.empty()) {
    return absl::InvalidArgumentError(
        "a TLS client certificate and its key go together: give both or neither");
  }
  if (!tls.cert_file.empty()) {
    CORRIDOR_ASSIGN_OR_RETURN(options.pem_cert_chain, ReadPem(tls.cert_file, "TLS certificate"));
    CORRIDOR_ASSIGN_OR_RETURN(options.pem_private_key, ReadPem(tls.key_file, "TLS key"));
  }
  return grpc::SslCredentials(options);
}

absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> ServerCredentialsFor(
    const ServerTls& tls) {
  if (tls.cert_file.empty()) {
    if (!tls.key_file.empty() || !tls.client_ca_file.empty()) {
      return absl::InvalidArgumentError(
          "a TLS key or client CA needs --tls_cert: the server's own certificate");
    }
    return grpc::InsecureServerCredentials();
  }
  if (tls.key_file.empty()) {
    return absl::InvalidArgumentError("--tls_cert needs --tls_key: the certificate's private key");
  }
  grpc::SslServerCredentialsOptions options(GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE);
  grpc::SslServerCredentialsOptions::PemKeyCertPair pair;
  CORRIDOR_ASSIGN_OR_RETURN(pair.cert_chain, ReadPem(tls.cert_file, "TLS certificate"));
  CORRIDOR_ASSIGN_OR_RETURN(pair.private_key, ReadPem(tls.key_file, "TLS key"));
  options.pem_key_cert_pairs.push_back(std::move(pair));
  if (!tls.client_ca_file.empty()) {
    CORRIDOR_ASSIGN_OR_RETURN(options.pem_root_certs, ReadPem(tls.client_ca_file, "TLS client CA"));
    options.client_certificate_request = GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY;
  }
  return grpc::SslServerCredentials(options);
}

}  // namespace corridor
