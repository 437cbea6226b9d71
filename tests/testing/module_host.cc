#include "tests/testing/module_host.h"

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"

namespace corridor::testing {

ModuleHost::~ModuleHost() {
  for (auto& module : modules_) module->BeginShutdown();
  channel_.reset();
  host_.reset();
  modules_.clear();
}

absl::Status ModuleHost::Start(const std::vector<std::pair<std::string, Opener>>& modules,
                               const std::vector<std::string>& unreachable) {
  CORRIDOR_RETURN_IF_ERROR(
      peers_.SetCredentials(credentials_->Token(v1::ROLE_SERVICE, "services"), {}));
  std::vector<HostedService> hosted;
  std::vector<std::string> names;
  for (const auto& [name, open] : modules) {
    ModuleOptions options;
    options.data_dir = dir_->Sub(name);
    options.peers = &peers_;
    options.access = credentials_->access();
    CORRIDOR_ASSIGN_OR_RETURN(std::unique_ptr<ServiceModule> module, open(options));
    for (const HostedService& service : module->Services()) hosted.push_back(service);
    modules_.push_back(std::move(module));
    names.push_back(name);
  }
  CORRIDOR_ASSIGN_OR_RETURN(host_, ServiceHost::Start(ServerOptions(), hosted));
  const std::string address = absl::StrCat("127.0.0.1:", host_->port());
  peers_.SetLocalAddress(address, names);
  for (const std::string& name : unreachable) {
    CORRIDOR_RETURN_IF_ERROR(peers_.AddPeers(absl::StrCat(name, "=127.0.0.1:1")));
  }
  channel_ = grpc::CreateChannel(address, grpc::InsecureChannelCredentials());
  return absl::OkStatus();
}

}  // namespace corridor::testing
