// A small HTTP server, on a port of its own, that answers GET /metrics with
// what `render` returns (Prometheus' text format) and GET /healthz with
// "ok". Runs on its own thread until destroyed. Its edge is guarded like
// corridor-web's (common/http_server.h), with MetricsLimits() by default:
// one client cannot hold its few threads from the others.
#ifndef CORRIDOR_COMMON_METRICS_SERVER_H_
#define CORRIDOR_COMMON_METRICS_SERVER_H_

#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "common/http_server.h"

namespace corridor {

// The metrics endpoint's limits unless told otherwise: no request bodies,
// and 4 connections per client address (its pool has 8 threads).
HttpLimits MetricsLimits();

class MetricsServer {
 public:
  // `listen` is host:port (port 0 picks a free one). UNAVAILABLE naming the
  // address if it cannot listen.
  static absl::StatusOr<std::unique_ptr<MetricsServer>> Start(
      const std::string& listen, std::function<std::string()> render,
      const HttpLimits& limits = MetricsLimits());
  ~MetricsServer();

  // host:port actually bound.
  const std::string& address() const { return address_; }

 private:
  MetricsServer() = default;
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::string address_;
};

}  // namespace corridor

#endif  // CORRIDOR_COMMON_METRICS_SERVER_H_
