// Request ids (AIP-155) over a real gRPC server with a real RocksDB: road
// reports, which append and so would be recorded twice by a blind retry;
// and the claim itself against a store whose answer a crash lost.
#include "services/common/request_ids.h"

#include <grpcpp/grpcpp.h>

#include <thread>
#include <vector>

#include "common/credentials.h"
#include "common/server.h"
#include "gmock/gmock.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "gtest/gtest.h"
#include "services/routes/routes_module.h"
#include "tests/testing/temp_dir.h"
#include "tests/testing/temp_store.h"
#include "tests/testing/test_credentials.h"
#include "tests/testing/test_table.h"

namespace corridor {
namespace {

using ::testing::HasSubstr;

// The ErrorInfo reason of a failed call.
std::string ReasonOf(const grpc::Status& status) {
  google::rpc::Status rich;
  if (!rich.ParseFromString(status.error_details())) return "";
  for (const auto& detail : rich.details()) {
    google::rpc::ErrorInfo info;
    if (detail.UnpackTo(&info)) return info.reason();
  }
  return "";
}

class RequestIdsTest : public ::testing::Test {
 protected:
  void SetUp() override { Start(); }
  void TearDown() override { Stop(); }

  void Start() {
    ModuleOptions options;
    options.data_dir = dir_.Sub("routes");
    options.access = credentials_.access();
    auto module = routes::OpenRoutesModule(options);
    ASSERT_TRUE(module.ok()) << module.status();
    module_ = *std::move(module);
    auto host = ServiceHost::Start(ServerOptions(), module_->Services());
    ASSERT_TRUE(host.ok()) << host.status();
    host_ = *std::move(host);
    stub_ = v1::RouteService::NewStub(grpc::CreateChannel(
        "127.0.0.1:" + std::to_string(host_->port()), grpc::InsecureChannelCredentials()));
  }

  void Stop() {
    if (module_) module_->BeginShutdown();
    stub_.reset();
    host_.reset();
    module_.reset();
  }

  static v1::ReportRouteStatusRequest Closure(const std::string& request_id,
                                              const std::string& note = "checkpoint shut") {
    v1::ReportRouteStatusRequest request;
    request.set_route_id("castello-road");
    request.set_status(v1::ROUTE_STATUS_CLOSED);
    request.mutable_observed_at()->set_seconds(1475280000);  // 1 Oct 2016
    request.mutable_source()->set_citation("test observer");
    request.set_note(note);
    request.set_request_id(request_id);
    return request;
  }

  struct Answer {
    grpc::Status status;
    v1::ReportRouteStatusResponse response;
    std::string journal_index;
  };
  Answer Report(const v1::ReportRouteStatusRequest& request, const std::string& caller = "tester") {
    std::unique_ptr<grpc::ClientContext> context =
        credentials_.Context(v1::ROLE_COORDINATOR, caller);
    Answer answer;
    answer.status = stub_->ReportRouteStatus(context.get(), request, &answer.response);
    const auto& trailers = context->GetServerTrailingMetadata();
    auto index = trailers.find("corridor-journal-index");
    if (index != trailers.end())
      answer.journal_index = std::string(index->second.data(), index->second.size());
    return answer;
  }

  int64_t ReportsOfCastello() {
    v1::GetRouteRequest request;
    request.set_id("castello-road");
    v1::Route route;
    grpc::Status status =
        stub_->GetRoute(credentials_.Context(v1::ROLE_COORDINATOR).get(), request, &route);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return route.reports();
  }

  testing::TempDir dir_;
  testing::TestCredentials credentials_{dir_.Sub("auth")};
  std::unique_ptr<ServiceModule> module_;
  std::unique_ptr<ServiceHost> host_;
  std::unique_ptr<v1::RouteService::Stub> stub_;
};

TEST_F(RequestIdsTest, ARepeatGetsTheFirstAnswerAndWritesNothing) {
  const int64_t before = ReportsOfCastello();
  const Answer first = Report(Closure("3b0c7c1e-castello-1"));
  ASSERT_TRUE(first.status.ok()) << first.status.error_message();
  ASSERT_FALSE(first.journal_index.empty());

  const Answer repeat = Report(Closure("3b0c7c1e-castello-1"));
  ASSERT_TRUE(repeat.status.ok()) << repeat.status.error_message();
  EXPECT_EQ(repeat.response.SerializeAsString(), first.response.SerializeAsString());
  // The repeat points at the first call's journal entry: it wrote none.
  EXPECT_EQ(repeat.journal_index, first.journal_index);
  EXPECT_EQ(ReportsOfCastello(), before + 1);

  // Without a request id, the same report is a second report.
  ASSERT_TRUE(Report(Closure("")).status.ok());
  EXPECT_EQ(ReportsOfCastello(), before + 2);
}

TEST_F(RequestIdsTest, TheFirstAnswerOutlivesARestart) {
  const Answer first = Report(Closure("restart-1"));
  ASSERT_TRUE(first.status.ok()) << first.status.error_message();
  const int64_t after_first = ReportsOfCastello();
  Stop();
  Start();
  const Answer repeat = Report(Closure("restart-1"));
  ASSERT_TRUE(repeat.status.ok()) << repeat.status.error_message();
  EXPECT_EQ(repeat.response.SerializeAsString(), first.response.SerializeAsString());
  EXPECT_EQ(repeat.journal_index, first.journal_index);
  EXPECT_EQ(ReportsOfCastello(), after_first);
}

TEST_F(RequestIdsTest, AnotherRequestUnderAnIdInUseIsRefusedNamingIt) {
  ASSERT_TRUE(Report(Closure("reused-1", "checkpoint shut")).status.ok());
  const int64_t before = ReportsOfCastello();
  const Answer other = Report(Closure("reused-1", "checkpoint shut at dawn"));
  EXPECT_EQ(other.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(other.status.error_message(), HasSubstr("request_id: \"reused-1\" was first sent"));
  EXPECT_EQ(ReasonOf(other.status), "REQUEST_ID_REUSED");
  EXPECT_EQ(ReportsOfCastello(), before);
}

TEST_F(RequestIdsTest, EachCallerHasItsOwnIds) {
  const int64_t before = ReportsOfCastello();
  const Answer mine = Report(Closure("shared-1"), "ocha-damascus");
  const Answer theirs = Report(Closure("shared-1"), "ocha-gaziantep");
  ASSERT_TRUE(mine.status.ok()) << mine.status.error_message();
  ASSERT_TRUE(theirs.status.ok()) << theirs.status.error_message();
  EXPECT_NE(mine.journal_index, theirs.journal_index);
  EXPECT_EQ(ReportsOfCastello(), before + 2);
}

TEST_F(RequestIdsTest, AMalformedIdIsRefusedNamingTheField) {
  const int64_t before = ReportsOfCastello();
  for (const std::string& bad :
       {std::string("has space"), std::string(65, 'a'), std::string("slash/inside")}) {
    const Answer answer = Report(Closure(bad));
    EXPECT_EQ(answer.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << bad;
    EXPECT_THAT(answer.status.error_message(), HasSubstr("request_id: ")) << bad;
  }
  EXPECT_EQ(ReportsOfCastello(), before);
}

TEST_F(RequestIdsTest, AFailedCallKeepsNothingSoItsIdStaysFree) {
  v1::ReportRouteStatusRequest nowhere = Closure("free-1");
  nowhere.set_route_id("no-such-road");
  EXPECT_EQ(Report(nowhere).status.error_code(), grpc::StatusCode::NOT_FOUND);
  // The id was not taken by the failure: a corrected request may use it.
  const Answer corrected = Report(Closure("free-1"));
  EXPECT_TRUE(corrected.status.ok()) << corrected.status.error_message();
}

// The limit the contract declares on the field (limits.proto) is the one
// the server holds a write to, before anything else.
TEST_F(RequestIdsTest, AWriteIsHeldToTheLimitsTheContractDeclares) {
  const int64_t before = ReportsOfCastello();
  const Answer at_limit = Report(Closure("limit-1", std::string(4000, 'n')));
  EXPECT_TRUE(at_limit.status.ok()) << at_limit.status.error_message();
  const Answer over = Report(Closure("limit-2", std::string(4001, 'n')));
  EXPECT_EQ(over.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(over.status.error_message(), "note: is 4001 bytes long; the limit is 4000");
  EXPECT_EQ(ReasonOf(over.status), "INVALID_FIELD");
  EXPECT_EQ(ReportsOfCastello(), before + 1);
}

TEST_F(RequestIdsTest, SimultaneousRepeatsWriteOnce) {
  const int64_t before = ReportsOfCastello();
  std::vector<Answer> answers(8);
  std::vector<std::thread> callers;
  for (Answer& answer : answers) {
    callers.emplace_back([&] { answer = Report(Closure("together-1")); });
  }
  for (std::thread& caller : callers) caller.join();
  for (const Answer& answer : answers) {
    ASSERT_TRUE(answer.status.ok()) << answer.status.error_message();
    EXPECT_EQ(answer.journal_index, answers[0].journal_index);
    EXPECT_EQ(answer.response.SerializeAsString(), answers[0].response.SerializeAsString());
  }
  EXPECT_EQ(ReportsOfCastello(), before + 1);
}

// The change and its "applied" mark share one write; a crash before the
// answer is kept leaves the mark, and a repeat is refused plainly rather
// than applied twice.
TEST(RequestClaimTest, AChangeWhoseAnswerWasLostIsNotAppliedAgain) {
  testing::TempDir dir;
  std::unique_ptr<storage::Store> store = testing::OpenTestStore(dir.Sub("db"));
  ASSERT_NE(store, nullptr);
  v1::Principal caller;
  caller.set_name("ocha-damascus");
  const v1::ReportRouteStatusRequest request = [] {
    v1::ReportRouteStatusRequest r;
    r.set_route_id("castello-road");
    r.set_request_id("lost-1");
    return r;
  }();
  {
    absl::StatusOr<std::unique_ptr<RequestClaim>> claim = RequestClaim::Make(
        store.get(), caller, "/corridor.v1.RouteService/ReportRouteStatus", request);
    ASSERT_TRUE(claim.ok()) << claim.status();
    EXPECT_FALSE((*claim)->repeat());
    v1::Area thing;
    thing.set_id("a");
    storage::Mutation mutation;
    mutation.Insert(testing::ThingsTable(), thing);
    ASSERT_TRUE(store->Commit(mutation).ok());
    // The server stops here, before Save.
  }
  absl::StatusOr<std::unique_ptr<RequestClaim>> again = RequestClaim::Make(
      store.get(), caller, "/corridor.v1.RouteService/ReportRouteStatus", request);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(again.status().message(), HasSubstr("do not send this request again"));

  // A claim whose call wrote nothing leaves no mark.
  v1::ReportRouteStatusRequest unwritten = request;
  unwritten.set_request_id("unwritten-1");
  {
    auto claim = RequestClaim::Make(store.get(), caller, "/x/Y", unwritten);
    ASSERT_TRUE(claim.ok()) << claim.status();
  }
  auto fresh = RequestClaim::Make(store.get(), caller, "/x/Y", unwritten);
  ASSERT_TRUE(fresh.ok()) << fresh.status();
  EXPECT_FALSE((*fresh)->repeat());
}

// Token names need not be unique: a caller is its token's id, so that
// another token that shares the name can neither read the first one's
// answer nor collide with its ids.
TEST(RequestClaimTest, AnotherTokenOfTheSameNameHasItsOwnIds) {
  testing::TempDir dir;
  std::unique_ptr<storage::Store> store = testing::OpenTestStore(dir.Sub("db"));
  ASSERT_NE(store, nullptr);
  v1::Principal wfp;
  wfp.set_name("agency-system");
  wfp.set_token_id("tk-1111111111111111");
  v1::Principal unicef = wfp;
  unicef.set_token_id("tk-2222222222222222");
  v1::ReportRouteStatusRequest request;
  request.set_route_id("castello-road");
  request.set_request_id("same-1");
  const std::string rpc = "/corridor.v1.RouteService/ReportRouteStatus";
  {
    auto first = RequestClaim::Make(store.get(), wfp, rpc, request);
    ASSERT_TRUE(first.ok()) << first.status();
    v1::ReportRouteStatusResponse answer;
    answer.mutable_report()->set_note("wfp's answer");
    ASSERT_TRUE((*first)->Save(answer, storage::LastCommit()).ok());
  }
  auto theirs = RequestClaim::Make(store.get(), unicef, rpc, request);
  ASSERT_TRUE(theirs.ok()) << theirs.status();
  EXPECT_FALSE((*theirs)->repeat());
  theirs->reset();
  auto mine = RequestClaim::Make(store.get(), wfp, rpc, request);
  ASSERT_TRUE(mine.ok()) << mine.status();
  EXPECT_TRUE((*mine)->repeat());
  v1::ReportRouteStatusResponse kept;
  ASSERT_TRUE(kept.ParseFromString((*mine)->reply()));
  EXPECT_EQ(kept.report().note(), "wfp's answer");
}

}  // namespace
}  // namespace corridor
