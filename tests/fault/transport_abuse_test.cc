// Abuse of the transport against a real corridord: oversized messages,
// clients that cancel mid-stream or give up at their deadline, a thousand
// concurrent WatchRouteStatus subscribers, and bytes that are not gRPC at
// all. Each time the server refuses or sheds what it must, frees what the
// client left behind, and keeps serving everyone else.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <fstream>
#include <iterator>
#include <map>
#include <random>
#include <thread>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "common/credentials.h"
#include "common/server.h"
#include "corridor/v1/areas.grpc.pb.h"
#include "corridor/v1/audit.grpc.pb.h"
#include "corridor/v1/denials.grpc.pb.h"
#include "corridor/v1/routes.grpc.pb.h"
#include "gmock/gmock.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "tests/testing/metrics_scrape.h"
#include "tests/testing/subprocess.h"
#include "tests/testing/temp_dir.h"

namespace corridor {
namespace {

using ::corridor::testing::BinaryPath;
using ::corridor::testing::ServerProcess;
using ::testing::HasSubstr;

constexpr int kSubscribers = 1000;

class TransportAbuseTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new corridor::testing::TempDir;
    auto server = ServerProcess::Start(
        BinaryPath("corridord"),
        {"--data_dir=" + dir_->Sub("data"), "--log_rpcs=errors", "--metrics_listen=127.0.0.1:0",
         "--metrics_port_file=" + dir_->Sub("metrics.port"),
         // One token holds the thousand subscribers below; the default cap is
         // tested on a server of its own.
         "--max_streams_per_token=2000"},
        dir_->path());
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = server->release();
    auto file = corridor::testing::CreateTokenFile(server_->address(), dir_->Sub("data"),
                                                   "coordinator", dir_->Sub("coordinator.token"));
    ASSERT_TRUE(file.ok()) << file.status();
    auto token = ReadTokenFile(*file);
    ASSERT_TRUE(token.ok()) << token.status();
    token_ = new std::string(*token);
  }

  static void TearDownTestSuite() {
    delete server_;
    delete token_;
    delete dir_;
  }

  std::shared_ptr<grpc::Channel> NewChannel() const {
    return grpc::CreateChannel(server_->address(), grpc::InsecureChannelCredentials());
  }

  void Prepare(grpc::ClientContext* context, absl::Duration timeout = absl::Seconds(10)) const {
    context->set_deadline(absl::ToChronoTime(absl::Now() + timeout));
    AttachBearerToken(context, *token_);
  }

  // The server still answers a plain read, on a fresh connection.
  void ExpectStillServing() const {
    auto areas = v1::AreaService::NewStub(NewChannel());
    grpc::ClientContext context;
    Prepare(&context);
    v1::GetAreaRequest request;
    request.set_id("EG-DUMA");
    v1::Area area;
    grpc::Status s = areas->GetArea(&context, request, &area);
    EXPECT_TRUE(s.ok()) << s.error_message();
    EXPECT_EQ(area.id(), "EG-DUMA");
  }

  // The server's /metrics gauge of open WatchRouteStatus streams (0 before
  // the first one opens).
  int64_t OpenWatchStreams() const {
    std::ifstream file(dir_->Sub("metrics.port"));
    std::string address;
    file >> address;
    const std::map<std::string, double> samples = corridor::testing::ScrapeMetrics(address);
    auto it = samples.find(
        "corridor_rpc_streams_open{method=\"/corridor.v1.RouteService/WatchRouteStatus\"}");
    return it == samples.end() ? 0 : static_cast<int64_t>(it->second);
  }

  // Polls OpenWatchStreams until it is `wanted` (or 10 s pass).
  int64_t WaitForOpenWatchStreams(int64_t wanted) const {
    int64_t open = OpenWatchStreams();
    for (int i = 0; i < 200 && open != wanted; ++i) {
      absl::SleepFor(absl::Milliseconds(50));
      open = OpenWatchStreams();
    }
    return open;
  }

  // A number from the server's /proc status, e.g. "Threads" or "VmRSS" (kB).
  int64_t ServerStatus(absl::string_view field) const {
    std::ifstream status(absl::StrCat("/proc/", server_->pid(), "/status"));
    for (std::string line; std::getline(status, line);) {
      int64_t value = 0;
      if (absl::StartsWith(line, absl::StrCat(field, ":")) &&
          absl::SimpleAtoi(absl::StripSuffix(absl::StripAsciiWhitespace(
                                                 line.substr(field.size() + 1)),
                                             " kB"),
                           &value)) {
        return value;
      }
    }
    return -1;
  }
  int64_t ServerThreads() const { return ServerStatus("Threads"); }

  grpc::Status ReportRoute(const std::string& note) const {
    auto routes = v1::RouteService::NewStub(NewChannel());
    grpc::ClientContext context;
    Prepare(&context);
    v1::ReportRouteStatusRequest request;
    request.set_route_id("ramouseh-road");
    request.set_status(v1::ROUTE_STATUS_RESTRICTED);
    request.mutable_observed_at()->set_seconds(1473897600);  // 15 Sep 2016
    request.mutable_source()->set_citation("transport abuse test (test data)");
    request.set_note(note);
    v1::ReportRouteStatusResponse response;
    return routes->ReportRouteStatus(&context, request, &response);
  }

  static corridor::testing::TempDir* dir_;
  static ServerProcess* server_;
  static std::string* token_;
};

corridor::testing::TempDir* TransportAbuseTest::dir_ = nullptr;
ServerProcess* TransportAbuseTest::server_ = nullptr;
std::string* TransportAbuseTest::token_ = nullptr;

TEST_F(TransportAbuseTest, AnOversizedRequestIsRefusedByLimitAndNothingIsStored) {
  auto denials = v1::DenialService::NewStub(NewChannel());
  v1::RecordDenialRequest request;
  request.set_idempotency_key("oversized-1");
  v1::DenialFacts* facts = request.mutable_facts();
  facts->set_party("Syrian Government forces");
  facts->set_area_id("EG-DUMA");
  facts->mutable_occurred_at()->set_seconds(1473897600);
  facts->set_category(v1::ACCESS_CONSTRAINT_MOVEMENT_RESTRICTION);
  facts->mutable_source()->set_citation("transport abuse test (test data)");
  facts->set_description(std::string(5 * 1024 * 1024, 'x'));  // over the 4 MiB limit
  grpc::ClientContext context;
  Prepare(&context);
  v1::Denial denial;
  grpc::Status s = denials->RecordDenial(&context, request, &denial);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << s.error_message();
  EXPECT_THAT(s.error_message(), HasSubstr("larger than max"));

  // Under the transport's limit, the field's own limit names the field.
  facts->set_description(std::string(200 * 1024, 'x'));
  grpc::ClientContext second;
  Prepare(&second);
  s = denials->RecordDenial(&second, request, &denial);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("facts.description"));

  grpc::ClientContext get;
  Prepare(&get);
  v1::ListDenialsRequest list;
  v1::ListDenialsResponse listed;
  ASSERT_TRUE(denials->ListDenials(&get, list, &listed).ok());
  EXPECT_EQ(listed.denials_size(), 0);
  ExpectStillServing();
}

TEST_F(TransportAbuseTest, ClientsThatCancelMidStreamOrRunOutOfTimeLeaveNothingOpen) {
  const int64_t threads_before = ServerThreads();
  auto routes = v1::RouteService::NewStub(NewChannel());
  auto audit = v1::AuditService::NewStub(NewChannel());
  for (int i = 0; i < 100; ++i) {
    // Subscribed (the server sends headers at once), then cancelled.
    grpc::ClientContext watch;
    Prepare(&watch);
    auto reader = routes->WatchRouteStatus(&watch, v1::WatchRouteStatusRequest());
    reader->WaitForInitialMetadata();
    watch.TryCancel();
    EXPECT_EQ(reader->Finish().error_code(), grpc::StatusCode::CANCELLED);
    // A change feed read from the start, cancelled after its first change.
    grpc::ClientContext feed;
    Prepare(&feed);
    v1::WatchChangesRequest request;
    request.set_service("routes");
    auto changes = audit->WatchChanges(&feed, request);
    v1::Change change;
    if (i % 2 == 0) {
      EXPECT_TRUE(changes->Read(&change));
    }
    feed.TryCancel();
    EXPECT_EQ(changes->Finish().error_code(), grpc::StatusCode::CANCELLED);
  }
  // A stream whose deadline passes ends with DEADLINE_EXCEEDED.
  grpc::ClientContext timed;
  Prepare(&timed, absl::Milliseconds(300));
  auto reader = routes->WatchRouteStatus(&timed, v1::WatchRouteStatusRequest());
  v1::RouteStatusEvent event;
  while (reader->Read(&event)) {
  }
  EXPECT_EQ(reader->Finish().error_code(), grpc::StatusCode::DEADLINE_EXCEEDED);
  // So does a unary call whose deadline has passed. (A deadline a microsecond
  // ahead is not enough: gRPC converts it from the wall clock to its own
  // monotonic one, which can move it milliseconds later, and the call made it.)
  auto areas = v1::AreaService::NewStub(NewChannel());
  grpc::ClientContext hurried;
  hurried.set_deadline(std::chrono::system_clock::now() - std::chrono::seconds(1));
  AttachBearerToken(&hurried, *token_);
  v1::ListAreasRequest list;
  v1::ListAreasResponse areas_listed;
  EXPECT_EQ(areas->ListAreas(&hurried, list, &areas_listed).error_code(),
            grpc::StatusCode::DEADLINE_EXCEEDED);

  // The server let go of every one of them: of the 200 streams' threads,
  // at most the ones it keeps waiting for the next calls remain.
  EXPECT_EQ(WaitForOpenWatchStreams(0), 0);
  const int64_t most = threads_before + kMaxWaitingServerThreads + 8;
  int64_t threads_after = ServerThreads();
  for (int i = 0; i < 100 && threads_after > most; ++i) {
    absl::SleepFor(absl::Milliseconds(50));
    threads_after = ServerThreads();
  }
  EXPECT_LE(threads_after, most) << "threads before: " << threads_before;
  ExpectStillServing();
}

// A thousand partners subscribed at once, on one client connection each
// tenth: every one of them gets the next report, and reads and writes of
// other clients go on meanwhile.
TEST_F(TransportAbuseTest, AThousandWatchRouteStatusSubscribersAllGetTheNextReport) {
  struct Subscriber {
    grpc::ClientContext context;
    std::unique_ptr<grpc::ClientAsyncReader<v1::RouteStatusEvent>> reader;
    v1::RouteStatusEvent event;
    grpc::Status status;
    std::vector<std::string> notes;
  };
  enum Step { kStarted, kSubscribed, kRead, kFinished };
  auto tag = [](int index, Step step) {
    return reinterpret_cast<void*>(static_cast<intptr_t>(index) * 4 + step);
  };
  std::vector<std::unique_ptr<v1::RouteService::Stub>> stubs;
  for (int c = 0; c < kSubscribers / 10; ++c) {
    grpc::ChannelArguments args;
    args.SetInt("corridor.test.channel", c);  // a connection of its own each
    stubs.push_back(v1::RouteService::NewStub(
        grpc::CreateCustomChannel(server_->address(), grpc::InsecureChannelCredentials(), args)));
  }
  grpc::CompletionQueue queue;
  std::vector<std::unique_ptr<Subscriber>> subscribers(kSubscribers);
  std::atomic<int> subscribed{0}, finished{0}, received{0};
  const std::string note = "the report every subscriber waits for";
  v1::WatchRouteStatusRequest request;
  request.add_route_ids("ramouseh-road");
  const absl::Time started = absl::Now();
  for (int i = 0; i < kSubscribers; ++i) {
    subscribers[i] = std::make_unique<Subscriber>();
    Prepare(&subscribers[i]->context, absl::Seconds(120));
    subscribers[i]->reader = stubs[i % stubs.size()]->PrepareAsyncWatchRouteStatus(
        &subscribers[i]->context, request, &queue);
    subscribers[i]->reader->StartCall(tag(i, kStarted));
  }
  std::thread poller([&] {
    void* got;
    bool ok;
    while (queue.Next(&got, &ok)) {
      const intptr_t value = reinterpret_cast<intptr_t>(got);
      Subscriber& s = *subscribers[value / 4];
      switch (static_cast<Step>(value % 4)) {
        case kStarted:
          if (ok) {
            s.reader->ReadInitialMetadata(tag(value / 4, kSubscribed));
          } else {
            s.reader->Finish(&s.status, tag(value / 4, kFinished));
          }
          break;
        case kSubscribed:
          if (ok) subscribed++;
          if (ok) {
            s.reader->Read(&s.event, tag(value / 4, kRead));
          } else {
            s.reader->Finish(&s.status, tag(value / 4, kFinished));
          }
          break;
        case kRead:
          if (ok) {
            s.notes.push_back(s.event.report().note());
            if (s.event.report().note() == note) received++;
            s.reader->Read(&s.event, tag(value / 4, kRead));
          } else {
            s.reader->Finish(&s.status, tag(value / 4, kFinished));
          }
          break;
        case kFinished:
          if (++finished == kSubscribers) queue.Shutdown();
          break;
      }
    }
  });
  while (subscribed < kSubscribers && absl::Now() - started < absl::Seconds(60)) {
    absl::SleepFor(absl::Milliseconds(20));
  }
  ASSERT_EQ(subscribed, kSubscribers) << finished << " ended early";
  std::cerr << "transport abuse: " << kSubscribers << " subscribers in "
            << absl::ToInt64Milliseconds(absl::Now() - started) << " ms; server threads "
            << ServerThreads() << ", resident " << ServerStatus("VmRSS") / 1024
            << " MiB, open streams " << OpenWatchStreams() << "\n";
  EXPECT_EQ(OpenWatchStreams(), kSubscribers);

  // Others are served meanwhile.
  for (int i = 0; i < 20; ++i) ExpectStillServing();
  const absl::Time reported = absl::Now();
  ASSERT_TRUE(ReportRoute(note).ok());
  while (received < kSubscribers && absl::Now() - reported < absl::Seconds(30)) {
    absl::SleepFor(absl::Milliseconds(5));
  }
  EXPECT_EQ(received, kSubscribers);
  std::cerr << "transport abuse: the report reached all " << received.load() << " subscribers in "
            << absl::ToInt64Milliseconds(absl::Now() - reported) << " ms\n";

  for (auto& s : subscribers) s->context.TryCancel();
  poller.join();
  for (auto& s : subscribers) {
    EXPECT_EQ(s->status.error_code(), grpc::StatusCode::CANCELLED) << s->status.error_message();
    EXPECT_EQ(s->notes, std::vector<std::string>{note});
  }
  EXPECT_EQ(WaitForOpenWatchStreams(0), 0);
  ExpectStillServing();
}

// Bytes that are not HTTP/2, and connections that never say anything: the
// server drops the one and holds the others without blocking real calls.
// One token may hold only so many streams (issue 20: one partner opening 64
// streams starved everyone else); other tokens are served meanwhile, and a
// closed stream frees its slot.
TEST(StreamQuotaTest, OneTokenHoldsAtMostItsStreamsAndOthersAreStillServed) {
  corridor::testing::TempDir dir;
  auto server = ServerProcess::Start(
      BinaryPath("corridord"),
      {"--data_dir=" + dir.Sub("data"), "--log_rpcs=errors", "--max_streams_per_token=3"},
      dir.path());
  ASSERT_TRUE(server.ok()) << server.status();
  auto token_of = [&](const std::string& file) {
    auto path = corridor::testing::CreateTokenFile((*server)->address(), dir.Sub("data"), "partner",
                                                   dir.Sub(file), "WFP");
    EXPECT_TRUE(path.ok()) << path.status();
    return path.ok() ? ReadTokenFile(*path).value_or("") : "";
  };
  const std::string greedy = token_of("greedy.token");
  const std::string other = token_of("other.token");
  auto channel = grpc::CreateChannel((*server)->address(), grpc::InsecureChannelCredentials());
  auto routes = v1::RouteService::NewStub(channel);
  auto audit = v1::AuditService::NewStub(channel);

  struct Stream {
    grpc::ClientContext context;
    std::unique_ptr<grpc::ClientReaderInterface<v1::RouteStatusEvent>> routes;
    std::unique_ptr<grpc::ClientReaderInterface<v1::Change>> changes;
    grpc::Status Finish() { return routes ? routes->Finish() : changes->Finish(); }
  };
  auto open = [&](const std::string& token, bool feed) {
    auto stream = std::make_unique<Stream>();
    stream->context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(30)));
    AttachBearerToken(&stream->context, token);
    if (feed) {
      v1::WatchChangesRequest request;
      request.set_service("routes");
      request.set_from_end(true);
      stream->changes = audit->WatchChanges(&stream->context, request);
      stream->changes->WaitForInitialMetadata();
    } else {
      stream->routes = routes->WatchRouteStatus(&stream->context, v1::WatchRouteStatusRequest());
      stream->routes->WaitForInitialMetadata();
    }
    return stream;
  };
  std::vector<std::unique_ptr<Stream>> held;
  held.push_back(open(greedy, false));
  held.push_back(open(greedy, true));
  held.push_back(open(greedy, false));
  for (bool feed : {false, true}) {
    auto refused = open(greedy, feed);
    const grpc::Status status = refused->Finish();
    EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << status.error_message();
    EXPECT_THAT(status.error_message(), HasSubstr("already holds 3 open streams"));
    EXPECT_THAT(status.error_message(), HasSubstr("--max_streams_per_token"));
  }
  // Another token is not held back by the first one's streams.
  auto others = open(other, false);
  others->context.TryCancel();
  EXPECT_EQ(others->Finish().error_code(), grpc::StatusCode::CANCELLED);

  // Closing one frees its slot once the server has seen it go.
  held.front()->context.TryCancel();
  EXPECT_EQ(held.front()->Finish().error_code(), grpc::StatusCode::CANCELLED);
  grpc::StatusCode code = grpc::StatusCode::RESOURCE_EXHAUSTED;
  for (int attempt = 0; attempt < 50 && code == grpc::StatusCode::RESOURCE_EXHAUSTED; ++attempt) {
    auto again = open(greedy, false);
    again->context.TryCancel();
    code = again->Finish().error_code();
    if (code == grpc::StatusCode::RESOURCE_EXHAUSTED) absl::SleepFor(absl::Milliseconds(100));
  }
  EXPECT_EQ(code, grpc::StatusCode::CANCELLED);
  for (size_t i = 1; i < held.size(); ++i) {
    held[i]->context.TryCancel();
    EXPECT_EQ(held[i]->Finish().error_code(), grpc::StatusCode::CANCELLED);
  }
}

// `corridorctl routes watch` against `server` as the token in `token_file`,
// in a process of its own, printing to `out` and `err`.
pid_t StartWatcher(const std::string& server, const std::string& token_file, const std::string& out,
                   const std::string& err) {
  const std::string corridorctl = BinaryPath("corridorctl");
  const std::string server_flag = "--server=" + server;
  const std::string token_env = "CORRIDOR_TOKEN_FILE=" + token_file;
  const pid_t watcher = fork();
  if (watcher != 0) return watcher;
  ::putenv(const_cast<char*>(token_env.c_str()));
  ::dup2(::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600), STDOUT_FILENO);
  ::dup2(::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600), STDERR_FILENO);
  ::execl(corridorctl.c_str(), corridorctl.c_str(), server_flag.c_str(), "routes", "watch",
          static_cast<char*>(nullptr));
  ::_exit(127);
}

std::string Slurp(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// A client that vanishes without closing its connection (a laptop put to
// sleep, a dropped network) must not hold its token's stream places for
// good. Here `corridorctl routes watch` holds the token's one place and is
// then frozen: its kernel still acknowledges TCP, but nothing answers the
// server's pings, so the server closes the connection and frees the place.
TEST(StreamQuotaTest, AClientThatStopsAnsweringLosesItsStreamsToKeepalive) {
  corridor::testing::TempDir dir;
  auto server = ServerProcess::Start(
      BinaryPath("corridord"),
      {"--data_dir=" + dir.Sub("data"), "--log_rpcs=errors", "--max_streams_per_token=1",
       "--keepalive_seconds=1", "--keepalive_timeout_seconds=1"},
      dir.path());
  ASSERT_TRUE(server.ok()) << server.status();
  auto token_file = corridor::testing::CreateTokenFile((*server)->address(), dir.Sub("data"),
                                                       "partner", dir.Sub("watcher.token"), "WFP");
  ASSERT_TRUE(token_file.ok()) << token_file.status();
  const std::string token = ReadTokenFile(*token_file).value_or("");
  auto routes = v1::RouteService::NewStub(
      grpc::CreateChannel((*server)->address(), grpc::InsecureChannelCredentials()));
  // RESOURCE_EXHAUSTED at once while the watcher holds the place;
  // DEADLINE_EXCEEDED once a stream is admitted (it waits for reports).
  auto try_stream = [&] {
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Milliseconds(300)));
    AttachBearerToken(&context, token);
    auto stream = routes->WatchRouteStatus(&context, v1::WatchRouteStatusRequest());
    return stream->Finish().error_code();
  };

  const pid_t watcher =
      StartWatcher((*server)->address(), *token_file, dir.Sub("out"), dir.Sub("err"));
  ASSERT_GT(watcher, 0);
  grpc::StatusCode code = grpc::StatusCode::DEADLINE_EXCEEDED;
  for (int i = 0; i < 100 && code != grpc::StatusCode::RESOURCE_EXHAUSTED; ++i) {
    absl::SleepFor(absl::Milliseconds(100));
    code = try_stream();
  }
  ASSERT_EQ(code, grpc::StatusCode::RESOURCE_EXHAUSTED) << "the watcher never held its place";

  ASSERT_EQ(::kill(watcher, SIGSTOP), 0);
  const absl::Time frozen = absl::Now();
  while (code == grpc::StatusCode::RESOURCE_EXHAUSTED && absl::Now() - frozen < absl::Seconds(20)) {
    absl::SleepFor(absl::Milliseconds(200));
    code = try_stream();
  }
  std::cerr << "keepalive: the frozen client's place was free after "
            << absl::FormatDuration(absl::Now() - frozen) << "\n";
  EXPECT_EQ(code, grpc::StatusCode::DEADLINE_EXCEEDED)
      << "the frozen client still holds its place 20 s after it stopped answering";

  // Woken before it printed any report, the watcher finds its connection
  // gone and subscribes again from where it had started: the next report
  // reaches it, and none before.
  ASSERT_EQ(::kill(watcher, SIGCONT), 0);
  auto coordinator = corridor::testing::CreateTokenFile(
      (*server)->address(), dir.Sub("data"), "coordinator", dir.Sub("coordinator.token"));
  ASSERT_TRUE(coordinator.ok()) << coordinator.status();
  const auto filed = corridor::testing::RunCorridorctl(
      (*server)->address(), {"routes", "report", "castello-road", "--status=closed", "--source=x"},
      *coordinator);
  ASSERT_EQ(filed.exit_code, 0) << filed.err;
  for (int i = 0; i < 100 && Slurp(dir.Sub("out")).empty(); ++i) {
    absl::SleepFor(absl::Milliseconds(100));
  }
  ::kill(watcher, SIGKILL);
  ::waitpid(watcher, nullptr, 0);
  const std::string printed = Slurp(dir.Sub("out"));
  EXPECT_THAT(printed, HasSubstr("castello-road  restricted -> closed")) << Slurp(dir.Sub("err"));
  EXPECT_EQ(std::count(printed.begin(), printed.end(), '\n'), 1) << printed;
  EXPECT_THAT(Slurp(dir.Sub("err")), HasSubstr("connection lost"));
}

TEST_F(TransportAbuseTest, GarbageAndSilentConnectionsDoNotStopTheServer) {
  const std::string address = server_->address();
  const int port = std::stoi(address.substr(address.rfind(':') + 1));
  auto connect_to_server = [&] {
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(port);
    inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
    EXPECT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof(to)), 0);
    return fd;
  };
  std::vector<int> silent;
  for (int i = 0; i < 200; ++i) silent.push_back(connect_to_server());
  std::mt19937 random(42);
  for (int i = 0; i < 20; ++i) {
    const int fd = connect_to_server();
    std::string junk(64 * 1024, '\0');
    for (char& c : junk) c = static_cast<char>(random());
    if (i % 2 == 0) junk.replace(0, 24, "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");  // a valid preface first
    (void)!write(fd, junk.data(), junk.size());
    // The server closes the connection (read returns 0 or an error).
    timeval timeout{10, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
    char buffer[4096];
    ssize_t n;
    while ((n = read(fd, buffer, sizeof(buffer))) > 0) {
    }
    EXPECT_LE(n, 0);
    EXPECT_FALSE(n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) << "connection " << i
                                                                     << " was left open";
    close(fd);
  }
  ExpectStillServing();
  for (int fd : silent) close(fd);
  ExpectStillServing();
}

}  // namespace
}  // namespace corridor
