// Hosts gRPC services on one port, with the standard health service and
// server reflection, so that grpc_cli, grpcurl and load balancers work.
#ifndef CORRIDOR_COMMON_SERVER_H_
#define CORRIDOR_COMMON_SERVER_H_

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/credentials.h"
#include "common/metrics.h"

namespace corridor {

struct ServerOptions {
  // host:port; port 0 picks a free port (read it back with port()).
  std::string listen_address = "127.0.0.1:0";
  // TLS (and mutual TLS) of the listening port; off by default.
  ServerTls tls;
  // Requests larger than this are refused with RESOURCE_EXHAUSTED.
  int max_receive_message_bytes = 4 * 1024 * 1024;
  // How long Shutdown lets calls in flight finish before cancelling them.
  absl::Duration shutdown_grace = absl::Seconds(5);
  // How often the server pings each client connection (an HTTP/2 PING),
  // and how long it waits for the answer before closing the connection and
  // cancelling its calls. A client that vanished without closing (a
  // laptop put to sleep, a dropped network) would otherwise hold its
  // streams, and its token's stream places, until TCP gave up, if ever.
  absl::Duration keepalive_time = absl::Minutes(1);
  absl::Duration keepalive_timeout = absl::Seconds(20);
  // Counts every call, if set (must outlive the host).
  RpcMetrics* rpc_metrics = nullptr;
  // Which calls get a log line.
  RpcLogging rpc_logging = RpcLogging::kNone;
};

// A service to host and the name the health service reports it under, e.g.
// {&area_service, corridor::v1::AreaService::service_full_name()}.
struct HostedService {
  grpc::Service* service;  // not owned
  std::string full_name;
};

class ServiceHost {
 public:
  // Starts serving `services` (they must outlive the host). Each service is
  // reported SERVING by the health service under its full name, and the
  // overall status ("") is SERVING too.
  static absl::StatusOr<std::unique_ptr<ServiceHost>> Start(
      const ServerOptions& options, const std::vector<HostedService>& services);

  ~ServiceHost();

  int port() const { return port_; }
  // Where clients reach this host: the listen address with the port the
  // system chose ("10.0.0.5:7443" for --listen=10.0.0.5:0), or a Unix
  // socket's address as given ("unix:/run/corridor/corridord.sock").
  std::string address() const;
  // The same for a client on this machine: a wildcard host (0.0.0.0, [::],
  // none) becomes 127.0.0.1.
  std::string local_address() const;

  // Reports NOT_SERVING, then stops accepting calls and waits up to the
  // grace period for calls in flight. Safe to call more than once.
  void Shutdown();

 private:
  ServiceHost() = default;
  ServerOptions options_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
  bool stopped_ = false;
};

// The deadline the client set on the call `context` serves
// (absl::InfiniteFuture() if none), for calls made on its behalf.
absl::Time CallDeadline(const grpc::ServerContext& context);

// Writes "host:port" to `path` for scripts and tests (--port_file): whole,
// then renamed, so that a reader never sees half an address. Does nothing
// if `path` is empty.
void WriteAddressFile(const std::string& path, const std::string& address);

// Threads a server keeps waiting for calls when it is idle (gRPC's
// synchronous server's MAX_POLLERS; see ServiceHost::Start).
inline constexpr int kMaxWaitingServerThreads = 32;

// Prepares a server process; call first thing in main, before any thread
// exists. Blocks SIGTERM and SIGINT in the calling thread and every thread
// it starts afterwards (see WaitForTerminationSignal), and turns off
// Abseil's mutex deadlock detection: Debian builds Abseil without NDEBUG,
// which leaves it on, and every lock then updates a global lock graph (a
// few percent of a loaded server's time).
void StartServerProcess();

// Waits for SIGTERM or SIGINT (blocked by StartServerProcess) and
// returns its name.
std::string WaitForTerminationSignal();

}  // namespace corridor

#endif  // CORRIDOR_COMMON_SERVER_H_
