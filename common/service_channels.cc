#include "common/service_channels.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace corridor {

absl::StatusOr<std::map<std::string, std::string>> ParseServiceAddresses(
    absl::string_view addresses, absl::string_view flag) {
  std::map<std::string, std::string> parsed;
  for (absl::string_view item : absl::StrSplit(addresses, ',', absl::SkipWhitespace())) {
    std::pair<std::string, std::string> kv = absl::StrSplit(item, absl::MaxSplits('=', 1));
    absl::StripAsciiWhitespace(&kv.first);
    absl::StripAsciiWhitespace(&kv.second);
    if (kv.first.empty() || kv.second.find(':') == std::string::npos) {
      return absl::InvalidArgumentError(absl::StrCat(
          flag, ": \"", item, "\" is not SERVICE=HOST:PORT, e.g. convoys=10.0.0.7:7400"));
    }
    parsed[kv.first] = kv.second;
  }
  return parsed;
}

ServiceChannels::ServiceChannels(std::string default_address,
                                 std::shared_ptr<grpc::ChannelCredentials> credentials,
                                 grpc::ChannelArguments arguments)
    : default_address_(std::move(default_address)),
      credentials_(std::move(credentials)),
      arguments_(std::move(arguments)) {}

absl::Status ServiceChannels::SetAddresses(absl::string_view addresses) {
  absl::StatusOr<std::map<std::string, std::string>> parsed =
      ParseServiceAddresses(addresses, "--servers");
  if (!parsed.ok()) return parsed.status();
  absl::MutexLock lock(&mu_);
  addresses_ = *std::move(parsed);
  channels_.clear();
  return absl::OkStatus();
}

std::shared_ptr<grpc::Channel> ServiceChannels::For(const std::string& service) {
  absl::MutexLock lock(&mu_);
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
  absl::MutexLock lock(&mu_);
  auto address = addresses_.find(service);
  return address == addresses_.end() ? default_address_ : address->second;
}

absl::Status ServiceDirectory::AddPeers(absl::string_view peers) {
  absl::StatusOr<std::map<std::string, std::string>> parsed =
      ParseServiceAddresses(peers, "--peers");
  if (!parsed.ok()) return parsed.status();
  absl::MutexLock lock(&mu_);
  for (auto& [service, address] : *parsed) addresses_[service] = std::move(address);
  return absl::OkStatus();
}

void ServiceDirectory::SetLocalAddress(const std::string& address,
                                       const std::vector<std::string>& hosted) {
  absl::MutexLock lock(&mu_);
  for (const std::string& service : hosted) addresses_[service] = address;
}

std::string ServiceDirectory::AddressOf(const std::string& service) const {
  absl::MutexLock lock(&mu_);
  auto it = addresses_.find(service);
  return it == addresses_.end() ? "" : it->second;
}

absl::Status ServiceDirectory::SetCredentials(std::string service_token, const ClientTls& tls) {
  absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> credentials =
      ChannelCredentialsFor(tls);
  if (!credentials.ok()) return credentials.status();
  absl::MutexLock lock(&mu_);
  service_token_ = std::move(service_token);
  channel_credentials_ = *std::move(credentials);
  channels_.clear();
  return absl::OkStatus();
}

void ServiceDirectory::AttachCredentials(grpc::ClientContext* context) const {
  absl::MutexLock lock(&mu_);
  AttachBearerToken(context, service_token_);
}

absl::StatusOr<std::shared_ptr<grpc::Channel>> ServiceDirectory::ChannelTo(
    const std::string& service) const {
  absl::MutexLock lock(&mu_);
  auto cached = channels_.find(service);
  if (cached != channels_.end()) return cached->second;
  auto address = addresses_.find(service);
  if (address == addresses_.end()) {
    return absl::UnavailableError(
        absl::StrCat("the ", service,
                     " service is not in this process and its address was not given; "
                     "start with --peers=",
                     service, "=HOST:PORT"));
  }
  // A peer that restarts should be used again within a second or two, not
  // after gRPC's default reconnect backoff, which grows to two minutes.
  grpc::ChannelArguments arguments;
  arguments.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 200);
  arguments.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 200);
  arguments.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 2000);
  std::shared_ptr<grpc::Channel> channel = grpc::CreateCustomChannel(
      address->second,
      channel_credentials_ != nullptr ? channel_credentials_ : grpc::InsecureChannelCredentials(),
      arguments);
  channels_[service] = channel;
  return channel;
}

}  // namespace corridor
