#include "common/metrics_server.h"

#include <thread>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace corridor {

// Threads serving the endpoint (httplib's own default on small machines).
constexpr size_t kThreads = 8;

HttpLimits MetricsLimits() {
  HttpLimits limits;
  limits.max_body_bytes = 0;
  limits.max_connections_per_client = 4;
  return limits;
}

struct MetricsServer::Impl {
  explicit Impl(const HttpLimits& limits) : server(limits) {}
  GuardedHttpServer server;
  std::thread thread;
};

absl::StatusOr<std::unique_ptr<MetricsServer>> MetricsServer::Start(
    const std::string& listen, std::function<std::string()> render, const HttpLimits& limits) {
  const size_t colon = listen.rfind(':');
  int port = -1;
  if (colon == std::string::npos || !absl::SimpleAtoi(listen.substr(colon + 1), &port) ||
      port < 0 || port > 65535) {
    return absl::InvalidArgumentError(
        absl::StrCat("--metrics_listen: \"", listen, "\" is not host:port, e.g. 127.0.0.1:7490"));
  }
  std::string host = listen.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  std::unique_ptr<MetricsServer> metrics(new MetricsServer());
  metrics->impl_ = std::make_unique<Impl>(limits);
  GuardedHttpServer& server = metrics->impl_->server;
  server.new_task_queue = [] { return new httplib::ThreadPool(kThreads); };
  server.Get("/metrics", [render](const httplib::Request&, httplib::Response& response) {
    response.set_content(render(), "text/plain; version=0.0.4; charset=utf-8");
  });
  server.Get("/healthz", [](const httplib::Request&, httplib::Response& response) {
    response.set_content("ok\n", "text/plain");
  });
  const int bound = server.Bind(host, port);
  if (bound <= 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot serve metrics on ", listen,
                     "; is the port free? (choose another with --metrics_listen)"));
  }
  metrics->address_ = absl::StrCat(listen.substr(0, colon), ":", bound);
  metrics->impl_->thread = std::thread([&server] { server.listen_after_bind(); });
  // stop() is a no-op until the loop runs; wait for it, so that a server
  // destroyed at once still stops.
  while (!server.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  return metrics;
}

MetricsServer::~MetricsServer() {
  if (impl_ == nullptr) return;
  impl_->server.stop();
  if (impl_->thread.joinable()) impl_->thread.join();
}

}  // namespace corridor
