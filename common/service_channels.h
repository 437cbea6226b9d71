// Channels to the Corridor services from a client (corridorctl,
// corridor-web): one default address (corridord, which hosts them all), and
// the services that run apart at their own addresses.
//
//   ServiceChannels channels("127.0.0.1:7400", credentials);
//   CORRIDOR_RETURN_IF_ERROR(channels.SetAddresses("convoys=10.0.0.7:7400"));
//   auto stub = v1::ConvoyService::NewStub(channels.For("convoys"));
#ifndef CORRIDOR_COMMON_SERVICE_CHANNELS_H_
#define CORRIDOR_COMMON_SERVICE_CHANNELS_H_

#include <grpcpp/grpcpp.h>

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace corridor {

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
  mutable std::mutex mu_;
  std::map<std::string, std::string> addresses_;
  std::map<std::string, std::shared_ptr<grpc::Channel>> channels_;
  std::shared_ptr<grpc::Channel> default_channel_;
};

// The Corridor service that serves a gRPC service: "corridor.v1.AreaService"
// -> "areas"; "" for services every process serves (audit, operations)
// and for names it does not know.
std::string CorridorServiceOf(absl::string_view grpc_service);

}  // namespace corridor

#endif  // CORRIDOR_COMMON_SERVICE_CHANNELS_H_
