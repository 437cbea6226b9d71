// The whole platform (corridord) listening on a Unix socket instead of a TCP
// port, as an operator puts it behind a proxy on the same machine.
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/subprocess.h"
#include "tests/testing/temp_dir.h"

namespace corridor {
namespace {

using ::corridor::testing::BinaryPath;
using ::corridor::testing::CommandResult;
using ::corridor::testing::RunCorridorctl;
using ::corridor::testing::ServerProcess;
using ::testing::HasSubstr;
using ::testing::Not;

TEST(RuntimeTest, AUnixSocketServesClientsAndTheServicesCallsToEachOther) {
  corridor::testing::TempDir dir;
  const std::string socket = "unix:" + dir.Sub("corridord.sock");
  auto server = ServerProcess::Start(
      BinaryPath("corridord"), {"--listen=" + socket, "--data_dir=" + dir.Sub("data")}, dir.path());
  ASSERT_TRUE(server.ok()) << server.status();
  // What it writes to --port_file and logs is the socket, not "unix:1".
  EXPECT_EQ((*server)->address(), socket);
  auto token = corridor::testing::CreateTokenFile(socket, dir.Sub("data"), "coordinator",
                                                  dir.Sub("coordinator.token"));
  ASSERT_TRUE(token.ok()) << token.status();

  // The denials service checks the party and the area with the areas
  // service, through the same socket.
  auto record = [&](const std::string& area) {
    return RunCorridorctl(socket,
                          {"denials", "record", "--party=Syrian government and affiliated militias",
                           "--area=" + area, "--category=movement-restriction", "--at=2016-09-03",
                           "--description=held at checkpoint", "--source=OCHA sitrep"},
                          *token);
  };
  CommandResult recorded = record("EG-DUMA");
  ASSERT_EQ(recorded.exit_code, 0) << recorded.err;
  CommandResult unknown_area = record("NOT-AN-AREA");
  EXPECT_EQ(unknown_area.exit_code, 4) << unknown_area.err;
  EXPECT_THAT(unknown_area.err, HasSubstr("refused --area (the request's facts.area_id)"));
  EXPECT_THAT((*server)->Logs(), Not(HasSubstr("did not answer")));
  EXPECT_THAT((*server)->Logs(), HasSubstr("on " + socket));
}

}  // namespace
}  // namespace corridor
