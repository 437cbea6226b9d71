#include "common/server.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <fstream>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "common/status_macros.h"

namespace corridor {

namespace {

constexpr char kAnotherProcess[] =
    "(another corridor process may be running: stop it or choose another --listen)";

bool IsUnixSocket(absl::string_view address) {
  return absl::StartsWith(address, "unix:") || absl::StartsWith(address, "unix-abstract:");
}

// gRPC replaces the file of a Unix socket it is told to listen on. That is
// right for a socket left behind by a server that died, and wrong for one a
// live server listens on: it would lose its clients without knowing.
absl::Status CheckUnixSocketIsFree(const std::string& listen_address) {
  if (!absl::StartsWith(listen_address, "unix:")) return absl::OkStatus();
  std::string path = listen_address.substr(strlen("unix:"));
  if (absl::StartsWith(path, "//")) path = path.substr(2);  // unix:///run/x.sock
  sockaddr_un address{};
  if (path.empty() || path.size() >= sizeof(address.sun_path)) {
    return absl::InvalidArgumentError(absl::StrCat("--listen: ", listen_address,
                                                   " is not a Unix socket path of 1 to ",
                                                   sizeof(address.sun_path) - 1, " bytes"));
  }
  struct stat status;
  if (stat(path.c_str(), &status) != 0) return absl::OkStatus();  // nothing there yet
  address.sun_family = AF_UNIX;
  memcpy(address.sun_path, path.data(), path.size());
  const int probe = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (probe < 0) return absl::OkStatus();
  const bool answered =
      connect(probe, reinterpret_cast<const sockaddr*>(&address), sizeof(address)) == 0;
  close(probe);
  if (!answered) return absl::OkStatus();  // left behind: gRPC replaces it
  return absl::AlreadyExistsError(absl::StrCat("cannot listen on ", listen_address,
                                               ": another server is listening on that socket ",
                                               kAnotherProcess));
}

}  // namespace

absl::StatusOr<std::unique_ptr<ServiceHost>> ServiceHost::Start(
    const ServerOptions& options, const std::vector<HostedService>& services) {
  CORRIDOR_RETURN_IF_ERROR(CheckUnixSocketIsFree(options.listen_address));
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();

  std::unique_ptr<ServiceHost> host(new ServiceHost());
  host->options_ = options;
  CORRIDOR_ASSIGN_OR_RETURN(const std::shared_ptr<grpc::ServerCredentials> credentials,
                            ServerCredentialsFor(options.tls));
  grpc::ServerBuilder builder;
  builder.AddListeningPort(options.listen_address, credentials, &host->port_);
  // gRPC sets SO_REUSEPORT, which lets a second server bind the same port
  // and the kernel split the clients between two databases.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  builder.SetMaxReceiveMessageSize(options.max_receive_message_bytes);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIME_MS,
                             static_cast<int>(absl::ToInt64Milliseconds(options.keepalive_time)));
  builder.AddChannelArgument(
      GRPC_ARG_KEEPALIVE_TIMEOUT_MS,
      static_cast<int>(absl::ToInt64Milliseconds(options.keepalive_timeout)));
  // Idle connections too, and without limit: a watch stream may send
  // nothing for hours, and gRPC otherwise stops pinging after two pings
  // without data.
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MAX_PINGS_WITHOUT_DATA, 0);
  // Clients may ping too (every 10 s at most, e.g. a partner's own
  // keepalive) without being sent away for "too many pings".
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS, 10000);
  // The synchronous server ends a thread that finishes a call while two
  // others wait for the next one (gRPC's default), and starts a new one for
  // the next busy moment: under load, a thread was made and torn down for
  // a good part of the calls. Keeping up to 32 waiting raised GetArea from
  // 69% to 82-94% of the empty call's rate, and writes by 15%.
  builder.SetSyncServerOption(grpc::ServerBuilder::SyncServerOption::MIN_POLLERS, 2);
  builder.SetSyncServerOption(grpc::ServerBuilder::SyncServerOption::MAX_POLLERS,
                              kMaxWaitingServerThreads);
  for (const HostedService& hosted : services) {
    builder.RegisterService(hosted.service);
  }
  // Always installed: besides counting and logging, it words gRPC's own
  // refusal of an unparsable request.
  std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> observers;
  std::vector<std::string> names;
  for (const HostedService& hosted : services) names.push_back(hosted.full_name);
  observers.push_back(
      ObserveRpcs(options.rpc_metrics, options.rpc_logging, MethodsOfServices(names)));
  builder.experimental().SetInterceptorCreators(std::move(observers));
  host->server_ = builder.BuildAndStart();
  if (host->server_ == nullptr || host->port_ == 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot listen on ", options.listen_address,
                     IsUnixSocket(options.listen_address)
                         ? "; is the path a socket (or free), in a folder this process may write? "
                         : "; is the address right and the port free? ",
                     kAnotherProcess));
  }
  grpc::HealthCheckServiceInterface* health = host->server_->GetHealthCheckService();
  health->SetServingStatus(true);
  for (const HostedService& hosted : services) {
    health->SetServingStatus(hosted.full_name, true);
  }
  return host;
}

ServiceHost::~ServiceHost() { Shutdown(); }

std::string ServiceHost::address() const {
  const std::string& listen = options_.listen_address;
  if (IsUnixSocket(listen)) return listen;
  return absl::StrCat(listen.substr(0, listen.rfind(':')), ":", port_);
}

std::string ServiceHost::local_address() const {
  const std::string& listen = options_.listen_address;
  if (IsUnixSocket(listen)) return listen;
  const std::string host = listen.substr(0, listen.rfind(':'));
  const bool wildcard = host.empty() || host == "0.0.0.0" || host == "[::]";
  return absl::StrCat(wildcard ? "127.0.0.1" : host, ":", port_);
}

void ServiceHost::Shutdown() {
  if (stopped_ || server_ == nullptr) return;
  stopped_ = true;
  server_->GetHealthCheckService()->SetServingStatus(false);
  server_->Shutdown(absl::ToChronoTime(absl::Now() + options_.shutdown_grace));
  server_->Wait();
}

absl::Time CallDeadline(const grpc::ServerContext& context) {
  const auto deadline = context.deadline();
  if (deadline == std::chrono::system_clock::time_point::max()) return absl::InfiniteFuture();
  return absl::FromChrono(deadline);
}

void WriteAddressFile(const std::string& path, const std::string& address) {
  if (path.empty()) return;
  const std::string partial = path + ".partial";
  std::ofstream(partial) << address << "\n";
  std::rename(partial.c_str(), path.c_str());
}

void StartServerProcess() {
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
}

std::string WaitForTerminationSignal() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  int signal_number = 0;
  sigwait(&signals, &signal_number);
  return signal_number == SIGTERM ? "SIGTERM" : "SIGINT";
}

}  // namespace corridor
