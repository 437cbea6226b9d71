#include "services/common/server_main.h"

#include <sys/stat.h>

#include <iostream>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/synchronization/mutex.h"
#include "common/flags_usage.h"
#include "common/log.h"
#include "common/metrics.h"
#include "common/server.h"
#include "common/service_catalog.h"
#include "common/status_macros.h"
#include "services/common/runtime.h"
#include "storage/checkpoint.h"

ABSL_FLAG(std::string, listen, "127.0.0.1:7400",
          "host:port to serve gRPC on; port 0 picks a free port");
ABSL_FLAG(std::string, data_dir, "corridor-data",
          "folder holding one RocksDB folder per service (<data_dir>/<service>)");
ABSL_FLAG(std::string, backup_root, "",
          "the only folder online backups are written under (corridorctl admin backup "
          "--to=FOLDER names a folder inside it); created 0700 if missing, and must lie outside "
          "--data_dir. Empty: backups are refused");
ABSL_FLAG(std::string, services, "",
          "comma-separated services to run in this process (corridord only); "
          "empty runs all");
ABSL_FLAG(bool, load_reference_data, true, "load the built-in reference data on first start");
ABSL_FLAG(int, max_message_bytes, 4 * 1024 * 1024,
          "largest request accepted; larger ones are refused with RESOURCE_EXHAUSTED");
ABSL_FLAG(int, shutdown_grace_seconds, 5,
          "on SIGTERM, how long calls in flight may finish before they are cancelled");
ABSL_FLAG(int, keepalive_seconds, 60,
          "how often each client connection is pinged; one that does not answer within "
          "--keepalive_timeout_seconds is closed and its calls and streams cancelled");
ABSL_FLAG(int, keepalive_timeout_seconds, 20,
          "how long a client connection has to answer a ping (--keepalive_seconds)");
ABSL_FLAG(std::string, peers, "",
          "where to reach services not run in this process, e.g. "
          "areas=10.0.0.5:7400,routes=10.0.0.6:7400");
ABSL_FLAG(double, outbox_max_rate, 0,
          "messages per second a service's outbox relay sends at most (e.g. convoy denials to "
          "the denials service); 0 for no limit");
ABSL_FLAG(std::string, port_file, "", "if set, write the bound host:port here once listening");
ABSL_FLAG(std::string, service_token_file, "",
          "file holding the token (role service) this process calls other services with; "
          "required unless the process hosts the auth service, which saves one in "
          "<data_dir>/credentials/service.token");
ABSL_FLAG(std::string, metrics_listen, "",
          "host:port of a Prometheus /metrics endpoint (plain HTTP, its own port), e.g. "
          "127.0.0.1:7490; empty for none");
ABSL_FLAG(std::string, metrics_port_file, "",
          "if set, write the metrics endpoint's bound host:port here once listening");
ABSL_FLAG(std::string, signing_key_dir, "",
          "folder of the services' journal signing keys (<service>.pem), outside --data_dir, "
          "e.g. a mounted secret: a backup of the data then cannot sign; empty: each key lies "
          "in its service's data folder");
ABSL_FLAG(bool, allow_new_signing_key, false,
          "make a new journal signing key for a journal whose key is missing (refused "
          "otherwise): every verifier's pinned key stops verifying; publish the new one");
ABSL_FLAG(int, checkpoint_interval_seconds, 10,
          "publish a new checkpoint at most this often (and only if the journal grew), so that "
          "witnesses cosign the same one; 0: the current head at every request");
ABSL_FLAG(std::string, witness_keys_file, "",
          "the cosigner keys of the witnesses whose cosignatures to collect and serve, one per "
          "line, as corridor-witness prints its key (docs/VERIFICATION.md)");
ABSL_FLAG(std::string, checkpoint_origin, corridor::CheckpointOptions().origin_prefix,
          "what this deployment's checkpoints call it, e.g. monitor.example.org/corridor: a "
          "service's checkpoint origin is <this>/<service> (no spaces or '+')");
ABSL_FLAG(int, max_streams_per_token, corridor::AccessControl::kDefaultMaxStreamsPerToken,
          "server streams (WatchChanges, WatchRouteStatus) one token may hold open at once; "
          "more are refused with RESOURCE_EXHAUSTED");
ABSL_FLAG(int, metrics_max_connections_per_client, 4,
          "connections to the metrics endpoint open at once from one client address (it serves "
          "with 8 threads); more are refused with 429; 0: no limit");
ABSL_FLAG(int, metrics_header_timeout_seconds, 10,
          "a request to the metrics endpoint must send its line and headers within this (408 "
          "otherwise)");
ABSL_FLAG(std::string, log_rpcs, "all",
          "which calls get a log line (level, service, RPC, status code, latency): all, errors "
          "or none");
ABSL_FLAG(std::string, tls_cert, "",
          "PEM certificate: serve TLS with it, and present it when calling other services");
ABSL_FLAG(std::string, tls_key, "", "PEM private key of --tls_cert");
ABSL_FLAG(std::string, tls_ca, "",
          "PEM CA that signed the services' certificates: calls to other services (and to this "
          "process's own) verify the server with it; required with --tls_cert");
ABSL_FLAG(bool, tls_require_client_cert, false,
          "mutual TLS: refuse clients without a certificate signed by --tls_ca");

namespace corridor {
namespace {

// The services this process runs: the one a service's own binary is for
// (`fixed_services`), or corridord's --services (empty: all).
absl::StatusOr<std::vector<std::string>> ServicesToRun(const std::string& program,
                                                       const std::string& fixed_services) {
  std::string list = absl::GetFlag(FLAGS_services);
  if (!fixed_services.empty()) {
    if (!list.empty() && list != fixed_services) {
      return absl::InvalidArgumentError(
          absl::StrCat("--services is for corridord; ", program, " runs only ", fixed_services));
    }
    list = fixed_services;
  } else if (list.empty()) {
    list = absl::StrJoin(ServiceNames(), ",");
  }
  return ParseServiceList(list);
}

// The metrics endpoint's limits and the per-token stream cap.
absl::Status SetLimits(RuntimeOptions* options) {
  options->max_streams_per_token = absl::GetFlag(FLAGS_max_streams_per_token);
  if (options->max_streams_per_token < 1) {
    return absl::InvalidArgumentError("--max_streams_per_token must be at least 1");
  }
  if (absl::GetFlag(FLAGS_metrics_max_connections_per_client) < 0 ||
      absl::GetFlag(FLAGS_metrics_header_timeout_seconds) < 1) {
    return absl::InvalidArgumentError(
        "--metrics_max_connections_per_client must be 0 (no limit) or more, "
        "--metrics_header_timeout_seconds 1 or more");
  }
  options->metrics_limits.max_connections_per_client =
      absl::GetFlag(FLAGS_metrics_max_connections_per_client);
  options->metrics_limits.max_connections_flag = "--metrics_max_connections_per_client";
  options->metrics_limits.header_timeout =
      absl::Seconds(absl::GetFlag(FLAGS_metrics_header_timeout_seconds));
  if (options->outbox_max_rate < 0) {
    return absl::InvalidArgumentError("--outbox_max_rate must be 0 (no limit) or positive");
  }
  return absl::OkStatus();
}

// How often checkpoints are published, and the witnesses listed.
absl::Status SetWitnessing(RuntimeOptions* options) {
  if (absl::GetFlag(FLAGS_checkpoint_interval_seconds) < 0) {
    return absl::InvalidArgumentError("--checkpoint_interval_seconds must be 0 or more");
  }
  options->checkpoints.interval = absl::Seconds(absl::GetFlag(FLAGS_checkpoint_interval_seconds));
  const std::string file = absl::GetFlag(FLAGS_witness_keys_file);
  if (file.empty()) return absl::OkStatus();
  absl::StatusOr<std::vector<std::string>> keys = storage::ReadVerifierKeyFile(file);
  if (!keys.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--witness_keys_file: ", keys.status().message()));
  }
  options->checkpoints.witness_keys = *std::move(keys);
  return absl::OkStatus();
}

// TLS for serving and, with the same certificate, for calling the other
// services.
absl::Status SetTls(RuntimeOptions* options) {
  const std::string tls_cert = absl::GetFlag(FLAGS_tls_cert);
  const std::string tls_ca = absl::GetFlag(FLAGS_tls_ca);
  if (!tls_cert.empty() && tls_ca.empty()) {
    return absl::InvalidArgumentError(
        "--tls_cert needs --tls_ca, the CA that signed the certificates of this and the other "
        "services (calls between services verify the server with it)");
  }
  if (absl::GetFlag(FLAGS_tls_require_client_cert) && tls_cert.empty()) {
    return absl::InvalidArgumentError(
        "--tls_require_client_cert needs --tls_cert, --tls_key and --tls_ca");
  }
  options->server.tls.cert_file = tls_cert;
  options->server.tls.key_file = absl::GetFlag(FLAGS_tls_key);
  if (absl::GetFlag(FLAGS_tls_require_client_cert)) options->server.tls.client_ca_file = tls_ca;
  if (!tls_cert.empty()) {
    options->peer_tls.ca_file = tls_ca;
    options->peer_tls.cert_file = tls_cert;
    options->peer_tls.key_file = options->server.tls.key_file;
  }
  return absl::OkStatus();
}

// The runtime's options from the parsed flags; INVALID_ARGUMENT naming the
// flag if one is out of range or contradicts another.
absl::StatusOr<RuntimeOptions> OptionsFromFlags(const std::string& program,
                                                const std::string& fixed_services) {
  RuntimeOptions options;
  CORRIDOR_ASSIGN_OR_RETURN(options.services, ServicesToRun(program, fixed_services));
  options.data_root = absl::GetFlag(FLAGS_data_dir);
  options.backup_root = absl::GetFlag(FLAGS_backup_root);
  options.server.listen_address = absl::GetFlag(FLAGS_listen);
  options.server.max_receive_message_bytes = absl::GetFlag(FLAGS_max_message_bytes);
  options.server.shutdown_grace = absl::Seconds(absl::GetFlag(FLAGS_shutdown_grace_seconds));
  options.server.keepalive_time = absl::Seconds(absl::GetFlag(FLAGS_keepalive_seconds));
  options.server.keepalive_timeout = absl::Seconds(absl::GetFlag(FLAGS_keepalive_timeout_seconds));
  if (options.server.keepalive_time < absl::Seconds(1) ||
      options.server.keepalive_timeout < absl::Seconds(1)) {
    return absl::InvalidArgumentError(
        "--keepalive_seconds and --keepalive_timeout_seconds must each be at least 1");
  }
  options.load_reference_data = absl::GetFlag(FLAGS_load_reference_data);
  options.port_file = absl::GetFlag(FLAGS_port_file);
  options.peers = absl::GetFlag(FLAGS_peers);
  options.outbox_max_rate = absl::GetFlag(FLAGS_outbox_max_rate);
  options.service_token_file = absl::GetFlag(FLAGS_service_token_file);
  options.metrics_listen = absl::GetFlag(FLAGS_metrics_listen);
  options.metrics_port_file = absl::GetFlag(FLAGS_metrics_port_file);
  options.checkpoints.origin_prefix = absl::GetFlag(FLAGS_checkpoint_origin);
  CORRIDOR_RETURN_IF_ERROR(SetWitnessing(&options));
  options.signing_key_dir = absl::GetFlag(FLAGS_signing_key_dir);
  options.allow_new_signing_key = absl::GetFlag(FLAGS_allow_new_signing_key);
  if (options.checkpoints.origin_prefix.empty() ||
      options.checkpoints.origin_prefix.find_first_of(" +\t\n") != std::string::npos) {
    return absl::InvalidArgumentError(
        absl::StrCat("--checkpoint_origin \"", options.checkpoints.origin_prefix,
                     "\" must be a name without spaces or '+', e.g. monitor.example.org/corridor"));
  }
  CORRIDOR_RETURN_IF_ERROR(SetLimits(&options));
  if (!ParseRpcLogging(absl::GetFlag(FLAGS_log_rpcs), &options.server.rpc_logging)) {
    return absl::InvalidArgumentError(absl::StrCat("--log_rpcs is all, errors or none, not \"",
                                                   absl::GetFlag(FLAGS_log_rpcs), "\""));
  }
  CORRIDOR_RETURN_IF_ERROR(SetTls(&options));
  return options;
}

// What --help prints: what the program is, how it is run, and the flags
// of this file. Abseil lists by default only the flags defined in a file
// named after the program, which no server has ("No flags matched").
void SetUsage(const std::string& program, const std::string& fixed_services,
              const ServerVariant* variant) {
  if (variant != nullptr) {
    absl::SetProgramUsageMessage(variant->usage);
    ListFlagsOf({variant->flags_file, "services/common/server_main.cc"});
    return;
  }
  // Abseil starts the message with the program's name.
  const std::string what =
      fixed_services.empty()
          ? std::string(
                "Corridor's gRPC services in one process (all of them unless "
                "--services says which), each with its own RocksDB under --data_dir.")
          : absl::StrCat("Corridor's ", fixed_services,
                         " service alone, with its RocksDB under --data_dir; the services it "
                         "calls are reached through --peers.");
  absl::SetProgramUsageMessage(absl::StrCat(
      what, "\nServices in this build: ", absl::StrJoin(ServiceNames(), ","), "\n\nUsage: ",
      program, " [--listen=127.0.0.1:7400] [--data_dir=corridor-data] [--peers=NAME=HOST:PORT,...]",
      fixed_services.empty() ? " [--services=areas,...]" : "",
      " [--tls_cert=PEM --tls_key=PEM --tls_ca=PEM] [--backup_root=DIR]\n"
      "See README.md (\"What gets built\") for the whole picture."));
  ListFlagsOf("services/common/server_main.cc");
}

}  // namespace

int ServerMain(int argc, char** argv, const std::string& program, const std::string& fixed_services,
               const ServerVariant* variant) {
  // Every file the server makes (RocksDB's, tokens, backups, port files)
  // is readable by its user only: data folders hold credentials and the
  // journal signing keys.
  ::umask(077);
  StartServerProcess();
  SetLogName(program);
  SetUsage(program, fixed_services, variant);
  absl::ParseCommandLine(argc, argv);

  absl::StatusOr<RuntimeOptions> options = OptionsFromFlags(program, fixed_services);
  if (options.ok() && variant != nullptr) {
    if (absl::Status configured = variant->configure(&*options); !configured.ok()) {
      options = configured;
    }
  }
  if (!options.ok()) {
    std::cerr << program << ": " << options.status().message() << "\n";
    return 2;
  }
  absl::Status status = RunServices(*options);
  if (!status.ok()) {
    CORRIDOR_LOG(ERROR) << status.message();
    return 1;
  }
  return 0;
}

}  // namespace corridor
