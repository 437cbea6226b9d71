// Channels to the Corridor services, by service name ("areas", "auth"...;
// common/service_catalog.h), from addresses given as "name=host:port,...".
//
// ServiceChannels is for clients (corridorctl, corridor-web): one default
// address (corridord, which hosts them all), and the services that run
// apart at their own addresses.
//
//   ServiceChannels channels("127.0.0.1:7400", credentials);
//   CORRIDOR_RETURN_IF_ERROR(channels.SetAddresses("convoys=10.0.0.7:7400"));
//   auto stub = v1::ConvoyService::NewStub(channels.For("convoys"));
//
// ServiceDirectory is for services: where a service finds the services it
// calls. A service never opens another's database; it calls its API
// through a channel from here, with its own service token.
#ifndef CORRIDOR_COMMON_SERVICE_CHANNELS_H_
#define CORRIDOR_COMMON_SERVICE_CHANNELS_H_

#include <grpcpp/grpcpp.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "common/credentials.h"
#include "common/service_catalog.h"

namespace corridor {

// Parses "areas=host:port,convoys=host:port" into service -> address.
// INVALID_ARGUMENT naming `flag` ("--servers", "--peers") if an entry is not
// SERVICE=HOST:PORT.
absl::StatusOr<std::map<std::string, std::string>> ParseServiceAddresses(
    absl::string_view addresses, absl::string_view flag);

class ServiceChannels {
 public:
  // `arguments` apply to every channel made, e.g. flow-control settings.
  ServiceChannels(std::string default_address,
                  std::shared_ptr<grpc::ChannelCredentials> credentials,
                  grpc::ChannelArguments arguments = grpc::ChannelArguments());

  // "areas=host:port,convoys=host:port" (the --servers flag).
  // INVALID_ARGUMENT naming --servers if an entry is not SERVICE=HOST:PORT.
  absl::Status SetAddresses(absl::string_view addresses);

  // The channel to `service` ("areas", "auth"...): its own address if it
  // has one, else the default. Thread-safe; channels are made once.
  std::shared_ptr<grpc::Channel> For(const std::string& service);
  std::string AddressOf(const std::string& service) const;
  const std::string& default_address() const { return default_address_; }

 private:
  const std::string default_address_;
  const std::shared_ptr<grpc::ChannelCredentials> credentials_;
  const grpc::ChannelArguments arguments_;
  mutable absl::Mutex mu_;
  std::map<std::string, std::string> addresses_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, std::shared_ptr<grpc::Channel>> channels_ ABSL_GUARDED_BY(mu_);
  std::shared_ptr<grpc::Channel> default_channel_ ABSL_GUARDED_BY(mu_);
};

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
  mutable absl::Mutex mu_;
  std::string service_token_ ABSL_GUARDED_BY(mu_);
  std::shared_ptr<grpc::ChannelCredentials> channel_credentials_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, std::string> addresses_ ABSL_GUARDED_BY(mu_);
  mutable std::map<std::string, std::shared_ptr<grpc::Channel>> channels_ ABSL_GUARDED_BY(mu_);
};

}  // namespace corridor

#endif  // CORRIDOR_COMMON_SERVICE_CHANNELS_H_
