// corridor-web: the dashboard and JSON gateway in front of Corridor's
// services (web_server.h). It keeps no data and holds no credentials: every
// call reaches the services with the signed-in user's own token.
//
//   corridor-web --listen=127.0.0.1:7480 --target=127.0.0.1:7400
//                [--assets=build/web] [--tls_ca=ca.pem] [--port_file=PATH]
#include <unistd.h>

#include <filesystem>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "clients/web/web_server.h"
#include "common/credentials.h"
#include "common/log.h"
#include "common/server.h"

ABSL_FLAG(std::string, listen, "127.0.0.1:7480",
          "host:port to serve the dashboard on; port 0 picks one");
ABSL_FLAG(std::string, target, "127.0.0.1:7400",
          "host:port of corridord (or of a gRPC router in front of the services)");
ABSL_FLAG(std::string, servers, "",
          "services run apart from --target, e.g. auth=auth:7400,convoys=convoys:7400");
ABSL_FLAG(std::string, assets, "",
          "folder of the built dashboard; default: web/ beside the bin/ folder of this binary");
ABSL_FLAG(std::string, tls_ca, "", "PEM CA that signed the services' certificates (TLS)");
ABSL_FLAG(std::string, tls_cert, "", "PEM certificate presented to the services (mutual TLS)");
ABSL_FLAG(std::string, tls_key, "", "PEM key of --tls_cert");
ABSL_FLAG(std::string, port_file, "", "if set, write the bound host:port here once listening");

namespace corridor::web {
namespace {

std::string DefaultAssets() {
  std::error_code error;
  const std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", error);
  if (error) return "web";
  return (self.parent_path().parent_path() / "web").string();
}

int Main() {
  WebOptions options;
  options.listen_address = absl::GetFlag(FLAGS_listen);
  options.target = absl::GetFlag(FLAGS_target);
  options.servers = absl::GetFlag(FLAGS_servers);
  options.assets_dir = absl::GetFlag(FLAGS_assets);
  if (options.assets_dir.empty()) options.assets_dir = DefaultAssets();
  ClientTls tls{absl::GetFlag(FLAGS_tls_ca), absl::GetFlag(FLAGS_tls_cert),
                absl::GetFlag(FLAGS_tls_key)};
  absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> credentials =
      ChannelCredentialsFor(tls);
  if (!credentials.ok()) {
    CORRIDOR_LOG(ERROR) << credentials.status().message();
    return 1;
  }
  options.channel_credentials = *credentials;
  absl::StatusOr<std::unique_ptr<WebServer>> server = WebServer::Start(options);
  if (!server.ok()) {
    CORRIDOR_LOG(ERROR) << server.status().message();
    return 1;
  }
  const std::string host = options.listen_address.substr(0, options.listen_address.rfind(':'));
  const std::string address = absl::StrCat(host, ":", (*server)->port());
  CORRIDOR_LOG(INFO) << "dashboard on http://" << address << "/ (files from " << options.assets_dir
                     << "), calling the services at " << options.target
                     << "; stop with SIGTERM or Ctrl-C";
  WriteAddressFile(absl::GetFlag(FLAGS_port_file), address);
  const std::string signal_name = WaitForTerminationSignal();
  CORRIDOR_LOG(INFO) << signal_name << " received: ending change streams and stopping";
  (*server)->Stop();
  CORRIDOR_LOG(INFO) << "stopped cleanly";
  return 0;
}

}  // namespace
}  // namespace corridor::web

int main(int argc, char** argv) {
  corridor::BlockTerminationSignals();
  corridor::SetLogName("corridor-web");
  absl::SetProgramUsageMessage("the Corridor dashboard and JSON gateway");
  absl::ParseCommandLine(argc, argv);
  return corridor::web::Main();
}
