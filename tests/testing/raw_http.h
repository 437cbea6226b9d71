// HTTP as an abusive client speaks it, byte by byte over a plain socket:
// for tests of what a server does with what no well-behaved client sends.
#ifndef CORRIDOR_TESTS_TESTING_RAW_HTTP_H_
#define CORRIDOR_TESTS_TESTING_RAW_HTTP_H_

#include <sys/types.h>

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace corridor::testing {

// A TCP connection to 127.0.0.1:`port` from `source` (any 127.x.y.z address
// on Linux, to stand for another client), closed when destroyed.
class RawConnection {
 public:
  // `receive_buffer` > 0 shrinks the socket's receive buffer (before
  // connecting), for a client that reads nothing.
  RawConnection(int port, const std::string& source = "127.0.0.1", int receive_buffer = 0);
  ~RawConnection();
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  bool connected() const { return fd_ >= 0; }
  // All of `data`; false if the connection is broken (or refuses more
  // within 5 s).
  bool Send(absl::string_view data);
  // What arrives until the server closes the connection or `timeout`
  // passes (a reset after some data still returns the data).
  std::string ReadUntilClosed(absl::Duration timeout);
  // What has arrived until `timeout` passes, the server closes, or `until`
  // appears in it.
  std::string ReadUntil(absl::string_view until, absl::Duration timeout);
  // Whether the server has closed the connection (the data before the
  // close is dropped), waiting up to `timeout`.
  bool ClosedWithin(absl::Duration timeout);
  // Whether the server has closed the connection, without reading what it
  // sent (from the kernel's TCP state), waiting up to `timeout`: for a
  // client that must go on reading nothing.
  bool ServerClosedWithin(absl::Duration timeout) const;

 private:
  int fd_ = -1;
};

// `count` connections to `port` from `source`, each of which sends
// `request_start` and then one more byte every 300 ms, never finishing its
// headers (a slowloris), until destroyed.
class DrippingClients {
 public:
  DrippingClients(int port, const std::string& source, int count, absl::string_view request_start);
  ~DrippingClients();
  DrippingClients(const DrippingClients&) = delete;
  DrippingClients& operator=(const DrippingClients&) = delete;

  // Whether every connection opened and sent its start.
  bool started() const { return started_; }
  // How many the server has closed, each waited for up to `timeout`.
  int ClosedWithin(absl::Duration timeout);

 private:
  std::vector<std::unique_ptr<RawConnection>> connections_;
  bool started_ = true;
  std::atomic<bool> dripping_{true};
  std::thread drip_;
};

// The status code of a raw HTTP reply ("HTTP/1.1 413 ..."), 0 if none.
int StatusOf(absl::string_view reply);

// The resident memory of process `pid` in KiB (VmRSS), -1 if unknown.
int64_t ResidentKib(pid_t pid);

}  // namespace corridor::testing

#endif  // CORRIDOR_TESTS_TESTING_RAW_HTTP_H_
