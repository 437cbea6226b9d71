#include "common/metrics.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <map>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/strip.h"
#include "common/log.h"
#include "google/protobuf/descriptor.h"
#include "grpcpp/server_context.h"

namespace corridor {
namespace {

constexpr int kCodes = 17;  // grpc::StatusCode OK .. UNAUTHENTICATED

std::string LabelText(const MetricLabels& labels) {
  if (labels.empty()) return "";
  std::string out = "{";
  for (size_t i = 0; i < labels.size(); ++i) {
    if (i > 0) out += ",";
    absl::StrAppend(&out, labels[i].first, "=\"");
    for (char c : labels[i].second) {
      if (c == '\\' || c == '"') out += '\\';
      if (c == '\n') {
        out += "\\n";
        continue;
      }
      out += c;
    }
    out += "\"";
  }
  return out + "}";
}

std::string CodeName(int code) {
  return absl::StatusCodeToString(static_cast<absl::StatusCode>(code));
}

// A call's outcome is the server's fault, not the caller's.
bool IsServerError(int code) {
  switch (static_cast<absl::StatusCode>(code)) {
    case absl::StatusCode::kUnknown:
    case absl::StatusCode::kInternal:
    case absl::StatusCode::kDataLoss:
    case absl::StatusCode::kUnavailable:
    case absl::StatusCode::kUnimplemented:
      return true;
    default:
      return false;
  }
}

}  // namespace

void MetricsText::Family(absl::string_view name, absl::string_view type, absl::string_view help) {
  if (index_.contains(name)) return;
  index_[name] = families_.size();
  families_.push_back(
      {absl::StrCat("# HELP ", name, " ", help, "\n# TYPE ", name, " ", type, "\n"), ""});
}

void MetricsText::Sample(absl::string_view name, const MetricLabels& labels, double value) {
  // Histogram samples (_bucket, _sum, _count) belong to their family.
  absl::string_view family = name;
  for (absl::string_view suffix : {"_bucket", "_sum", "_count"}) {
    if (!index_.contains(family) && absl::EndsWith(name, suffix)) {
      family = absl::StripSuffix(name, suffix);
    }
  }
  auto it = index_.find(family);
  if (it == index_.end()) {
    index_[family] = families_.size();
    families_.push_back({"", ""});
    it = index_.find(family);
  }
  absl::StrAppend(&families_[it->second].samples, name, LabelText(labels), " ",
                  absl::StrFormat("%.15g", value), "\n");
}

std::string MetricsText::Release() {
  std::string out;
  for (const FamilyText& family : families_) absl::StrAppend(&out, family.header, family.samples);
  families_.clear();
  index_.clear();
  return out;
}

void MetricsText::Gauge(absl::string_view name, absl::string_view help, const MetricLabels& labels,
                        double value) {
  Family(name, "gauge", help);
  Sample(name, labels, value);
}

void MetricsText::Counter(absl::string_view name, absl::string_view help,
                          const MetricLabels& labels, double value) {
  Family(name, "counter", help);
  Sample(name, labels, value);
}

struct RpcMetrics::Method {
  std::atomic<bool> unary{true};
  std::array<std::atomic<uint64_t>, kCodes> calls{};
  std::array<std::atomic<uint64_t>, kBucketSeconds.size() + 1> buckets{};  // last: +Inf
  std::atomic<uint64_t> latency_micros_sum{0};
  std::atomic<int64_t> open_streams{0};
};

RpcMetrics::RpcMetrics() = default;
RpcMetrics::~RpcMetrics() = default;

RpcMetrics::Method* RpcMetrics::Find(absl::string_view method) {
  {
    absl::ReaderMutexLock lock(&mu_);
    auto it = methods_.find(method);
    if (it != methods_.end()) return it->second.get();
  }
  absl::MutexLock lock(&mu_);
  if (methods_.size() >= kMaxMethods && !methods_.contains(method)) method = kUnknownMethod;
  std::unique_ptr<Method>& slot = methods_[method];
  if (slot == nullptr) slot = std::make_unique<Method>();
  return slot.get();
}

void RpcMetrics::Record(absl::string_view method, bool unary, int code, absl::Duration latency) {
  Method* m = Find(method);
  m->unary = unary;
  m->calls[std::clamp(code, 0, kCodes - 1)].fetch_add(1, std::memory_order_relaxed);
  if (!unary) return;  // a stream's lifetime is not a latency
  const double seconds = absl::ToDoubleSeconds(latency);
  size_t bucket = 0;
  while (bucket < kBucketSeconds.size() && seconds > kBucketSeconds[bucket]) ++bucket;
  m->buckets[bucket].fetch_add(1, std::memory_order_relaxed);
  m->latency_micros_sum.fetch_add(absl::ToInt64Microseconds(latency), std::memory_order_relaxed);
}

void RpcMetrics::StreamOpened(absl::string_view method) {
  Method* m = Find(method);
  m->unary = false;
  m->open_streams.fetch_add(1, std::memory_order_relaxed);
}

void RpcMetrics::StreamClosed(absl::string_view method) {
  Find(method)->open_streams.fetch_sub(1, std::memory_order_relaxed);
}

void RpcMetrics::Write(MetricsText* text) const {
  // Sorted, so that an exposition reads the same from one scrape to the next.
  std::map<std::string, const Method*> sorted;
  {
    absl::ReaderMutexLock lock(&mu_);
    for (const auto& [name, method] : methods_) sorted[name] = method.get();
  }
  text->Family("corridor_rpc_requests_total", "counter",
               "Calls finished, by method and gRPC status code.");
  for (const auto& [name, m] : sorted) {
    for (int code = 0; code < kCodes; ++code) {
      const uint64_t calls = m->calls[code].load(std::memory_order_relaxed);
      if (calls == 0) continue;
      text->Sample("corridor_rpc_requests_total", {{"method", name}, {"code", CodeName(code)}},
                   static_cast<double>(calls));
    }
  }
  text->Family("corridor_rpc_latency_seconds", "histogram",
               "Time from receiving a unary call to sending its status.");
  for (const auto& [name, m] : sorted) {
    if (!m->unary) continue;
    uint64_t cumulative = 0;
    for (size_t i = 0; i <= kBucketSeconds.size(); ++i) {
      cumulative += m->buckets[i].load(std::memory_order_relaxed);
      const std::string le =
          i < kBucketSeconds.size() ? absl::StrFormat("%g", kBucketSeconds[i]) : "+Inf";
      text->Sample("corridor_rpc_latency_seconds_bucket", {{"method", name}, {"le", le}},
                   static_cast<double>(cumulative));
    }
    text->Sample("corridor_rpc_latency_seconds_sum", {{"method", name}},
                 m->latency_micros_sum.load(std::memory_order_relaxed) / 1e6);
    text->Sample("corridor_rpc_latency_seconds_count", {{"method", name}},
                 static_cast<double>(cumulative));
  }
  text->Family("corridor_rpc_streams_open", "gauge", "Server streams open now, by method.");
  for (const auto& [name, m] : sorted) {
    if (m->unary) continue;
    text->Sample("corridor_rpc_streams_open", {{"method", name}},
                 static_cast<double>(m->open_streams.load(std::memory_order_relaxed)));
  }
}

bool ParseRpcLogging(absl::string_view text, RpcLogging* out) {
  if (text == "all")
    *out = RpcLogging::kAll;
  else if (text == "errors")
    *out = RpcLogging::kErrors;
  else if (text == "none")
    *out = RpcLogging::kNone;
  else
    return false;
  return true;
}

namespace {

using grpc::experimental::InterceptionHookPoints;

// The streams any caller may open without a token.
constexpr char kHealthWatch[] = "/grpc.health.v1.Health/Watch";
constexpr char kReflection[] = "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo";

// gRPC refuses a request it cannot read (no message where one was due,
// bytes that are not the method's message) with INTERNAL, before any
// handler runs: the caller's mistake, not the server's, and every
// Corridor error of its own carries words of its own.
bool IsUnreadableRequest(const grpc::Status& status) {
  if (status.error_code() != grpc::StatusCode::INTERNAL) return false;
  const std::string& message = status.error_message();
  return message.empty() || message == "Couldn't initialize byte buffer reader" ||
         message == "could not parse request";
}

class ObservingInterceptor final : public grpc::experimental::Interceptor {
 public:
  // `method` must outlive the interceptor. The caller's address is read
  // from `context` (if set) while the call is live.
  // `open_count`, if set, counts this call while it lives; `refuse` ends
  // the call as soon as it is bound to `context`.
  ObservingInterceptor(RpcMetrics* metrics, RpcLogging logging, absl::string_view method,
                       bool unary, grpc::ServerContextBase* context, bool logged,
                       std::atomic<int>* open_count, bool refuse)
      : metrics_(metrics),
        logging_(logging),
        method_(method),
        unary_(unary),
        context_(context),
        logged_(logged),
        open_count_(open_count),
        refuse_(refuse),
        start_(absl::Now()) {
    if (!unary_ && metrics_ != nullptr) metrics_->StreamOpened(method_);
  }

  ~ObservingInterceptor() override {
    // A call cancelled by its client never sends a status.
    if (!finished_) Finish(static_cast<int>(grpc::StatusCode::CANCELLED));
    if (!unary_ && metrics_ != nullptr) metrics_->StreamClosed(method_);
    if (open_count_ != nullptr) open_count_->fetch_sub(1);
  }

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    // The peer is known once the call's metadata has arrived (not yet when
    // the interceptor is made).
    const bool received =
        methods->QueryInterceptionHookPoint(InterceptionHookPoints::POST_RECV_INITIAL_METADATA);
    if (context_ != nullptr && logged_ && peer_.empty() &&
        (received || methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_STATUS))) {
      peer_ = context_->peer();
    }
    if (refuse_ && received && context_ != nullptr) context_->TryCancel();
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_STATUS)) {
      grpc::Status status = methods->GetSendStatus();
      if (IsUnreadableRequest(status)) {
        status = grpc::Status(
            grpc::StatusCode::INVALID_ARGUMENT,
            "the request could not be parsed: it carried no message, or bytes that are not a "
            "valid message of this method's request type. Generate the client from the "
            "published .proto files (proto/corridor/v1) and send the method's request message");
        methods->ModifySendStatus(status);
      }
      Finish(static_cast<int>(status.error_code()));
    }
    methods->Proceed();
  }

 private:
  void Finish(int code) {
    finished_ = true;
    const absl::Duration latency = absl::Now() - start_;
    if (metrics_ != nullptr) metrics_->Record(method_, unary_, code, latency);
    // Health probes and reflection would drown the log.
    if (!absl::StartsWith(method_, "/corridor.")) return;
    const bool server_error = IsServerError(code);
    if (logging_ == RpcLogging::kNone || (logging_ == RpcLogging::kErrors && code == 0)) {
      return;
    }
    // "/corridor.v1.AreaService/GetArea" -> "AreaService", "GetArea".
    absl::string_view name = absl::StripPrefix(method_, "/corridor.v1.");
    const size_t slash = name.find('/');
    const absl::string_view service = name.substr(0, slash);
    const absl::string_view rpc = slash == absl::string_view::npos ? "" : name.substr(slash + 1);
    const std::string line =
        absl::StrFormat("rpc service=%s method=%s code=%s latency_ms=%.3f peer=%s", service, rpc,
                        CodeName(code), absl::ToDoubleMilliseconds(latency), peer_);
    if (server_error) {
      CORRIDOR_LOG(WARNING) << line;
    } else {
      CORRIDOR_LOG(INFO) << line;
    }
  }

  RpcMetrics* metrics_;
  RpcLogging logging_;
  // One of the factory's known names, or kUnknownMethod: never gRPC's own
  // string, which for a method the server does not have is freed with the
  // call, before this interceptor is destroyed.
  absl::string_view method_;
  bool unary_;
  // The caller's network address: kept in the operator's log, never in
  // records or journal entries, which partners read.
  grpc::ServerContextBase* context_;
  bool logged_;
  std::string peer_;
  std::atomic<int>* open_count_;
  bool refuse_;
  absl::Time start_;
  bool finished_ = false;
};

class ObservingFactory final : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  ObservingFactory(RpcMetrics* metrics, RpcLogging logging,
                   const std::vector<std::string>& known_methods)
      : metrics_(metrics), logging_(logging), known_(known_methods.begin(), known_methods.end()) {}

  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override {
    absl::string_view method = RpcMetrics::kUnknownMethod;
    if (info->method() != nullptr) {
      auto it = known_.find(absl::string_view(info->method()));
      if (it != known_.end()) method = *it;
    }
    const bool logged = logging_ != RpcLogging::kNone && method != RpcMetrics::kUnknownMethod;
    std::atomic<int>* open_count = nullptr;
    bool refuse = false;
    if (method == kReflection || method == kHealthWatch) {
      // Open to every caller, token or not, and each reflection stream
      // holds a server thread: past the cap, new ones end at once.
      open_count = &open_without_token_;
      refuse = open_count->fetch_add(1) >= kMaxOpenStreamsWithoutToken;
    }
    return new ObservingInterceptor(
        metrics_, logging_, method, info->type() == grpc::experimental::ServerRpcInfo::Type::UNARY,
        info->server_context(), logged, open_count, refuse);
  }

 private:
  RpcMetrics* metrics_;
  RpcLogging logging_;
  // Never changes after construction, so views of its strings stay valid.
  const absl::flat_hash_set<std::string> known_;
  std::atomic<int> open_without_token_{0};
};

}  // namespace

std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface> ObserveRpcs(
    RpcMetrics* metrics, RpcLogging logging, const std::vector<std::string>& known_methods) {
  return std::make_unique<ObservingFactory>(metrics, logging, known_methods);
}

std::vector<std::string> MethodsOfServices(const std::vector<std::string>& service_full_names) {
  std::vector<std::string> methods = {"/grpc.health.v1.Health/Check", kHealthWatch, kReflection};
  const google::protobuf::DescriptorPool* pool = google::protobuf::DescriptorPool::generated_pool();
  for (const std::string& name : service_full_names) {
    const google::protobuf::ServiceDescriptor* service = pool->FindServiceByName(name);
    if (service == nullptr) continue;
    for (int i = 0; i < service->method_count(); ++i) {
      methods.push_back(absl::StrCat("/", name, "/", service->method(i)->name()));
    }
  }
  return methods;
}

uint64_t ResidentMemoryBytes() {
  FILE* statm = std::fopen("/proc/self/statm", "r");
  if (statm == nullptr) return 0;
  unsigned long long size = 0, resident = 0;
  const int read = std::fscanf(statm, "%llu %llu", &size, &resident);
  std::fclose(statm);
  if (read != 2) return 0;
  return resident * static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
}

}  // namespace corridor
