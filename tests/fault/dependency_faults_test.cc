// A service whose dependency is down or slow: each service runs as its own
// process, and the one a call depends on is stopped (SIGSTOP: it holds the
// connection and never answers, the worst kind of slow) or killed. Calls
// fail with UNAVAILABLE from the service itself, well inside the client's
// deadline, or with DEADLINE_EXCEEDED when the client's own deadline is
// shorter; nothing is written, not even an audit journal entry; and once
// the dependency is back the same calls succeed with no step by hand.
#include <signal.h>

#include <fstream>
#include <iostream>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "common/credentials.h"
#include "corridor/v1/audit.grpc.pb.h"
#include "corridor/v1/convoys.grpc.pb.h"
#include "corridor/v1/denials.grpc.pb.h"
#include "gmock/gmock.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "tests/testing/subprocess.h"
#include "tests/testing/temp_dir.h"

namespace corridor {
namespace {

using ::corridor::testing::BinaryPath;
using ::corridor::testing::ServerProcess;
using ::testing::HasSubstr;

class DependencyFaultsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auth_ = Start("corridor-auth", {"--data_dir=" + dir_.Sub("auth")});
    ASSERT_NE(auth_, nullptr);
    areas_ = Start("corridor-areas", WithPeers({}, ""));
    ASSERT_NE(areas_, nullptr);
    routes_ = Start("corridor-routes", WithPeers({}, ""));
    ASSERT_NE(routes_, nullptr);
    denials_ = Start("corridor-denials", WithPeers({}, ",areas=" + areas_->address() +
                                                           ",routes=" + routes_->address()));
    ASSERT_NE(denials_, nullptr);
    convoys_ = Start("corridor-convoys",
                     WithPeers({}, ",areas=" + areas_->address() + ",routes=" +
                                       routes_->address() + ",denials=" + denials_->address()));
    ASSERT_NE(convoys_, nullptr);
    token_ = NewCoordinatorToken("coordinator.token");
  }

  // SIGSTOP, then waits until the process is stopped: kill() returns
  // before a process running on another core has stopped, and in that
  // moment it can still answer a call.
  static bool Freeze(pid_t pid) {
    if (kill(pid, SIGSTOP) != 0) return false;
    for (int i = 0; i < 1000; ++i) {
      std::ifstream stat(absl::StrCat("/proc/", pid, "/stat"));
      std::string line;
      std::getline(stat, line);
      const size_t paren = line.rfind(')');
      if (paren != std::string::npos && paren + 2 < line.size() && line[paren + 2] == 'T') {
        return true;
      }
      absl::SleepFor(absl::Milliseconds(1));
    }
    return false;
  }

  std::unique_ptr<ServerProcess> Start(const std::string& binary, std::vector<std::string> args) {
    auto process = ServerProcess::Start(BinaryPath(binary), args, dir_.path());
    EXPECT_TRUE(process.ok()) << process.status();
    return process.ok() ? *std::move(process) : nullptr;
  }

  std::vector<std::string> WithPeers(std::vector<std::string> args, const std::string& peers) {
    args.push_back("--data_dir=" + dir_.Sub("data"));
    args.push_back("--service_token_file=" + dir_.Sub("auth") + "/credentials/service.token");
    args.push_back("--peers=auth=" + auth_->address() + peers);
    return args;
  }

  std::string NewCoordinatorToken(const std::string& name) {
    auto file = corridor::testing::CreateTokenFile(auth_->address(), dir_.Sub("auth"),
                                                   "coordinator", dir_.Sub(name));
    EXPECT_TRUE(file.ok()) << file.status();
    if (!file.ok()) return "";
    auto token = ReadTokenFile(*file);
    EXPECT_TRUE(token.ok()) << token.status();
    return token.ok() ? *token : "";
  }

  grpc::Status Submit(const std::string& key, const std::string& area, const std::string& route,
                      absl::Duration deadline = absl::Seconds(20), const std::string& token = "") {
    auto stub = v1::ConvoyService::NewStub(
        grpc::CreateChannel(convoys_->address(), grpc::InsecureChannelCredentials()));
    v1::SubmitConvoyRequestRequest request;
    request.set_agency("WFP");
    request.set_area_id(area);
    request.set_route_id(route);
    request.mutable_planned_date()->set_year(2016);
    request.mutable_planned_date()->set_month(10);
    request.mutable_planned_date()->set_day(19);
    request.mutable_requested_on()->set_year(2015);
    request.mutable_requested_on()->set_month(12);
    request.mutable_requested_on()->set_day(1);
    v1::ManifestLine* line = request.add_manifest();
    line->set_item("wheat flour");
    line->set_category(v1::CARGO_CATEGORY_FOOD);
    line->set_quantity(20);
    line->set_unit("tonnes");
    request.set_beneficiaries_requested(2500);
    request.set_idempotency_key(key);
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + deadline));
    AttachBearerToken(&context, token.empty() ? token_ : token);
    v1::Convoy convoy;
    return stub->SubmitConvoyRequest(&context, request, &convoy);
  }

  grpc::Status RecordDenial(const std::string& key, const std::string& area) {
    auto stub = v1::DenialService::NewStub(
        grpc::CreateChannel(denials_->address(), grpc::InsecureChannelCredentials()));
    v1::RecordDenialRequest request;
    request.set_idempotency_key(key);
    v1::DenialFacts* facts = request.mutable_facts();
    facts->set_party("Syrian government and affiliated militias");
    facts->set_area_id(area);
    facts->mutable_occurred_at()->set_seconds(1476835200);  // 19 Oct 2016
    facts->set_category(v1::ACCESS_CONSTRAINT_MOVEMENT_RESTRICTION);
    facts->set_description("convoy held at the checkpoint (test data)");
    facts->mutable_source()->set_citation("dependency faults test (test data)");
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(20)));
    AttachBearerToken(&context, token_);
    v1::Denial denial;
    return stub->RecordDenial(&context, request, &denial);
  }

  // Journal size of the service at `address`: any write, even half of
  // one, would add an entry.
  uint64_t JournalSize(const ServerProcess& process, const std::string& service) {
    auto stub = v1::AuditService::NewStub(
        grpc::CreateChannel(process.address(), grpc::InsecureChannelCredentials()));
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(10)));
    AttachBearerToken(&context, token_);
    v1::GetTreeHeadRequest request;
    request.set_service(service);
    v1::SignedTreeHead head;
    grpc::Status s = stub->GetTreeHead(&context, request, &head);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return head.tree_size();
  }

  // Repeats `call` while it is UNAVAILABLE (the channel may still be in its
  // reconnect backoff, at most a few seconds), up to 30 s.
  static grpc::Status OnceBack(const std::function<grpc::Status()>& call) {
    grpc::Status s = call();
    for (int i = 0; i < 300 && s.error_code() == grpc::StatusCode::UNAVAILABLE; ++i) {
      absl::SleepFor(absl::Milliseconds(100));
      s = call();
    }
    return s;
  }

  corridor::testing::TempDir dir_;
  std::unique_ptr<ServerProcess> auth_, areas_, routes_, denials_, convoys_;
  std::string token_;
};

TEST_F(DependencyFaultsTest, ASlowAreasServiceFailsWritesInsideTheDeadlineAndWritesNothing) {
  // Connected first, so that the stopped service holds an open connection
  // and takes the request without ever answering.
  ASSERT_TRUE(Submit("warm-1", "EG-HARASTA", "").ok());
  ASSERT_TRUE(RecordDenial("warm-dn-1", "EG-HARASTA").ok());
  const uint64_t convoys_before = JournalSize(*convoys_, "convoys");
  const uint64_t denials_before = JournalSize(*denials_, "denials");
  ASSERT_TRUE(Freeze(areas_->pid()));

  const absl::Time asked = absl::Now();
  grpc::Status submit = Submit("slow-1", "EG-DUMA", "");
  std::cerr << "dependency faults: submit answered in "
            << absl::ToInt64Milliseconds(absl::Now() - asked)
            << " ms with the areas service stopped: " << submit.error_message() << "\n";
  EXPECT_EQ(submit.error_code(), grpc::StatusCode::UNAVAILABLE) << submit.error_message();
  EXPECT_THAT(submit.error_message(), HasSubstr("the areas service at " + areas_->address()));
  EXPECT_THAT(submit.error_message(), HasSubstr("nothing was written"));
  grpc::Status record = RecordDenial("slow-dn-1", "EG-ARBIN");
  EXPECT_EQ(record.error_code(), grpc::StatusCode::UNAVAILABLE) << record.error_message();
  EXPECT_THAT(record.error_message(), HasSubstr("nothing was written"));
  // A client that cannot wait that long gets its own deadline, and the
  // service gives up its peer call then too, instead of holding a thread
  // for its 3 s peer timeout (issue 20): its log line of the call says how
  // long it was held.
  grpc::Status hurried = Submit("slow-2", "EG-ZAMALKA", "", absl::Milliseconds(300));
  EXPECT_EQ(hurried.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED);
  absl::SleepFor(absl::Seconds(1));
  int64_t held_ms = -1;
  for (absl::string_view line : absl::StrSplit(convoys_->Logs(), '\n')) {
    if (!absl::StrContains(line, "method=SubmitConvoyRequest")) continue;
    // The caller's address is in the operator's log, and only there.
    EXPECT_THAT(line, HasSubstr(" peer=ipv4:127.0.0.1:"));
    if (absl::StrContains(line, "code=OK")) continue;
    const size_t at = line.find("latency_ms=");
    double ms = 0;
    if (at != absl::string_view::npos &&
        absl::SimpleAtod(line.substr(at + 11, line.find(' ', at) - at - 11), &ms)) {
      held_ms = static_cast<int64_t>(ms);
    }
  }
  std::cerr << "dependency faults: the convoys service held the 300 ms call for " << held_ms
            << " ms\n";
  EXPECT_GE(held_ms, 0) << convoys_->Logs();
  EXPECT_LT(held_ms, 2000) << "the peer call did not stop at the caller's deadline";

  // The service behind a cut-off call finishes it (and fails it) on its
  // own: wait out its 3 s peer timeout, then check nothing was written.
  absl::SleepFor(absl::Seconds(4));
  EXPECT_EQ(JournalSize(*convoys_, "convoys"), convoys_before);
  EXPECT_EQ(JournalSize(*denials_, "denials"), denials_before);

  // Back: the same calls, keys and all, go through, once each.
  ASSERT_EQ(kill(areas_->pid(), SIGCONT), 0);
  EXPECT_TRUE(OnceBack([&] { return Submit("slow-1", "EG-DUMA", ""); }).ok());
  EXPECT_TRUE(OnceBack([&] { return Submit("slow-2", "EG-ZAMALKA", ""); }).ok());
  EXPECT_TRUE(OnceBack([&] { return RecordDenial("slow-dn-1", "EG-ARBIN"); }).ok());
  EXPECT_TRUE(Submit("slow-1", "EG-DUMA", "").ok());  // a retry finds the first

  // Not yet connected: the connection attempt itself fails, sooner.
  ASSERT_TRUE(Freeze(routes_->pid()));
  grpc::Status unconnected = Submit("slow-3", "ALP-EAST", "castello-road");
  EXPECT_EQ(unconnected.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_THAT(unconnected.error_message(), HasSubstr("the routes service at " + routes_->address()));
  ASSERT_EQ(kill(routes_->pid(), SIGCONT), 0);

  EXPECT_TRUE(OnceBack([&] { return Submit("slow-3", "ALP-EAST", "castello-road"); }).ok());
  EXPECT_EQ(JournalSize(*convoys_, "convoys"), convoys_before + 3);
  EXPECT_EQ(JournalSize(*denials_, "denials"), denials_before + 1);
}

TEST_F(DependencyFaultsTest, AKilledRoutesServiceFailsFastAndIsRejoinedOnItsAddress) {
  const std::string address = routes_->address();
  const uint64_t before = JournalSize(*convoys_, "convoys");
  ASSERT_EQ(routes_->StopWith(SIGKILL), 128 + SIGKILL);
  grpc::Status down = Submit("routes-1", "ALP-EAST", "castello-road");
  EXPECT_EQ(down.error_code(), grpc::StatusCode::UNAVAILABLE) << down.error_message();
  EXPECT_THAT(down.error_message(), HasSubstr("the routes service at " + address));
  EXPECT_EQ(JournalSize(*convoys_, "convoys"), before);

  routes_ = Start("corridor-routes", WithPeers({"--listen=" + address}, ""));
  ASSERT_NE(routes_, nullptr);
  EXPECT_TRUE(OnceBack([&] { return Submit("routes-1", "ALP-EAST", "castello-road"); }).ok());
  EXPECT_EQ(JournalSize(*convoys_, "convoys"), before + 1);
}

TEST_F(DependencyFaultsTest, ASlowAuthServiceRefusesUncheckedTokensAsUnavailable) {
  // A token the convoys service has not seen yet must be checked with the
  // auth service.
  const std::string fresh = NewCoordinatorToken("fresh.token");
  const uint64_t before = JournalSize(*convoys_, "convoys");
  ASSERT_TRUE(Freeze(auth_->pid()));
  grpc::Status s = Submit("auth-1", "EG-DUMA", "", absl::Seconds(20), fresh);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAVAILABLE) << s.error_message();
  EXPECT_THAT(s.error_message(), HasSubstr("your token could not be checked"));
  ASSERT_EQ(kill(auth_->pid(), SIGCONT), 0);
  EXPECT_EQ(JournalSize(*convoys_, "convoys"), before);
  EXPECT_TRUE(
      OnceBack([&] { return Submit("auth-1", "EG-DUMA", "", absl::Seconds(20), fresh); }).ok());
}

}  // namespace
}  // namespace corridor
