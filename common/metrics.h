// What a process tells its operators: a counter and a latency histogram per
// RPC, one log line per call, and gauges, all in Prometheus' text format
// (https://prometheus.io/docs/instrumenting/exposition_formats/).
//
//   RpcMetrics metrics;
//   options.rpc_metrics = &metrics;               // ServiceHost records calls
//   MetricsText text;
//   metrics.Write(&text);
//   text.Gauge("corridor_journal_entries", "Entries in the audit journal.",
//              {{"service", "areas"}}, 1234);
//   std::string body = text.Release();
#ifndef CORRIDOR_COMMON_METRICS_H_
#define CORRIDOR_COMMON_METRICS_H_

#include <grpcpp/support/server_interceptor.h>

#include <array>
#include <atomic>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace corridor {

using MetricLabels = std::vector<std::pair<std::string, std::string>>;

// Builds an exposition: each family's HELP and TYPE once, then its samples.
class MetricsText {
 public:
  void Gauge(absl::string_view name, absl::string_view help, const MetricLabels& labels,
             double value);
  void Counter(absl::string_view name, absl::string_view help, const MetricLabels& labels,
               double value);
  // A sample of a family already introduced (histogram buckets, sums).
  void Sample(absl::string_view name, const MetricLabels& labels, double value);
  void Family(absl::string_view name, absl::string_view type, absl::string_view help);
  // The exposition, each family's samples together as the format requires,
  // families in the order they were introduced.
  std::string Release();

 private:
  struct FamilyText {
    std::string header;
    std::string samples;
  };
  std::vector<FamilyText> families_;
  absl::flat_hash_map<std::string, size_t> index_;  // name -> families_
};

// Calls per RPC method (full name, e.g. "/corridor.v1.AreaService/GetArea")
// by status code, and a latency histogram of the unary ones. Thread-safe;
// recording is a map lookup under a shared lock and a few atomic adds.
class RpcMetrics {
 public:
  // The label every method a server does not answer is counted under: a
  // client may send any name, and must not grow the label set with it.
  static constexpr char kUnknownMethod[] = "unknown";
  // Distinct methods kept at most; any further one is counted as unknown.
  static constexpr size_t kMaxMethods = 512;

  static constexpr std::array<double, 14> kBucketSeconds = {
      0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

  RpcMetrics();
  ~RpcMetrics();

  void Record(absl::string_view method, bool unary, int code, absl::Duration latency);
  // Streams open now, per method (server-streaming calls such as
  // WatchChanges).
  void StreamOpened(absl::string_view method);
  void StreamClosed(absl::string_view method);

  // corridor_rpc_requests_total, corridor_rpc_latency_seconds,
  // corridor_rpc_streams_open.
  void Write(MetricsText* text) const;

 private:
  struct Method;
  Method* Find(absl::string_view method);
  mutable absl::Mutex mu_;
  absl::flat_hash_map<std::string, std::unique_ptr<Method>> methods_ ABSL_GUARDED_BY(mu_);
};

// Which calls get a log line.
enum class RpcLogging { kAll, kErrors, kNone };

// Parses "all", "errors" or "none".
bool ParseRpcLogging(absl::string_view text, RpcLogging* out);

// An interceptor factory for grpc::ServerBuilder: records every call in
// `metrics` (if set; it must outlive the server) and logs, per `logging`,
// one line per call of a Corridor service: level, service, RPC, status
// code, latency and the caller's network address (records no longer keep
// it), and nothing of the caller's token or the request. Calls of a
// method not in `known_methods` (full names, "/package.Service/Method")
// are recorded as RpcMetrics::kUnknownMethod and not logged. At most
// kMaxOpenStreamsWithoutToken reflection and health-watch streams (open to
// callers without a token) are open at once; more end at once, CANCELLED.
// gRPC's bare
// INTERNAL for a request that does not parse goes out as INVALID_ARGUMENT
// saying so.
constexpr int kMaxOpenStreamsWithoutToken = 100;
std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface> ObserveRpcs(
    RpcMetrics* metrics, RpcLogging logging, const std::vector<std::string>& known_methods);

// The full names of the methods of the services named `service_full_names`
// (e.g. "corridor.v1.AreaService"), as compiled into this binary, plus the
// standard health and reflection methods every ServiceHost serves.
std::vector<std::string> MethodsOfServices(const std::vector<std::string>& service_full_names);

// The process's resident memory in bytes (from /proc/self/statm), 0 if
// unknown.
uint64_t ResidentMemoryBytes();

}  // namespace corridor

#endif  // CORRIDOR_COMMON_METRICS_H_
