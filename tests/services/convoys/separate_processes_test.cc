// Each service in its own process, as on Kubernetes: corridor-convoys calls
// corridor-areas and corridor-routes over the network, and every service
// checks its callers' tokens with corridor-auth. With the areas service
// down, a submit for an area not checked before fails fast and writes
// nothing, while one for an area already found goes through (areas are
// never deleted); once the service is back, submits work again without
// touching the convoys service. A revoked token stops working on every
// service within the few seconds they may remember it.
#include <signal.h>

#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/auth/remote_authenticator.h"
#include "tests/testing/subprocess.h"
#include "tests/testing/temp_dir.h"

namespace corridor::convoys {
namespace {

using ::corridor::testing::BinaryPath;
using ::corridor::testing::CommandResult;
using ::corridor::testing::RunCorridorctl;
using ::corridor::testing::ServerProcess;
using ::testing::HasSubstr;

TEST(SeparateProcessesTest, ConvoysReachesAreasAndRoutesAndRidesOutAnOutage) {
  corridor::testing::TempDir dir;
  auto auth = ServerProcess::Start(BinaryPath("corridor-auth"), {"--data_dir=" + dir.Sub("auth")},
                                   dir.path());
  ASSERT_TRUE(auth.ok()) << auth.status();
  // Every other service signs its calls with the service token the auth
  // service saved at first start.
  auto service_args = [&](std::vector<std::string> args, const std::string& peers) {
    args.push_back("--service_token_file=" + dir.Sub("auth") + "/credentials/service.token");
    args.push_back("--peers=auth=" + (*auth)->address() + peers);
    return args;
  };
  auto start_areas = [&](const std::string& listen) {
    std::vector<std::string> args = {"--data_dir=" + dir.Sub("data")};
    if (!listen.empty()) args.push_back("--listen=" + listen);
    return ServerProcess::Start(BinaryPath("corridor-areas"), service_args(args, ""), dir.path());
  };
  auto areas = start_areas("");
  ASSERT_TRUE(areas.ok()) << areas.status();
  const std::string areas_address = (*areas)->address();
  auto routes =
      ServerProcess::Start(BinaryPath("corridor-routes"),
                           service_args({"--data_dir=" + dir.Sub("data")}, ""), dir.path());
  ASSERT_TRUE(routes.ok()) << routes.status();
  auto convoys = ServerProcess::Start(
      BinaryPath("corridor-convoys"),
      service_args({"--data_dir=" + dir.Sub("data")},
                   ",areas=" + areas_address + ",routes=" + (*routes)->address()),
      dir.path());
  ASSERT_TRUE(convoys.ok()) << convoys.status();
  const std::string token = dir.Sub("coordinator.token");
  ASSERT_TRUE(
      corridor::testing::CreateTokenFile((*auth)->address(), dir.Sub("auth"), "coordinator", token)
          .ok());

  auto submit = [&](const std::string& key, const std::string& area, const std::string& route) {
    std::vector<std::string> args = {"--output=csv",
                                     "convoys",
                                     "submit",
                                     "--agency=SARC",
                                     "--area=" + area,
                                     "--planned=2016-08-10",
                                     "--requested=2015-12-01",
                                     "--beneficiaries=2500",
                                     "--cargo=flour:food:20:tonnes",
                                     "--key=" + key};
    if (!route.empty()) args.push_back("--route=" + route);
    return RunCorridorctl((*convoys)->address(), args, token);
  };
  CommandResult first = submit("p-1", "ALP-EAST", "ramouseh-road");
  ASSERT_EQ(first.exit_code, 0) << first.err;

  ASSERT_EQ((*areas)->StopWith(SIGTERM), 0);
  CommandResult down = submit("p-2", "EG-DUMA", "");
  EXPECT_EQ(down.exit_code, 3);
  EXPECT_THAT(down.err, HasSubstr("the areas service at " + areas_address));
  EXPECT_THAT(down.err, HasSubstr("nothing was written"));
  CommandResult known = submit("p-3", "ALP-EAST", "ramouseh-road");
  EXPECT_EQ(known.exit_code, 0) << known.err;

  // Back on the same address: the convoys service reconnects by itself.
  auto restarted = start_areas(areas_address);
  ASSERT_TRUE(restarted.ok()) << restarted.status();
  // The channel may still be in its reconnect backoff (at most 2 s).
  CommandResult after = submit("p-2", "EG-DUMA", "");
  for (int attempt = 0; after.exit_code == 3 && attempt < 100; ++attempt) {
    absl::SleepFor(absl::Milliseconds(100));
    after = submit("p-2", "EG-DUMA", "");
  }
  ASSERT_EQ(after.exit_code, 0) << after.err;

  CommandResult list =
      RunCorridorctl((*convoys)->address(), {"--output=csv", "convoys", "list"}, token);
  ASSERT_EQ(list.exit_code, 0) << list.err;
  EXPECT_EQ(std::count(list.out.begin(), list.out.end(), '\n'), 4);  // header + p-1..p-3

  // Revoked at the auth service, the token stops working on the convoys
  // service once its memory of the token runs out.
  CommandResult tokens = RunCorridorctl((*auth)->address(), {"--output=csv", "whoami"}, token);
  ASSERT_EQ(tokens.exit_code, 0) << tokens.err;
  const std::string id = tokens.out.substr(tokens.out.find('\n') + 1, 19);
  CommandResult revoked =
      RunCorridorctl((*auth)->address(), {"admin", "token", "revoke", id, "--reason=left the team"},
                     corridor::testing::AdminTokenFile(dir.Sub("auth")));
  ASSERT_EQ(revoked.exit_code, 0) << revoked.err;
  absl::SleepFor(auth::RemoteAuthenticator::kCacheFor + absl::Milliseconds(500));
  CommandResult refused = RunCorridorctl((*convoys)->address(), {"convoys", "list"}, token);
  EXPECT_EQ(refused.exit_code, 7) << refused.err;
  EXPECT_THAT(refused.err, HasSubstr("was revoked"));
}

}  // namespace
}  // namespace corridor::convoys
