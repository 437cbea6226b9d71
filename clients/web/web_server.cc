#include "clients/web/web_server.h"

#include <atomic>
#include <deque>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "clients/web/export_download.h"
#include "common/credentials.h"
#include "common/http_server.h"
#include "common/log.h"
#include "common/stream_headers.h"
#include "corridor/v1/audit.grpc.pb.h"
#include "google/protobuf/util/json_util.h"
#include "grpcpp/create_channel.h"
#include "httplib.h"

namespace corridor::web {
namespace {

constexpr char kJson[] = "application/json";
constexpr size_t kKeepAliveRequests = 1000;
// An idle change stream sends a comment this often, so that proxies keep it
// open; and checks this often whether its client has left.
constexpr auto kKeepAlive = std::chrono::seconds(15);
constexpr auto kIdleCheck = std::chrono::milliseconds(1000);

std::string BearerToken(const httplib::Request& request) {
  const std::string header = request.get_header_value("Authorization");
  constexpr absl::string_view kBearer = "Bearer ";
  if (!absl::StartsWithIgnoreCase(header, kBearer)) return "";
  return std::string(absl::StripAsciiWhitespace(header.substr(kBearer.size())));
}

void Send(const HttpReply& reply, httplib::Response* response) {
  response->status = reply.status;
  for (const auto& [name, value] : reply.headers) response->set_header(name, value);
  response->set_content(reply.body, reply.content_type);
}

// How much of the buffered changes one write takes at most, so that the
// writer's copies stay small beside the buffer.
constexpr size_t kWriteSlice = 64 * 1024;

// The code a refusal at the HTTP edge carries in the JSON error body.
absl::string_view EdgeCode(int status) {
  switch (status) {
    case 408:
      return "DEADLINE_EXCEEDED";
    case 413:
    case 429:
    case 431:
      return "RESOURCE_EXHAUSTED";
    default:
      return "INVALID_ARGUMENT";
  }
}

// One WatchChanges call relayed as server-sent events. A thread reads the
// gRPC stream into `events`; the HTTP side writes them out, with keep-alive
// comments while idle. The events buffered (and being written) are bounded
// by `max_buffered` bytes: the reader waits for room up to `stall_timeout`,
// then ends the stream with an `event: end` naming where to resume.
struct ChangeStream {
  ChangeStream(std::string token_key, size_t max_buffered, absl::Duration stall_timeout)
      : token(std::move(token_key)), max_buffered(max_buffered), stall_timeout(stall_timeout) {}

  const std::string token;  // the caller's token, the key of its per-token count
  const size_t max_buffered;
  const absl::Duration stall_timeout;

  grpc::ClientContext context;
  std::unique_ptr<v1::AuditService::Stub> stub;
  std::unique_ptr<grpc::ClientReader<v1::Change>> reader;
  std::thread thread;

  // Take() waits for events or `finished`, PushWhenRoom() for `buffered`
  // to go down or `cancelled`: absl::Mutex wakes them when these change.
  absl::Mutex mu;
  std::deque<std::string> events ABSL_GUARDED_BY(mu);
  size_t buffered ABSL_GUARDED_BY(mu) = 0;  // bytes in events and being written
  bool finished ABSL_GUARDED_BY(mu) = false;
  bool cancelled ABSL_GUARDED_BY(mu) = false;
  bool sent_open = false;          // touched by the HTTP side only

  // Reads the stream once it has been admitted (see HandleChanges).
  void Run() {
    Push("event: ready\ndata: {}\n\n");
    google::protobuf::util::JsonPrintOptions print;
    print.preserve_proto_field_names = true;
    // Zero and empty fields too: a reader of the first change (index 0)
    // finds its "index" like every other's.
    print.always_print_primitive_fields = true;
    v1::Change change;
    bool too_slow = false;
    uint64_t resume = 0;  // the first change not buffered, once too slow
    while (reader->Read(&change)) {
      std::string json;
      if (!google::protobuf::util::MessageToJsonString(change, &json, print).ok()) continue;
      if (!PushWhenRoom(
              absl::StrCat("id: ", change.index(), "\nevent: change\ndata: ", json, "\n\n"))) {
        too_slow = !Cancelled();
        resume = change.index();
        context.TryCancel();
        while (reader->Read(&change)) {
        }
        break;
      }
    }
    const grpc::Status status = reader->Finish();
    absl::MutexLock lock(&mu);
    if (too_slow) {
      // Beyond the bound, but one message, and the client must learn why.
      events.push_back(absl::StrCat(
          "event: end\ndata: ",
          ErrorReply(429, "RESOURCE_EXHAUSTED",
                     absl::StrCat("this client read the change feed too slowly: ", max_buffered,
                                  " bytes of changes waited for it for ",
                                  absl::FormatDuration(stall_timeout), ". Reconnect with start=",
                                  resume, " to resume from the first change it has not received"))
              .body,
          "\n\n"));
    } else if (status.error_code() != grpc::StatusCode::CANCELLED) {
      events.push_back(absl::StrCat("event: end\ndata: ", ErrorReply(status).body, "\n\n"));
    }
    finished = true;
  }

  void Push(std::string event) {
    absl::MutexLock lock(&mu);
    buffered += event.size();
    events.push_back(std::move(event));
  }

  // Buffers `event` once there is room for it (an empty buffer always has
  // room, whatever the event's size); false if there is none within the
  // stall timeout, or the stream was cancelled.
  bool PushWhenRoom(std::string event) {
    absl::MutexLock lock(&mu);
    auto room = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) {
      return cancelled || buffered == 0 || buffered + event.size() <= max_buffered;
    };
    const bool has_room = mu.AwaitWithTimeout(absl::Condition(&room), stall_timeout);
    if (!has_room || cancelled) return false;
    buffered += event.size();
    events.push_back(std::move(event));
    return true;
  }

  bool Cancelled() {
    absl::MutexLock lock(&mu);
    return cancelled;
  }

  // Ends the stream from the HTTP side (the client left, or the server
  // stops): the reader stops waiting for room and its call is cancelled.
  void Cancel() {
    {
      absl::MutexLock lock(&mu);
      cancelled = true;
    }
    context.TryCancel();
  }

  // The HTTP side: waits up to `wait` for events, and moves the next ones
  // (about kWriteSlice bytes at most) into `out`, leaving it empty if none
  // came. Returns the bytes taken, for Written(), or nullopt once the
  // stream has finished and everything was taken.
  std::optional<size_t> Take(std::chrono::milliseconds wait, std::string* out) {
    absl::MutexLock lock(&mu);
    auto ready = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) { return !events.empty() || finished; };
    mu.AwaitWithTimeout(absl::Condition(&ready), absl::FromChrono(wait));
    if (events.empty()) return finished ? std::nullopt : std::optional<size_t>(0);
    while (!events.empty() && out->size() < kWriteSlice) {
      *out += events.front();
      events.pop_front();
    }
    return out->size();
  }

  // The HTTP side, once `bytes` taken by Take() are written (or failed).
  void Written(size_t bytes) {
    absl::MutexLock lock(&mu);
    buffered -= std::min(bytes, buffered);
  }
};

// The edge's limits with the flags that set them, refusing in the
// gateway's JSON error form.
HttpLimits EdgeLimits(HttpLimits limits) {
  if (limits.max_body_flag.empty()) limits.max_body_flag = "--max_body_bytes";
  if (limits.max_connections_flag.empty()) {
    limits.max_connections_flag = "--max_connections_per_client";
  }
  limits.format_refusal = [](int status, absl::string_view message, std::string* content_type,
                             std::string* body) {
    *content_type = kJson;
    *body = ErrorReply(status, EdgeCode(status), message).body;
  };
  return limits;
}

// A stream whose reader waits for room must not have gRPC receive without
// bound beneath it: without BDP probing, a stream's flow-control window stays
// at its initial 64 KiB instead of growing to megabytes.
grpc::ChannelArguments StreamChannelArguments() {
  grpc::ChannelArguments arguments;
  arguments.SetInt(GRPC_ARG_HTTP2_BDP_PROBE, 0);
  arguments.SetInt(GRPC_ARG_HTTP2_STREAM_LOOKAHEAD_BYTES, 64 * 1024);
  return arguments;
}

}  // namespace

class WebServer::Impl {
 public:
  explicit Impl(const WebOptions& options)
      : options_(options),
        channels_(options.target, options.channel_credentials),
        stream_channels_(options.target, options.channel_credentials, StreamChannelArguments()),
        gateway_(&channels_, options.call_timeout),
        server_(EdgeLimits(options.http)) {}

  absl::Status SetServers() {
    if (absl::Status s = channels_.SetAddresses(options_.servers); !s.ok()) return s;
    return stream_channels_.SetAddresses(options_.servers);
  }

  absl::Status Start();
  void Stop();
  int port() const { return port_; }

 private:
  // The API's and the dashboard's routes.
  void RegisterRoutes();
  void HandleCall(const httplib::Request& request, httplib::Response* response);
  void HandleChanges(const httplib::Request& request, httplib::Response* response);
  void HandleExport(const httplib::Request& request, httplib::Response* response);

  // Counts `stream` among the open ones, or answers 429 (its token holds
  // too many) or 503 (the server does) and returns false.
  bool TakeStreamPlace(ChangeStream* stream, httplib::Response* response);
  // Forgets an ended stream.
  void Release(ChangeStream* stream);

  WebOptions options_;
  ServiceChannels channels_;
  // Change streams' own channels, whose flow control stops at a small
  // window what a stream's reader has not taken (see
  // StreamChannelArguments).
  ServiceChannels stream_channels_;
  Gateway gateway_;
  GuardedHttpServer server_;
  std::thread listener_;
  int port_ = 0;

  absl::Mutex streams_mu_;
  std::set<ChangeStream*> streams_ ABSL_GUARDED_BY(streams_mu_);
  std::map<std::string, int> token_streams_ ABSL_GUARDED_BY(streams_mu_);  // by token
  std::atomic<bool> stopping_{false};
};

void WebServer::Impl::HandleCall(const httplib::Request& request, httplib::Response* response) {
  if (!absl::StartsWith(request.get_header_value("Content-Type"), kJson)) {
    Send(ErrorReply(415, "INVALID_ARGUMENT",
                    "send the request body as Content-Type: application/json"),
         response);
    return;
  }
  const std::string method = absl::StrCat(request.matches[1].str(), "/", request.matches[2].str());
  Send(gateway_.Call(method, request.body, BearerToken(request)), response);
}

namespace {

// The subscription a GET /api/v1/changes asks for, or the 400 that says
// which parameter is wrong.
absl::StatusOr<v1::WatchChangesRequest> WatchRequestOf(const httplib::Request& request) {
  v1::WatchChangesRequest watch;
  watch.set_service(request.get_param_value("service"));
  if (watch.service().empty()) {
    return absl::InvalidArgumentError("service: name the service to follow, e.g. ?service=routes");
  }
  if (request.has_param("start")) {
    uint64_t start = 0;
    if (!absl::SimpleAtoi(request.get_param_value("start"), &start)) {
      return absl::InvalidArgumentError(
          "start: must be a journal index (0 or more), e.g. ?start=120");
    }
    watch.set_start(start);
  }
  watch.set_from_end(request.get_param_value("from_end") == "1");
  // A browser's EventSource that lost its connection reconnects with the
  // id of the last event it received: resume right after it, whatever the
  // URL says, so that nothing is missed or received twice.
  if (request.has_header("Last-Event-ID")) {
    uint64_t last = 0;
    if (!absl::SimpleAtoi(request.get_header_value("Last-Event-ID"), &last) ||
        last == std::numeric_limits<uint64_t>::max()) {
      return absl::InvalidArgumentError(
          "Last-Event-ID: must be the id of a change event this feed sent (a journal index)");
    }
    watch.set_start(last + 1);
    watch.set_from_end(false);
  }
  for (absl::string_view table :
       absl::StrSplit(request.get_param_value("tables"), ',', absl::SkipEmpty())) {
    watch.add_tables(std::string(table));
  }
  return watch;
}

}  // namespace

bool WebServer::Impl::TakeStreamPlace(ChangeStream* stream, httplib::Response* response) {
  absl::MutexLock lock(&streams_mu_);
  const auto held = token_streams_.find(stream->token);
  const int open = held == token_streams_.end() ? 0 : held->second;
  if (options_.max_streams_per_token > 0 && open >= options_.max_streams_per_token) {
    Send(ErrorReply(429, "RESOURCE_EXHAUSTED",
                    absl::StrCat("this token already has ", options_.max_streams_per_token,
                                 " change streams open, the most one token may hold "
                                 "(--max_streams_per_token); close one (each open "
                                 "dashboard page holds one) and try again")),
         response);
    return false;
  }
  if (stopping_ || static_cast<int>(streams_.size()) >= options_.max_streams) {
    Send(ErrorReply(503, "UNAVAILABLE",
                    absl::StrCat("too many change streams are open (", options_.max_streams,
                                 ", --max_streams); try again shortly")),
         response);
    return false;
  }
  streams_.insert(stream);
  ++token_streams_[stream->token];
  return true;
}

void WebServer::Impl::HandleChanges(const httplib::Request& request, httplib::Response* response) {
  absl::StatusOr<v1::WatchChangesRequest> parsed = WatchRequestOf(request);
  if (!parsed.ok()) {
    Send(InvalidFieldReply(parsed.status().message()), response);
    return;
  }
  const v1::WatchChangesRequest& watch = *parsed;
  const std::string token = BearerToken(request);
  auto stream = std::make_shared<ChangeStream>(token, options_.stream_buffer_bytes,
                                               options_.stream_stall_timeout);
  if (!TakeStreamPlace(stream.get(), response)) return;
  if (!token.empty()) AttachBearerToken(&stream->context, token);
  stream->stub = v1::AuditService::NewStub(stream_channels_.For(watch.service()));
  stream->reader = stream->stub->WatchChanges(&stream->context, watch);
  // The service sends its headers once it has admitted the subscription; a
  // refusal (no token, bad start...) comes without them, and becomes a
  // plain HTTP error here rather than an event.
  stream->reader->WaitForInitialMetadata();
  if (stream->context.GetServerInitialMetadata().count(kSubscribedHeader) == 0) {
    Send(ErrorReply(stream->reader->Finish()), response);
    Release(stream.get());
    return;
  }
  stream->thread = std::thread([s = stream.get()] { s->Run(); });

  response->set_header("Cache-Control", "no-store");
  response->set_chunked_content_provider(
      "text/event-stream",
      [stream, last_write = std::chrono::steady_clock::now()](size_t,
                                                              httplib::DataSink& sink) mutable {
        if (!stream->sent_open) {
          stream->sent_open = true;
          const std::string open = ": corridor change feed\n\n";
          return sink.write(open.data(), open.size());
        }
        std::string out;
        const std::optional<size_t> taken = stream->Take(kIdleCheck, &out);
        if (!taken.has_value()) {
          sink.done();
          return true;
        }
        const auto now = std::chrono::steady_clock::now();
        if (out.empty()) {
          // A client that left ends its stream (and frees its place) now,
          // not at the next write.
          if (!sink.is_writable()) return false;
          if (now - last_write < kKeepAlive) return true;  // httplib asks again
          out = ": keep-alive\n\n";
        }
        const bool written = sink.write(out.data(), out.size());
        last_write = now;
        stream->Written(*taken);
        return written;
      },
      [this, stream](bool) {
        stream->Cancel();
        if (stream->thread.joinable()) stream->thread.join();
        Release(stream.get());
      });
}

void WebServer::Impl::Release(ChangeStream* stream) {
  absl::MutexLock lock(&streams_mu_);
  streams_.erase(stream);
  auto it = token_streams_.find(stream->token);
  if (it != token_streams_.end() && --it->second <= 0) token_streams_.erase(it);
}

void WebServer::Impl::HandleExport(const httplib::Request& request, httplib::Response* response) {
  // Whole exports page through every record: far longer than one call.
  constexpr absl::Duration kExportCallTimeout = absl::Minutes(5);
  std::map<std::string, std::string> params(request.params.begin(), request.params.end());
  Send(ExportDownload(request.matches[1].str(), std::move(params), BearerToken(request), channels_,
                      kExportCallTimeout),
       response);
}

void WebServer::Impl::RegisterRoutes() {
  const std::string rpc_path = R"(/api/v1/(\w+)/(\w+))";  // <Service>/<Method>
  server_.Get("/healthz", [](const httplib::Request&, httplib::Response& response) {
    response.set_content("ok\n", "text/plain");
  });
  server_.Get("/api/v1/enums", [this](const httplib::Request&, httplib::Response& response) {
    response.set_content(gateway_.EnumsJson(), kJson);
  });
  server_.Get("/api/v1/openapi.json", [this](const httplib::Request&, httplib::Response& response) {
    response.set_content(gateway_.OpenApi(), kJson);
  });
  server_.Post(rpc_path, [this](const httplib::Request& request, httplib::Response& response) {
    HandleCall(request, &response);
  });
  server_.Get("/api/v1/changes",
              [this](const httplib::Request& request, httplib::Response& response) {
                HandleChanges(request, &response);
              });
  server_.Get(R"(/api/v1/export/(\w+))",
              [this](const httplib::Request& request, httplib::Response& response) {
                HandleExport(request, &response);
              });
  // An RPC's path with another method: 405, saying how to call it.
  const httplib::Server::Handler post_only = [](const httplib::Request& request,
                                                httplib::Response& response) {
    HttpReply reply =
        ErrorReply(405, "UNIMPLEMENTED",
                   absl::StrCat("RPCs are called with POST and a JSON body (Content-Type: "
                                "application/json), e.g. POST ",
                                absl::CHexEscape(request.path.substr(0, 200)), "; not ",
                                absl::CHexEscape(request.method.substr(0, 16))));
    reply.headers["Allow"] = "POST";
    Send(reply, &response);
  };
  server_.Get(rpc_path, post_only);
  server_.Put(rpc_path, post_only);
  server_.Patch(rpc_path, post_only);
  server_.Delete(rpc_path, post_only);
}

absl::Status WebServer::Impl::Start() {
  // Small JSON replies would otherwise wait for the client's delayed ACK
  // (about 40 ms each).
  server_.set_tcp_nodelay(true);
  // cpp-httplib closes a connection after 5 requests by default, and each
  // new one costs a handshake and a thread hand-off; the dashboard makes
  // several calls per view. A connection still gives its thread back
  // after 5 idle seconds.
  server_.set_keep_alive_max_count(kKeepAliveRequests);
  server_.new_task_queue = [this] {
    // Change streams hold a thread each; leave room for calls beside them.
    return new httplib::ThreadPool(options_.max_streams + 16);
  };
  server_.SetDefaultHeaders({
      // Nothing is loaded from anywhere but this server.
      {"Content-Security-Policy",
       "default-src 'self'; img-src 'self' data:; style-src 'self'; frame-ancestors 'none'"},
      {"X-Content-Type-Options", "nosniff"},
      {"Referrer-Policy", "no-referrer"},
  });
  if (!options_.assets_dir.empty() && !server_.set_mount_point("/", options_.assets_dir)) {
    return absl::NotFoundError(
        absl::StrCat("the dashboard's files are not at ", options_.assets_dir,
                     "; build them with scripts/build.sh, or point --assets at the built folder"));
  }
  RegisterRoutes();
  server_.set_logger([](const httplib::Request& request, const httplib::Response& response) {
    // One line per call: never the headers (they hold the token), and the
    // path escaped (httplib has decoded it: %0A would end the line).
    if (request.path == "/healthz") return;
    CORRIDOR_LOG(INFO) << "http " << absl::CHexEscape(request.method) << " "
                       << absl::CHexEscape(request.path) << " " << response.status;
  });

  const size_t colon = options_.listen_address.rfind(':');
  int wanted = 0;
  if (colon == std::string::npos ||
      !absl::SimpleAtoi(options_.listen_address.substr(colon + 1), &wanted)) {
    return absl::InvalidArgumentError(absl::StrCat("--listen: \"", options_.listen_address,
                                                   "\" is not host:port, e.g. 127.0.0.1:7480"));
  }
  const std::string host = options_.listen_address.substr(0, colon);
  port_ = server_.Bind(host, wanted);
  if (port_ <= 0) {
    return absl::UnavailableError(absl::StrCat("cannot listen on ", options_.listen_address,
                                               ": the port is taken or the address is not "
                                               "this machine's; choose another with --listen"));
  }
  listener_ = std::thread([this] { server_.listen_after_bind(); });
  return absl::OkStatus();
}

void WebServer::Impl::Stop() {
  if (stopping_.exchange(true)) return;
  {
    absl::MutexLock lock(&streams_mu_);
    for (ChangeStream* stream : streams_) stream->Cancel();
  }
  server_.stop();
  if (listener_.joinable()) listener_.join();
}

absl::StatusOr<std::unique_ptr<WebServer>> WebServer::Start(const WebOptions& options) {
  std::shared_ptr<grpc::ChannelCredentials> credentials = options.channel_credentials;
  if (credentials == nullptr) credentials = grpc::InsecureChannelCredentials();
  WebOptions with_credentials = options;
  with_credentials.channel_credentials = credentials;
  auto impl = std::make_unique<Impl>(with_credentials);
  if (absl::Status s = impl->SetServers(); !s.ok()) return s;
  if (absl::Status s = impl->Start(); !s.ok()) return s;
  return std::unique_ptr<WebServer>(new WebServer(std::move(impl)));
}

WebServer::WebServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
WebServer::~WebServer() { impl_->Stop(); }
int WebServer::port() const { return impl_->port(); }
void WebServer::Stop() { impl_->Stop(); }

}  // namespace corridor::web
