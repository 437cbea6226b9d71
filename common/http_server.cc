#include "common/http_server.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/log.h"

namespace corridor {
namespace {

using Clock = std::chrono::steady_clock;

Clock::time_point After(absl::Duration duration) {
  return Clock::now() + absl::ToChronoNanoseconds(duration);
}

Clock::time_point After(time_t seconds, time_t microseconds) {
  return Clock::now() + std::chrono::seconds(seconds) + std::chrono::microseconds(microseconds);
}

// Reads and writes one accepted socket against deadlines. Every wait is cut
// into short polls, so that a server being stopped is noticed at once.
class SocketIo {
 public:
  SocketIo(socket_t sock, const std::atomic<socket_t>* listening)
      : sock_(sock), listening_(listening) {}

  socket_t sock() const { return sock_; }

  // True once `events` (POLLIN or POLLOUT) are ready, or the socket is in
  // error (the next read or write says which); false at `deadline` or when
  // the server stops.
  bool Wait(short events, Clock::time_point deadline) const {
    for (;;) {
      if (*listening_ == INVALID_SOCKET) return false;
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
      if (left.count() <= 0) return false;
      pollfd fd{sock_, events, 0};
      const int ready = ::poll(&fd, 1, static_cast<int>(std::min<int64_t>(left.count() + 1, 200)));
      if (ready > 0) return true;
      if (ready < 0 && errno != EINTR) return false;
    }
  }

  // Whether the peer has closed (or half-closed) the connection, or it is
  // in error; without waiting.
  bool PeerClosed() const {
    pollfd fd{sock_, POLLRDHUP, 0};
    return ::poll(&fd, 1, 0) > 0 && (fd.revents & (POLLRDHUP | POLLHUP | POLLERR)) != 0;
  }

  // Up to `size` bytes: the count read, 0 once the peer has closed, -1 at
  // the deadline or on an error.
  ssize_t Read(char* data, size_t size, Clock::time_point deadline) const {
    for (;;) {
      const ssize_t n = ::recv(sock_, data, size, MSG_DONTWAIT);
      if (n >= 0) return n;
      if (errno == EINTR) continue;
      if (errno != EAGAIN && errno != EWOULDBLOCK) return -1;
      if (!Wait(POLLIN, deadline)) return -1;
    }
  }

  // Some of `data`, once the socket takes any: the count written, -1 at the
  // deadline or on an error.
  ssize_t Write(const char* data, size_t size, Clock::time_point deadline) const {
    for (;;) {
      const ssize_t n = ::send(sock_, data, size, MSG_DONTWAIT | MSG_NOSIGNAL);
      if (n >= 0) return n;
      if (errno == EINTR) continue;
      if (errno != EAGAIN && errno != EWOULDBLOCK) return -1;
      if (!Wait(POLLOUT, deadline)) return -1;
    }
  }

  bool WriteAll(absl::string_view data, Clock::time_point deadline) const {
    while (!data.empty()) {
      const ssize_t n = Write(data.data(), data.size(), deadline);
      if (n < 0) return false;
      data.remove_prefix(static_cast<size_t>(n));
    }
    return true;
  }

 private:
  socket_t sock_;
  const std::atomic<socket_t>* listening_;
};

// Both ends of a connection, as httplib gives them to a handler: looked up
// once per connection rather than once per request.
struct Endpoints {
  std::string remote_ip;
  int remote_port = 0;
  std::string local_ip;
  int local_port = 0;
};

void AddressOf(const sockaddr_storage& address, socklen_t length, std::string* ip, int* port) {
  char host[NI_MAXHOST] = {};
  char service[NI_MAXSERV] = {};
  if (::getnameinfo(reinterpret_cast<const sockaddr*>(&address), length, host, sizeof(host),
                    service, sizeof(service), NI_NUMERICHOST | NI_NUMERICSERV) == 0) {
    *ip = host;
    *port = std::atoi(service);
  }
}

Endpoints EndpointsOf(socket_t sock) {
  Endpoints ends;
  sockaddr_storage address{};
  socklen_t length = sizeof(address);
  if (::getpeername(sock, reinterpret_cast<sockaddr*>(&address), &length) == 0) {
    AddressOf(address, length, &ends.remote_ip, &ends.remote_port);
  }
  length = sizeof(address);
  if (::getsockname(sock, reinterpret_cast<sockaddr*>(&address), &length) == 0) {
    AddressOf(address, length, &ends.local_ip, &ends.local_port);
  }
  return ends;
}

// What httplib reads of one request: the header block already received,
// then no more of the body than its Content-Length, from the bytes read
// past the headers first and the socket after.
//
// And what it writes of the response. httplib writes the status line and
// headers in one call and the body in the next: the first is held and
// leaves with the second, in one send (a small reply is one TCP segment,
// and its client wakes once). Anything else httplib does first sends what
// is held, so that an interim "100 Continue" goes out before the body is
// read and a stream's headers before it waits for events; Finish sends it
// for a reply without a body.
class RequestStream final : public httplib::Stream {
 public:
  RequestStream(const SocketIo* io, const Endpoints* ends, std::string head, std::string* unread,
                size_t body_bytes, absl::Duration read_timeout, absl::Duration write_timeout)
      : io_(io),
        ends_(ends),
        head_(std::move(head)),
        unread_(unread),
        body_left_(body_bytes),
        read_timeout_(read_timeout),
        write_timeout_(write_timeout) {}

  // Whether httplib read the whole body: if not, what is left of it must
  // not be taken for the next request.
  bool BodyRead() const { return body_left_ == 0; }

  // Sends what is held; false if it could not be.
  bool Finish() const {
    if (held_.empty()) return true;
    const bool sent = io_->WriteAll(held_, After(write_timeout_));
    held_.clear();
    return sent;
  }

  bool is_readable() const override {
    if (!Finish()) return false;
    if (head_read_ < head_.size()) return true;
    if (body_left_ == 0) return false;
    return !unread_->empty() || io_->Wait(POLLIN, After(read_timeout_));
  }

  // False once the client has closed its side: nothing written would be
  // read (a streaming handler learns that its client left).
  bool is_writable() const override {
    return Finish() && !io_->PeerClosed() && io_->Wait(POLLOUT, After(write_timeout_));
  }

  ssize_t read(char* ptr, size_t size) override {
    if (!Finish()) return -1;
    if (head_read_ < head_.size()) {
      const size_t n = std::min(size, head_.size() - head_read_);
      std::memcpy(ptr, head_.data() + head_read_, n);
      head_read_ += n;
      return static_cast<ssize_t>(n);
    }
    size = std::min(size, body_left_);
    if (size == 0) return 0;
    ssize_t n = 0;
    if (!unread_->empty()) {
      n = static_cast<ssize_t>(std::min(size, unread_->size()));
      std::memcpy(ptr, unread_->data(), static_cast<size_t>(n));
      unread_->erase(0, static_cast<size_t>(n));
    } else {
      n = io_->Read(ptr, size, After(read_timeout_));
    }
    if (n > 0) body_left_ -= static_cast<size_t>(n);
    return n;
  }

  // Writes all of `size` bytes or fails (-1): httplib does not always
  // write again after a short write.
  ssize_t write(const char* ptr, size_t size) override {
    const absl::string_view data(ptr, size);
    if (!wrote_) {
      wrote_ = true;
      if (size <= kMaxHeld) {
        held_.assign(data.data(), data.size());
        return static_cast<ssize_t>(size);
      }
    }
    bool sent;
    if (!held_.empty() && size <= kMaxHeld) {
      held_.append(data.data(), data.size());
      sent = Finish();
    } else {
      sent = Finish() && io_->WriteAll(data, After(write_timeout_));
    }
    return sent ? static_cast<ssize_t>(size) : -1;
  }

  void get_remote_ip_and_port(std::string& ip, int& port) const override {
    ip = ends_->remote_ip;
    port = ends_->remote_port;
  }

  void get_local_ip_and_port(std::string& ip, int& port) const override {
    ip = ends_->local_ip;
    port = ends_->local_port;
  }

  socket_t socket() const override { return io_->sock(); }

 private:
  // A body larger than this is sent on its own, rather than copied.
  static constexpr size_t kMaxHeld = 64 * 1024;

  const SocketIo* io_;
  const Endpoints* ends_;
  std::string head_;
  size_t head_read_ = 0;
  std::string* unread_;
  size_t body_left_;
  absl::Duration read_timeout_;
  absl::Duration write_timeout_;
  bool wrote_ = false;
  mutable std::string held_;  // written by httplib, not yet sent
};

// The address a connection counts against: an IPv4 address, or an IPv6
// client's /64 (one host commonly holds a whole /64).
std::string ClientKey(socket_t sock) {
  sockaddr_storage address{};
  socklen_t length = sizeof(address);
  if (::getpeername(sock, reinterpret_cast<sockaddr*>(&address), &length) != 0) return "";
  char text[INET6_ADDRSTRLEN] = {};
  if (address.ss_family == AF_INET) {
    const auto* v4 = reinterpret_cast<const sockaddr_in*>(&address);
    ::inet_ntop(AF_INET, &v4->sin_addr, text, sizeof(text));
    return text;
  }
  if (address.ss_family == AF_INET6) {
    in6_addr v6 = reinterpret_cast<const sockaddr_in6*>(&address)->sin6_addr;
    if (IN6_IS_ADDR_V4MAPPED(&v6)) {
      ::inet_ntop(AF_INET, &v6.s6_addr[12], text, sizeof(text));
      return text;
    }
    std::memset(&v6.s6_addr[8], 0, 8);
    ::inet_ntop(AF_INET6, &v6, text, sizeof(text));
    return absl::StrCat(text, "/64");
  }
  return "local";
}

const char* Reason(int status) {
  switch (status) {
    case 400:
      return "Bad Request";
    case 408:
      return "Request Timeout";
    case 411:
      return "Length Required";
    case 413:
      return "Payload Too Large";
    case 429:
      return "Too Many Requests";
    case 431:
      return "Request Header Fields Too Large";
    default:
      return "Error";
  }
}

std::string LimitName(absl::string_view flag) {
  return flag.empty() ? "" : absl::StrCat(" (", flag, ")");
}

enum class Head { kComplete, kClosed, kTimedOut, kTooLarge };

// Reads into `unread` until it holds a whole header block (its length in
// `*end`), within `deadline` and `max_bytes`.
Head ReadHead(const SocketIo& io, Clock::time_point deadline, size_t max_bytes, std::string* unread,
              size_t* end) {
  size_t searched = 0;
  for (;;) {
    // A client may send empty lines before a request line (RFC 9112 2.2).
    size_t blank = 0;
    while (unread->size() >= blank + 2 && (*unread)[blank] == '\r' &&
           (*unread)[blank + 1] == '\n') {
      blank += 2;
    }
    if (blank > 0) {
      unread->erase(0, blank);
      searched = 0;
    }
    const size_t found = unread->find("\r\n\r\n", searched);
    if (found != std::string::npos) {
      *end = found + 4;
      return *end <= max_bytes ? Head::kComplete : Head::kTooLarge;
    }
    if (unread->size() >= max_bytes) return Head::kTooLarge;
    searched = unread->size() < 3 ? 0 : unread->size() - 3;
    char buffer[4096];
    const ssize_t n = io.Read(buffer, sizeof(buffer), deadline);
    if (n == 0) return Head::kClosed;
    if (n < 0) {
      return Clock::now() >= deadline && !unread->empty() ? Head::kTimedOut : Head::kClosed;
    }
    unread->append(buffer, static_cast<size_t>(n));
  }
}

// What the edge needs to know of a header block.
struct HeadFacts {
  std::string what;  // "POST /api/v1/..." without the query, for the log
  size_t headers = 0;
  bool has_length = false;
  uint64_t length = 0;
  bool bad_length = false;
  bool transfer_encoding = false;
};

HeadFacts Inspect(absl::string_view head) {
  HeadFacts facts;
  head.remove_suffix(4);  // the blank line
  std::vector<absl::string_view> lines = absl::StrSplit(head, "\r\n");
  std::vector<absl::string_view> words =
      absl::StrSplit(lines[0], absl::MaxSplits(' ', 2), absl::SkipEmpty());
  if (words.size() >= 2) {
    absl::string_view path = words[1].substr(0, words[1].find('?'));
    // Escaped: a client's bytes must not forge log lines.
    facts.what = absl::CHexEscape(absl::StrCat(words[0].substr(0, 16), " ", path.substr(0, 256)));
  } else {
    facts.what = "-";
  }
  facts.headers = lines.size() - 1;
  for (size_t i = 1; i < lines.size(); ++i) {
    const size_t colon = lines[i].find(':');
    if (colon == absl::string_view::npos) continue;
    // Whitespace before the colon is not HTTP, but a lenient reader might
    // still take the name: judge it as that name, to be safe either way.
    const absl::string_view name = absl::StripTrailingAsciiWhitespace(lines[i].substr(0, colon));
    const absl::string_view value = absl::StripAsciiWhitespace(lines[i].substr(colon + 1));
    if (absl::EqualsIgnoreCase(name, "Transfer-Encoding")) {
      facts.transfer_encoding = true;
    } else if (absl::EqualsIgnoreCase(name, "Content-Length")) {
      uint64_t length = 0;
      bool digits = !value.empty() && value.size() <= 18;
      for (char c : value) {
        digits = digits && absl::ascii_isdigit(static_cast<unsigned char>(c));
        if (digits) length = length * 10 + static_cast<uint64_t>(c - '0');
      }
      if (!digits || (facts.has_length && facts.length != length)) facts.bad_length = true;
      facts.has_length = true;
      facts.length = length;
    }
  }
  return facts;
}

}  // namespace

GuardedHttpServer::GuardedHttpServer(HttpLimits limits) : limits_(std::move(limits)) {
  set_payload_max_length(limits_.max_body_bytes);
}

void GuardedHttpServer::SetDefaultHeaders(httplib::Headers headers) {
  refusal_headers_ = headers;
  set_default_headers(std::move(headers));
}

int GuardedHttpServer::Bind(const std::string& host, int port) {
  const int bound = port == 0 ? bind_to_any_port(host) : (bind_to_port(host, port) ? port : -1);
  if (bound > 0) ::listen(svr_sock_, SOMAXCONN);
  return bound;
}

bool GuardedHttpServer::TakeSlot(const std::string& client) {
  if (limits_.max_connections_per_client <= 0) return true;
  absl::MutexLock lock(&slots_mu_);
  int& open = connections_[client];
  if (open >= limits_.max_connections_per_client) return false;
  ++open;
  return true;
}

void GuardedHttpServer::ReleaseSlot(const std::string& client) {
  if (limits_.max_connections_per_client <= 0) return;
  absl::MutexLock lock(&slots_mu_);
  auto it = connections_.find(client);
  if (it != connections_.end() && --it->second <= 0) connections_.erase(it);
}

bool GuardedHttpServer::process_and_close_socket(socket_t sock) {
  const std::string client = ClientKey(sock);
  bool served = false;
  if (TakeSlot(client)) {
    served = ServeConnection(sock);
    ReleaseSlot(client);
  } else {
    Refuse(sock, 429, "-",
           absl::StrCat(
               "too many connections from this address: ", limits_.max_connections_per_client,
               " are open, the most one client may hold", LimitName(limits_.max_connections_flag),
               "; close some, or try again shortly"));
  }
  ::shutdown(sock, SHUT_RDWR);
  ::close(sock);
  return served;
}

bool GuardedHttpServer::ServeConnection(socket_t sock) {
  const SocketIo io(sock, &svr_sock_);
  const Endpoints ends = EndpointsOf(sock);
  std::string unread;  // bytes received past the request being served
  bool served = false;
  for (size_t count = keep_alive_max_count_; count > 0; --count) {
    if (count != keep_alive_max_count_ && unread.empty() &&
        !io.Wait(POLLIN, After(keep_alive_timeout_sec_, 0))) {
      break;
    }
    size_t end = 0;
    const Head head =
        ReadHead(io, After(limits_.header_timeout), limits_.max_header_bytes, &unread, &end);
    if (head == Head::kClosed) break;
    if (head == Head::kTimedOut) {
      Refuse(sock, 408, "-",
             absl::StrCat("the request's line and headers did not arrive within ",
                          absl::FormatDuration(limits_.header_timeout), "; send them at once"));
      break;
    }
    if (head == Head::kTooLarge) {
      Refuse(sock, 431, "-",
             absl::StrCat("the request's line and headers exceed ", limits_.max_header_bytes,
                          " bytes, the most accepted; send fewer or shorter headers"));
      break;
    }
    std::string block = unread.substr(0, end);
    unread.erase(0, end);
    const HeadFacts facts = Inspect(block);
    if (facts.headers > limits_.max_headers) {
      Refuse(sock, 431, facts.what,
             absl::StrCat("the request has ", facts.headers, " header lines; the limit is ",
                          limits_.max_headers));
      break;
    }
    if (facts.bad_length) {
      Refuse(sock, 400, facts.what,
             "Content-Length must be one number of bytes (digits only, given once)");
      break;
    }
    if (facts.transfer_encoding) {
      Refuse(sock, 411, facts.what,
             "send the request body with a Content-Length header: chunked (Transfer-Encoding) "
             "request bodies are not accepted");
      break;
    }
    if (facts.length > limits_.max_body_bytes) {
      // Closed without reading a byte of the body.
      Refuse(sock, 413, facts.what,
             absl::StrCat("the request body is ", facts.length, " bytes; the limit is ",
                          limits_.max_body_bytes, LimitName(limits_.max_body_flag)));
      break;
    }
    RequestStream stream(
        &io, &ends, std::move(block), &unread, facts.length,
        absl::Seconds(read_timeout_sec_) + absl::Microseconds(read_timeout_usec_),
        absl::Seconds(write_timeout_sec_) + absl::Microseconds(write_timeout_usec_));
    bool closed = false;
    served = process_request(stream, count == 1, closed, nullptr);
    if (!stream.Finish()) served = false;
    if (!served || closed || !stream.BodyRead()) break;
  }
  return served;
}

void GuardedHttpServer::Refuse(socket_t sock, int status, absl::string_view what,
                               absl::string_view message) {
  std::string content_type = "text/plain; charset=utf-8";
  std::string body = absl::StrCat(message, "\n");
  if (limits_.format_refusal) limits_.format_refusal(status, message, &content_type, &body);
  std::string reply = absl::StrCat("HTTP/1.1 ", status, " ", Reason(status), "\r\n");
  for (const auto& [name, value] : refusal_headers_) {
    absl::StrAppend(&reply, name, ": ", value, "\r\n");
  }
  absl::StrAppend(&reply, "Content-Type: ", content_type, "\r\nContent-Length: ", body.size(),
                  "\r\nConnection: close\r\n\r\n", body);
  const SocketIo io(sock, &svr_sock_);
  io.WriteAll(reply, After(write_timeout_sec_, write_timeout_usec_));
  // Never the headers: they may hold a token.
  CORRIDOR_LOG(INFO) << "http " << what << " " << status << ": " << message;
}

}  // namespace corridor
