// ServiceHost: where it listens, and that it never shares a port or a Unix
// socket with a server already running there.
#include "common/server.h"

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/temp_dir.h"

namespace corridor {
namespace {

using ::testing::HasSubstr;

ServerOptions ListeningOn(const std::string& address) {
  ServerOptions options;
  options.listen_address = address;
  options.shutdown_grace = absl::Milliseconds(100);
  return options;
}

// Whether a gRPC client reaches a server at `target`.
bool Reachable(const std::string& target) {
  auto channel = grpc::CreateChannel(target, grpc::InsecureChannelCredentials());
  return channel->WaitForConnected(std::chrono::system_clock::now() + std::chrono::seconds(5));
}

TEST(ServiceHostTest, SaysItsAddressWithThePortTheSystemChose) {
  auto host = ServiceHost::Start(ListeningOn("0.0.0.0:0"), {});
  ASSERT_TRUE(host.ok()) << host.status();
  const std::string port = std::to_string((*host)->port());
  EXPECT_EQ((*host)->address(), "0.0.0.0:" + port);
  EXPECT_EQ((*host)->local_address(), "127.0.0.1:" + port);
  EXPECT_TRUE(Reachable((*host)->local_address()));
}

TEST(ServiceHostTest, ASecondServerOnTheSamePortIsRefused) {
  auto first = ServiceHost::Start(ListeningOn("127.0.0.1:0"), {});
  ASSERT_TRUE(first.ok()) << first.status();
  // With gRPC's default SO_REUSEPORT the second bound the port too, and the
  // kernel sent some clients to each.
  auto second = ServiceHost::Start(ListeningOn((*first)->address()), {});
  ASSERT_FALSE(second.ok());
  EXPECT_THAT(second.status().message(), HasSubstr("cannot listen on " + (*first)->address()));
}

TEST(ServiceHostTest, ASecondServerOnALiveUnixSocketIsRefusedAndTheFirstKeepsIt) {
  corridor::testing::TempDir dir;
  const std::string socket = "unix:" + dir.Sub("corridord.sock");
  auto first = ServiceHost::Start(ListeningOn(socket), {});
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ((*first)->address(), socket);
  EXPECT_EQ((*first)->local_address(), socket);

  auto second = ServiceHost::Start(ListeningOn(socket), {});
  ASSERT_FALSE(second.ok());
  EXPECT_THAT(second.status().message(), HasSubstr("another server is listening"));
  EXPECT_TRUE(Reachable(socket));
}

TEST(ServiceHostTest, ASocketLeftBehindByADeadServerIsReplaced) {
  corridor::testing::TempDir dir;
  const std::string path = dir.Sub("corridord.sock");
  // What a killed server leaves: the socket's file, with nobody listening.
  const int left = socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  memcpy(address.sun_path, path.data(), path.size());
  ASSERT_EQ(bind(left, reinterpret_cast<const sockaddr*>(&address), sizeof(address)), 0);
  close(left);

  auto host = ServiceHost::Start(ListeningOn("unix:" + path), {});
  ASSERT_TRUE(host.ok()) << host.status();
  EXPECT_TRUE(Reachable("unix:" + path));
}

}  // namespace
}  // namespace corridor
