// Nothing lost between services: denials recorded by the convoys service
// reach the denials service through its outbox, exactly once, with the
// denials service down while they are made, and with the convoys process
// killed (SIGKILL) while its relay is half-way through them. Every service
// runs as its own real process.
#include <signal.h>

#include <set>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/credentials.h"
#include "corridor/v1/convoys.grpc.pb.h"
#include "corridor/v1/denials.grpc.pb.h"
#include "gmock/gmock.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "tests/testing/subprocess.h"
#include "tests/testing/temp_dir.h"

namespace corridor::denials {
namespace {

using ::corridor::testing::BinaryPath;
using ::corridor::testing::ServerProcess;

constexpr int kConvoys = 100;

class OutboxDeliveryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // The auth, areas and routes services in one process; convoys and
    // denials each in their own, checking tokens with the auth service.
    auto references = ServerProcess::Start(
        BinaryPath("corridord"), {"--services=auth,areas,routes", "--data_dir=" + dir_.Sub("data")},
        dir_.path());
    ASSERT_TRUE(references.ok()) << references.status();
    references_ = *std::move(references);
    auto file = corridor::testing::CreateTokenFile(references_->address(), dir_.Sub("data"),
                                                   "coordinator", dir_.Sub("coordinator.token"));
    ASSERT_TRUE(file.ok()) << file.status();
    auto token = ReadTokenFile(*file);
    ASSERT_TRUE(token.ok()) << token.status();
    coordinator_token_ = *token;
    // Reserve the denials and convoys services' addresses (the denials
    // service checks each relayed convoy with the convoys service, which
    // restarts on the same address), then leave them down.
    auto denials = StartDenials("127.0.0.1:0");
    ASSERT_TRUE(denials.ok()) << denials.status();
    denials_address_ = (*denials)->address();
    ASSERT_EQ((*denials)->StopWith(SIGTERM), 0);
    auto convoys = StartConvoys(0, "127.0.0.1:0");
    ASSERT_TRUE(convoys.ok()) << convoys.status();
    convoys_address_ = (*convoys)->address();
    ASSERT_EQ((*convoys)->StopWith(SIGTERM), 0);
  }

  absl::StatusOr<std::unique_ptr<ServerProcess>> StartDenials(const std::string& listen) {
    std::string peers = "--peers=auth=" + references_->address() +
                        ",areas=" + references_->address() + ",routes=" + references_->address();
    if (!convoys_address_.empty()) peers += ",convoys=" + convoys_address_;
    return ServerProcess::Start(
        BinaryPath("corridor-denials"),
        {"--data_dir=" + dir_.Sub("data"), "--listen=" + listen, ServiceToken(), peers},
        dir_.path());
  }

  absl::StatusOr<std::unique_ptr<ServerProcess>> StartConvoys(double max_rate) {
    return StartConvoys(max_rate, convoys_address_);
  }
  absl::StatusOr<std::unique_ptr<ServerProcess>> StartConvoys(double max_rate,
                                                              const std::string& listen) {
    return ServerProcess::Start(
        BinaryPath("corridor-convoys"),
        {"--data_dir=" + dir_.Sub("data"), "--listen=" + listen,
         absl::StrCat("--outbox_max_rate=", max_rate), ServiceToken(),
         "--peers=auth=" + references_->address() + ",areas=" + references_->address() +
             ",routes=" + references_->address() + ",denials=" + denials_address_},
        dir_.path());
  }

  std::string ServiceToken() const {
    return "--service_token_file=" + dir_.Sub("data") + "/credentials/service.token";
  }

  // Submits and denies kConvoys convoys; returns their ids.
  std::set<std::string> DenyConvoys(const std::string& address) {
    auto stub = v1::ConvoyService::NewStub(
        grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));
    std::set<std::string> ids;
    for (int i = 0; i < kConvoys; ++i) {
      v1::SubmitConvoyRequestRequest submit;
      submit.set_agency("WFP");
      submit.set_area_id(i % 2 == 0 ? "EG-DUMA" : "EG-ARBIN");
      submit.mutable_planned_date()->set_year(2016);
      submit.mutable_planned_date()->set_month(9);
      submit.mutable_planned_date()->set_day(1 + i % 28);
      submit.mutable_requested_on()->set_year(2015);
      submit.mutable_requested_on()->set_month(12);
      submit.mutable_requested_on()->set_day(1);
      v1::ManifestLine* line = submit.add_manifest();
      line->set_item("flour");
      line->set_category(v1::CARGO_CATEGORY_FOOD);
      line->set_quantity(10);
      line->set_unit("tonnes");
      submit.set_beneficiaries_requested(1000 + i);
      submit.set_idempotency_key(absl::StrCat("outbox-", i));
      v1::Convoy convoy;
      grpc::ClientContext submit_context;
      AttachBearerToken(&submit_context, coordinator_token_);
      grpc::Status s = stub->SubmitConvoyRequest(&submit_context, submit, &convoy);
      EXPECT_TRUE(s.ok()) << s.error_message();
      v1::DenyConvoyRequest deny;
      deny.set_convoy_id(convoy.id());
      deny.set_denying_party("Syrian government and affiliated militias");
      deny.set_reason("no facilitation letter");
      deny.set_category(v1::ACCESS_CONSTRAINT_MOVEMENT_RESTRICTION);
      grpc::ClientContext deny_context;
      AttachBearerToken(&deny_context, coordinator_token_);
      s = stub->DenyConvoy(&deny_context, deny, &convoy);
      EXPECT_TRUE(s.ok()) << s.error_message();
      ids.insert(convoy.id());
    }
    return ids;
  }

  // The convoy ids of every denial recorded, with repeats kept.
  std::multiset<std::string> DenialConvoys(const std::string& address) {
    auto stub = v1::DenialService::NewStub(
        grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));
    std::multiset<std::string> convoys;
    v1::ListDenialsRequest request;
    request.mutable_page()->set_page_size(500);
    do {
      grpc::ClientContext context;
      AttachBearerToken(&context, coordinator_token_);
      v1::ListDenialsResponse page;
      grpc::Status s = stub->ListDenials(&context, request, &page);
      EXPECT_TRUE(s.ok()) << s.error_message();
      if (!s.ok()) break;
      for (const v1::Denial& d : page.denials()) convoys.insert(d.facts().convoy_id());
      request.mutable_page()->set_page_token(page.next_page_token());
    } while (!request.page().page_token().empty());
    return convoys;
  }

  // Waits until `count` denials are recorded (or 60 s pass).
  std::multiset<std::string> WaitForDenials(const std::string& address, size_t count) {
    std::multiset<std::string> seen;
    for (int i = 0; i < 600; ++i) {
      seen = DenialConvoys(address);
      if (seen.size() >= count) break;
      absl::SleepFor(absl::Milliseconds(100));
    }
    return seen;
  }

  corridor::testing::TempDir dir_;
  std::unique_ptr<ServerProcess> references_;
  std::string denials_address_;
  std::string convoys_address_;
  std::string coordinator_token_;
};

TEST_F(OutboxDeliveryTest, DenialsMadeWhileTheDenialsServiceIsDownArriveOnceItStarts) {
  auto convoys = StartConvoys(0);
  ASSERT_TRUE(convoys.ok()) << convoys.status();
  const std::set<std::string> denied = DenyConvoys((*convoys)->address());
  ASSERT_EQ(denied.size(), static_cast<size_t>(kConvoys));

  auto denials = StartDenials(denials_address_);
  ASSERT_TRUE(denials.ok()) << denials.status();
  std::multiset<std::string> recorded = WaitForDenials(denials_address_, kConvoys);
  // Give a duplicate, if the relay sent one, time to show.
  absl::SleepFor(absl::Milliseconds(500));
  recorded = DenialConvoys(denials_address_);
  EXPECT_EQ(recorded.size(), static_cast<size_t>(kConvoys));
  EXPECT_EQ(std::set<std::string>(recorded.begin(), recorded.end()), denied);
  EXPECT_THAT((*convoys)->Logs(), ::testing::HasSubstr("outbox denials: delivering message"));
}

TEST_F(OutboxDeliveryTest, AConvoysProcessKilledMidRelayDeliversTheRestExactlyOnce) {
  // Paced at 40 a second, the relay is still at it when the process dies.
  auto convoys = StartConvoys(40);
  ASSERT_TRUE(convoys.ok()) << convoys.status();
  const std::set<std::string> denied = DenyConvoys((*convoys)->address());
  auto denials = StartDenials(denials_address_);
  ASSERT_TRUE(denials.ok()) << denials.status();
  const std::multiset<std::string> before_kill = WaitForDenials(denials_address_, 15);
  ASSERT_EQ((*convoys)->StopWith(SIGKILL), 128 + SIGKILL);
  const size_t at_kill = DenialConvoys(denials_address_).size();
  EXPECT_GE(at_kill, 15u);
  EXPECT_LT(at_kill, static_cast<size_t>(kConvoys)) << "the relay finished before the kill";

  // Restarted on the same data, the relay resumes from what is left.
  auto restarted = StartConvoys(0);
  ASSERT_TRUE(restarted.ok()) << restarted.status();
  std::multiset<std::string> recorded = WaitForDenials(denials_address_, kConvoys);
  absl::SleepFor(absl::Milliseconds(500));
  recorded = DenialConvoys(denials_address_);
  EXPECT_EQ(recorded.size(), static_cast<size_t>(kConvoys));
  EXPECT_EQ(std::set<std::string>(recorded.begin(), recorded.end()), denied);
}

}  // namespace
}  // namespace corridor::denials
