#include "services/common/directory.h"

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>
#include <grpcpp/support/channel_arguments.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace corridor {

absl::Status ServiceDirectory::AddPeers(absl::string_view peers) {
  std::lock_guard<std::mutex> lock(mu_);
  for (absl::string_view entry : absl::StrSplit(peers, ',', absl::SkipWhitespace())) {
    std::pair<std::string, std::string> parts = absl::StrSplit(entry, absl::MaxSplits('=', 1));
    absl::StripAsciiWhitespace(&parts.first);
    absl::StripAsciiWhitespace(&parts.second);
    if (parts.first.empty() || parts.second.empty()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "--peers: \"", entry, "\" is not service=host:port, e.g. areas=127.0.0.1:7401"));
    }
    addresses_[parts.first] = parts.second;
  }
  return absl::OkStatus();
}

void ServiceDirectory::SetLocalAddress(const std::string& address,
                                       const std::vector<std::string>& hosted) {
  std::lock_guard<std::mutex> lock(mu_);
  for (const std::string& service : hosted) addresses_[service] = address;
}

std::string ServiceDirectory::AddressOf(const std::string& service) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = addresses_.find(service);
  return it == addresses_.end() ? "" : it->second;
}

absl::Status ServiceDirectory::SetCredentials(std::string service_token, const ClientTls& tls) {
  absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> credentials =
      ChannelCredentialsFor(tls);
  if (!credentials.ok()) return credentials.status();
  std::lock_guard<std::mutex> lock(mu_);
  service_token_ = std::move(service_token);
  channel_credentials_ = *std::move(credentials);
  channels_.clear();
  return absl::OkStatus();
}

void ServiceDirectory::AttachCredentials(grpc::ClientContext* context) const {
  std::lock_guard<std::mutex> lock(mu_);
  AttachBearerToken(context, service_token_);
}

absl::StatusOr<std::shared_ptr<grpc::Channel>> ServiceDirectory::ChannelTo(
    const std::string& service) const {
  std::lock_guard<std::mutex> lock(mu_);
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
