// The HTTP edge both HTTP servers share (common/http_server.h), on real
// loopback sockets: what it refuses, that it refuses it before reading what
// it need not, and that one client cannot starve the others. Slow clients
// connect from 127.0.0.2, the others from 127.0.0.1.
#include "common/http_server.h"

#include <unistd.h>

#include <atomic>
#include <memory>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/metrics_server.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/raw_http.h"

namespace corridor {
namespace {

using ::corridor::testing::DrippingClients;
using ::corridor::testing::RawConnection;
using ::corridor::testing::StatusOf;
using ::testing::HasSubstr;

// A GuardedHttpServer on a free loopback port, with GET /hello and POST
// /echo (the body back), counting the handler calls.
class Served {
 public:
  explicit Served(HttpLimits limits) : server_(std::move(limits)) {
    server_.SetDefaultHeaders({{"X-Content-Type-Options", "nosniff"}});
    server_.Get("/hello", [this](const httplib::Request&, httplib::Response& response) {
      ++calls_;
      response.set_content("hello\n", "text/plain");
    });
    server_.Post("/echo", [this](const httplib::Request& request, httplib::Response& response) {
      ++calls_;
      response.set_content(request.body, "text/plain");
    });
    server_.Get("/empty", [this](const httplib::Request&, httplib::Response& response) {
      ++calls_;
      response.status = 204;
    });
    server_.Get("/large", [this](const httplib::Request&, httplib::Response& response) {
      ++calls_;
      response.set_content(std::string(200 * 1024, 'z'), "text/plain");
    });
    server_.Get("/peer", [this](const httplib::Request& request, httplib::Response& response) {
      ++calls_;
      response.set_content(absl::StrCat(request.remote_addr, " ", request.local_addr),
                           "text/plain");
    });
    port_ = server_.Bind("127.0.0.1", 0);
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) absl::SleepFor(absl::Milliseconds(1));
  }
  ~Served() {
    server_.stop();
    thread_.join();
  }

  int port() const { return port_; }
  int calls() const { return calls_; }

 private:
  GuardedHttpServer server_;
  std::thread thread_;
  int port_ = 0;
  std::atomic<int> calls_{0};
};

HttpLimits SmallLimits() {
  HttpLimits limits;
  limits.max_body_bytes = 1024;
  limits.max_header_bytes = 2048;
  limits.max_headers = 10;
  limits.header_timeout = absl::Seconds(1);
  limits.max_connections_per_client = 3;
  limits.max_body_flag = "--max_body_bytes";
  limits.max_connections_flag = "--max_connections_per_client";
  return limits;
}

TEST(GuardedHttpServerTest, ServesRequestsKeptAliveAndPipelined) {
  Served served(SmallLimits());
  httplib::Client client("127.0.0.1", served.port());
  client.set_keep_alive(true);
  for (int i = 0; i < 3; ++i) {
    auto reply = client.Post("/echo", std::string(1024, 'x'), "text/plain");
    ASSERT_TRUE(reply);
    EXPECT_EQ(reply->status, 200);
    EXPECT_EQ(reply->body.size(), 1024u);
    EXPECT_EQ(reply->get_header_value("X-Content-Type-Options"), "nosniff");
  }
  // Two requests in one write: each gets its reply, in order.
  RawConnection raw(served.port());
  ASSERT_TRUE(
      raw.Send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nfirst"
               "GET /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
  const std::string replies = raw.ReadUntilClosed(absl::Seconds(5));
  EXPECT_THAT(replies, HasSubstr("\r\n\r\nfirst"));
  EXPECT_THAT(replies, HasSubstr("hello\n"));
}

// The edge holds a reply's headers to send them with its body: a reply
// without a body, a large one and an interim "100 Continue" must each still
// leave whole and at once.
TEST(GuardedHttpServerTest, EveryReplyLeavesWholeAndAtOnce) {
  HttpLimits limits = SmallLimits();
  limits.max_body_bytes = 8192;
  Served served(limits);
  RawConnection raw(served.port(), "127.0.0.2");
  ASSERT_TRUE(raw.Send("GET /empty HTTP/1.1\r\nHost: x\r\n\r\n"));
  std::string reply = raw.ReadUntil("\r\n\r\n", absl::Seconds(2));
  EXPECT_EQ(StatusOf(reply), 204) << reply;

  ASSERT_TRUE(raw.Send("GET /large HTTP/1.1\r\nHost: x\r\n\r\n"));
  reply = raw.ReadUntil(std::string(200 * 1024, 'z'), absl::Seconds(5));
  EXPECT_EQ(StatusOf(reply), 200);
  EXPECT_THAT(reply, HasSubstr("Content-Length: 204800\r\n"));

  // The client waits for "100 Continue" before sending the body.
  ASSERT_TRUE(raw.Send(
      "POST /echo HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n"));
  reply = raw.ReadUntil("\r\n\r\n", absl::Seconds(2));
  EXPECT_EQ(StatusOf(reply), 100) << reply;
  ASSERT_TRUE(raw.Send("after"));
  reply = raw.ReadUntil("after", absl::Seconds(2));
  EXPECT_EQ(StatusOf(reply), 200) << reply;

  // Both ends of the connection, for every request on it.
  for (int i = 0; i < 2; ++i) {
    ASSERT_TRUE(raw.Send("GET /peer HTTP/1.1\r\nHost: x\r\n\r\n"));
    reply = raw.ReadUntil("127.0.0.2 127.0.0.1", absl::Seconds(2));
    EXPECT_THAT(reply, HasSubstr("\r\n\r\n127.0.0.2 127.0.0.1")) << reply;
  }
  EXPECT_EQ(served.calls(), 5);
}

TEST(GuardedHttpServerTest, RefusesAnOversizeBodyFromItsLengthWithoutReadingIt) {
  Served served(SmallLimits());
  RawConnection raw(served.port());
  const absl::Time start = absl::Now();
  ASSERT_TRUE(raw.Send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 104857600\r\n\r\n" +
                       std::string(512, 'x')));
  const std::string reply = raw.ReadUntilClosed(absl::Seconds(10));
  std::printf("413 after %s\n", absl::FormatDuration(absl::Now() - start).c_str());
  EXPECT_EQ(StatusOf(reply), 413) << reply;
  EXPECT_THAT(reply, HasSubstr("the request body is 104857600 bytes; the limit is 1024 "
                               "(--max_body_bytes)"));
  EXPECT_THAT(reply, HasSubstr("Connection: close"));
  EXPECT_THAT(reply, HasSubstr("X-Content-Type-Options: nosniff"));
  EXPECT_EQ(served.calls(), 0);
}

TEST(GuardedHttpServerTest, RefusesChunkedBodiesAndBadLengths) {
  Served served(SmallLimits());
  RawConnection chunked(served.port());
  ASSERT_TRUE(chunked.Send(
      "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n"));
  const std::string reply = chunked.ReadUntilClosed(absl::Seconds(10));
  EXPECT_EQ(StatusOf(reply), 411) << reply;
  EXPECT_THAT(reply, HasSubstr("Content-Length"));

  for (const char* length : {"Content-Length: 5\r\nContent-Length: 6", "Content-Length: 5, 5",
                             "Content-Length: -1", "Content-Length : 99999999"}) {
    RawConnection raw(served.port());
    ASSERT_TRUE(raw.Send(absl::StrCat("POST /echo HTTP/1.1\r\nHost: x\r\n", length, "\r\n\r\n")));
    const std::string refused = raw.ReadUntilClosed(absl::Seconds(10));
    EXPECT_THAT(StatusOf(refused), ::testing::AnyOf(400, 413)) << length << "\n" << refused;
  }
  EXPECT_EQ(served.calls(), 0);
}

TEST(GuardedHttpServerTest, RefusesTooManyOrTooLargeHeaders) {
  Served served(SmallLimits());
  std::string many = "GET /hello HTTP/1.1\r\n";
  for (int i = 0; i < 11; ++i) absl::StrAppend(&many, "X-", i, ": y\r\n");
  RawConnection too_many(served.port());
  ASSERT_TRUE(too_many.Send(many + "\r\n"));
  std::string reply = too_many.ReadUntilClosed(absl::Seconds(10));
  EXPECT_EQ(StatusOf(reply), 431) << reply;
  EXPECT_THAT(reply, HasSubstr("the request has 11 header lines; the limit is 10"));

  RawConnection too_large(served.port());
  ASSERT_TRUE(
      too_large.Send("GET /hello HTTP/1.1\r\nX-Big: " + std::string(4096, 'y') + "\r\n\r\n"));
  reply = too_large.ReadUntilClosed(absl::Seconds(10));
  EXPECT_EQ(StatusOf(reply), 431) << reply;
  EXPECT_THAT(reply, HasSubstr("exceed 2048 bytes"));
  EXPECT_EQ(served.calls(), 0);

  // At the limits, served.
  std::string ten = "GET /hello HTTP/1.1\r\n";
  for (int i = 0; i < 9; ++i) absl::StrAppend(&ten, "X-", i, ": y\r\n");
  RawConnection fine(served.port());
  ASSERT_TRUE(fine.Send(ten + "Connection: close\r\n\r\n"));
  EXPECT_EQ(StatusOf(fine.ReadUntilClosed(absl::Seconds(10))), 200);
}

TEST(GuardedHttpServerTest, ABodyLeftUnreadIsNeverTakenForTheNextRequest) {
  Served served(SmallLimits());
  // GET /hello reads no body: the bytes after the headers must not become
  // a second request.
  RawConnection raw(served.port());
  const std::string hidden = "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n";
  ASSERT_TRUE(raw.Send(absl::StrCat(
      "GET /hello HTTP/1.1\r\nHost: x\r\nContent-Length: ", hidden.size(), "\r\n\r\n", hidden)));
  const std::string replies = raw.ReadUntilClosed(absl::Seconds(10));
  EXPECT_EQ(StatusOf(replies), 200);
  EXPECT_EQ(served.calls(), 1) << replies;
}

TEST(GuardedHttpServerTest, HeadersMustArriveWithinTheDeadlineHoweverSlowly) {
  Served served(SmallLimits());  // 1 s for the headers
  RawConnection slow(served.port());
  RawConnection silent(served.port());
  const absl::Time start = absl::Now();
  std::string reply;
  // A byte every 100 ms: each recv is quick, the whole is not. Sending
  // stops before the deadline: a byte arriving after the server's last
  // read would make its close a reset, which can discard the 408 on its
  // way to the client.
  for (char c : std::string("GET /hello HTTP/1.1\r\nX-Slow: yyyyyyyyyyyyyyyyyyyyyyyyyyy")) {
    if (absl::Now() - start > absl::Milliseconds(800) || !slow.Send(std::string(1, c))) break;
    absl::SleepFor(absl::Milliseconds(100));
  }
  reply = slow.ReadUntilClosed(absl::Seconds(10));
  const absl::Duration waited = absl::Now() - start;
  std::printf("408 after %s\n", absl::FormatDuration(waited).c_str());
  EXPECT_EQ(StatusOf(reply), 408) << reply;
  EXPECT_THAT(reply, HasSubstr("did not arrive within 1s"));
  EXPECT_LT(waited, absl::Seconds(5));
  // One that sends nothing is closed without a word.
  EXPECT_TRUE(silent.ClosedWithin(absl::Seconds(5)));
  EXPECT_EQ(served.calls(), 0);
}

TEST(GuardedHttpServerTest, CapsConnectionsPerClientAddress) {
  HttpLimits limits = SmallLimits();  // 3 per client
  limits.header_timeout = absl::Seconds(2);
  Served served(limits);
  std::vector<std::unique_ptr<RawConnection>> held;
  for (int i = 0; i < 3; ++i) {
    held.push_back(std::make_unique<RawConnection>(served.port(), "127.0.0.2"));
    ASSERT_TRUE(held.back()->Send("GET /hello HTTP/1.1\r\n"));
  }
  absl::SleepFor(absl::Milliseconds(200));  // the three are being served
  RawConnection fourth(served.port(), "127.0.0.2");
  ASSERT_TRUE(fourth.connected());
  const std::string reply = fourth.ReadUntilClosed(absl::Seconds(5));
  EXPECT_EQ(StatusOf(reply), 429) << reply;
  EXPECT_THAT(reply, HasSubstr("3 are open, the most one client may hold "
                               "(--max_connections_per_client)"));
  // Another address is served meanwhile.
  RawConnection other(served.port(), "127.0.0.1");
  ASSERT_TRUE(other.Send("GET /hello HTTP/1.1\r\nConnection: close\r\n\r\n"));
  EXPECT_EQ(StatusOf(other.ReadUntilClosed(absl::Seconds(5))), 200);
  // Once the held ones are cut at the header deadline, the address is
  // served again.
  for (auto& connection : held) EXPECT_TRUE(connection->ClosedWithin(absl::Seconds(5)));
  RawConnection again(served.port(), "127.0.0.2");
  ASSERT_TRUE(again.Send("GET /hello HTTP/1.1\r\nConnection: close\r\n\r\n"));
  EXPECT_EQ(StatusOf(again.ReadUntilClosed(absl::Seconds(5))), 200);
}

// The review's finding: 10 slow-header connections blocked /metrics (its
// pool has 8 threads) and 100 made /healthz wait for 24 s.
TEST(MetricsServerEdgeTest, SlowClientsDoNotStarveOthers) {
  HttpLimits limits = MetricsLimits();
  limits.header_timeout = absl::Seconds(2);
  auto metrics = MetricsServer::Start(
      "127.0.0.1:0", [] { return "up 1\n"; }, limits);
  ASSERT_TRUE(metrics.ok()) << metrics.status();
  const int port = std::stoi((*metrics)->address().substr((*metrics)->address().rfind(':') + 1));

  DrippingClients slow(port, "127.0.0.2", 100, "GET /metrics HTTP/1.1\r\nX-Slow: ");
  ASSERT_TRUE(slow.started());
  for (const char* path : {"/healthz", "/metrics", "/healthz"}) {
    const absl::Time start = absl::Now();
    RawConnection other(port, "127.0.0.1");
    ASSERT_TRUE(other.Send(absl::StrCat("GET ", path, " HTTP/1.1\r\nConnection: close\r\n\r\n")));
    const std::string reply = other.ReadUntilClosed(absl::Seconds(5));
    std::printf("%s beside 100 slow clients: %s\n", path,
                absl::FormatDuration(absl::Now() - start).c_str());
    EXPECT_EQ(StatusOf(reply), 200) << path << ": " << reply;
    absl::SleepFor(absl::Milliseconds(500));
  }
  // Every slow connection is answered (429 or 408) and closed.
  EXPECT_EQ(slow.ClosedWithin(absl::Seconds(6)), 100);
}

}  // namespace
}  // namespace corridor
