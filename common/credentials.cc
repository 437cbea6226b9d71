#include "common/credentials.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

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
  std::FILE* file = std::fopen(partial.c_str(), "w");
  if (file == nullptr) {
    return absl::PermissionDeniedError(
        absl::StrCat("cannot write the token file \"", partial, "\"; check the folder exists and is writable"));
  }
  ::chmod(partial.c_str(), 0600);
  const std::string line = absl::StrCat(token, "\n");
  const bool written = std::fwrite(line.data(), 1, line.size(), file) == line.size() &&
                       std::fflush(file) == 0 && ::fsync(fileno(file)) == 0;
  std::fclose(file);
  if (!written || std::rename(partial.c_str(), path.c_str()) != 0) {
    std::remove(partial.c_str());
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
  absl::StatusOr<std::string> roots = ReadPem(tls.ca_file, "TLS CA");
  if (!roots.ok()) return roots.status();
  options.pem_root_certs = *roots;
  if (tls.cert_file.empty() != tls.key_file.empty()) {
    return absl::InvalidArgumentError(
        "a TLS client certificate and its key go together: give both or neither");
  }
  if (!tls.cert_file.empty()) {
    absl::StatusOr<std::string> cert = ReadPem(tls.cert_file, "TLS certificate");
    if (!cert.ok()) return cert.status();
    absl::StatusOr<std::string> key = ReadPem(tls.key_file, "TLS key");
    if (!key.ok()) return key.status();
    options.pem_cert_chain = *cert;
    options.pem_private_key = *key;
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
  absl::StatusOr<std::string> cert = ReadPem(tls.cert_file, "TLS certificate");
  if (!cert.ok()) return cert.status();
  absl::StatusOr<std::string> key = ReadPem(tls.key_file, "TLS key");
  if (!key.ok()) return key.status();
  grpc::SslServerCredentialsOptions options(GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE);
  options.pem_key_cert_pairs.push_back({*key, *cert});
  if (!tls.client_ca_file.empty()) {
    absl::StatusOr<std::string> roots = ReadPem(tls.client_ca_file, "TLS client CA");
    if (!roots.ok()) return roots.status();
    options.pem_root_certs = *roots;
    options.client_certificate_request = GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY;
  }
  return grpc::SslServerCredentials(options);
}

}  // namespace corridor
