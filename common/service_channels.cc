#include "common/service_channels.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace corridor {

ServiceChannels::ServiceChannels(std::string default_address,
                                 std::shared_ptr<grpc::ChannelCredentials> credentials,
                                 grpc::ChannelArguments arguments)
    : default_address_(std::move(default_address)),
      credentials_(std::move(credentials)),
      arguments_(std::move(arguments)) {}

absl::Status ServiceChannels::SetAddresses(absl::string_view addresses) {
  std::map<std::string, std::string> parsed;
  for (absl::string_view item : absl::StrSplit(addresses, ',', absl::SkipWhitespace())) {
    std::pair<std::string, std::string> kv = absl::StrSplit(item, absl::MaxSplits('=', 1));
    absl::StripAsciiWhitespace(&kv.first);
    absl::StripAsciiWhitespace(&kv.second);
    if (kv.first.empty() || kv.second.find(':') == std::string::npos) {
      return absl::InvalidArgumentError(absl::StrCat(
          "--servers: \"", item, "\" is not SERVICE=HOST:PORT, e.g. convoys=10.0.0.7:7400"));
    }
    parsed[kv.first] = kv.second;
  }
  std::lock_guard<std::mutex> lock(mu_);
  addresses_ = std::move(parsed);
  channels_.clear();
  return absl::OkStatus();
}

std::shared_ptr<grpc::Channel> ServiceChannels::For(const std::string& service) {
  std::lock_guard<std::mutex> lock(mu_);
  auto address = addresses_.find(service);
  if (address == addresses_.end()) {
    if (default_channel_ == nullptr) {
      default_channel_ = grpc::CreateCustomChannel(default_address_, credentials_, arguments_);
    }
    return default_channel_;
  }
  std::shared_ptr<grpc::Channel>& channel = channels_[service];
  if (channel == nullptr) {
    channel = grpc::CreateCustomChannel(address->second, credentials_, arguments_);
  }
  return channel;
}

std::string ServiceChannels::AddressOf(const std::string& service) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto address = addresses_.find(service);
  return address == addresses_.end() ? default_address_ : address->second;
}

std::string CorridorServiceOf(absl::string_view grpc_service) {
  static const auto* names = new std::map<std::string, std::string, std::less<>>{
      {"corridor.v1.TokenService", "auth"},    {"corridor.v1.AreaService", "areas"},
      {"corridor.v1.RouteService", "routes"},  {"corridor.v1.ConvoyService", "convoys"},
      {"corridor.v1.DenialService", "denials"},
      {"corridor.v1.AgreementService", "agreements"}};
  auto it = names->find(grpc_service);
  return it == names->end() ? "" : it->second;
}

}  // namespace corridor
