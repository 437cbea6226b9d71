// Do route-status subscribers slow down the people filing reports?
//
//   build/bin/watch_bench [--reports=1000] [--subscribers=0,10,100,500]
//
// Starts the routes service in this process on a loopback port, with a real
// RocksDB (synced, as in production) in a temporary folder. For each number
// of subscribers, opens that many WatchRouteStatus streams, then files
// `reports` status reports one after another over gRPC and prints the
// reports filed per second with latency percentiles, and how long after the
// last report every subscriber had received every report. Peak resident
// memory is printed at the end.
#include <grpcpp/grpcpp.h>
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <thread>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "benchmarks/percentile.h"
#include "common/server.h"
#include "corridor/v1/routes.grpc.pb.h"
#include "google/protobuf/util/time_util.h"
#include "services/routes/routes_module.h"

ABSL_FLAG(int, reports, 1000, "reports filed per round");
ABSL_FLAG(std::string, subscribers, "0,10,100,500", "subscriber counts, one round each");

namespace corridor {
namespace {

int Main() {
  const std::string dir =
      (std::filesystem::temp_directory_path() / ("watch_bench_" + std::to_string(getpid())))
          .string();
  ModuleOptions options;
  options.data_dir = dir;
  auto module = routes::OpenRoutesModule(options);
  if (!module.ok()) {
    std::fprintf(stderr, "watch_bench: %s\n", std::string(module.status().message()).c_str());
    return 1;
  }
  auto host = ServiceHost::Start(ServerOptions(), (*module)->Services());
  if (!host.ok()) return 1;
  const std::string address = "127.0.0.1:" + std::to_string((*host)->port());
  auto writer_stub =
      v1::RouteService::NewStub(grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));
  const int reports = absl::GetFlag(FLAGS_reports);

  std::printf("%-12s %12s %10s %10s %10s %22s\n", "subscribers", "reports/s", "p50", "p99", "p99.9",
              "all delivered after");
  for (absl::string_view count_text :
       absl::StrSplit(absl::GetFlag(FLAGS_subscribers), ',', absl::SkipEmpty())) {
    int subscribers = 0;
    if (!absl::SimpleAtoi(count_text, &subscribers)) return 2;

    // Subscribers on their own channels (as separate partners would be),
    // each counting what it receives.
    v1::GetRouteRequest get;
    get.set_id("castello-road");
    std::atomic<int> ready{0}, complete{0};
    std::atomic<bool> lost{false};
    std::vector<std::thread> readers;
    v1::Route before;
    {
      grpc::ClientContext context;
      writer_stub->GetRoute(&context, get, &before);
    }
    (void)before;
    for (int s = 0; s < subscribers; ++s) {
      readers.emplace_back([&] {
        auto stub = v1::RouteService::NewStub(
            grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));
        grpc::ClientContext context;
        v1::WatchRouteStatusRequest request;
        auto reader = stub->WatchRouteStatus(&context, request);
        reader->WaitForInitialMetadata();
        ++ready;
        v1::RouteStatusEvent event;
        int received = 0;
        while (received < reports && reader->Read(&event)) ++received;
        if (received < reports) lost = true;
        ++complete;
        context.TryCancel();
        reader->Finish();
      });
    }
    while (ready.load() < subscribers) absl::SleepFor(absl::Milliseconds(10));

    std::vector<double> latencies_us;
    const absl::Time start = absl::Now();
    for (int i = 0; i < reports; ++i) {
      v1::ReportRouteStatusRequest request;
      request.set_route_id("castello-road");
      request.set_status(i % 2 ? v1::ROUTE_STATUS_OPEN : v1::ROUTE_STATUS_CLOSED);
      *request.mutable_observed_at() = google::protobuf::util::TimeUtil::GetCurrentTime();
      request.mutable_source()->set_citation("watch_bench");
      v1::ReportRouteStatusResponse response;
      grpc::ClientContext context;
      const absl::Time t0 = absl::Now();
      grpc::Status status = writer_stub->ReportRouteStatus(&context, request, &response);
      latencies_us.push_back(absl::ToDoubleMicroseconds(absl::Now() - t0));
      if (!status.ok()) {
        std::fprintf(stderr, "watch_bench: report failed: %s\n", status.error_message().c_str());
        return 1;
      }
    }
    const absl::Time written = absl::Now();
    while (complete.load() < subscribers) absl::SleepFor(absl::Microseconds(200));
    const absl::Duration lag = absl::Now() - written;
    for (auto& r : readers) r.join();
    const double seconds = absl::ToDoubleSeconds(written - start);
    std::printf("%-12d %12.0f %8.0fus %8.0fus %8.0fus %20.1fms%s\n", subscribers, reports / seconds,
                Percentile(latencies_us, 0.5), Percentile(latencies_us, 0.99),
                Percentile(latencies_us, 0.999), absl::ToDoubleMilliseconds(lag),
                lost ? "  (A SUBSCRIBER MISSED REPORTS)" : "");
    std::fflush(stdout);
  }
  (*module)->BeginShutdown();
  (*host)->Shutdown();
  host->reset();
  module->reset();
  std::filesystem::remove_all(dir);
  rusage usage;
  getrusage(RUSAGE_SELF, &usage);
  std::printf("peak resident memory: %.0f MiB\n", usage.ru_maxrss / 1024.0);
  return 0;
}

}  // namespace
}  // namespace corridor

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  return corridor::Main();
}
