#include "tests/testing/raw_http.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"

namespace corridor::testing {
namespace {

// Waits for `events` on `fd` until `deadline`.
bool WaitFor(int fd, short events, absl::Time deadline) {
  for (;;) {
    const int64_t left = absl::ToInt64Milliseconds(deadline - absl::Now());
    if (left <= 0) return false;
    pollfd p{fd, events, 0};
    const int ready = ::poll(&p, 1, static_cast<int>(left));
    if (ready > 0) return true;
    if (ready < 0 && errno != EINTR) return false;
  }
}

}  // namespace

RawConnection::RawConnection(int port, const std::string& source, int receive_buffer) {
  fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd_ < 0) return;
  if (receive_buffer > 0) {
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &receive_buffer, sizeof(receive_buffer));
  }
  sockaddr_in from{};
  from.sin_family = AF_INET;
  ::inet_pton(AF_INET, source.c_str(), &from.sin_addr);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(static_cast<uint16_t>(port));
  ::inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
  if (::bind(fd_, reinterpret_cast<sockaddr*>(&from), sizeof(from)) != 0 ||
      ::connect(fd_, reinterpret_cast<sockaddr*>(&to), sizeof(to)) != 0) {
    ::close(fd_);
    fd_ = -1;
  }
}

RawConnection::~RawConnection() {
  if (fd_ >= 0) ::close(fd_);
}

bool RawConnection::Send(absl::string_view data) {
  const absl::Time deadline = absl::Now() + absl::Seconds(5);
  while (!data.empty()) {
    const ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n > 0) {
      data.remove_prefix(static_cast<size_t>(n));
    } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
      if (!WaitFor(fd_, POLLOUT, deadline)) return false;
    } else {
      return false;
    }
  }
  return true;
}

std::string RawConnection::ReadUntil(absl::string_view until, absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  std::string received;
  char buffer[16384];
  for (;;) {
    if (!WaitFor(fd_, POLLIN, deadline)) break;
    const ssize_t n = ::recv(fd_, buffer, sizeof(buffer), 0);
    if (n <= 0) break;
    // Only the new bytes (and the few before them) can complete `until`.
    const size_t from = received.size() < until.size() ? 0 : received.size() - until.size();
    received.append(buffer, static_cast<size_t>(n));
    if (!until.empty() && received.find(until.data(), from, until.size()) != std::string::npos) {
      break;
    }
  }
  return received;
}

std::string RawConnection::ReadUntilClosed(absl::Duration timeout) {
  return ReadUntil("", timeout);
}

bool RawConnection::ClosedWithin(absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  char buffer[16384];
  for (;;) {
    if (!WaitFor(fd_, POLLIN, deadline)) return false;
    const ssize_t n = ::recv(fd_, buffer, sizeof(buffer), 0);
    if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN)) return true;
  }
}

bool RawConnection::ServerClosedWithin(absl::Duration timeout) const {
  const absl::Time deadline = absl::Now() + timeout;
  for (;;) {
    tcp_info info{};
    socklen_t length = sizeof(info);
    if (::getsockopt(fd_, IPPROTO_TCP, TCP_INFO, &info, &length) != 0) return true;
    if (info.tcpi_state == TCP_CLOSE_WAIT || info.tcpi_state == TCP_CLOSE) return true;
    if (absl::Now() >= deadline) return false;
    absl::SleepFor(absl::Milliseconds(50));
  }
}

int StatusOf(absl::string_view reply) {
  int status = 0;
  if (!absl::ConsumePrefix(&reply, "HTTP/1.1 ") || reply.size() < 3 ||
      !absl::SimpleAtoi(reply.substr(0, 3), &status)) {
    return 0;
  }
  return status;
}

DrippingClients::DrippingClients(int port, const std::string& source, int count,
                                 absl::string_view request_start) {
  for (int i = 0; i < count; ++i) {
    connections_.push_back(std::make_unique<RawConnection>(port, source));
    started_ = started_ && connections_.back()->Send(request_start);
  }
  drip_ = std::thread([this] {
    while (dripping_) {
      for (auto& connection : connections_) connection->Send("y");
      absl::SleepFor(absl::Milliseconds(300));
    }
  });
}

DrippingClients::~DrippingClients() {
  dripping_ = false;
  drip_.join();
}

int DrippingClients::ClosedWithin(absl::Duration timeout) {
  int closed = 0;
  for (auto& connection : connections_) closed += connection->ClosedWithin(timeout) ? 1 : 0;
  return closed;
}

int64_t ResidentKib(pid_t pid) {
  std::ifstream status(absl::StrCat("/proc/", pid, "/status"));
  for (std::string line; std::getline(status, line);) {
    int64_t kib = 0;
    if (absl::StartsWith(line, "VmRSS:") &&
        absl::SimpleAtoi(absl::StripSuffix(absl::StripAsciiWhitespace(line.substr(6)), " kB"),
                         &kib)) {
      return kib;
    }
  }
  return -1;
}

}  // namespace corridor::testing
