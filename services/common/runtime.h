// Runs a set of service modules in this process until SIGTERM or SIGINT.
#ifndef CORRIDOR_SERVICES_COMMON_RUNTIME_H_
#define CORRIDOR_SERVICES_COMMON_RUNTIME_H_

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/http_server.h"
#include "common/metrics.h"
#include "common/metrics_server.h"
#include "common/server.h"
#include "services/audit/audit_service.h"
#include "services/common/access.h"
#include "services/common/module.h"

namespace corridor {

// What fills a mirror's copies (services/mirror): started once the process
// serves, stopped at shutdown. It vouches for the heads the mirror's audit
// service serves, and adds its figures to /metrics.
class MirrorFollower : public VerifiedHeads {
 public:
  virtual void Start() = 0;
  virtual void Stop() = 0;
  virtual void WriteMetrics(MetricsText* text) const = 0;
};
// Makes the follower of the copies `copies` (every hosted service but auth).
using MirrorFactory =
    std::function<absl::StatusOr<std::unique_ptr<MirrorFollower>>(const HostedStorage& copies)>;

struct RuntimeOptions {
  // Services to run, by name ("areas"); see ServiceNames().
  std::vector<std::string> services;
  // Each service keeps its RocksDB in <data_root>/<service>.
  std::string data_root = "corridor-data";
  // The only folder backups are written under (created 0700 at start if
  // missing); it must lie outside data_root. Empty: backups are refused.
  std::string backup_root;
  ServerOptions server;
  bool load_reference_data = true;
  // Addresses of services not run in this process: "areas=host:port,...".
  std::string peers;
  // Written once listening, with the bound address, for scripts and tests.
  std::string port_file;
  // Outbox messages relayed per second at most (0: no limit).
  double outbox_max_rate = 0;
  // The token this process's services call other services with (role
  // service). Required unless the process hosts the auth service, which
  // keeps one in <data_root>/credentials/service.token.
  std::string service_token_file;
  // TLS for calls to other services (and to this process's own services).
  ClientTls peer_tls;
  // host:port of the Prometheus /metrics endpoint; empty: none.
  std::string metrics_listen;
  // Written once the metrics endpoint listens, with its bound address.
  std::string metrics_port_file;
  // Server streams one token may hold open at once (WatchChanges,
  // WatchRouteStatus); more are refused with RESOURCE_EXHAUSTED.
  int max_streams_per_token = AccessControl::kDefaultMaxStreamsPerToken;
  // The metrics endpoint's HTTP edge (per-client connections, header time).
  HttpLimits metrics_limits = MetricsLimits();
  // A folder outside data_root holding each service's journal signing key
  // as <service>.pem (created 0600 at first start if missing), e.g. a
  // mounted Kubernetes Secret. Empty: each key lies in its service's data
  // folder, and backups copy it.
  std::string signing_key_dir;
  // Start a journal that has entries but no key with a new key (refused
  // otherwise): for a key that is truly lost, announced to verifiers.
  bool allow_new_signing_key = false;
  // What this deployment's checkpoints call it (a service's origin is
  // "<origin_prefix>/<service>"), how often a new one is published, and the
  // witnesses whose cosignatures are collected (AuditService.GetCheckpoint).
  CheckpointOptions checkpoints;
  // Run as a mirror (corridor-mirror) of the deployment at `mirror_of`:
  // every service but auth opens as a read-only copy (ModuleOptions::
  // mirror) that the follower `mirror` makes fills; the calls a mirror does
  // not serve are refused, naming `mirror_of`. Empty: a primary.
  MirrorFactory mirror;
  std::string mirror_of;
};

// Where the first start saves the admin token and the service token.
std::string AdminTokenPath(const std::string& data_root);
std::string ServiceTokenPath(const std::string& data_root);

// Opens one service's module (its database, its gRPC services).
using ServiceOpener =
    std::function<absl::StatusOr<std::unique_ptr<ServiceModule>>(const ModuleOptions&)>;

// The services this runtime has an opener for, auth included, in no
// particular order. The same names as ServiceNames(): a test holds them
// together, and RunServices refuses a catalogued service with no opener.
std::vector<std::string> ServicesWithOpeners();

// Splits "areas,routes" into names; INVALID_ARGUMENT naming --services for
// an unknown or repeated name.
absl::StatusOr<std::vector<std::string>> ParseServiceList(absl::string_view list);

// Opens every service, serves them all on one address, blocks until SIGTERM
// or SIGINT, then shuts down cleanly (health NOT_SERVING, drain, close
// RocksDB). StartServerProcess() must have been called first.
absl::Status RunServices(const RuntimeOptions& options);

}  // namespace corridor

#endif  // CORRIDOR_SERVICES_COMMON_RUNTIME_H_
