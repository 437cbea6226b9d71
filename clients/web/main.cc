// corridor-web: the dashboard and JSON gateway in front of Corridor's
// services (web_server.h). It keeps no data and holds no credentials: every
// call reaches the services with the signed-in user's own token.
//
//   corridor-web --listen=127.0.0.1:7480 --target=127.0.0.1:7400
//                [--assets=build/web] [--tls_ca=ca.pem] [--port_file=PATH]
//                [--max_body_bytes=4194304] [--max_connections_per_client=32] ...
//
// The limits of the HTTP edge and of change streams are in
// docs/OPERATIONS.md ("The HTTP edge").
#include <unistd.h>

#include <filesystem>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "clients/web/web_server.h"
#include "common/credentials.h"
#include "common/flags_usage.h"
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
ABSL_FLAG(int64_t, max_body_bytes, 4 * 1024 * 1024,
          "request bodies declared longer are refused with 413 before they are read (the "
          "services' gRPC message limit by default)");
ABSL_FLAG(int64_t, max_header_bytes, 16 * 1024,
          "a request's line and headers together, in bytes; more is refused with 431");
ABSL_FLAG(int, max_headers, 100, "header lines in one request; more are refused with 431");
ABSL_FLAG(int, header_timeout_seconds, 10,
          "a request's line and headers must arrive whole within this (408 otherwise), however "
          "slowly they trickle");
ABSL_FLAG(int, max_connections_per_client, 32,
          "connections open at once from one client address (IPv6: one /64); more are refused "
          "with 429. Behind a proxy every client has the proxy's address: raise it, or 0 for no "
          "limit, and limit clients at the proxy");
ABSL_FLAG(int, max_streams, 64, "change streams open at once; more are refused with 503");
ABSL_FLAG(int, max_streams_per_token, 8,
          "change streams one token may hold open at once; more are refused with 429; 0: no limit "
          "but --max_streams");
ABSL_FLAG(int64_t, stream_buffer_bytes, 256 * 1024,
          "bytes of changes a change stream holds for a client reading slower than they come");
ABSL_FLAG(int, stream_stall_seconds, 30,
          "how long a change stream with a full buffer waits for its client to read before it "
          "ends the stream, telling the client where to resume");

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
  if (absl::GetFlag(FLAGS_max_body_bytes) < 0 || absl::GetFlag(FLAGS_max_header_bytes) < 1024 ||
      absl::GetFlag(FLAGS_max_headers) < 1 || absl::GetFlag(FLAGS_header_timeout_seconds) < 1 ||
      absl::GetFlag(FLAGS_max_connections_per_client) < 0 || absl::GetFlag(FLAGS_max_streams) < 1 ||
      absl::GetFlag(FLAGS_max_streams_per_token) < 0 ||
      absl::GetFlag(FLAGS_stream_buffer_bytes) < 1024 ||
      absl::GetFlag(FLAGS_stream_stall_seconds) < 1) {
    CORRIDOR_LOG(ERROR) << "limits: --max_body_bytes, --max_connections_per_client and "
                           "--max_streams_per_token must be 0 or more; --max_header_bytes and "
                           "--stream_buffer_bytes 1024 or more; the others 1 or more";
    return 2;
  }
  options.http.max_body_bytes = static_cast<size_t>(absl::GetFlag(FLAGS_max_body_bytes));
  options.http.max_header_bytes = static_cast<size_t>(absl::GetFlag(FLAGS_max_header_bytes));
  options.http.max_headers = static_cast<size_t>(absl::GetFlag(FLAGS_max_headers));
  options.http.header_timeout = absl::Seconds(absl::GetFlag(FLAGS_header_timeout_seconds));
  options.http.max_connections_per_client = absl::GetFlag(FLAGS_max_connections_per_client);
  options.max_streams = absl::GetFlag(FLAGS_max_streams);
  options.max_streams_per_token = absl::GetFlag(FLAGS_max_streams_per_token);
  options.stream_buffer_bytes = static_cast<size_t>(absl::GetFlag(FLAGS_stream_buffer_bytes));
  options.stream_stall_timeout = absl::Seconds(absl::GetFlag(FLAGS_stream_stall_seconds));
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
  corridor::StartServerProcess();
  corridor::SetLogName("corridor-web");
  absl::SetProgramUsageMessage(
      "the Corridor dashboard and JSON gateway, in front of the services at "
      "--target.\n\nUsage: corridor-web [--listen=127.0.0.1:7480] [--target=127.0.0.1:7400] "
      "[--assets=build/web] [--tls_ca=PEM]");
  corridor::ListFlagsOf("clients/web/main.cc");
  absl::ParseCommandLine(argc, argv);
  return corridor::web::Main();
}
