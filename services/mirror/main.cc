// corridor-mirror: a verified, read-only copy of a Corridor deployment (the
// primary), run by an oversight body or a partner on its own machine with
// its own RocksDB (services/mirror/mirror.h, docs/VERIFICATION.md):
//
//   corridor-mirror --primary=monitor.example.org:7400
//       --primary_token_file=oversight.token --log_keys_file=log-keys.txt
//       --data_dir=mirror-data --listen=0.0.0.0:7700
//
// It serves the read APIs of every service it copies, and its own tokens
// (an admin token is saved in <data_dir>/credentials/admin.token at first
// start); writes are refused, naming the primary.
#include <memory>
#include <string>
#include <utility>

#include "absl/flags/declare.h"
#include "absl/flags/flag.h"
#include "absl/flags/reflection.h"
#include "absl/strings/str_cat.h"
#include "common/credentials.h"
#include "common/log.h"
#include "common/service_catalog.h"
#include "common/service_channels.h"
#include "services/common/server_main.h"
#include "services/mirror/mirror.h"
#include "storage/checkpoint.h"

ABSL_FLAG(std::string, primary, "",
          "the deployment to mirror: its corridord's host:port, or where its services answer "
          "(required)");
ABSL_FLAG(std::string, primary_servers, "",
          "the primary's services that run apart from --primary: denials=HOST:PORT,...");
ABSL_FLAG(std::string, primary_token_file, "",
          "a token of the primary's of role oversight (only it is given every entry whole, "
          "which the proofs need) (required)");
ABSL_FLAG(std::string, primary_tls_ca, "", "PEM roots to verify the primary's TLS certificate");
ABSL_FLAG(std::string, log_keys_file, "",
          "the verifier key of each service to mirror, one per line, as `corridorctl audit key "
          "--service=S` prints it at the primary; pin them from a channel you trust (required)");
ABSL_FLAG(int, poll_interval_ms, 1000,
          "how often to ask the primary for new entries once the copy has caught up");
ABSL_FLAG(int, batch_entries, 500, "entries proven and stored per write");

ABSL_DECLARE_FLAG(std::string, listen);
ABSL_DECLARE_FLAG(std::string, data_dir);

namespace corridor::mirror {
namespace {

// corridord's flags that mean nothing for a copy of another's record.
constexpr const char* kPrimaryOnlyFlags[] = {"load_reference_data",
                                             "checkpoint_origin",
                                             "checkpoint_interval_seconds",
                                             "peers",
                                             "signing_key_dir",
                                             "allow_new_signing_key",
                                             "outbox_max_rate",
                                             "service_token_file",
                                             "witness_keys_file"};

absl::Status CheckFlags() {
  if (absl::GetFlag(FLAGS_primary).empty() || absl::GetFlag(FLAGS_primary_token_file).empty() ||
      absl::GetFlag(FLAGS_log_keys_file).empty()) {
    return absl::InvalidArgumentError(
        "--primary, --primary_token_file and --log_keys_file are required (corridor-mirror "
        "--help)");
  }
  for (const char* name : kPrimaryOnlyFlags) {
    const absl::CommandLineFlag* flag = absl::FindCommandLineFlag(name);
    if (flag != nullptr && flag->CurrentValue() != flag->DefaultValue()) {
      return absl::InvalidArgumentError(
          absl::StrCat("--", name, " is a primary's flag (corridord); a mirror has no use for it"));
    }
  }
  return absl::OkStatus();
}

absl::Status Configure(RuntimeOptions* options) {
  CORRIDOR_RETURN_IF_ERROR(CheckFlags());
  if (absl::GetFlag(FLAGS_poll_interval_ms) < 10 || absl::GetFlag(FLAGS_batch_entries) < 1) {
    return absl::InvalidArgumentError(
        "--poll_interval_ms must be 10 or more, --batch_entries 1 or more");
  }
  if (std::find(options->services.begin(), options->services.end(), kAuthService) ==
      options->services.end()) {
    options->services.insert(options->services.begin(), kAuthService);  // its own tokens
  }
  MirrorOptions mirror;
  absl::StatusOr<std::string> token = ReadTokenFile(absl::GetFlag(FLAGS_primary_token_file));
  if (!token.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--primary_token_file=", absl::GetFlag(FLAGS_primary_token_file),
        ": cannot read a token there. It holds an oversight token of the primary's, made by the "
        "primary's admin with `corridorctl admin token create --role=oversight`"));
  }
  mirror.token = *std::move(token);
  absl::StatusOr<std::vector<std::string>> keys =
      storage::ReadVerifierKeyFile(absl::GetFlag(FLAGS_log_keys_file));
  if (!keys.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("--log_keys_file: ", keys.status().message()));
  }
  mirror.log_keys = *std::move(keys);
  // Every mirrored service has a pinned key, before anything is opened.
  CORRIDOR_RETURN_IF_ERROR(PinnedKeys(mirror.log_keys, options->services).status());
  mirror.state_dir = options->data_root + "/mirror-state";
  mirror.interval = absl::Milliseconds(absl::GetFlag(FLAGS_poll_interval_ms));
  mirror.batch_entries = static_cast<uint64_t>(absl::GetFlag(FLAGS_batch_entries));
  ClientTls tls;
  tls.ca_file = absl::GetFlag(FLAGS_primary_tls_ca);
  CORRIDOR_ASSIGN_OR_RETURN(std::shared_ptr<grpc::ChannelCredentials> credentials,
                            ChannelCredentialsFor(tls));
  auto primary = std::make_shared<ServiceChannels>(absl::GetFlag(FLAGS_primary), credentials);
  CORRIDOR_RETURN_IF_ERROR(primary->SetAddresses(absl::GetFlag(FLAGS_primary_servers)));
  options->mirror_of = absl::GetFlag(FLAGS_primary);
  options->mirror =
      [primary,
       mirror](const HostedStorage& copies) -> absl::StatusOr<std::unique_ptr<MirrorFollower>> {
    CORRIDOR_ASSIGN_OR_RETURN(std::unique_ptr<Mirror> made,
                              Mirror::Create(copies, primary, mirror));
    return std::unique_ptr<MirrorFollower>(std::move(made));
  };
  return absl::OkStatus();
}

}  // namespace
}  // namespace corridor::mirror

int main(int argc, char** argv) {
  // Beside a primary on the same machine, by default.
  absl::SetFlag(&FLAGS_listen, "127.0.0.1:7700");
  absl::SetFlag(&FLAGS_data_dir, "mirror-data");
  const corridor::ServerVariant variant = {
      .usage =
          "a verified, read-only copy of a Corridor deployment (the primary): follows every "
          "service's change feed, stores an entry only once the primary's signed head proves "
          "it, serves the read APIs and the audit API, and stops, naming the first entry that "
          "no longer matches, if the primary rewrites its history.\n\nUsage: corridor-mirror "
          "--primary=HOST:PORT --primary_token_file=FILE --log_keys_file=FILE "
          "[--data_dir=mirror-data] [--listen=127.0.0.1:7700] [--services=areas,...]\n\n"
          "Of the server flags listed below, a mirror defaults --listen to 127.0.0.1:7700 and "
          "--data_dir to mirror-data, mirrors the services --services names (all by default; "
          "auth is always the mirror's own), and refuses the primary's own: "
          "--load_reference_data, --checkpoint_*, --peers, --signing_key_dir, "
          "--allow_new_signing_key, --outbox_max_rate, --service_token_file, "
          "--witness_keys_file. docs/VERIFICATION.md, section 6, explains how to run one.",
      .flags_file = "services/mirror/main.cc",
      .configure = corridor::mirror::Configure,
  };
  return corridor::ServerMain(argc, argv, "corridor-mirror", "", &variant);
}
