// How calls prove who makes them: bearer tokens in the call metadata, and
// TLS (optionally mutual) on the connection. Shared by servers, services
// calling each other, corridorctl and the load generator.
#ifndef CORRIDOR_COMMON_CREDENTIALS_H_
#define CORRIDOR_COMMON_CREDENTIALS_H_

#include <grpcpp/client_context.h>
#include <grpcpp/security/credentials.h>
#include <grpcpp/security/server_credentials.h>

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace corridor {

// Metadata key of the bearer token: "authorization: Bearer <token>".
inline constexpr char kAuthorizationHeader[] = "authorization";

// Adds the bearer token to a call. An empty token adds nothing.
void AttachBearerToken(grpc::ClientContext* context, absl::string_view token);

// The token saved in `path` (its first line, without surrounding spaces).
// Errors name the file and say what to do.
absl::StatusOr<std::string> ReadTokenFile(const std::string& path);

// Saves `token` in `path`, readable and writable by this user only (0600),
// creating the folder (0700) if needed. Written whole to `path`.partial,
// which is created afresh (never through a symlink) and 0600 from the
// start, then renamed over `path`.
absl::Status WriteTokenFile(const std::string& path, absl::string_view token);

// TLS for a client. Off when ca_file is empty.
struct ClientTls {
  std::string ca_file;    // PEM roots that must have signed the server's certificate
  std::string cert_file;  // PEM certificate and key, for servers that
  std::string key_file;   // require client certificates (mutual TLS)
};

// TLS for a server. Off when cert_file is empty.
struct ServerTls {
  std::string cert_file;  // PEM certificate chain
  std::string key_file;   // PEM private key
  // With a CA, every client must present a certificate it signed (mutual
  // TLS); without one, clients are not asked for a certificate.
  std::string client_ca_file;
};

// Channel credentials for `tls`: insecure when TLS is off. Errors name the
// file that could not be read.
absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> ChannelCredentialsFor(
    const ClientTls& tls);

absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> ServerCredentialsFor(
    const ServerTls& tls);

}  // namespace corridor

#endif  // CORRIDOR_COMMON_CREDENTIALS_H_
