// The HTTP servers' edge, shared by corridor-web and every process's
// /metrics endpoint: an httplib::Server that reads each request's line and
// headers itself before httplib sees them, so that what httplib 0.11.4 does
// not bound is bounded here.
//
//   - a client address holds `max_connections_per_client` connections at
//     most; more are answered 429 and closed at once;
//   - the request line and headers must arrive whole within
//     `header_timeout`, however slowly they trickle (408), and within
//     `max_header_bytes` and `max_headers` (431);
//   - a body longer than `max_body_bytes` is refused with 413 from its
//     Content-Length, before a byte of it is read, and the connection is
//     closed; a chunked body (no Content-Length) is refused with 411;
//   - httplib reads no further than the declared body: a handler that
//     leaves it unread closes the connection, rather than the rest being
//     taken for the next request.
//
// Routes, handlers, loggers and the rest are httplib's own. Refusals are one
// response each, with the default headers (SetDefaultHeaders) and
// `Connection: close`, and one log line without any header.
//
//   GuardedHttpServer server(HttpLimits{});
//   server.Get("/healthz", ...);
//   int port = server.Bind("127.0.0.1", 0);
//   server.listen_after_bind();  // on a thread of its own
#ifndef CORRIDOR_COMMON_HTTP_SERVER_H_
#define CORRIDOR_COMMON_HTTP_SERVER_H_

#include <httplib.h>

#include <cstddef>
#include <functional>
#include <map>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace corridor {

struct HttpLimits {
  // Request bodies declared longer than this are refused (413) unread.
  // The gRPC message limit by default: a JSON call never needs more.
  size_t max_body_bytes = 4 * 1024 * 1024;
  // The request line and headers, CRLFs included (431 beyond).
  size_t max_header_bytes = 16 * 1024;
  // Header lines in one request (431 beyond).
  size_t max_headers = 100;
  // Time for a request's line and headers to arrive whole, from the moment
  // the server waits for them (408 beyond; a connection that sent nothing
  // is closed without a word).
  absl::Duration header_timeout = absl::Seconds(10);
  // Connections open at once from one client address (an IPv6 client: its
  // /64); more are refused with 429. 0: no limit. Behind a proxy every
  // client has the proxy's address: raise it or set 0 there.
  int max_connections_per_client = 32;
  // The flag that sets each limit, named in refusals so that an operator
  // knows what to raise; empty: none is named.
  std::string max_body_flag;
  std::string max_connections_flag;
  // The body of a refusal from its status and message; default: the
  // message as text/plain.
  std::function<void(int status, absl::string_view message, std::string* content_type,
                     std::string* body)>
      format_refusal;
};

class GuardedHttpServer : public httplib::Server {
 public:
  explicit GuardedHttpServer(HttpLimits limits);

  // httplib's set_default_headers, and the same headers on refusals.
  void SetDefaultHeaders(httplib::Headers headers);

  // Binds `host`:`port` (0: a free port) like bind_to_port, with a listen
  // backlog of SOMAXCONN rather than httplib's 5, so that a burst of
  // connections does not leave the next client's handshake to SYN
  // retransmissions (a second or more). Returns the port, or -1.
  int Bind(const std::string& host, int port);

  const HttpLimits& limits() const { return limits_; }

 private:
  // Called by httplib on a pool thread for each accepted socket; serves it
  // to the end and closes it.
  bool process_and_close_socket(socket_t sock) override;

  // Serves requests on a connection holding its client slot until either
  // side ends it. Returns what httplib's own loop would.
  bool ServeConnection(socket_t sock);
  // Writes a refusal with `Connection: close` and logs it.
  void Refuse(socket_t sock, int status, absl::string_view what, absl::string_view message);

  bool TakeSlot(const std::string& client);
  void ReleaseSlot(const std::string& client);

  const HttpLimits limits_;
  httplib::Headers refusal_headers_;

  absl::Mutex slots_mu_;
  std::map<std::string, int> connections_ ABSL_GUARDED_BY(slots_mu_);  // by client key
};

}  // namespace corridor

#endif  // CORRIDOR_COMMON_HTTP_SERVER_H_
