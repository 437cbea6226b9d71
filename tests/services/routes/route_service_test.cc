// The routes service over a real gRPC server on a loopback port, with a real
// RocksDB in a temporary folder: the reference roads, reports, history and
// the live feed.
#include "services/routes/route_service.h"

#include <grpcpp/grpcpp.h>

#include <thread>

#include "common/credentials.h"
#include "common/server.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/time_util.h"
#include "gtest/gtest.h"
#include "services/routes/routes_module.h"
#include "tests/testing/temp_dir.h"
#include "tests/testing/test_credentials.h"

namespace corridor::routes {
namespace {

using google::protobuf::util::TimeUtil;
using ::testing::HasSubstr;

google::protobuf::Timestamp Day(int y, int m, int d) {
  google::protobuf::Timestamp t;
  t.set_seconds(absl::ToUnixSeconds(absl::FromCivil(absl::CivilDay(y, m, d), absl::UTCTimeZone())));
  return t;
}

class RouteServiceTest : public ::testing::Test {
 protected:
  void SetUp() override { Start(); }
  void TearDown() override { Stop(); }

  void Start() {
    ModuleOptions options;
    options.data_dir = dir_.Sub("routes");
    options.access = credentials_.access();
    auto module = OpenRoutesModule(options);
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

  // A coordinator, who files road reports.
  std::unique_ptr<grpc::ClientContext> Context() {
    return credentials_.Context(v1::ROLE_COORDINATOR);
  }
  // The same token on a stream's context, which has no deadline.
  void SignIn(grpc::ClientContext* context) {
    AttachBearerToken(context, credentials_.Token(v1::ROLE_COORDINATOR));
  }

  grpc::Status Report(const std::string& route, v1::RouteStatus status,
                      google::protobuf::Timestamp at, v1::ReportRouteStatusResponse* out = nullptr,
                      const std::string& note = "") {
    v1::ReportRouteStatusRequest request;
    request.set_route_id(route);
    request.set_status(status);
    *request.mutable_observed_at() = at;
    request.mutable_source()->set_citation("test observer");
    request.set_note(note);
    v1::ReportRouteStatusResponse response;
    return stub_->ReportRouteStatus(Context().get(), request, out ? out : &response);
  }

  v1::Route Get(const std::string& id) {
    v1::GetRouteRequest request;
    request.set_id(id);
    v1::Route route;
    grpc::Status status = stub_->GetRoute(Context().get(), request, &route);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return route;
  }

  testing::TempDir dir_;
  testing::TestCredentials credentials_{dir_.Sub("auth")};
  std::unique_ptr<ServiceModule> module_;
  std::unique_ptr<ServiceHost> host_;
  std::unique_ptr<v1::RouteService::Stub> stub_;
};

TEST_F(RouteServiceTest, AleppoRoadsAreLoadedWithTheir2016HistoryAndSources) {
  v1::Route castello = Get("castello-road");
  EXPECT_EQ(castello.name(), "Castello Road");
  EXPECT_THAT(castello.serves_area_ids(), ::testing::ElementsAre("ALP-EAST"));
  EXPECT_EQ(castello.status(), v1::ROUTE_STATUS_RESTRICTED);  // 15 Sep 2016
  EXPECT_EQ(castello.status_observed_at(), Day(2016, 9, 15));
  EXPECT_EQ(castello.reports(), 3);
  v1::Route ramouseh = Get("ramouseh-road");
  EXPECT_EQ(ramouseh.status(), v1::ROUTE_STATUS_CLOSED);  // 4 Sep 2016
  EXPECT_EQ(ramouseh.controlling_party(), "Syrian government and allies");

  v1::GetRouteHistoryRequest request;
  request.set_route_id("castello-road");
  v1::GetRouteHistoryResponse history;
  ASSERT_TRUE(stub_->GetRouteHistory(Context().get(), request, &history).ok());
  ASSERT_EQ(history.reports_size(), 3);
  // Newest observation first, each with the source the CSV gives.
  EXPECT_EQ(history.reports(0).observed_at(), Day(2016, 9, 15));
  EXPECT_EQ(history.reports(1).status(), v1::ROUTE_STATUS_CLOSED);
  EXPECT_EQ(history.reports(1).source().citation(), "WIKI-SUMMER");
  EXPECT_EQ(history.reports(2).status(), v1::ROUTE_STATUS_UNDER_FIRE);
  EXPECT_EQ(history.reports(2).source().citation(), "WIKI-SUMMER; GUARDIAN-EA");
  EXPECT_EQ(history.reports(2).previous_status(), v1::ROUTE_STATUS_UNKNOWN);

  // A restart does not load it twice.
  Stop();
  Start();
  EXPECT_EQ(Get("castello-road").reports(), 3);
}

TEST_F(RouteServiceTest, ALateReportJoinsTheHistoryWithoutChangingTheCurrentStatus) {
  v1::ReportRouteStatusResponse late;
  ASSERT_TRUE(Report("castello-road", v1::ROUTE_STATUS_OPEN, Day(2016, 8, 1), &late).ok());
  EXPECT_FALSE(late.report().current());
  EXPECT_EQ(late.route().status(), v1::ROUTE_STATUS_RESTRICTED);
  v1::ReportRouteStatusResponse now;
  ASSERT_TRUE(
      Report("castello-road", v1::ROUTE_STATUS_OPEN, TimeUtil::GetCurrentTime(), &now).ok());
  EXPECT_TRUE(now.report().current());
  EXPECT_EQ(Get("castello-road").status(), v1::ROUTE_STATUS_OPEN);
  EXPECT_EQ(Get("castello-road").reports(), 5);
}

TEST_F(RouteServiceTest, AReportFiledInErrorIsWithdrawnOrCorrectedAndTheStatusFollows) {
  // Today: open. Then a report of "closed" that was a mistake.
  v1::ReportRouteStatusResponse open, closed;
  ASSERT_TRUE(
      Report("castello-road", v1::ROUTE_STATUS_OPEN, TimeUtil::GetCurrentTime(), &open).ok());
  ASSERT_TRUE(
      Report("castello-road", v1::ROUTE_STATUS_CLOSED, TimeUtil::GetCurrentTime(), &closed).ok());
  ASSERT_EQ(Get("castello-road").status(), v1::ROUTE_STATUS_CLOSED);

  v1::CorrectRouteReportRequest withdraw;
  withdraw.set_position(closed.report().position());
  withdraw.set_withdraw(true);
  withdraw.set_reason("the closure was of another road");
  v1::ReportRouteStatusResponse withdrawn;
  grpc::Status status = stub_->CorrectRouteReport(Context().get(), withdraw, &withdrawn);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_TRUE(withdrawn.report().withdrawal());
  EXPECT_EQ(withdrawn.report().supersedes(), closed.report().position());
  EXPECT_EQ(withdrawn.route().status(), v1::ROUTE_STATUS_OPEN);  // back to the report before
  EXPECT_EQ(Get("castello-road").status(), v1::ROUTE_STATUS_OPEN);

  // Once superseded, a report cannot be corrected again, nor a withdrawal.
  v1::ReportRouteStatusResponse unused;
  status = stub_->CorrectRouteReport(Context().get(), withdraw, &unused);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(status.error_message(), HasSubstr("was already superseded by report"));
  withdraw.set_position(withdrawn.report().position());
  EXPECT_EQ(stub_->CorrectRouteReport(Context().get(), withdraw, &unused).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);

  // A correction: the open report said "open" but the road was restricted.
  v1::CorrectRouteReportRequest correct;
  correct.set_position(open.report().position());
  correct.set_reason("checkpoint hours were in force");
  v1::ReportRouteStatusRequest* report = correct.mutable_report();
  report->set_route_id("castello-road");
  report->set_status(v1::ROUTE_STATUS_RESTRICTED);
  *report->mutable_observed_at() = open.report().observed_at();
  report->mutable_source()->set_citation("field team");
  v1::ReportRouteStatusResponse corrected;
  status = stub_->CorrectRouteReport(Context().get(), correct, &corrected);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(corrected.route().status(), v1::ROUTE_STATUS_RESTRICTED);
  EXPECT_TRUE(corrected.report().current());

  // Every revision stays in the history, the superseded ones marked.
  v1::GetRouteHistoryRequest history_request;
  history_request.set_route_id("castello-road");
  history_request.mutable_page()->set_page_size(100);
  v1::GetRouteHistoryResponse history;
  ASSERT_TRUE(stub_->GetRouteHistory(Context().get(), history_request, &history).ok());
  int superseded = 0, corrections = 0;
  for (const v1::RouteReport& r : history.reports()) {
    superseded += r.superseded_by() != 0;
    corrections += r.supersedes() != 0;
  }
  EXPECT_EQ(superseded, 2);
  EXPECT_EQ(corrections, 2);
}

TEST_F(RouteServiceTest, ACorrectionNamesWhatIsWrong) {
  v1::CorrectRouteReportRequest request;
  request.set_reason("x");
  v1::ReportRouteStatusResponse response;
  grpc::Status status = stub_->CorrectRouteReport(Context().get(), request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("position"));
  request.set_position(999999);
  request.set_withdraw(true);
  status = stub_->CorrectRouteReport(Context().get(), request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  v1::ReportRouteStatusResponse filed;
  ASSERT_TRUE(Report("castello-road", v1::ROUTE_STATUS_OPEN, Day(2016, 9, 1), &filed).ok());
  request.set_withdraw(false);
  request.set_position(filed.report().position());
  request.mutable_report()->set_route_id("ramouseh-road");
  request.mutable_report()->set_status(v1::ROUTE_STATUS_OPEN);
  *request.mutable_report()->mutable_observed_at() = Day(2016, 9, 1);
  request.mutable_report()->mutable_source()->set_citation("x");
  status = stub_->CorrectRouteReport(Context().get(), request, &response);
  EXPECT_THAT(status.error_message(), HasSubstr("report.route_id"));
}

TEST_F(RouteServiceTest, BadReportsNameTheFieldAndChangeNothing) {
  const int64_t before = Get("castello-road").version();
  grpc::Status unknown = Report("no-such-road", v1::ROUTE_STATUS_OPEN, Day(2016, 9, 1));
  EXPECT_EQ(unknown.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_THAT(unknown.error_message(), HasSubstr("route_id"));
  grpc::Status future = Report("castello-road", v1::ROUTE_STATUS_OPEN, Day(2999, 1, 1));
  EXPECT_EQ(future.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(future.error_message(), HasSubstr("observed_at"));
  grpc::Status no_status = Report("castello-road", v1::ROUTE_STATUS_UNSPECIFIED, Day(2016, 9, 1));
  EXPECT_THAT(no_status.error_message(), HasSubstr("status: is required"));
  EXPECT_EQ(Get("castello-road").version(), before);
}

// Reads `count` events from a watch, or fewer if the stream ends first.
std::vector<v1::RouteReport> ReadEvents(grpc::ClientReader<v1::RouteStatusEvent>* reader,
                                        int count) {
  std::vector<v1::RouteReport> reports;
  v1::RouteStatusEvent event;
  while (static_cast<int>(reports.size()) < count && reader->Read(&event)) {
    reports.push_back(event.report());
  }
  return reports;
}

TEST_F(RouteServiceTest, ASubscriberSeesEveryChangeAfterItSubscribedInOrder) {
  grpc::ClientContext context;
  SignIn(&context);
  v1::WatchRouteStatusRequest request;
  auto reader = stub_->WatchRouteStatus(&context, request);
  reader->WaitForInitialMetadata();  // returns once subscribed

  constexpr int kReports = 40;
  std::thread writer([&] {
    for (int i = 0; i < kReports; ++i) {
      const auto status = i % 2 ? v1::ROUTE_STATUS_OPEN : v1::ROUTE_STATUS_UNDER_FIRE;
      ASSERT_TRUE(Report(i % 3 ? "castello-road" : "ramouseh-road", status,
                         TimeUtil::GetCurrentTime(), nullptr, std::to_string(i))
                      .ok());
    }
  });
  std::vector<v1::RouteReport> seen = ReadEvents(reader.get(), kReports);
  writer.join();
  ASSERT_EQ(seen.size(), size_t{kReports});
  for (int i = 0; i < kReports; ++i) {
    EXPECT_EQ(seen[i].note(), std::to_string(i));
    EXPECT_EQ(seen[i].position(), 6 + i + 1);  // after the 6 reference reports
  }
  context.TryCancel();
}

TEST_F(RouteServiceTest, AReconnectingPartnerGetsTheRestFromItsLastPosition) {
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(Report("castello-road", v1::ROUTE_STATUS_OPEN, TimeUtil::GetCurrentTime(), nullptr,
                       std::to_string(i))
                    .ok());
  }
  // The partner saw up to position 9 (the reference data's 6, then 3 more),
  // went away, and comes back.
  grpc::ClientContext context;
  SignIn(&context);
  v1::WatchRouteStatusRequest request;
  request.set_after_position(9);
  auto reader = stub_->WatchRouteStatus(&context, request);
  std::vector<v1::RouteReport> rest = ReadEvents(reader.get(), 7);
  ASSERT_EQ(rest.size(), 7u);
  for (int i = 0; i < 7; ++i) {
    EXPECT_EQ(rest[i].position(), 10 + i);
    EXPECT_EQ(rest[i].note(), std::to_string(3 + i));
  }
  context.TryCancel();

  // From 0, the whole feed, reference reports first, filtered by route.
  grpc::ClientContext replay_context;
  SignIn(&replay_context);
  v1::WatchRouteStatusRequest replay;
  replay.set_after_position(0);
  replay.add_route_ids("ramouseh-road");
  auto replay_reader = stub_->WatchRouteStatus(&replay_context, replay);
  std::vector<v1::RouteReport> ramouseh = ReadEvents(replay_reader.get(), 3);
  ASSERT_EQ(ramouseh.size(), 3u);
  for (const auto& r : ramouseh) EXPECT_EQ(r.route_id(), "ramouseh-road");
  EXPECT_EQ(ramouseh[0].status(), v1::ROUTE_STATUS_OPEN);  // 6 Aug 2016, siege broken
  EXPECT_EQ(ramouseh[2].status(), v1::ROUTE_STATUS_CLOSED);
  replay_context.TryCancel();

  // A position the feed has not reached is a mistake to name, not a wait
  // that would silently skip the reports up to it.
  grpc::ClientContext ahead_context;
  SignIn(&ahead_context);
  v1::WatchRouteStatusRequest ahead;
  ahead.set_after_position(1000);
  auto ahead_reader = stub_->WatchRouteStatus(&ahead_context, ahead);
  v1::RouteStatusEvent event;
  EXPECT_FALSE(ahead_reader->Read(&event));
  const grpc::Status refused = ahead_reader->Finish();
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(refused.error_message(), HasSubstr("after_position: 1000 is past the last report"));
}

// `start` resumes as AuditService.WatchChanges does: the first position
// wanted, so the last one received + 1.
TEST_F(RouteServiceTest, StartIsTheFirstPositionWantedAsInTheChangeFeed) {
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(Report("castello-road", v1::ROUTE_STATUS_OPEN, TimeUtil::GetCurrentTime(), nullptr,
                       std::to_string(i))
                    .ok());
  }
  grpc::ClientContext context;
  SignIn(&context);
  v1::WatchRouteStatusRequest request;
  request.set_start(8);  // the reference data's 6, and the first report, were received
  auto reader = stub_->WatchRouteStatus(&context, request);
  std::vector<v1::RouteReport> rest = ReadEvents(reader.get(), 2);
  ASSERT_EQ(rest.size(), 2u);
  EXPECT_EQ(rest[0].position(), 8);
  EXPECT_EQ(rest[0].note(), "1");
  context.TryCancel();

  grpc::ClientContext both_context;
  SignIn(&both_context);
  v1::WatchRouteStatusRequest both;
  both.set_start(8);
  both.set_after_position(7);
  auto both_reader = stub_->WatchRouteStatus(&both_context, both);
  v1::RouteStatusEvent event;
  EXPECT_FALSE(both_reader->Read(&event));
  const grpc::Status refused = both_reader->Finish();
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(refused.error_message(), HasSubstr("start: give start or after_position"));
}

TEST_F(RouteServiceTest, ManySubscribersEachGetEveryReport) {
  constexpr int kSubscribers = 50, kReports = 20;
  std::vector<std::unique_ptr<grpc::ClientContext>> contexts;
  std::vector<std::unique_ptr<grpc::ClientReader<v1::RouteStatusEvent>>> readers;
  for (int s = 0; s < kSubscribers; ++s) {
    contexts.push_back(std::make_unique<grpc::ClientContext>());
    SignIn(contexts.back().get());
    v1::WatchRouteStatusRequest request;
    request.set_after_position(6);
    readers.push_back(stub_->WatchRouteStatus(contexts.back().get(), request));
  }
  for (int i = 0; i < kReports; ++i) {
    ASSERT_TRUE(Report("castello-road", v1::ROUTE_STATUS_CLOSED, TimeUtil::GetCurrentTime()).ok());
  }
  for (int s = 0; s < kSubscribers; ++s) {
    std::vector<v1::RouteReport> seen = ReadEvents(readers[s].get(), kReports);
    ASSERT_EQ(seen.size(), size_t{kReports}) << "subscriber " << s;
    EXPECT_EQ(seen.back().position(), 6 + kReports);
    contexts[s]->TryCancel();
  }
}

TEST_F(RouteServiceTest, ShutdownEndsStreamsWithThePositionToResumeFrom) {
  grpc::ClientContext context;
  SignIn(&context);
  v1::WatchRouteStatusRequest request;
  auto reader = stub_->WatchRouteStatus(&context, request);
  reader->WaitForInitialMetadata();
  module_->BeginShutdown();
  v1::RouteStatusEvent event;
  EXPECT_FALSE(reader->Read(&event));
  grpc::Status status = reader->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_THAT(status.error_message(), HasSubstr("start=7"));
}

}  // namespace
}  // namespace corridor::routes
