// The crash campaign: writers on the convoys, denials (one at a time, and
// in batches over the import stream) and routes services log every write the platform acknowledged
// while corridord is killed with SIGKILL at random moments and restarted, again and again.
// Afterwards:
//   - every acknowledged write is there, exactly once;
//   - writes retried after an unknown outcome (the kill came mid-call) did
//     not duplicate: the idempotency key found the first;
//   - every convoy denial reached the denials service through the outbox
//     exactly once (the exactly-once effect across services);
//   - statistics counters agree with the records;
//   - every index agrees with its records (storage::Store::CheckIndexes);
//   - every audit journal verifies, and proves it only grew since before
//     the first kill.
//
// CORRIDOR_CRASH_KILLS sets the number of kills: 5 by default (the CI run);
// scripts/crash_campaign.sh runs the full campaign of 100.
#include <signal.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <random>
#include <set>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "common/credentials.h"
#include "common/ids.h"
#include "corridor/v1/convoys.grpc.pb.h"
#include "corridor/v1/denials.grpc.pb.h"
#include "corridor/v1/routes.grpc.pb.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "services/areas/area_tables.h"
#include "services/convoys/convoy_tables.h"
#include "services/denials/denial_tables.h"
#include "services/routes/route_tables.h"
#include "storage/store.h"
#include "tests/testing/subprocess.h"
#include "tests/testing/temp_dir.h"

namespace corridor {
namespace {

using ::corridor::testing::BinaryPath;
using ::corridor::testing::CommandResult;
using ::corridor::testing::RunCorridorctl;
using ::corridor::testing::ServerProcess;

constexpr char kAgency[] = "Crash campaign (test data)";
const char* const kAreas[] = {"EG-DUMA", "EG-ARBIN", "ALP-EAST", "RD-MADAYA"};
constexpr char kRoute[] = "castello-road";
const char* const kJournals[] = {"auth", "areas", "routes", "convoys", "denials", "agreements"};

int KillsWanted() {
  const char* env = std::getenv("CORRIDOR_CRASH_KILLS");
  return env != nullptr && std::atoi(env) > 0 ? std::atoi(env) : 5;
}

// The outcome of a call the kill may have interrupted: the write may or may
// not have landed, and the client cannot tell.
bool OutcomeUnknown(const grpc::Status& s) {
  return s.error_code() == grpc::StatusCode::UNAVAILABLE ||
         s.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED ||
         s.error_code() == grpc::StatusCode::CANCELLED ||
         s.error_code() == grpc::StatusCode::INTERNAL;  // a reset mid-message
}

// What the writers were told, shared with the test thread.
struct Ledger {
  absl::Mutex mu;
  std::map<std::string, std::string> convoys;  // idempotency key -> convoy id
  std::set<std::string> denied_convoys;        // DenyConvoy acknowledged
  std::map<std::string, std::string> denials;  // idempotency key -> denial id
  std::set<std::string> reports;               // route report notes acknowledged
  std::set<std::string> reports_unknown;       // notes whose call was cut off
  std::vector<std::string> failures;           // anything but an ack or a kill
  std::atomic<int64_t> acks{0};
  std::atomic<int64_t> retried{0};  // writes repeated after an unknown outcome

  void Fail(std::string what) {
    absl::MutexLock lock(&mu);
    if (failures.size() < 20) failures.push_back(std::move(what));
  }
};

class CrashCampaignTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto server = ServerProcess::Start(BinaryPath("corridord"), ServerArgs(""), dir_.path());
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    address_ = server_->address();
    auto file = corridor::testing::CreateTokenFile(address_, dir_.Sub("data"), "coordinator",
                                                   dir_.Sub("coordinator.token"));
    ASSERT_TRUE(file.ok()) << file.status();
    auto token = ReadTokenFile(*file);
    ASSERT_TRUE(token.ok()) << token.status();
    token_ = *token;
    // Reconnect quickly after each restart instead of gRPC's default
    // backoff of up to two minutes.
    grpc::ChannelArguments args;
    args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 50);
    args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 50);
    args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 250);
    channel_ = grpc::CreateCustomChannel(address_, grpc::InsecureChannelCredentials(), args);
  }

  std::vector<std::string> ServerArgs(const std::string& listen) const {
    std::vector<std::string> args = {"--data_dir=" + dir_.Sub("data"), "--log_rpcs=errors"};
    if (!listen.empty()) args.push_back("--listen=" + listen);
    return args;
  }

  // Calls wait (up to 5 s) for the server to be back rather than failing at
  // once: only calls in flight at the kill have an unknown outcome.
  void Prepare(grpc::ClientContext* context) const {
    context->set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(5)));
    context->set_wait_for_ready(true);
    AttachBearerToken(context, token_);
  }

  // Calls `call` until it returns anything but an unknown outcome, pausing
  // while the server is down. Counts the repeats; sets *repeated if any.
  grpc::Status UntilAnswered(const std::function<grpc::Status()>& call, bool* repeated = nullptr) {
    bool again = false;
    for (;;) {
      grpc::Status s = call();
      if (!OutcomeUnknown(s)) {
        if (again) ledger_.retried++;
        if (repeated != nullptr) *repeated = again;
        return s;
      }
      again = true;
      absl::SleepFor(absl::Milliseconds(20));
    }
  }

  // Submits convoys; denies every third. Each is retried with its key until
  // the platform answers.
  void WriteConvoys(int writer) {
    auto stub = v1::ConvoyService::NewStub(channel_);
    for (int i = 0; !stop_; ++i) {
      v1::SubmitConvoyRequestRequest submit;
      submit.set_agency(kAgency);
      submit.set_area_id(kAreas[i % 4]);
      submit.mutable_planned_date()->set_year(2016);
      submit.mutable_planned_date()->set_month(1 + i % 12);
      submit.mutable_planned_date()->set_day(1 + i % 28);
      submit.mutable_requested_on()->set_year(2015);
      submit.mutable_requested_on()->set_month(12);
      submit.mutable_requested_on()->set_day(1);
      v1::ManifestLine* line = submit.add_manifest();
      line->set_item("wheat flour");
      line->set_category(v1::CARGO_CATEGORY_FOOD);
      line->set_quantity(1 + i % 40);
      line->set_unit("tonnes");
      submit.set_beneficiaries_requested(100 + i);
      const std::string key = absl::StrCat("crash-cv-", writer, "-", i);
      submit.set_idempotency_key(key);
      v1::Convoy convoy;
      grpc::Status s = UntilAnswered([&] {
        grpc::ClientContext context;
        Prepare(&context);
        return stub->SubmitConvoyRequest(&context, submit, &convoy);
      });
      if (!s.ok()) {
        ledger_.Fail(absl::StrCat("submit ", key, ": ", s.error_message()));
        continue;
      }
      {
        absl::MutexLock lock(&ledger_.mu);
        ledger_.convoys[key] = convoy.id();
      }
      ledger_.acks++;
      if (i % 3 != 0) continue;
      v1::DenyConvoyRequest deny;
      deny.set_convoy_id(convoy.id());
      deny.set_denying_party("Syrian Government forces");
      deny.set_reason("checkpoint refused passage");
      deny.set_category(v1::ACCESS_CONSTRAINT_MOVEMENT_RESTRICTION);
      bool repeated = false;
      s = UntilAnswered(
          [&] {
            grpc::ClientContext context;
            Prepare(&context);
            v1::Convoy denied;
            return stub->DenyConvoy(&context, deny, &denied);
          },
          &repeated);
      // A repeat of a deny that landed finds the convoy denied already.
      if (!s.ok() && !(repeated && s.error_code() == grpc::StatusCode::FAILED_PRECONDITION)) {
        ledger_.Fail(absl::StrCat("deny ", convoy.id(), ": ", s.error_message()));
        continue;
      }
      absl::MutexLock lock(&ledger_.mu);
      ledger_.denied_convoys.insert(convoy.id());
      ledger_.acks++;
    }
  }

  void WriteDenials() {
    auto stub = v1::DenialService::NewStub(channel_);
    for (int i = 0; !stop_; ++i) {
      v1::RecordDenialRequest request;
      const std::string key = absl::StrCat("crash-dn-", i);
      request.set_idempotency_key(key);
      v1::DenialFacts* facts = request.mutable_facts();
      facts->set_party("Syrian Government forces");
      facts->set_area_id(kAreas[i % 4]);
      facts->mutable_occurred_at()->set_seconds(1451606400 + (i % 360) * 86400);  // 2016
      facts->set_category(static_cast<v1::AccessConstraintCategory>(1 + i % 4));
      facts->set_description("medical supplies removed at the checkpoint");
      facts->mutable_source()->set_citation("crash campaign (test data)");
      facts->set_people_affected(i % 50);
      v1::Denial denial;
      grpc::Status s = UntilAnswered([&] {
        grpc::ClientContext context;
        Prepare(&context);
        return stub->RecordDenial(&context, request, &denial);
      });
      if (!s.ok()) {
        ledger_.Fail(absl::StrCat("record ", key, ": ", s.error_message()));
        continue;
      }
      absl::MutexLock lock(&ledger_.mu);
      ledger_.denials[key] = denial.id();
      ledger_.acks++;
    }
  }

  // Denials in batches of 50 over the import stream, one request per
  // stream. A batch whose answer the kill cut off is sent again, whole:
  // rows are idempotent by their keys. Acknowledged once answered.
  void ImportDenials() {
    auto stub = v1::DenialService::NewStub(channel_);
    constexpr int kRows = 50;
    for (int batch = 0; !stop_; ++batch) {
      v1::ImportDenialsRequest request;
      for (int r = 0; r < kRows; ++r) {
        v1::ImportDenialRow* row = request.add_rows();
        row->set_line(r + 2);
        v1::RecordDenialRequest* denial = row->mutable_denial();
        denial->set_idempotency_key(absl::StrCat("crash-im-", batch, "-", r));
        v1::DenialFacts* facts = denial->mutable_facts();
        facts->set_party("Syrian Government forces");
        facts->set_area_id(kAreas[r % 4]);
        facts->mutable_occurred_at()->set_seconds(1451606400 + (r % 360) * 86400);  // 2016
        facts->set_category(static_cast<v1::AccessConstraintCategory>(1 + r % 4));
        facts->set_description("imported: convoy held at the checkpoint");
        facts->mutable_source()->set_citation("crash campaign (test data)");
      }
      v1::ImportBatchResponse answer;
      grpc::Status s = UntilAnswered([&] {
        grpc::ClientContext context;
        Prepare(&context);
        auto stream = stub->ImportDenials(&context);
        answer.Clear();
        // An answer is sent once the batch is durable: it stands even if
        // the kill then cuts the stream.
        const bool answered =
            stream->Write(request) && stream->WritesDone() && stream->Read(&answer);
        grpc::Status finished = stream->Finish();
        if (answered) return grpc::Status::OK;
        return finished.ok() ? grpc::Status(grpc::StatusCode::UNAVAILABLE, "no answer") : finished;
      });
      if (!s.ok() || answer.rows_stored() + answer.rows_already_stored() != kRows) {
        ledger_.Fail(absl::StrCat("import batch ", batch, ": ", s.error_message(),
                                  answer.ShortDebugString()));
        continue;
      }
      absl::MutexLock lock(&ledger_.mu);
      for (const v1::ImportDenialRow& row : request.rows()) {
        ledger_.denials[row.denial().idempotency_key()] =
            DenialIdFor(row.denial().idempotency_key());
      }
      ledger_.acks++;
    }
  }

  // Route reports carry no idempotency key: one cut off by a kill is not
  // repeated, and may or may not be there afterwards; never twice.
  void WriteRouteReports() {
    auto stub = v1::RouteService::NewStub(channel_);
    for (int i = 0; !stop_; ++i) {
      v1::ReportRouteStatusRequest request;
      request.set_route_id(kRoute);
      request.set_status(static_cast<v1::RouteStatus>(1 + i % 4));
      request.mutable_observed_at()->set_seconds(1451606400 + i * 60);
      request.mutable_source()->set_citation("crash campaign (test data)");
      const std::string note = absl::StrCat("crash-rt-", i);
      request.set_note(note);
      grpc::ClientContext context;
      Prepare(&context);
      v1::ReportRouteStatusResponse response;
      grpc::Status s = stub->ReportRouteStatus(&context, request, &response);
      if (s.ok()) {
        absl::MutexLock lock(&ledger_.mu);
        ledger_.reports.insert(note);
        ledger_.acks++;
      } else if (OutcomeUnknown(s)) {
        {
          absl::MutexLock lock(&ledger_.mu);
          ledger_.reports_unknown.insert(note);
        }
        absl::SleepFor(absl::Milliseconds(20));
      } else {
        ledger_.Fail(absl::StrCat("report ", note, ": ", s.error_message()));
      }
    }
  }

  template <typename Response, typename Request, typename Stub, typename Item>
  std::vector<Item> ListAll(
      Stub* stub, grpc::Status (Stub::*list)(grpc::ClientContext*, const Request&, Response*),
      Request request,
      const google::protobuf::RepeatedPtrField<Item>& (Response::*items)() const) {
    std::vector<Item> all;
    request.mutable_page()->set_page_size(500);
    do {
      grpc::ClientContext context;
      Prepare(&context);
      Response page;
      grpc::Status s = (stub->*list)(&context, request, &page);
      EXPECT_TRUE(s.ok()) << s.error_message();
      if (!s.ok()) break;
      all.insert(all.end(), (page.*items)().begin(), (page.*items)().end());
      request.mutable_page()->set_page_token(page.next_page_token());
    } while (!request.page().page_token().empty());
    return all;
  }

  // The lines holding `text` in the logs of every server run so far.
  std::string LogLinesWith(const std::string& text) const {
    std::string lines;
    for (const auto& file : std::filesystem::directory_iterator(dir_.path())) {
      if (file.path().extension() != ".log") continue;
      std::ifstream log(file.path());
      for (std::string line; std::getline(log, line);) {
        if (line.find(text) != std::string::npos) lines += line + "\n";
      }
    }
    return lines;
  }

  corridor::testing::TempDir dir_;
  std::unique_ptr<ServerProcess> server_;
  std::string address_;
  std::string token_;
  std::shared_ptr<grpc::Channel> channel_;
  std::atomic<bool> stop_{false};
  Ledger ledger_;
};

TEST_F(CrashCampaignTest, EveryAcknowledgedWriteSurvivesRepeatedSigkill) {
  const int kills = KillsWanted();
  const std::string admin = corridor::testing::AdminTokenFile(dir_.Sub("data"));
  // Tree heads from before the first kill, to prove later that no journal
  // was rewritten.
  for (const char* journal : kJournals) {
    CommandResult head = RunCorridorctl(address_, {"audit", "head", "--service=" + std::string(journal)}, admin);
    ASSERT_EQ(head.exit_code, 0) << head.err;
    std::ofstream(dir_.Sub(std::string(journal) + ".head")) << head.out;
  }

  std::vector<std::thread> writers;
  writers.emplace_back([this] { WriteConvoys(0); });
  writers.emplace_back([this] { WriteConvoys(1); });
  writers.emplace_back([this] { WriteDenials(); });
  writers.emplace_back([this] { ImportDenials(); });
  writers.emplace_back([this] { WriteRouteReports(); });

  std::mt19937 rng(std::random_device{}());
  const absl::Time started = absl::Now();
  for (int kill = 1; kill <= kills; ++kill) {
    // Kill only while writes are landing: wait for a random number of
    // acknowledgements since the restart, then a random few milliseconds.
    const int64_t wanted = ledger_.acks + 1 + static_cast<int64_t>(rng() % 200);
    const absl::Time give_up = absl::Now() + absl::Seconds(60);
    while (ledger_.acks < wanted && absl::Now() < give_up) absl::SleepFor(absl::Milliseconds(1));
    ASSERT_GE(ledger_.acks, wanted) << "no write was acknowledged for 60 s after restart "
                                    << kill - 1 << "; server logs:\n"
                                    << server_->Logs();
    absl::SleepFor(absl::Microseconds(rng() % 20000));
    ASSERT_EQ(server_->StopWith(SIGKILL), 128 + SIGKILL);
    const absl::Time killed = absl::Now();
    auto restarted = ServerProcess::Start(BinaryPath("corridord"), ServerArgs(address_), dir_.path());
    ASSERT_TRUE(restarted.ok()) << "restart after kill " << kill << ": " << restarted.status();
    server_ = *std::move(restarted);
    std::cerr << "crash campaign: kill " << kill << "/" << kills << " done, restarted in "
              << absl::ToInt64Milliseconds(absl::Now() - killed) << " ms; " << ledger_.acks
              << " writes acknowledged, " << ledger_.retried << " retried after a cut-off call\n";
  }
  stop_ = true;
  for (std::thread& t : writers) t.join();
  {
    absl::MutexLock lock(&ledger_.mu);
    ASSERT_TRUE(ledger_.failures.empty()) << ledger_.failures.front();
  }
  std::cerr << "crash campaign: " << kills << " kills in "
            << absl::ToInt64Seconds(absl::Now() - started) << " s; " << ledger_.convoys.size()
            << " convoys (" << ledger_.denied_convoys.size() << " denied), "
            << ledger_.denials.size() << " denials, " << ledger_.reports.size()
            << " route reports acknowledged; " << ledger_.reports_unknown.size()
            << " route reports cut off; " << ledger_.retried << " writes retried\n";

  // Convoys: exactly the acknowledged ones, once each, and the status index
  // finds exactly the denied ones.
  auto convoys = v1::ConvoyService::NewStub(channel_);
  v1::ListConvoysRequest ours;
  ours.set_agency(kAgency);
  std::map<std::string, int> listed;
  for (const v1::Convoy& c : ListAll(convoys.get(), &v1::ConvoyService::Stub::ListConvoys, ours,
                                     &v1::ListConvoysResponse::convoys)) {
    ++listed[c.id()];
  }
  std::map<std::string, int> expected;
  for (const auto& [key, id] : ledger_.convoys) ++expected[id];
  EXPECT_EQ(listed, expected) << "convoys lost or duplicated";
  ours.set_status(v1::CONVOY_STATUS_DENIED);
  std::set<std::string> denied;
  for (const v1::Convoy& c : ListAll(convoys.get(), &v1::ConvoyService::Stub::ListConvoys, ours,
                                     &v1::ListConvoysResponse::convoys)) {
    EXPECT_TRUE(denied.insert(c.id()).second) << c.id() << " listed twice";
  }
  EXPECT_EQ(denied, ledger_.denied_convoys);

  // Denials: each recorded one once; each convoy denial relayed once (the
  // outbox may still be delivering the last few).
  auto denials = v1::DenialService::NewStub(channel_);
  std::map<std::string, std::string> recorded;     // key -> id
  std::map<std::string, int> relayed;              // convoy id -> denials
  std::vector<v1::Denial> all;
  for (int attempt = 0; attempt < 300; ++attempt) {
    all = ListAll(denials.get(), &v1::DenialService::Stub::ListDenials, v1::ListDenialsRequest(),
                  &v1::ListDenialsResponse::denials);
    relayed.clear();
    for (const v1::Denial& d : all) {
      if (!d.facts().convoy_id().empty()) ++relayed[d.facts().convoy_id()];
    }
    if (relayed.size() >= ledger_.denied_convoys.size()) break;
    absl::SleepFor(absl::Milliseconds(100));
  }
  for (const v1::Denial& d : all) {
    if (!d.facts().convoy_id().empty()) continue;
    EXPECT_TRUE(recorded.emplace(d.idempotency_key(), d.id()).second)
        << "two denials with key " << d.idempotency_key();
  }
  EXPECT_EQ(recorded, ledger_.denials) << "denials lost or duplicated";
  std::map<std::string, int> once;
  for (const std::string& id : ledger_.denied_convoys) once[id] = 1;
  EXPECT_EQ(relayed, once) << "a convoy denial was lost or relayed twice; the servers logged:\n"
                           << LogLinesWith("outbox");

  // The statistics counters, written with each denial, agree with them.
  v1::DenialStatsRequest stats_request;
  stats_request.mutable_from()->set_year(2000);
  stats_request.mutable_from()->set_month(1);
  stats_request.mutable_to()->set_year(2099);
  stats_request.mutable_to()->set_month(12);
  stats_request.set_group_by(v1::STATS_DIMENSION_CATEGORY);
  grpc::ClientContext stats_context;
  Prepare(&stats_context);
  v1::DenialStatsResponse stats;
  grpc::Status stats_status = denials->DenialStats(&stats_context, stats_request, &stats);
  ASSERT_TRUE(stats_status.ok()) << stats_status.error_message();
  EXPECT_EQ(stats.total().denials(), static_cast<int64_t>(all.size()));

  // Route reports: every acknowledged one once; a cut-off one at most once.
  auto routes = v1::RouteService::NewStub(channel_);
  v1::GetRouteHistoryRequest history;
  history.set_route_id(kRoute);
  std::map<std::string, int> notes;
  for (const v1::RouteReport& r :
       ListAll(routes.get(), &v1::RouteService::Stub::GetRouteHistory, history,
               &v1::GetRouteHistoryResponse::reports)) {
    if (r.note().rfind("crash-rt-", 0) == 0) ++notes[r.note()];
  }
  for (const std::string& note : ledger_.reports) {
    EXPECT_EQ(notes[note], 1) << "acknowledged route report " << note;
  }
  for (const auto& [note, count] : notes) {
    EXPECT_EQ(count, 1) << note;
    EXPECT_TRUE(ledger_.reports.count(note) + ledger_.reports_unknown.count(note) == 1)
        << note << " was never sent";
  }

  // Every journal re-hashes to its signed head, every record matches its
  // entry, and each head is consistent with the one taken before the kills.
  for (const char* journal : kJournals) {
    CommandResult verify = RunCorridorctl(
        address_,
        {"audit", "verify", "--service=" + std::string(journal),
         "--since=" + dir_.Sub(std::string(journal) + ".head")},
        admin);
    EXPECT_EQ(verify.exit_code, 0) << journal << ": " << verify.out << verify.err;
  }

  // Offline, every index agrees with its records.
  ASSERT_EQ(server_->StopWith(SIGTERM), 0);
  const std::vector<std::pair<std::string, std::vector<const storage::TableSchema*>>> services = {
      {"areas", {&areas::AreasTable().schema(), &areas::StatusHistoryTable().schema()}},
      {"routes", {&routes::RoutesTable().schema(), &routes::RouteReportsTable().schema()}},
      {"convoys", {&convoys::ConvoysTable().schema(), &convoys::ConvoyEventsTable().schema()}},
      {"denials", {&denials::DenialsTable().schema(), &denials::DenialRevisionsTable().schema()}},
  };
  for (const auto& [service, tables] : services) {
    storage::StoreOptions options;
    options.path = dir_.Sub("data/" + service);
    options.read_only = true;
    auto store = storage::Store::Open(options);
    ASSERT_TRUE(store.ok()) << store.status();
    for (const storage::TableSchema* table : tables) {
      absl::Status checked = (*store)->CheckIndexes(*table);
      EXPECT_TRUE(checked.ok()) << service << ": " << checked;
    }
  }
}

}  // namespace
}  // namespace corridor
