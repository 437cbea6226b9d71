// The client side of an import stream (DenialService.ImportDenials,
// ConvoyService.ImportConvoys): requests go out while earlier ones are
// being written, and each answer is taken as it comes, on a reader thread,
// so that neither side waits for the other. Used by `corridorctl import`
// and the data generator (corridor-bench --load).
#ifndef CORRIDOR_CLIENTS_IMPORTS_IMPORT_STREAM_H_
#define CORRIDOR_CLIENTS_IMPORTS_IMPORT_STREAM_H_

#include <grpcpp/client_context.h>
#include <grpcpp/support/sync_stream.h>

#include <deque>
#include <functional>
#include <memory>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "corridor/v1/common.pb.h"

namespace corridor::imports {

// Rows per request: well under the contract's 1,000 and 4 MiB, and enough
// that a synced write per request costs little per row.
inline constexpr int kRowsPerRequest = 500;
// A request stops taking rows past this size, so that rows with long
// texts stay well under the 4 MiB a message may hold.
inline constexpr size_t kBytesPerRequest = 1 << 20;
// Requests sent ahead of their answers: the server reads the next while it
// writes one.
inline constexpr int kRequestsAhead = 4;
// Streams one import opens (SendImportInParallel): the server checks one
// stream's rows while it writes another's: 300,000 denials went from
// 14,185 rows/s over one to 18,700 over two, on two cores.
inline constexpr int kImportStreams = 2;

// Sends the requests `next` fills in (false when there are no more) over
// `stream`, at most `ahead` unanswered at a time, and calls
// `on_answer(answer, rows)` for each answer in order (on another thread),
// with the number of rows of the request it answers. Returns the stream's
// status: OK once every request was answered; otherwise the error that
// ended it (what was answered before it is stored).
template <typename Request>
grpc::Status SendImport(
    grpc::ClientReaderWriterInterface<Request, v1::ImportBatchResponse>* stream,
    const std::function<bool(Request*)>& next,
    const std::function<void(const v1::ImportBatchResponse&, int rows)>& on_answer,
    int ahead = kRequestsAhead) {
  absl::Mutex mu;
  std::deque<int> unanswered;  // rows of each request sent and not yet answered
  bool reading = true;
  std::thread reader([&] {
    v1::ImportBatchResponse answer;
    while (stream->Read(&answer)) {
      int rows = 0;
      {
        absl::MutexLock lock(&mu);
        if (!unanswered.empty()) {
          rows = unanswered.front();
          unanswered.pop_front();
        }
      }
      on_answer(answer, rows);
    }
    absl::MutexLock lock(&mu);
    reading = false;
  });
  Request request;
  while (next(&request)) {
    {
      absl::MutexLock lock(&mu);
      auto room = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) {
        return !reading || static_cast<int>(unanswered.size()) < ahead;
      };
      mu.Await(absl::Condition(&room));
      if (!reading) break;  // the server ended the stream: Finish says why
      unanswered.push_back(request.rows_size());
    }
    if (!stream->Write(request)) break;
    request.Clear();
  }
  stream->WritesDone();
  reader.join();
  return stream->Finish();
}

// SendImport over `streams` streams at once, each opened by `open` with a
// context of its own, sharing the requests `next` fills in (called under a
// lock, so it need not be thread-safe). `on_answer` may be called from
// several threads at once. A stream that ends with an error stops the
// others taking requests; the first error is returned.
template <typename Request>
grpc::Status SendImportInParallel(
    int streams,
    const std::function<
        std::unique_ptr<grpc::ClientReaderWriterInterface<Request, v1::ImportBatchResponse>>(
            grpc::ClientContext*)>& open,
    const std::function<bool(Request*)>& next,
    const std::function<void(const v1::ImportBatchResponse&, int rows)>& on_answer) {
  absl::Mutex mu;
  bool stopped = false;
  grpc::Status first_error;
  auto shared_next = [&](Request* request) {
    absl::MutexLock lock(&mu);
    return !stopped && next(request);
  };
  std::vector<std::thread> senders;
  for (int s = 0; s < streams; ++s) {
    senders.emplace_back([&] {
      grpc::ClientContext context;
      auto stream = open(&context);
      const grpc::Status status = SendImport<Request>(stream.get(), shared_next, on_answer);
      absl::MutexLock lock(&mu);
      if (!status.ok() && !stopped) {
        stopped = true;
        first_error = status;
      }
    });
  }
  for (std::thread& sender : senders) sender.join();
  return first_error;
}

}  // namespace corridor::imports

#endif  // CORRIDOR_CLIENTS_IMPORTS_IMPORT_STREAM_H_
