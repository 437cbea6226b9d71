// corridord and corridor-areas as real processes: start, serve, stop on
// SIGTERM, and keep every acknowledged write through SIGKILL.
#include <grpcpp/grpcpp.h>
#include <signal.h>

#include <atomic>
#include <mutex>
#include <set>
#include <thread>

#include "common/credentials.h"
#include "corridor/v1/areas.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/subprocess.h"
#include "tests/testing/temp_dir.h"

namespace corridor::areas {
namespace {

using ::corridor::testing::BinaryPath;
using ::corridor::testing::RunCommand;
using ::corridor::testing::ServerProcess;
using ::testing::HasSubstr;
using ::testing::Not;

std::unique_ptr<v1::AreaService::Stub> Connect(const std::string& address) {
  return v1::AreaService::NewStub(grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));
}

// The areas service with the auth service, as corridord runs them.
std::vector<std::string> AreasServer(const corridor::testing::TempDir& dir,
                                     std::vector<std::string> more = {}) {
  more.insert(more.begin(), {"--services=auth,areas", "--data_dir=" + dir.Sub("data")});
  return more;
}

std::string AdminToken(const corridor::testing::TempDir& dir) {
  absl::StatusOr<std::string> token =
      ReadTokenFile(corridor::testing::AdminTokenFile(dir.Sub("data")));
  EXPECT_TRUE(token.ok()) << token.status();
  return token.value_or("");
}

grpc::Status Call(const std::string& token,
                  const std::function<grpc::Status(grpc::ClientContext*)>& rpc) {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  AttachBearerToken(&context, token);
  return rpc(&context);
}

int CountAreas(v1::AreaService::Stub& stub, const std::string& token) {
  v1::ListAreasRequest request;
  request.mutable_page()->set_page_size(500);
  v1::ListAreasResponse response;
  grpc::Status status = Call(token, [&](auto* c) { return stub.ListAreas(c, request, &response); });
  EXPECT_TRUE(status.ok()) << status.error_message();
  return response.areas_size();
}

TEST(ServerProcessTest, ServesReferenceDataAndStopsCleanlyOnSigterm) {
  corridor::testing::TempDir dir;
  // The client's connection stays open while the server stops: shutdown
  // waits at most the grace period for it.
  auto server = ServerProcess::Start(BinaryPath("corridord"),
                                     AreasServer(dir, {"--shutdown_grace_seconds=1"}), dir.path());
  ASSERT_TRUE(server.ok()) << server.status();
  const std::string token = AdminToken(dir);
  auto stub = Connect((*server)->address());
  EXPECT_EQ(CountAreas(*stub, token), 51);
  EXPECT_EQ((*server)->StopWith(SIGTERM), 0) << (*server)->Logs();
  EXPECT_THAT((*server)->Logs(), HasSubstr("stopped cleanly"));
  EXPECT_THAT((*server)->Logs(), HasSubstr("loaded 51 reference areas"));

  // Restarted on the same data, it neither loses nor reloads anything.
  auto again = ServerProcess::Start(BinaryPath("corridord"), AreasServer(dir), dir.path());
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(CountAreas(*Connect((*again)->address()), token), 51);
  EXPECT_THAT((*again)->Logs(), ::testing::Not(HasSubstr("loaded 51")));
  EXPECT_THAT((*again)->Logs(), ::testing::Not(HasSubstr("first start")));
}

TEST(ServerProcessTest, CorridordRunsTheNamedServices) {
  corridor::testing::TempDir dir;
  auto server = ServerProcess::Start(BinaryPath("corridord"), AreasServer(dir), dir.path());
  ASSERT_TRUE(server.ok()) << server.status();
  EXPECT_EQ(CountAreas(*Connect((*server)->address()), AdminToken(dir)), 51);
  EXPECT_EQ((*server)->StopWith(SIGTERM), 0);
}

TEST(ServerProcessTest, AServiceWithoutTheAuthServiceSaysWhatItNeeds) {
  corridor::testing::TempDir dir;
  auto result = RunCommand(
      {BinaryPath("corridor-areas"), "--data_dir=" + dir.Sub("data"), "--listen=127.0.0.1:0"});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_THAT(result.err, HasSubstr("--peers=auth=HOST:PORT"));
  EXPECT_THAT(result.err, HasSubstr("--service_token_file"));
}

TEST(ServerProcessTest, CorridordRefusesAnUnknownService) {
  corridor::testing::TempDir dir;
  auto result = RunCommand({BinaryPath("corridord"), "--services=areas,nonsense",
                            "--data_dir=" + dir.Sub("data"), "--listen=127.0.0.1:0"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.err, HasSubstr("--services: unknown service \"nonsense\""));
}

// --help says what the program is and lists its flags, for corridord and
// for a service's own binary alike.
TEST(ServerProcessTest, HelpSaysWhatTheServerIsAndListsItsFlags) {
  for (const char* name : {"corridord", "corridor-areas"}) {
    const std::string binary = name;
    SCOPED_TRACE(binary);
    auto result = RunCommand({BinaryPath(binary), "--help"});
    const std::string help = result.out + result.err;
    EXPECT_THAT(help, Not(HasSubstr("No flags matched")));
    EXPECT_THAT(help, HasSubstr(binary + ": Corridor's"));
    EXPECT_THAT(help, HasSubstr("Usage: " + binary));
    for (const char* flag : {"--listen", "--data_dir", "--peers", "--tls_cert", "--backup_root"}) {
      EXPECT_THAT(help, HasSubstr(flag));
    }
    EXPECT_THAT(help, HasSubstr("host:port to serve gRPC on"));  // a flag's own help
  }
  auto corridord = RunCommand({BinaryPath("corridord"), "--help"});
  EXPECT_THAT(corridord.out + corridord.err, HasSubstr("in one process"));
}

TEST(ServerProcessTest, ASecondServerOnTheSameDataIsRefusedInPlainWords) {
  corridor::testing::TempDir dir;
  auto first = ServerProcess::Start(BinaryPath("corridord"), AreasServer(dir), dir.path());
  ASSERT_TRUE(first.ok()) << first.status();
  std::vector<std::string> second = AreasServer(dir, {"--listen=127.0.0.1:0"});
  second.insert(second.begin(), BinaryPath("corridord"));
  auto result = RunCommand(second);
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_THAT(result.err, HasSubstr("another process has this database open"));
}

TEST(ServerProcessTest, AcknowledgedWritesSurviveSigkill) {
  corridor::testing::TempDir dir;
  std::set<std::string> acknowledged;
  for (int round = 0; round < 3; ++round) {
    auto server = ServerProcess::Start(BinaryPath("corridord"), AreasServer(dir), dir.path());
    ASSERT_TRUE(server.ok()) << server.status();
    const std::string token = AdminToken(dir);
    auto stub = Connect((*server)->address());
    std::mutex mu;
    std::atomic<bool> stop{false};
    std::atomic<int> acks{0};
    std::vector<std::thread> writers;
    for (int w = 0; w < 4; ++w) {
      writers.emplace_back([&, w] {
        for (int i = 0; !stop; ++i) {
          v1::CreateAreaRequest request;
          request.mutable_area()->set_id("K" + std::to_string(round) + "-" + std::to_string(w) +
                                         "-" + std::to_string(i));
          request.mutable_area()->set_name_en("crash test");
          request.mutable_area()->mutable_governorate()->set_pcode("SY03");
          request.mutable_area()->set_status(v1::AREA_STATUS_BESIEGED);
          request.mutable_status_source()->set_citation("crash test");
          v1::Area created;
          grpc::Status status =
              Call(token, [&](auto* c) { return stub->CreateArea(c, request, &created); });
          if (!status.ok()) return;  // the server is gone
          std::lock_guard<std::mutex> lock(mu);
          acknowledged.insert(request.area().id());
          ++acks;
        }
      });
    }
    while (acks < 40 * (round + 1)) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    EXPECT_EQ((*server)->StopWith(SIGKILL), 128 + SIGKILL);
    stop = true;
    for (auto& t : writers) t.join();
  }

  auto server = ServerProcess::Start(BinaryPath("corridord"), AreasServer(dir), dir.path());
  ASSERT_TRUE(server.ok()) << server.status();
  const std::string token = AdminToken(dir);
  auto stub = Connect((*server)->address());
  for (const std::string& id : acknowledged) {
    v1::GetAreaRequest get;
    get.set_id(id);
    v1::Area area;
    grpc::Status status = Call(token, [&](auto* c) { return stub->GetArea(c, get, &area); });
    ASSERT_TRUE(status.ok()) << "acknowledged area " << id << " lost: " << status.error_message();
    v1::GetAreaHistoryRequest history_request;
    history_request.set_area_id(id);
    v1::GetAreaHistoryResponse history;
    ASSERT_TRUE(Call(token, [&](auto* c) {
                  return stub->GetAreaHistory(c, history_request, &history);
                }).ok());
    EXPECT_EQ(history.changes_size(), 1) << id;
  }
  // The status index agrees with the records: every area listed once.
  v1::ListAreasRequest besieged;
  besieged.set_status(v1::AREA_STATUS_BESIEGED);
  besieged.mutable_page()->set_page_size(500);
  std::set<std::string> listed;
  for (;;) {
    v1::ListAreasResponse page;
    ASSERT_TRUE(Call(token, [&](auto* c) { return stub->ListAreas(c, besieged, &page); }).ok());
    for (const auto& a : page.areas()) {
      EXPECT_EQ(a.status(), v1::AREA_STATUS_BESIEGED);
      EXPECT_TRUE(listed.insert(a.id()).second) << a.id() << " listed twice";
    }
    if (page.next_page_token().empty()) break;
    besieged.mutable_page()->set_page_token(page.next_page_token());
  }
  for (const std::string& id : acknowledged) EXPECT_TRUE(listed.count(id)) << id;
}

}  // namespace
}  // namespace corridor::areas
