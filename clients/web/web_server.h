// corridor-web's HTTP server: the dashboard's files, the JSON gateway, the
// change feed as server-sent events, and exports.
//
//   GET  /                         the dashboard (files from `assets_dir`)
//   POST /api/v1/<Service>/<RPC>   one unary RPC, JSON in and out (gateway.h)
//   GET  /api/v1/changes?service=routes[&start=N|&from_end=1][&tables=a,b]
//                                  AuditService.WatchChanges as text/event-stream
//   GET  /api/v1/export/<denials|convoys|areas>?format=csv|hxl|geojson&<filters>
//                                  what `corridorctl export` writes, as a download
//   GET  /api/v1/enums             the enum value names the forms offer
//   GET  /healthz                  "ok" while the server runs
//
// Every /api call carries the caller's token as `Authorization: Bearer ...`
// and reaches the services with it. JSON bodies must be sent as
// application/json, which a page on another site cannot do without the
// browser asking this server first (and it never agrees), so there is no
// cross-site request forgery to guard against.
#ifndef CORRIDOR_CLIENTS_WEB_WEB_SERVER_H_
#define CORRIDOR_CLIENTS_WEB_WEB_SERVER_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "clients/web/gateway.h"
#include "grpcpp/security/credentials.h"

namespace corridor::web {

struct WebOptions {
  // host:port to listen on; port 0 picks one.
  std::string listen_address = "127.0.0.1:7480";
  // Folder of the built dashboard (index.html and its assets).
  std::string assets_dir;
  // Where corridord (or a router in front of the services) listens.
  std::string target = "127.0.0.1:7400";
  // Services run apart from `target`: "convoys=10.0.0.7:7400,..."
  std::string servers;
  std::shared_ptr<grpc::ChannelCredentials> channel_credentials;
  absl::Duration call_timeout = absl::Seconds(30);
  // Change streams open at once at most; more are refused with 503.
  int max_streams = 64;
};

class WebServer {
 public:
  // Binds the port and starts serving on background threads.
  static absl::StatusOr<std::unique_ptr<WebServer>> Start(const WebOptions& options);
  ~WebServer();

  int port() const;
  // Ends every change stream, stops accepting and waits for calls to end.
  void Stop();

 private:
  class Impl;
  explicit WebServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace corridor::web

#endif  // CORRIDOR_CLIENTS_WEB_WEB_SERVER_H_
