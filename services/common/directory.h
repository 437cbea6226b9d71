// Where a service finds the services it calls. A service never opens
// another's database; it calls its API through a channel from here.
#ifndef CORRIDOR_SERVICES_COMMON_DIRECTORY_H_
#define CORRIDOR_SERVICES_COMMON_DIRECTORY_H_

#include <grpcpp/channel.h>

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/credentials.h"

namespace corridor {

class ServiceDirectory {
 public:
  // Parses "--peers": "areas=host:port,routes=host:port". INVALID_ARGUMENT
  // naming --peers if malformed.
  absl::Status AddPeers(absl::string_view peers);

  // Services hosted in this process are reached at its own address, which
  // is known only once the server listens.
  void SetLocalAddress(const std::string& address, const std::vector<std::string>& hosted);

  // A channel to `service` (cached); UNAVAILABLE saying how to configure it
  // if its address is unknown.
  absl::StatusOr<std::shared_ptr<grpc::Channel>> ChannelTo(const std::string& service) const;

  // The address `service` is reached at, or "" if unknown.
  std::string AddressOf(const std::string& service) const;

  // How this process proves itself to the others: its service token, sent
  // with every call (AttachCredentials), and TLS for every channel. Set
  // before the first ChannelTo. Errors name the TLS file that is wrong.
  absl::Status SetCredentials(std::string service_token, const ClientTls& tls);

  // Adds the service token to a call to another service.
  void AttachCredentials(grpc::ClientContext* context) const;

 private:
  mutable std::mutex mu_;
  std::string service_token_;
  std::shared_ptr<grpc::ChannelCredentials> channel_credentials_;
  std::map<std::string, std::string> addresses_;
  mutable std::map<std::string, std::shared_ptr<grpc::Channel>> channels_;
};

}  // namespace corridor

#endif  // CORRIDOR_SERVICES_COMMON_DIRECTORY_H_
