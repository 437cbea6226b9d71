// corridor-bench: drives a running Corridor deployment with N concurrent
// clients for T seconds on a mix of RPCs, and the same load on the empty
// echo service (corridor-echo) first, so every figure can be read against
// the transport's limit on this machine.
//
//   corridor-bench --server=127.0.0.1:7400 --echo=127.0.0.1:7499 --clients=16
//     --seconds=10
//     --mix=record_denial:1,list_denials:1,get_area:1,submit_convoy:1,access_report:0
//
// Each client has its own connection. Calls are signed with the bearer
// token in --token_file (default $CORRIDOR_TOKEN_FILE), which must be a
// coordinator's to write. Prints, per RPC, calls, errors,
// calls per second and latency p50/p90/p99/p99.9, then the whole mix's
// throughput as a share of the echo's. scripts/bench.sh starts a fresh
// platform and an echo service and runs it.
#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <random>
#include <thread>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "benchmarks/percentile.h"
#include "clients/imports/import_stream.h"
#include "common/credentials.h"
#include "corridor/v1/areas.grpc.pb.h"
#include "corridor/v1/convoys.grpc.pb.h"
#include "corridor/v1/denials.grpc.pb.h"
#include "corridor/v1/echo.grpc.pb.h"
#include "corridor/v1/routes.grpc.pb.h"
#include "google/protobuf/util/time_util.h"
#include "grpcpp/grpcpp.h"

ABSL_FLAG(std::string, server, "127.0.0.1:7400", "the Corridor deployment (corridord)");
ABSL_FLAG(std::string, load, "",
          "instead of timing a mix, load data through the public API, e.g. "
          "denials:1000000,convoys:100000,route_reports:10000 (keys are fixed, so a re-run "
          "adds no denial or convoy twice)");
ABSL_FLAG(std::string, token_file, "",
          "file holding a coordinator's bearer token (default $CORRIDOR_TOKEN_FILE)");
ABSL_FLAG(std::string, echo, "", "a corridor-echo to measure first; empty skips the baseline");
ABSL_FLAG(int, clients, 16, "concurrent clients, each with its own connection");
ABSL_FLAG(int, seconds, 10, "seconds per run");
ABSL_FLAG(std::string, mix,
          "record_denial:1,list_denials:1,get_area:1,submit_convoy:1,access_report:0",
          "RPCs and their weights: record_denial, list_denials, get_area, submit_convoy, "
          "access_report");

namespace corridor::bench {
namespace {

using google::protobuf::util::TimeUtil;

const char* const kOperations[] = {"record_denial", "list_denials", "get_area", "submit_convoy",
                                   "access_report"};
const char* const kParties[] = {"Syrian government and affiliated militias", "ISIS",
                                "Armed opposition"};

struct Latencies {
  std::vector<double> micros;
  int64_t errors = 0;
  std::string first_error;
};

// A denial with the given key, over 2012-2019 (the denials of a monitoring
// mechanism's years of record).
v1::RecordDenialRequest DenialRequest(const std::string& key, const std::string& area,
                                      std::mt19937_64& random) {
  v1::RecordDenialRequest r;
  r.set_idempotency_key(key);
  v1::DenialFacts* f = r.mutable_facts();
  f->set_party(kParties[random() % std::size(kParties)]);
  f->set_area_id(area);
  f->set_category(static_cast<v1::AccessConstraintCategory>(1 + random() % 9));
  f->mutable_occurred_at()->set_seconds(1325376000 + random() % 252460800);
  f->set_description("Convoy held at the checkpoint (corridor-bench)");
  f->mutable_source()->set_citation("corridor-bench");
  f->set_people_affected(random() % 10000);
  return r;
}

v1::SubmitConvoyRequestRequest ConvoyRequest(const std::string& key, const std::string& area,
                                             std::mt19937_64& random) {
  v1::SubmitConvoyRequestRequest r;
  r.set_agency("Bench Agency");
  r.set_area_id(area);
  r.mutable_planned_date()->set_year(2016);
  r.mutable_planned_date()->set_month(1 + static_cast<int>(random() % 12));
  r.mutable_planned_date()->set_day(1 + static_cast<int>(random() % 28));
  r.mutable_requested_on()->set_year(2015);
  r.mutable_requested_on()->set_month(12);
  r.mutable_requested_on()->set_day(1);
  v1::ManifestLine* line = r.add_manifest();
  line->set_item("wheat flour");
  line->set_category(v1::CARGO_CATEGORY_FOOD);
  line->set_quantity(20);
  line->set_unit("tonnes");
  r.set_beneficiaries_requested(1 + random() % 20000);
  r.set_idempotency_key(key);
  return r;
}

// A connection of its own, established before the clock starts.
std::shared_ptr<grpc::Channel> Connect(const std::string& address) {
  grpc::ChannelArguments args;
  // One TCP connection per client, as separate partners would have.
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  auto channel = grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(), args);
  if (!channel->WaitForConnected(absl::ToChronoTime(absl::Now() + absl::Seconds(10)))) {
    std::fprintf(stderr, "corridor-bench: cannot connect to %s within 10 s\n", address.c_str());
    std::exit(3);
  }
  return channel;
}

// Runs `call` from `clients` threads for `seconds`; each call returns the
// operation it ran (an index into `results`) and its status.
using Call = std::function<std::pair<int, grpc::Status>(int client, int64_t n, std::mt19937_64&)>;
double Drive(int clients, int seconds, size_t operations, const Call& call,
             std::vector<Latencies>* results) {
  results->assign(operations, Latencies());
  absl::Mutex mu;  // guards *results while the clients run
  std::atomic<bool> stop{false};
  std::vector<std::thread> threads;
  const absl::Time start = absl::Now();
  for (int c = 0; c < clients; ++c) {
    threads.emplace_back([&, c] {
      std::mt19937_64 random(1000 + c);
      std::vector<Latencies> mine(operations);
      for (int64_t n = 0; !stop.load(std::memory_order_relaxed); ++n) {
        const absl::Time t0 = absl::Now();
        auto [op, status] = call(c, n, random);
        const double micros = absl::ToDoubleMicroseconds(absl::Now() - t0);
        if (status.ok()) {
          mine[op].micros.push_back(micros);
        } else if (mine[op].errors++ == 0) {
          mine[op].first_error = absl::StrCat(status.error_code(), " ", status.error_message());
        }
      }
      absl::MutexLock lock(&mu);
      for (size_t i = 0; i < operations; ++i) {
        auto& all = (*results)[i];
        all.micros.insert(all.micros.end(), mine[i].micros.begin(), mine[i].micros.end());
        if (all.errors == 0 && mine[i].errors > 0) all.first_error = mine[i].first_error;
        all.errors += mine[i].errors;
      }
    });
  }
  for (int s = 0; s < seconds; ++s) {
    absl::SleepFor(absl::Seconds(1));
    std::fprintf(stderr, "  %d/%d s\r", s + 1, seconds);
  }
  stop = true;
  for (auto& t : threads) t.join();
  std::fprintf(stderr, "\n");
  return absl::ToDoubleSeconds(absl::Now() - start);
}

void PrintRow(const std::string& name, Latencies& l, double seconds) {
  std::printf("%-16s %9zu %7lld %10.0f %9.0f %9.0f %9.0f %9.0f\n", name.c_str(), l.micros.size(),
              static_cast<long long>(l.errors), l.micros.size() / seconds,
              Percentile(l.micros, 0.5), Percentile(l.micros, 0.9), Percentile(l.micros, 0.99),
              Percentile(l.micros, 0.999));
  if (l.errors > 0) std::printf("  first error: %s\n", l.first_error.c_str());
}

void PrintHeader() {
  std::printf("%-16s %9s %7s %10s %9s %9s %9s %9s\n", "rpc", "calls", "errors", "calls/s", "p50 us",
              "p90 us", "p99 us", "p99.9 us");
}

// What the threads of one load have done, shared with the thread showing it.
struct LoadTally {
  std::atomic<int64_t> next{0};  // the next row or call to make
  std::atomic<int64_t> done{0};
  std::atomic<int64_t> failed{0};
  std::atomic<int> running{0};
  absl::Mutex mu;
  std::string first_error ABSL_GUARDED_BY(mu);

  void Fail(std::string error) {
    absl::MutexLock lock(&mu);
    if (first_error.empty()) first_error = std::move(error);
  }
};

// Runs `work(thread)` on `threads` threads, showing progress on stderr every
// second, then prints the load's line (with `note`); returns the failures.
int64_t RunLoad(const std::string& kind, int64_t count, int threads, const std::string& note,
                LoadTally& tally, const std::function<void(int thread)>& work) {
  const absl::Time start = absl::Now();
  std::vector<std::thread> running;
  tally.running = threads;
  for (int t = 0; t < threads; ++t) {
    running.emplace_back([&, t] {
      work(t);
      --tally.running;
    });
  }
  for (int tick = 1; tally.running > 0; ++tick) {
    absl::SleepFor(absl::Milliseconds(100));
    if (tick % 10 != 0) continue;
    const double seconds = absl::ToDoubleSeconds(absl::Now() - start);
    std::fprintf(stderr, "  %s: %lld of %lld (%.0f/s)   \r", kind.c_str(),
                 static_cast<long long>(tally.done.load()), static_cast<long long>(count),
                 tally.done / seconds);
  }
  for (auto& t : running) t.join();
  const double seconds = absl::ToDoubleSeconds(absl::Now() - start);
  std::fprintf(stderr, "\n");
  std::printf("%-14s %9lld in %7.1f s  %8.0f/s  %lld errors%s\n", kind.c_str(),
              static_cast<long long>(count), seconds, count / seconds,
              static_cast<long long>(tally.failed.load()), note.c_str());
  absl::MutexLock lock(&tally.mu);
  if (tally.failed > 0) std::printf("  first error: %s\n", tally.first_error.c_str());
  return tally.failed;
}

// Makes `count` calls of one kind from `clients` threads, showing progress;
// returns the number that failed.
using LoadCall = std::function<grpc::Status(int client, int64_t n, std::mt19937_64&)>;
int64_t LoadMany(const std::string& kind, int64_t count, int clients, const LoadCall& call) {
  LoadTally tally;
  return RunLoad(kind, count, clients, "", tally, [&](int c) {
    std::mt19937_64 random(5000 + c);
    for (int64_t n = tally.next++; n < count; n = tally.next++) {
      grpc::Status status = call(c, n, random);
      ++tally.done;
      if (!status.ok() && tally.failed++ == 0) {
        tally.Fail(absl::StrCat(status.error_code(), " ", status.error_message()));
      }
    }
  });
}

// A past convoy through the life cycle, for ImportConvoys. Six in ten are
// delivered, two denied, one approved and waiting, one still requested.
v1::ImportConvoyRequest ConvoyLife(const std::string& key, const std::string& area, int64_t n,
                                   std::mt19937_64& random) {
  v1::ImportConvoyRequest r;
  *r.mutable_submit() = ConvoyRequest(key, area, random);
  const v1::Date planned = r.submit().planned_date();
  const int fate = static_cast<int>(n % 10);
  if (fate == 9) return r;
  if (fate >= 6 && fate <= 7) {
    v1::DenyConvoyRequest* deny = r.mutable_deny();
    *deny->mutable_occurred_on() = planned;
    deny->set_denying_party(kParties[random() % std::size(kParties)]);
    deny->set_reason("no facilitation letter (corridor-bench)");
    deny->set_category(v1::ACCESS_CONSTRAINT_MOVEMENT_RESTRICTION);
    return r;
  }
  v1::ApproveConvoyRequest* approve = r.mutable_approve();
  *approve->mutable_occurred_on() = planned;
  approve->set_beneficiaries_approved(r.submit().beneficiaries_requested());
  if (fate == 8) return r;
  *r.mutable_dispatch()->mutable_occurred_on() = planned;
  v1::RecordConvoyOutcomeRequest* outcome = r.mutable_outcome();
  *outcome->mutable_occurred_on() = planned;
  outcome->set_outcome(v1::CONVOY_STATUS_DELIVERED);
  outcome->set_beneficiaries_reached(approve->beneficiaries_approved());
  return r;
}

// Sends `count` rows of one kind over import streams (ImportDenials,
// ImportConvoys), one per client up to 4, showing progress; returns the
// number of rows refused or lost to a failed stream.
template <typename Request, typename Stub, typename Open>
int64_t LoadStreams(const std::string& kind, int64_t count, int clients,
                    const std::vector<std::shared_ptr<grpc::Channel>>& channels,
                    const std::string& token, Open&& open,
                    const std::function<void(int64_t n, std::mt19937_64&, Request*)>& add_row) {
  const int streams = std::max(1, std::min(clients, 4));
  LoadTally tally;
  return RunLoad(kind, count, streams, absl::StrCat(" (", streams, " import streams)"), tally,
                 [&](int c) {
                   std::mt19937_64 random(5000 + c);
                   auto stub = Stub::NewStub(channels[c]);
                   grpc::ClientContext context;
                   AttachBearerToken(&context, token);
                   auto stream = open(*stub, &context);
                   int64_t sent = 0;
                   auto fill = [&](Request* request) {
                     while (request->rows_size() < imports::kRowsPerRequest) {
                       const int64_t n = tally.next++;
                       if (n >= count) break;
                       add_row(n, random, request);
                     }
                     sent += request->rows_size();
                     return request->rows_size() > 0;
                   };
                   grpc::Status status = imports::SendImport<Request>(
                       stream.get(), fill, [&](const v1::ImportBatchResponse& answer, int rows) {
                         tally.done += rows;
                         tally.failed += answer.refused_size();
                         if (answer.refused_size() > 0) {
                           tally.Fail(absl::StrCat("row ", answer.refused(0).line(), ": ",
                                                   answer.refused(0).message()));
                         }
                       });
                   if (!status.ok()) {
                     tally.failed += sent;
                     tally.Fail(absl::StrCat(status.error_code(), " ", status.error_message()));
                   }
                 });
}

// --load: denials, convoys through their life cycle, and road reports, as
// partners and coordinators would send them.
int Load(const std::string& spec, int clients,
         const std::vector<std::shared_ptr<grpc::Channel>>& channels,
         const std::vector<std::string>& areas, const std::string& token) {
  std::map<std::string, int64_t> counts;
  for (absl::string_view item : absl::StrSplit(spec, ',', absl::SkipEmpty())) {
    std::pair<std::string, std::string> parts = absl::StrSplit(item, ':');
    int64_t count = 0;
    if ((parts.first != "denials" && parts.first != "convoys" && parts.first != "route_reports") ||
        !absl::SimpleAtoi(parts.second, &count) || count < 0) {
      std::fprintf(stderr,
                   "corridor-bench: --load: \"%s\" is not KIND:COUNT with KIND one of denials, "
                   "convoys, route_reports\n",
                   std::string(item).c_str());
      return 2;
    }
    counts[parts.first] = count;
  }
  auto prepare = [&](grpc::ClientContext* context) {
    AttachBearerToken(context, token);
    context->set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(30)));
  };
  int64_t failed = 0;
  std::printf("loading through the public API with %d clients:\n", clients);
  failed += LoadStreams<v1::ImportDenialsRequest, v1::DenialService>(
      "denials", counts["denials"], clients, channels, token,
      [](v1::DenialService::Stub& stub, grpc::ClientContext* context) {
        return stub.ImportDenials(context);
      },
      [&](int64_t n, std::mt19937_64& random, v1::ImportDenialsRequest* request) {
        v1::ImportDenialRow* row = request->add_rows();
        row->set_line(n);
        *row->mutable_denial() =
            DenialRequest(absl::StrCat("load/denial/", n), areas[n % areas.size()], random);
      });
  failed += LoadStreams<v1::ImportConvoysRequest, v1::ConvoyService>(
      "convoys", counts["convoys"], clients, channels, token,
      [](v1::ConvoyService::Stub& stub, grpc::ClientContext* context) {
        return stub.ImportConvoys(context);
      },
      [&](int64_t n, std::mt19937_64& random, v1::ImportConvoysRequest* request) {
        v1::ImportConvoyRow* row = request->add_rows();
        row->set_line(n);
        *row->mutable_convoy() =
            ConvoyLife(absl::StrCat("load/convoy/", n), areas[n % areas.size()], n, random);
      });
  const char* const roads[] = {"castello-road", "ramouseh-road"};
  failed += LoadMany(
      "route_reports", counts["route_reports"], clients, [&](int c, int64_t n, auto& random) {
        v1::ReportRouteStatusRequest r;
        r.set_route_id(roads[n % 2]);
        r.set_status(static_cast<v1::RouteStatus>(1 + random() % 4));
        r.mutable_observed_at()->set_seconds(1325376000 + random() % 252460800);
        r.mutable_source()->set_citation("corridor-bench");
        grpc::ClientContext context;
        prepare(&context);
        v1::ReportRouteStatusResponse out;
        return v1::RouteService::NewStub(channels[c])->ReportRouteStatus(&context, r, &out);
      });
  return failed == 0 ? 0 : 1;
}

int Main() {
  const int clients = absl::GetFlag(FLAGS_clients);
  const int seconds = absl::GetFlag(FLAGS_seconds);
  if (clients < 1 || seconds < 1) {
    std::fprintf(stderr, "corridor-bench: --clients and --seconds must be at least 1\n");
    return 2;
  }
  std::vector<int> weights(std::size(kOperations), 0);
  for (absl::string_view item : absl::StrSplit(absl::GetFlag(FLAGS_mix), ',', absl::SkipEmpty())) {
    std::pair<std::string, std::string> parts = absl::StrSplit(item, ':');
    int weight = 0;
    auto known = std::find(std::begin(kOperations), std::end(kOperations), parts.first);
    if (known == std::end(kOperations) || !absl::SimpleAtoi(parts.second, &weight) || weight < 0) {
      std::fprintf(stderr,
                   "corridor-bench: --mix: \"%s\" is not NAME:WEIGHT with NAME one of "
                   "record_denial, list_denials, get_area, submit_convoy, access_report\n",
                   std::string(item).c_str());
      return 2;
    }
    weights[known - std::begin(kOperations)] = weight;
  }
  std::discrete_distribution<int> pick(weights.begin(), weights.end());
  const std::string run = absl::StrCat(absl::ToUnixMillis(absl::Now()));

  double echo_qps = 0;
  const std::string echo = absl::GetFlag(FLAGS_echo);
  if (!echo.empty() && absl::GetFlag(FLAGS_load).empty()) {
    std::vector<std::unique_ptr<v1::EchoService::Stub>> stubs;
    for (int c = 0; c < clients; ++c) stubs.push_back(v1::EchoService::NewStub(Connect(echo)));
    std::printf("echo baseline: %d clients, %d s, empty unary calls to %s\n", clients, seconds,
                echo.c_str());
    std::vector<Latencies> results;
    const double elapsed = Drive(
        clients, seconds, 1,
        [&](int c, int64_t, std::mt19937_64&) {
          grpc::ClientContext context;
          context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(30)));
          v1::EchoMessage request, response;
          return std::make_pair(0, stubs[c]->Echo(&context, request, &response));
        },
        &results);
    PrintHeader();
    PrintRow("echo", results[0], elapsed);
    echo_qps = results[0].micros.size() / elapsed;
    std::printf("\n");
  }

  std::string token_file = absl::GetFlag(FLAGS_token_file);
  if (token_file.empty() && std::getenv("CORRIDOR_TOKEN_FILE") != nullptr) {
    token_file = std::getenv("CORRIDOR_TOKEN_FILE");
  }
  absl::StatusOr<std::string> token =
      token_file.empty() ? absl::InvalidArgumentError(
                               "give --token_file (or $CORRIDOR_TOKEN_FILE): a coordinator's token")
                         : ReadTokenFile(token_file);
  if (!token.ok()) {
    std::fprintf(stderr, "corridor-bench: %s\n", std::string(token.status().message()).c_str());
    return 2;
  }
  const std::string server = absl::GetFlag(FLAGS_server);
  std::vector<std::shared_ptr<grpc::Channel>> channels;
  for (int c = 0; c < clients; ++c) channels.push_back(Connect(server));
  // The areas to aim at: every area the deployment has.
  std::vector<std::string> areas;
  {
    auto stub = v1::AreaService::NewStub(channels[0]);
    v1::ListAreasRequest request;
    request.mutable_page()->set_page_size(500);
    grpc::ClientContext context;
    AttachBearerToken(&context, *token);
    v1::ListAreasResponse response;
    grpc::Status s = stub->ListAreas(&context, request, &response);
    if (!s.ok()) {
      std::fprintf(stderr, "corridor-bench: cannot list areas at %s: %s; is corridord running?\n",
                   server.c_str(), s.error_message().c_str());
      return 3;
    }
    for (const v1::Area& a : response.areas()) areas.push_back(a.id());
  }
  if (areas.empty()) {
    std::fprintf(stderr, "corridor-bench: %s has no areas; start it with reference data\n",
                 server.c_str());
    return 3;
  }
  if (const std::string load = absl::GetFlag(FLAGS_load); !load.empty()) {
    return Load(load, clients, channels, areas, *token);
  }
  std::printf("mix on %s: %d clients, %d s, %s\n", server.c_str(), clients, seconds,
              absl::GetFlag(FLAGS_mix).c_str());
  std::vector<Latencies> results;
  const double elapsed = Drive(
      clients, seconds, std::size(kOperations),
      [&](int c, int64_t n, std::mt19937_64& random) -> std::pair<int, grpc::Status> {
        const int op = pick(random);
        const std::string& area = areas[random() % areas.size()];
        grpc::ClientContext context;
        AttachBearerToken(&context, *token);
        context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(30)));
        if (op == 0) {
          const v1::RecordDenialRequest r =
              DenialRequest(absl::StrCat("bench/", run, "/", c, "/", n), area, random);
          v1::Denial out;
          return {op, v1::DenialService::NewStub(channels[c])->RecordDenial(&context, r, &out)};
        }
        if (op == 1) {
          v1::ListDenialsRequest r;
          r.set_party(kParties[random() % std::size(kParties)]);
          const int year = 2012 + static_cast<int>(random() % 8);
          const int month = 1 + static_cast<int>(random() % 12);
          auto at = [](int y, int m) {
            return TimeUtil::SecondsToTimestamp(
                absl::ToUnixSeconds(absl::FromCivil(absl::CivilMonth(y, m), absl::UTCTimeZone())));
          };
          *r.mutable_since() = at(year, month);
          *r.mutable_until() = at(month == 12 ? year + 1 : year, month == 12 ? 1 : month + 1);
          r.mutable_page()->set_page_size(50);
          v1::ListDenialsResponse out;
          return {op, v1::DenialService::NewStub(channels[c])->ListDenials(&context, r, &out)};
        }
        if (op == 2) {
          v1::GetAreaRequest r;
          r.set_id(area);
          v1::Area out;
          return {op, v1::AreaService::NewStub(channels[c])->GetArea(&context, r, &out)};
        }
        if (op == 3) {
          const v1::SubmitConvoyRequestRequest r =
              ConvoyRequest(absl::StrCat("bench/", run, "/", c, "/", n), area, random);
          v1::Convoy out;
          return {op,
                  v1::ConvoyService::NewStub(channels[c])->SubmitConvoyRequest(&context, r, &out)};
        }
        v1::GetAccessReportRequest r;
        r.mutable_from()->set_year(2016);
        r.mutable_from()->set_month(1 + static_cast<int>(random() % 12));
        r.mutable_from()->set_day(1);
        *r.mutable_to() = r.from();
        r.mutable_to()->set_day(28);
        v1::AccessReport out;
        return {op, v1::ConvoyService::NewStub(channels[c])->GetAccessReport(&context, r, &out)};
      },
      &results);
  PrintHeader();
  size_t total = 0;
  for (size_t i = 0; i < results.size(); ++i) {
    if (weights[i] == 0) continue;
    total += results[i].micros.size();
    PrintRow(kOperations[i], results[i], elapsed);
  }
  std::printf("\nwhole mix: %.0f calls/s", total / elapsed);
  if (echo_qps > 0) {
    std::printf(" = %.0f%% of the echo baseline (%.0f calls/s) at %d clients",
                100.0 * total / elapsed / echo_qps, echo_qps, clients);
  }
  std::printf("\n");
  for (const Latencies& l : results) {
    if (l.errors > 0) return 1;  // the first error is printed with its row
  }
  return 0;
}

}  // namespace
}  // namespace corridor::bench

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "corridor-bench: load on a running Corridor deployment against an empty gRPC service.\n"
      "Usage: corridor-bench --server=HOST:PORT [--echo=HOST:PORT] [--clients=16] "
      "[--seconds=10] [--mix=record_denial:1,...]\n"
      "       corridor-bench --server=HOST:PORT --load=denials:N,convoys:N,route_reports:N");
  absl::ParseCommandLine(argc, argv);
  return corridor::bench::Main();
}
