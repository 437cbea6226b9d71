// corridor-echo: the empty service the load generator compares every
// Corridor RPC with, hosted exactly as the real services are
// (common/server.h: the same message limits, health and reflection).
//
//   corridor-echo --listen=127.0.0.1:7499 [--port_file=PATH]
#include <fstream>
#include <iostream>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "common/log.h"
#include "common/server.h"
#include "corridor/v1/echo.grpc.pb.h"

ABSL_FLAG(std::string, listen, "127.0.0.1:7499", "host:port to serve on; port 0 picks one");
ABSL_FLAG(std::string, port_file, "", "if set, write the bound host:port here once listening");

namespace corridor {
namespace {

class EchoService final : public v1::EchoService::Service {
 public:
  grpc::Status Echo(grpc::ServerContext*, const v1::EchoMessage* request,
                    v1::EchoMessage* response) override {
    *response = *request;
    return grpc::Status::OK;
  }
};

int Main() {
  EchoService echo;
  ServerOptions options;
  options.listen_address = absl::GetFlag(FLAGS_listen);
  auto host = ServiceHost::Start(options, {{&echo, v1::EchoService::service_full_name()}});
  if (!host.ok()) {
    CORRIDOR_LOG(ERROR) << host.status().message();
    return 1;
  }
  const std::string address = (*host)->address();
  CORRIDOR_LOG(INFO) << "echo on " << address << "; stop with SIGTERM or Ctrl-C";
  if (const std::string path = absl::GetFlag(FLAGS_port_file); !path.empty()) {
    std::ofstream(path + ".partial") << address << "\n";
    std::rename((path + ".partial").c_str(), path.c_str());
  }
  WaitForTerminationSignal();
  (*host)->Shutdown();
  return 0;
}

}  // namespace
}  // namespace corridor

int main(int argc, char** argv) {
  corridor::StartServerProcess();
  corridor::SetLogName("corridor-echo");
  absl::ParseCommandLine(argc, argv);
  return corridor::Main();
}
