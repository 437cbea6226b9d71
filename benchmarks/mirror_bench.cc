// How far behind its primary does a mirror run, and how fast does it read?
//
//   scripts/bench_mirror.sh [--writers=4] [--seconds=10] [--readers=4]
//
// Against a running corridord (the primary) and a corridor-mirror of it.
// Writers record denials at the primary as fast as it acknowledges them
// (synced); meanwhile a watcher reads both services' signed heads every
// 10 ms. Printed: the writes per second, how many entries the mirror was
// behind (percentiles over the watcher's samples), how long after its
// acknowledgement each write was in the mirror's verified copy
// (percentiles over every write), and how long the mirror took to catch up
// once the writers stopped. Then the same read mix (ListDenials of 50,
// GetArea, DenialStats) from `readers` threads against the mirror and
// against the primary: calls per second and latency percentiles.
#include <grpcpp/grpcpp.h>

#include <atomic>
#include <cstdio>
#include <random>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "benchmarks/percentile.h"
#include "common/credentials.h"
#include "corridor/v1/areas.grpc.pb.h"
#include "corridor/v1/audit.grpc.pb.h"
#include "corridor/v1/denials.grpc.pb.h"

ABSL_FLAG(std::string, primary, "", "the primary's host:port (required)");
ABSL_FLAG(std::string, mirror, "", "the mirror's host:port (required)");
ABSL_FLAG(std::string, writer_token_file, "", "a coordinator token of the primary's (required)");
ABSL_FLAG(std::string, primary_reader_token_file, "", "any token of the primary's (required)");
ABSL_FLAG(std::string, mirror_token_file, "", "any token of the mirror's (required)");
ABSL_FLAG(int, writers, 4, "threads recording denials at the primary");
ABSL_FLAG(int, seconds, 10, "how long the writers write");
ABSL_FLAG(int, readers, 4, "threads reading, against each server in turn");
ABSL_FLAG(int, read_seconds, 5, "how long the readers read each server");

namespace corridor {
namespace {

const char* const kAreas[] = {"EG-DUMA", "ALP-EAST", "EG-KAFRBATNA", "EG-HARASTA", "DAM-JOBAR"};

struct Server {
  std::shared_ptr<grpc::Channel> channel;
  std::string token;
};

struct Write {
  uint64_t index = 0;
  absl::Time acked;
};

uint64_t DenialsHeadSize(const Server& server) {
  auto audit = v1::AuditService::NewStub(server.channel);
  grpc::ClientContext context;
  AttachBearerToken(&context, server.token);
  v1::GetTreeHeadRequest request;
  request.set_service("denials");
  v1::SignedTreeHead head;
  return audit->GetTreeHead(&context, request, &head).ok() ? head.tree_size() : 0;
}

v1::RecordDenialRequest DenialRequest(int writer, int64_t n, std::mt19937_64& random) {
  v1::RecordDenialRequest r;
  r.set_idempotency_key(absl::StrCat("mirror-bench-", writer, "-", n, "-", getpid()));
  v1::DenialFacts* f = r.mutable_facts();
  f->set_party("Syrian government and affiliated militias");
  f->set_area_id(kAreas[random() % std::size(kAreas)]);
  f->set_category(static_cast<v1::AccessConstraintCategory>(1 + random() % 9));
  f->mutable_occurred_at()->set_seconds(1451606400 + random() % 31536000);
  f->set_description("Convoy held at the checkpoint (mirror_bench)");
  f->mutable_source()->set_citation("mirror_bench");
  return r;
}

// Writers at the primary for `seconds`; every acknowledged write with its
// journal index (the trailing metadata "corridor-journal-index").
std::vector<Write> WriteLoad(const Server& primary, int writers, int seconds, int64_t* errors) {
  std::atomic<bool> stop{false};
  std::atomic<int64_t> failed{0};
  absl::Mutex mu;
  std::vector<Write> writes;
  std::vector<std::thread> threads;
  for (int w = 0; w < writers; ++w) {
    threads.emplace_back([&, w] {
      auto stub = v1::DenialService::NewStub(primary.channel);
      std::mt19937_64 random(w);
      std::vector<Write> mine;
      for (int64_t n = 0; !stop; ++n) {
        grpc::ClientContext context;
        AttachBearerToken(&context, primary.token);
        v1::Denial denial;
        if (!stub->RecordDenial(&context, DenialRequest(w, n, random), &denial).ok()) {
          ++failed;
          continue;
        }
        Write write{0, absl::Now()};
        auto it = context.GetServerTrailingMetadata().find("corridor-journal-index");
        if (it != context.GetServerTrailingMetadata().end() &&
            absl::SimpleAtoi(absl::string_view(it->second.data(), it->second.size()),
                             &write.index)) {
          mine.push_back(write);
        }
      }
      absl::MutexLock lock(&mu);
      writes.insert(writes.end(), mine.begin(), mine.end());
    });
  }
  for (int s = 0; s < seconds; ++s) {
    absl::SleepFor(absl::Seconds(1));
    std::fprintf(stderr, "  writing %d/%d s\r", s + 1, seconds);
  }
  stop = true;
  for (std::thread& t : threads) t.join();
  std::fprintf(stderr, "\n");
  *errors = failed;
  return writes;
}

struct Sample {
  absl::Time at;
  uint64_t primary = 0;
  uint64_t mirror = 0;
};

// Both heads every 10 ms until `done`.
void Watch(const Server& primary, const Server& mirror, const std::atomic<bool>& done,
           std::vector<Sample>* samples) {
  while (!done) {
    Sample sample;
    sample.primary = DenialsHeadSize(primary);
    sample.mirror = DenialsHeadSize(mirror);
    sample.at = absl::Now();
    samples->push_back(sample);
    absl::SleepFor(absl::Milliseconds(10));
  }
}

void PrintLag(const std::vector<Write>& writes, const std::vector<Sample>& samples, double seconds,
              int64_t errors) {
  std::vector<double> behind;
  for (const Sample& s : samples) {
    behind.push_back(s.primary > s.mirror ? static_cast<double>(s.primary - s.mirror) : 0);
  }
  // A write is visible from the first sample whose mirror head holds it.
  std::vector<double> visible_ms;
  size_t from = 0;
  std::vector<Write> ordered = writes;
  std::sort(ordered.begin(), ordered.end(),
            [](const Write& a, const Write& b) { return a.index < b.index; });
  for (const Write& w : ordered) {
    while (from < samples.size() && samples[from].mirror <= w.index) ++from;
    if (from == samples.size()) break;
    visible_ms.push_back(std::max(0.0, absl::ToDoubleMilliseconds(samples[from].at - w.acked)));
  }
  std::printf("writes at the primary: %zu in %.1f s = %.0f/s (%lld errors)\n", writes.size(),
              seconds, writes.size() / seconds, static_cast<long long>(errors));
  std::printf("entries behind (%zu samples): p50 %.0f  p90 %.0f  p99 %.0f  max %.0f\n",
              behind.size(), Percentile(behind, 0.5), Percentile(behind, 0.9),
              Percentile(behind, 0.99), Percentile(behind, 1.0));
  std::printf(
      "a write is in the mirror's verified copy after (ms, %zu writes): p50 %.0f  "
      "p90 %.0f  p99 %.0f  max %.0f\n",
      visible_ms.size(), Percentile(visible_ms, 0.5), Percentile(visible_ms, 0.9),
      Percentile(visible_ms, 0.99), Percentile(visible_ms, 1.0));
}

// The read mix from `readers` threads for `seconds`.
int64_t ReadLoad(const std::string& name, const Server& server, int readers, int seconds) {
  std::atomic<bool> stop{false};
  absl::Mutex mu;
  std::vector<double> micros;
  int64_t errors = 0;
  std::vector<std::thread> threads;
  for (int r = 0; r < readers; ++r) {
    threads.emplace_back([&, r] {
      auto denials = v1::DenialService::NewStub(server.channel);
      auto areas = v1::AreaService::NewStub(server.channel);
      std::vector<double> mine;
      int64_t failed = 0;
      for (int64_t n = r; !stop; ++n) {
        grpc::ClientContext context;
        AttachBearerToken(&context, server.token);
        const absl::Time start = absl::Now();
        grpc::Status status;
        if (n % 3 == 0) {
          v1::ListDenialsRequest request;
          request.mutable_page()->set_page_size(50);
          v1::ListDenialsResponse response;
          status = denials->ListDenials(&context, request, &response);
        } else if (n % 3 == 1) {
          v1::GetAreaRequest request;
          request.set_id(kAreas[n % std::size(kAreas)]);
          v1::Area area;
          status = areas->GetArea(&context, request, &area);
        } else {
          v1::DenialStatsRequest request;
          request.mutable_from()->set_year(2016);
          request.mutable_from()->set_month(1);
          request.mutable_to()->set_year(2016);
          request.mutable_to()->set_month(12);
          request.set_group_by(v1::STATS_DIMENSION_AREA);
          v1::DenialStatsResponse response;
          status = denials->DenialStats(&context, request, &response);
        }
        if (status.ok()) {
          mine.push_back(absl::ToDoubleMicroseconds(absl::Now() - start));
        } else {
          ++failed;
        }
      }
      absl::MutexLock lock(&mu);
      micros.insert(micros.end(), mine.begin(), mine.end());
      errors += failed;
    });
  }
  absl::SleepFor(absl::Seconds(seconds));
  stop = true;
  for (std::thread& t : threads) t.join();
  std::printf("%-8s %9zu %7lld %10.0f %9.0f %9.0f %9.0f\n", name.c_str(), micros.size(),
              static_cast<long long>(errors), micros.size() / static_cast<double>(seconds),
              Percentile(micros, 0.5), Percentile(micros, 0.9), Percentile(micros, 0.99));
  return errors;
}

absl::StatusOr<Server> Connect(const std::string& address, const std::string& token_file) {
  absl::StatusOr<std::string> token = ReadTokenFile(token_file);
  if (!token.ok()) return token.status();
  return Server{grpc::CreateChannel(address, grpc::InsecureChannelCredentials()), *token};
}

int Main() {
  auto writer = Connect(absl::GetFlag(FLAGS_primary), absl::GetFlag(FLAGS_writer_token_file));
  auto primary =
      Connect(absl::GetFlag(FLAGS_primary), absl::GetFlag(FLAGS_primary_reader_token_file));
  auto mirror = Connect(absl::GetFlag(FLAGS_mirror), absl::GetFlag(FLAGS_mirror_token_file));
  if (!writer.ok() || !primary.ok() || !mirror.ok()) {
    std::fprintf(stderr,
                 "mirror_bench: --primary, --mirror and the three token files are "
                 "required (scripts/bench_mirror.sh passes them)\n");
    return 2;
  }
  std::atomic<bool> done{false};
  std::vector<Sample> samples;
  std::thread watcher([&] { Watch(*primary, *mirror, done, &samples); });
  const absl::Time start = absl::Now();
  int64_t errors = 0;
  const std::vector<Write> writes =
      WriteLoad(*writer, absl::GetFlag(FLAGS_writers), absl::GetFlag(FLAGS_seconds), &errors);
  const double seconds = absl::ToDoubleSeconds(absl::Now() - start);
  const absl::Time stopped = absl::Now();
  const uint64_t target = DenialsHeadSize(*primary);
  while (DenialsHeadSize(*mirror) < target && absl::Now() - stopped < absl::Seconds(120)) {
    absl::SleepFor(absl::Milliseconds(5));
  }
  const double catch_up_ms = absl::ToDoubleMilliseconds(absl::Now() - stopped);
  absl::SleepFor(absl::Milliseconds(20));
  done = true;
  watcher.join();
  PrintLag(writes, samples, seconds, errors);
  std::printf("caught up %.0f ms after the writers stopped (%llu entries)\n", catch_up_ms,
              static_cast<unsigned long long>(target));
  std::printf("\nreads (ListDenials of 50, GetArea, DenialStats by area), %d threads:\n",
              absl::GetFlag(FLAGS_readers));
  std::printf("%-8s %9s %7s %10s %9s %9s %9s\n", "server", "calls", "errors", "calls/s", "p50 us",
              "p90 us", "p99 us");
  const int64_t read_errors =
      ReadLoad("mirror", *mirror, absl::GetFlag(FLAGS_readers), absl::GetFlag(FLAGS_read_seconds)) +
      ReadLoad("primary", *primary, absl::GetFlag(FLAGS_readers),
               absl::GetFlag(FLAGS_read_seconds));
  // A run with failed calls, or a mirror that never caught up, measured
  // something else than it says.
  if (errors > 0 || read_errors > 0 || writes.empty() || DenialsHeadSize(*mirror) < target) {
    std::fprintf(stderr, "mirror_bench: calls failed or the mirror did not catch up\n");
    return 1;
  }
  return 0;
}

}  // namespace
}  // namespace corridor

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  return corridor::Main();
}
