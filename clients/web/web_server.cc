#include "clients/web/web_server.h"

#include <atomic>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "clients/corridorctl/commands.h"
#include "clients/corridorctl/exchange_commands.h"
#include "clients/corridorctl/session.h"
#include "common/credentials.h"
#include "common/log.h"
#include "corridor/v1/audit.grpc.pb.h"
#include "google/protobuf/util/json_util.h"
#include "grpcpp/create_channel.h"
#include "httplib.h"

namespace corridor::web {
namespace {

constexpr char kJson[] = "application/json";
// An idle change stream sends a comment this often, so that a client that
// left is noticed and its stream ended.
constexpr auto kKeepAlive = std::chrono::seconds(15);
// The header AuditService::WatchChanges sends once a subscription is admitted.
constexpr char kSubscribedHeader[] = "corridor-subscribed";

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

// One WatchChanges call relayed as server-sent events. A thread reads the
// gRPC stream into `events`; the HTTP side writes them out, with keep-alive
// comments while idle.
struct ChangeStream {
  grpc::ClientContext context;
  std::unique_ptr<v1::AuditService::Stub> stub;
  std::unique_ptr<grpc::ClientReader<v1::Change>> reader;
  std::thread thread;

  std::mutex mu;
  std::condition_variable ready;
  std::deque<std::string> events;  // guarded by mu
  bool finished = false;           // guarded by mu
  bool sent_open = false;          // touched by the HTTP side only

  // Reads the stream once it has been admitted (see HandleChanges).
  void Run() {
    Push("event: ready\ndata: {}\n\n");
    google::protobuf::util::JsonPrintOptions print;
    print.preserve_proto_field_names = true;
    v1::Change change;
    while (reader->Read(&change)) {
      std::string json;
      if (!google::protobuf::util::MessageToJsonString(change, &json, print).ok()) continue;
      Push(absl::StrCat("id: ", change.index(), "\nevent: change\ndata: ", json, "\n\n"));
    }
    const grpc::Status status = reader->Finish();
    std::lock_guard<std::mutex> lock(mu);
    if (status.error_code() != grpc::StatusCode::CANCELLED) {
      events.push_back(absl::StrCat("event: end\ndata: ", ErrorReply(status).body, "\n\n"));
    }
    finished = true;
    ready.notify_all();
  }

  void Push(std::string event) {
    if (event.empty()) return;
    std::lock_guard<std::mutex> lock(mu);
    events.push_back(std::move(event));
    ready.notify_all();
  }
};

}  // namespace

class WebServer::Impl {
 public:
  explicit Impl(const WebOptions& options)
      : options_(options),
        channels_(options.target, options.channel_credentials),
        gateway_(&channels_, options.call_timeout) {}

  absl::Status SetServers() { return channels_.SetAddresses(options_.servers); }

  absl::Status Start();
  void Stop();
  int port() const { return port_; }

 private:
  void HandleCall(const httplib::Request& request, httplib::Response* response);
  void HandleChanges(const httplib::Request& request, httplib::Response* response);
  void HandleExport(const httplib::Request& request, httplib::Response* response);

  WebOptions options_;
  ServiceChannels channels_;
  Gateway gateway_;
  httplib::Server server_;
  std::thread listener_;
  int port_ = 0;

  std::mutex streams_mu_;
  std::set<ChangeStream*> streams_;  // guarded by streams_mu_
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

void WebServer::Impl::HandleChanges(const httplib::Request& request, httplib::Response* response) {
  v1::WatchChangesRequest watch;
  watch.set_service(request.get_param_value("service"));
  if (watch.service().empty()) {
    Send(ErrorReply(400, "INVALID_ARGUMENT",
                    "service: name the service to follow, e.g. ?service=routes"),
         response);
    return;
  }
  if (request.has_param("start")) {
    uint64_t start = 0;
    if (!absl::SimpleAtoi(request.get_param_value("start"), &start)) {
      Send(ErrorReply(400, "INVALID_ARGUMENT",
                      "start: must be a journal index (0 or more), e.g. ?start=120"),
           response);
      return;
    }
    watch.set_start(start);
  }
  watch.set_from_end(request.get_param_value("from_end") == "1");
  for (absl::string_view table :
       absl::StrSplit(request.get_param_value("tables"), ',', absl::SkipEmpty())) {
    watch.add_tables(std::string(table));
  }

  auto stream = std::make_shared<ChangeStream>();
  {
    std::lock_guard<std::mutex> lock(streams_mu_);
    if (stopping_ || static_cast<int>(streams_.size()) >= options_.max_streams) {
      Send(ErrorReply(503, "UNAVAILABLE",
                      absl::StrCat("too many change streams are open (", options_.max_streams,
                                   "); try again shortly")),
           response);
      return;
    }
    streams_.insert(stream.get());
  }
  if (const std::string token = BearerToken(request); !token.empty()) {
    AttachBearerToken(&stream->context, token);
  }
  stream->stub = v1::AuditService::NewStub(channels_.For(watch.service()));
  stream->reader = stream->stub->WatchChanges(&stream->context, watch);
  // The service sends its headers once it has admitted the subscription; a
  // refusal (no token, bad start...) comes without them, and becomes a
  // plain HTTP error here rather than an event.
  stream->reader->WaitForInitialMetadata();
  if (stream->context.GetServerInitialMetadata().count(kSubscribedHeader) == 0) {
    Send(ErrorReply(stream->reader->Finish()), response);
    std::lock_guard<std::mutex> lock(streams_mu_);
    streams_.erase(stream.get());
    return;
  }
  stream->thread = std::thread([s = stream.get()] { s->Run(); });

  response->set_header("Cache-Control", "no-store");
  response->set_chunked_content_provider(
      "text/event-stream",
      [stream](size_t, httplib::DataSink& sink) {
        std::unique_lock<std::mutex> lock(stream->mu);
        if (!stream->sent_open) {
          stream->sent_open = true;
          lock.unlock();
          const std::string open = ": corridor change feed\n\n";
          return sink.write(open.data(), open.size());
        }
        stream->ready.wait_for(lock, kKeepAlive,
                               [&] { return !stream->events.empty() || stream->finished; });
        if (stream->events.empty() && stream->finished) {
          sink.done();
          return true;
        }
        std::string out;
        while (!stream->events.empty()) {
          out += stream->events.front();
          stream->events.pop_front();
        }
        lock.unlock();
        if (out.empty()) out = ": keep-alive\n\n";
        return sink.write(out.data(), out.size());
      },
      [this, stream](bool) {
        stream->context.TryCancel();
        if (stream->thread.joinable()) stream->thread.join();
        std::lock_guard<std::mutex> lock(streams_mu_);
        streams_.erase(stream.get());
      });
}

void WebServer::Impl::HandleExport(const httplib::Request& request, httplib::Response* response) {
  const std::string kind = request.matches[1].str();
  std::map<std::string, std::string> flags;
  for (const auto& [name, value] : request.params) {
    if (name == "out") {
      Send(ErrorReply(400, "INVALID_ARGUMENT",
                      "out: exports are downloaded, never written on "
                      "the server"),
           response);
      return;
    }
    flags[name] = value;
  }
  const std::string format = flags.count("format") ? absl::AsciiStrToLower(flags["format"]) : "csv";
  std::ostringstream out, err;
  cli::Session session(options_.target, cli::OutputFormat::kTable, absl::Minutes(5),
                       BearerToken(request), options_.channel_credentials, out, err);
  (void)session.SetServiceAddresses(options_.servers);  // checked at start
  cli::Flags parsed(std::move(flags));
  const int code = cli::RunExportCommand(session, parsed, kind, {});
  if (code != cli::kExitOk) {
    // corridorctl's own words, without its program name.
    std::string message(absl::StripAsciiWhitespace(err.str()));
    if (absl::StartsWith(message, "corridorctl: ")) message = message.substr(13);
    const int http = code == cli::kExitUsage || code == cli::kExitRejected ? 400
                     : code == cli::kExitDenied                            ? 403
                     : code == cli::kExitNotFound                          ? 404
                     : code == cli::kExitUnavailable                       ? 503
                                                                           : 500;
    Send(ErrorReply(http, http == 400 ? "INVALID_ARGUMENT" : "FAILED", message), response);
    return;
  }
  const std::string extension = format == "geojson" ? "geojson" : "csv";
  response->set_header("Content-Disposition",
                       absl::StrCat("attachment; filename=\"corridor-", kind,
                                    format == "hxl" ? "-hxl" : "", ".", extension, "\""));
  response->set_content(out.str(), format == "geojson" ? "application/geo+json" : "text/csv");
}

absl::Status WebServer::Impl::Start() {
  // Small JSON replies would otherwise wait for the client's delayed ACK
  // (about 40 ms each).
  server_.set_tcp_nodelay(true);
  server_.new_task_queue = [this] {
    // Change streams hold a thread each; leave room for calls beside them.
    return new httplib::ThreadPool(options_.max_streams + 16);
  };
  server_.set_default_headers({
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
  server_.Get("/healthz", [](const httplib::Request&, httplib::Response& response) {
    response.set_content("ok\n", "text/plain");
  });
  server_.Get("/api/v1/enums", [this](const httplib::Request&, httplib::Response& response) {
    response.set_content(gateway_.EnumsJson(), kJson);
  });
  server_.Post(R"(/api/v1/(\w+)/(\w+))",
               [this](const httplib::Request& request, httplib::Response& response) {
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
  server_.set_logger([](const httplib::Request& request, const httplib::Response& response) {
    // One line per call: never the headers (they hold the token).
    if (request.path == "/healthz") return;
    CORRIDOR_LOG(INFO) << "http " << request.method << " " << request.path << " "
                       << response.status;
  });

  const size_t colon = options_.listen_address.rfind(':');
  int wanted = 0;
  if (colon == std::string::npos ||
      !absl::SimpleAtoi(options_.listen_address.substr(colon + 1), &wanted)) {
    return absl::InvalidArgumentError(absl::StrCat("--listen: \"", options_.listen_address,
                                                   "\" is not host:port, e.g. 127.0.0.1:7480"));
  }
  const std::string host = options_.listen_address.substr(0, colon);
  if (wanted == 0) {
    port_ = server_.bind_to_any_port(host);
  } else if (server_.bind_to_port(host, wanted)) {
    port_ = wanted;
  } else {
    port_ = -1;
  }
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
    std::lock_guard<std::mutex> lock(streams_mu_);
    for (ChangeStream* stream : streams_) stream->context.TryCancel();
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
