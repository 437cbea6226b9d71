// corridor-web's HTTP server: the dashboard's files, the JSON gateway, the
// change feed as server-sent events, and exports.
//
//   GET  /                         the dashboard (files from `assets_dir`)
//   POST /api/v1/<Service>/<RPC>   one unary RPC, JSON in and out (gateway.h)
//   GET  /api/v1/changes?service=routes[&start=N|&from_end=1][&tables=a,b]
//                                  AuditService.WatchChanges as text/event-stream
//   GET  /api/v1/export/<denials|convoys|areas>?format=csv|hxl|geojson|json&<filters>
//                                  what `corridorctl export` writes, as a download
//   GET  /api/v1/enums             the enum value names the forms offer
//   GET  /healthz                  "ok" while the server runs
//
// The edge (common/http_server.h) refuses, before reading them, bodies over
// `http.max_body_bytes` (413), chunked bodies (411), oversize headers
// (431), headers that take longer than `http.header_timeout` (408), and
// connections beyond `http.max_connections_per_client` from one address
// (429). Change streams are capped in all and per token, and each buffers
// `stream_buffer_bytes` at most for a client that reads slower than the
// changes come.
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
#include "absl/time/time.h"
#include "clients/web/gateway.h"
#include "common/http_server.h"
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
  // Change streams one token may hold open at once; more are refused with
  // 429. 0: no limit but max_streams.
  int max_streams_per_token = 8;
  // Bytes of events a change stream holds for a client that reads slower
  // than the changes come (the one being written included).
  size_t stream_buffer_bytes = 256 * 1024;
  // How long a stream whose buffer is full waits for the client to read
  // before it ends it with `event: end`, naming the index to resume from.
  absl::Duration stream_stall_timeout = absl::Seconds(30);
  // Body, header and per-client connection limits of the HTTP edge.
  HttpLimits http;
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
