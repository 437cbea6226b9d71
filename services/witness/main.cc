// corridor-witness: an independent witness of Corridor's journals (see
// proto/corridor/v1/witness.proto and docs/VERIFICATION.md). Run by an
// organisation other than the operator, with its own key and database:
//
//   corridor-witness --name=witness.example.org --key_file=/secrets/witness.pem
//       --data_dir=witness-data --log_keys_file=logs.txt
//       --target=monitor.example.org:7400 --token_file=oversight.token
#include <sys/stat.h>

#include <filesystem>
#include <iostream>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/flags/usage_config.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/credentials.h"
#include "common/flags_usage.h"
#include "common/log.h"
#include "common/metrics.h"
#include "common/metrics_server.h"
#include "common/server.h"
#include "common/status_macros.h"
#include "services/witness/witness.h"
#include "services/witness/witness_follower.h"
#include "services/witness/witness_service.h"
#include "storage/backup.h"
#include "storage/checkpoint.h"
#include "storage/cosignature.h"

ABSL_FLAG(std::string, name, "", "the witness's key name, e.g. witness.example.org (required)");
ABSL_FLAG(std::string, key_file, "",
          "the witness's Ed25519 key (PEM), created 0600 if missing; keep it outside "
          "--data_dir (required)");
ABSL_FLAG(std::string, data_dir, "witness-data", "the witness's own RocksDB");
ABSL_FLAG(std::string, log_keys_file, "",
          "the verifier keys of the logs to witness, one per line (`corridorctl audit key "
          "--service=S`); # starts a comment (required)");
ABSL_FLAG(std::string, target, "127.0.0.1:7400",
          "the Corridor deployment to follow (corridord); empty: only answer AddCheckpoint");
ABSL_FLAG(std::string, servers, "",
          "services that run apart from --target: denials=HOST:PORT,convoys=HOST:PORT,...");
ABSL_FLAG(std::string, token_file, "", "bearer token to read the deployment with (any role)");
ABSL_FLAG(std::string, tls_ca, "", "PEM roots to verify the deployment's TLS certificate");
ABSL_FLAG(int, interval_seconds, 5, "how often to poll the logs' checkpoints");
ABSL_FLAG(bool, submit, true, "hand cosignatures back to the logs (AuditService.AddCosignature)");
ABSL_FLAG(std::string, listen, "127.0.0.1:7600", "where WitnessService answers");
ABSL_FLAG(std::string, port_file, "", "if set, write the bound host:port here once listening");
ABSL_FLAG(std::string, metrics_listen, "", "host:port of the Prometheus /metrics endpoint");
ABSL_FLAG(bool, print_key, false,
          "print the witness's verifier key (making the key at --key_file if missing) and exit: "
          "what the operator lists in --witness_keys_file and clients pin");

namespace corridor::witness {
namespace {

std::string RenderMetrics(const Witness& witness) {
  MetricsText text;
  text.Counter("corridor_witness_refusals_total",
               "Checkpoints refused as contradicting one cosigned, since start.", {},
               static_cast<double>(witness.refusals()));
  absl::StatusOr<std::vector<v1::ForkEvidence>> evidence = witness.Evidence();
  if (evidence.ok()) {
    text.Gauge("corridor_witness_evidence", "Contradictions kept as evidence.", {},
               static_cast<double>(evidence->size()));
  }
  absl::StatusOr<std::vector<v1::WitnessedCheckpoint>> latest = witness.AllLatest();
  if (latest.ok()) {
    for (const v1::WitnessedCheckpoint& checkpoint : *latest) {
      text.Gauge("corridor_witness_tree_size", "Entries of the last checkpoint cosigned.",
                 {{"origin", checkpoint.origin()}}, static_cast<double>(checkpoint.tree_size()));
    }
  }
  return text.Release();
}

absl::Status CheckFlags() {
  if (absl::GetFlag(FLAGS_name).empty() || absl::GetFlag(FLAGS_key_file).empty() ||
      absl::GetFlag(FLAGS_log_keys_file).empty()) {
    return absl::InvalidArgumentError(
        "--name, --key_file and --log_keys_file are required (corridor-witness --help)");
  }
  if (absl::GetFlag(FLAGS_interval_seconds) < 1) {
    return absl::InvalidArgumentError("--interval_seconds must be 1 or more");
  }
  // A copy of the witness's data alone must not be able to cosign.
  std::string key_folder =
      std::filesystem::path(absl::GetFlag(FLAGS_key_file)).parent_path().string();
  if (key_folder.empty()) key_folder = ".";
  absl::Status outside =
      storage::PrivateFolderOutside(key_folder, absl::GetFlag(FLAGS_data_dir)).status();
  if (!outside.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("--key_file: ", outside.message()));
  }
  return absl::OkStatus();
}

absl::Status PrintKey() {
  if (absl::GetFlag(FLAGS_name).empty() || absl::GetFlag(FLAGS_key_file).empty()) {
    return absl::InvalidArgumentError("--print_key needs --name and --key_file");
  }
  if (!storage::IsValidKeyName(absl::GetFlag(FLAGS_name))) {
    return absl::InvalidArgumentError("--name: not a key name (no spaces, no '+')");
  }
  CORRIDOR_ASSIGN_OR_RETURN(std::unique_ptr<storage::TreeSigner> signer,
                            storage::TreeSigner::LoadOrCreate(absl::GetFlag(FLAGS_key_file)));
  std::cout << storage::CosignerVerifierKey(absl::GetFlag(FLAGS_name), signer->public_key())
            << "\n";
  return absl::OkStatus();
}

absl::Status Run() {
  if (absl::GetFlag(FLAGS_print_key)) return PrintKey();
  CORRIDOR_RETURN_IF_ERROR(CheckFlags());
  CORRIDOR_ASSIGN_OR_RETURN(std::vector<std::string> log_keys,
                            storage::ReadVerifierKeyFile(absl::GetFlag(FLAGS_log_keys_file)));
  storage::StoreOptions store_options;
  store_options.path = absl::GetFlag(FLAGS_data_dir);
  CORRIDOR_ASSIGN_OR_RETURN(std::unique_ptr<storage::Store> store,
                            storage::Store::Open(store_options));
  CORRIDOR_ASSIGN_OR_RETURN(std::unique_ptr<storage::TreeSigner> signer,
                            storage::TreeSigner::LoadOrCreate(absl::GetFlag(FLAGS_key_file)));
  CORRIDOR_ASSIGN_OR_RETURN(
      std::unique_ptr<Witness> witness,
      Witness::Create(store.get(), signer.get(),
                      {.name = absl::GetFlag(FLAGS_name), .log_keys = std::move(log_keys)}));
  CORRIDOR_LOG(INFO) << "witness " << absl::GetFlag(FLAGS_name) << ", verifier key "
                     << witness->verifier_key()
                     << " (give it to the operator for --witness_keys_file, and to the clients "
                        "that count cosignatures)";

  WitnessService service(witness.get());
  ServerOptions server_options;
  server_options.listen_address = absl::GetFlag(FLAGS_listen);
  CORRIDOR_ASSIGN_OR_RETURN(
      std::unique_ptr<ServiceHost> host,
      ServiceHost::Start(server_options, {{&service, v1::WitnessService::service_full_name()}}));
  const std::string address = host->address();
  CORRIDOR_LOG(INFO) << "WitnessService on " << address;
  WriteAddressFile(absl::GetFlag(FLAGS_port_file), address);
  std::unique_ptr<MetricsServer> metrics;
  if (!absl::GetFlag(FLAGS_metrics_listen).empty()) {
    CORRIDOR_ASSIGN_OR_RETURN(metrics,
                              MetricsServer::Start(absl::GetFlag(FLAGS_metrics_listen),
                                                   [&] { return RenderMetrics(*witness); }));
    CORRIDOR_LOG(INFO) << "Prometheus metrics on http://" << metrics->address() << "/metrics";
  }

  std::unique_ptr<ServiceChannels> channels;
  std::unique_ptr<WitnessFollower> follower;
  if (!absl::GetFlag(FLAGS_target).empty()) {
    FollowerOptions follow;
    if (!absl::GetFlag(FLAGS_token_file).empty()) {
      CORRIDOR_ASSIGN_OR_RETURN(follow.token, ReadTokenFile(absl::GetFlag(FLAGS_token_file)));
    }
    follow.interval = absl::Seconds(absl::GetFlag(FLAGS_interval_seconds));
    follow.submit = absl::GetFlag(FLAGS_submit);
    ClientTls tls;
    tls.ca_file = absl::GetFlag(FLAGS_tls_ca);
    CORRIDOR_ASSIGN_OR_RETURN(std::shared_ptr<grpc::ChannelCredentials> credentials,
                              ChannelCredentialsFor(tls));
    channels = std::make_unique<ServiceChannels>(absl::GetFlag(FLAGS_target), credentials);
    CORRIDOR_RETURN_IF_ERROR(channels->SetAddresses(absl::GetFlag(FLAGS_servers)));
    follower = std::make_unique<WitnessFollower>(witness.get(), channels.get(), follow);
    follower->Start();
    CORRIDOR_LOG(INFO) << "following " << witness->logs().size() << " logs at "
                       << absl::GetFlag(FLAGS_target) << " every "
                       << absl::GetFlag(FLAGS_interval_seconds) << " s";
  }
  CORRIDOR_LOG(INFO) << WaitForTerminationSignal() << " received: stopping";
  if (follower) follower->Stop();
  host->Shutdown();
  return absl::OkStatus();
}

}  // namespace
}  // namespace corridor::witness

int main(int argc, char** argv) {
  ::umask(077);
  corridor::StartServerProcess();
  corridor::SetLogName("corridor-witness");
  absl::SetProgramUsageMessage(
      "an independent witness of Corridor's journals: cosigns each log's checkpoints only when "
      "consistent with the last it cosigned, and keeps any contradiction as evidence.\n\nUsage: "
      "corridor-witness --name=NAME --key_file=PEM --log_keys_file=FILE [--data_dir=DIR] "
      "[--target=HOST:PORT --token_file=FILE] [--listen=127.0.0.1:7600]");
  corridor::ListFlagsOf("services/witness/main.cc");
  absl::ParseCommandLine(argc, argv);
  absl::Status status = corridor::witness::Run();
  if (!status.ok()) {
    CORRIDOR_LOG(ERROR) << status.message();
    return absl::IsInvalidArgument(status) ? 2 : 1;
  }
  return 0;
}
