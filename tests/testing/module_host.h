// Services' modules hosted in one gRPC server on a loopback port, as
// corridord hosts them, each with its own database under a test's folder,
// real tokens (TestCredentials) and its peers found in the same server:
// the fixture of tests that call services over real gRPC.
//
//   ModuleHost host(&dir, &credentials);
//   ASSERT_TRUE(host.Start({{"areas", areas::OpenAreasModule},
//                           {"denials", denials::OpenDenialsModule}}).ok());
//   auto stub = v1::DenialService::NewStub(host.channel());
#ifndef CORRIDOR_TESTS_TESTING_MODULE_HOST_H_
#define CORRIDOR_TESTS_TESTING_MODULE_HOST_H_

#include <grpcpp/grpcpp.h>

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "common/server.h"
#include "common/service_channels.h"
#include "services/common/module.h"
#include "tests/testing/temp_dir.h"
#include "tests/testing/test_credentials.h"

namespace corridor::testing {

class ModuleHost {
 public:
  using Opener =
      std::function<absl::StatusOr<std::unique_ptr<ServiceModule>>(const ModuleOptions&)>;

  // Both must outlive the host.
  ModuleHost(TempDir* dir, TestCredentials* credentials) : dir_(dir), credentials_(credentials) {}
  // Modules are told to shut down, then the server stops.
  ~ModuleHost();

  // Opens each (name, opener) in dir/name and serves them all; calls from
  // one to a service named in `unreachable` go to an address nothing
  // listens on.
  absl::Status Start(const std::vector<std::pair<std::string, Opener>>& modules,
                     const std::vector<std::string>& unreachable = {});

  // A channel to the server.
  std::shared_ptr<grpc::Channel> channel() const { return channel_; }

 private:
  TempDir* dir_;
  TestCredentials* credentials_;
  ServiceDirectory peers_;
  std::vector<std::unique_ptr<ServiceModule>> modules_;
  std::unique_ptr<ServiceHost> host_;
  std::shared_ptr<grpc::Channel> channel_;
};

}  // namespace corridor::testing

#endif  // CORRIDOR_TESTS_TESTING_MODULE_HOST_H_
