// The start-up resolution of stored party texts, against a real areas
// service (the registry) on a loopback port: it runs once the registry can
// be read, waits while it cannot, and gives up cleanly at shutdown.
#include "services/common/stored_parties.h"

#include <grpcpp/grpcpp.h>

#include "absl/synchronization/mutex.h"
#include "common/server.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/areas/areas_module.h"
#include "tests/testing/temp_dir.h"
#include "tests/testing/test_credentials.h"

namespace corridor {
namespace {

class StoredPartiesTest : public ::testing::Test {
 protected:
  // The areas service on `listen` (port 0: any free port).
  void StartRegistry(const std::string& listen = "127.0.0.1:0") {
    ModuleOptions options;
    options.data_dir = dir_.Sub("areas");
    options.access = credentials_.access();
    auto module = areas::OpenAreasModule(options);
    ASSERT_TRUE(module.ok()) << module.status();
    module_ = *std::move(module);
    ServerOptions server;
    server.listen_address = listen;
    auto host = ServiceHost::Start(server, module_->Services());
    ASSERT_TRUE(host.ok()) << host.status();
    host_ = *std::move(host);
  }
  void StopRegistry() {
    host_.reset();
    module_.reset();
  }

  // Resolution passes see the registry; this one records what it saw.
  StoredPartyResolution::Pass Recorder() {
    return [this](const std::vector<v1::Party>& parties) -> absl::StatusOr<PartyResolution> {
      absl::MutexLock lock(&mu_);
      ++passes_;
      for (const v1::Party& party : parties) seen_.push_back(party.id());
      PartyResolution resolution;
      resolution.resolved = 1;
      return resolution;
    };
  }

  testing::TempDir dir_;
  testing::TestCredentials credentials_{dir_.Sub("auth")};
  std::unique_ptr<ServiceModule> module_;
  std::unique_ptr<ServiceHost> host_;
  absl::Mutex mu_;
  int passes_ = 0;
  std::vector<std::string> seen_;
};

TEST_F(StoredPartiesTest, RunsOnceWithTheRegistry) {
  StartRegistry();
  ServiceDirectory peers;
  ASSERT_TRUE(peers.SetCredentials(credentials_.Token(v1::ROLE_SERVICE, "denials"), {}).ok());
  ASSERT_TRUE(peers.AddPeers("areas=127.0.0.1:" + std::to_string(host_->port())).ok());
  References references(&peers, absl::Seconds(3));
  StoredPartyResolution resolution("denials", &references, Recorder());
  resolution.Start();
  ASSERT_TRUE(resolution.WaitUntilDone(absl::Seconds(20)));
  absl::MutexLock lock(&mu_);
  EXPECT_EQ(passes_, 1);
  EXPECT_THAT(seen_, ::testing::Contains("syrian-government"));
  EXPECT_EQ(seen_.size(), 6u);
}

TEST_F(StoredPartiesTest, WaitsForARegistryThatIsDownAndRunsWhenItComesUp) {
  // A port to come up on later: taken now, released before the wait.
  StartRegistry();
  const std::string address = "127.0.0.1:" + std::to_string(host_->port());
  StopRegistry();

  ServiceDirectory peers;
  ASSERT_TRUE(peers.SetCredentials(credentials_.Token(v1::ROLE_SERVICE, "denials"), {}).ok());
  ASSERT_TRUE(peers.AddPeers("areas=" + address).ok());
  References references(&peers, absl::Seconds(1));
  StoredPartyResolution resolution("denials", &references, Recorder());
  resolution.Start();
  EXPECT_FALSE(resolution.WaitUntilDone(absl::Seconds(1)));
  {
    absl::MutexLock lock(&mu_);
    EXPECT_EQ(passes_, 0) << "no pass without the registry";
  }
  StartRegistry(address);
  ASSERT_TRUE(resolution.WaitUntilDone(absl::Seconds(20)));
  absl::MutexLock lock(&mu_);
  EXPECT_EQ(passes_, 1);
}

TEST_F(StoredPartiesTest, StopsPromptlyAtShutdownWithoutTheRegistry) {
  ServiceDirectory peers;  // no address for the areas service at all
  References references(&peers, absl::Seconds(1));
  const absl::Time start = absl::Now();
  {
    StoredPartyResolution resolution("routes", &references, Recorder());
    resolution.Start();
    EXPECT_FALSE(resolution.WaitUntilDone(absl::Milliseconds(300)));
  }
  EXPECT_LT(absl::Now() - start, absl::Seconds(3));
  absl::MutexLock lock(&mu_);
  EXPECT_EQ(passes_, 0);
}

}  // namespace
}  // namespace corridor
