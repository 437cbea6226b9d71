// The convoys service over real gRPC, calling real areas and routes
// services for its references: in one server (as corridord runs them), and
// with the areas service unreachable; and partners held to their agency.
#include "services/convoys/convoy_service.h"

#include <grpcpp/grpcpp.h>

#include "common/server.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/areas/areas_module.h"
#include "services/convoys/convoys_module.h"
#include "services/routes/routes_module.h"
#include "tests/testing/temp_dir.h"
#include "tests/testing/test_credentials.h"

namespace corridor::convoys {
namespace {

using ::testing::HasSubstr;

v1::SubmitConvoyRequestRequest Submission(const std::string& area, const std::string& route) {
  v1::SubmitConvoyRequestRequest r;
  r.set_agency("UNICEF");
  r.set_area_id(area);
  r.set_route_id(route);
  r.mutable_planned_date()->set_year(2016);
  r.mutable_planned_date()->set_month(10);
  r.mutable_planned_date()->set_day(20);
  r.mutable_requested_on()->set_year(2015);
  r.mutable_requested_on()->set_month(12);
  r.mutable_requested_on()->set_day(1);
  auto* line = r.add_manifest();
  line->set_item("water purification tablets");
  line->set_category(v1::CARGO_CATEGORY_WASH);
  line->set_quantity(5000);
  line->set_unit("boxes");
  r.set_beneficiaries_requested(20000);
  r.set_idempotency_key(area + route);
  return r;
}

class ConvoyServiceTest : public ::testing::Test {
 protected:
  // Hosts `services` in one server; the directory sends calls for
  // `elsewhere` to an address nothing listens on.
  void Start(const std::vector<std::string>& services, const std::string& elsewhere = "") {
    std::vector<HostedService> hosted;
    ASSERT_TRUE(peers_.SetCredentials(credentials_.Token(v1::ROLE_SERVICE, "services"), {}).ok());
    for (const std::string& name : services) {
      ModuleOptions options;
      options.data_dir = dir_.Sub(name);
      options.peers = &peers_;
      options.access = credentials_.access();
      absl::StatusOr<std::unique_ptr<ServiceModule>> module =
          name == "areas"    ? areas::OpenAreasModule(options)
          : name == "routes" ? routes::OpenRoutesModule(options)
                             : OpenConvoysModule(options);
      ASSERT_TRUE(module.ok()) << module.status();
      for (const auto& s : (*module)->Services()) hosted.push_back(s);
      modules_.push_back(*std::move(module));
    }
    auto host = ServiceHost::Start(ServerOptions(), hosted);
    ASSERT_TRUE(host.ok()) << host.status();
    host_ = *std::move(host);
    const std::string address = "127.0.0.1:" + std::to_string(host_->port());
    peers_.SetLocalAddress(address, services);
    if (!elsewhere.empty()) {
      ASSERT_TRUE(peers_.AddPeers(elsewhere + "=127.0.0.1:1").ok());
    }
    stub_ = v1::ConvoyService::NewStub(
        grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));
  }

  void TearDown() override {
    for (auto& m : modules_) m->BeginShutdown();
    stub_.reset();
    host_.reset();
    modules_.clear();
  }

  std::unique_ptr<grpc::ClientContext> Context() {
    return credentials_.Context(v1::ROLE_COORDINATOR, "coordinator");
  }
  std::unique_ptr<grpc::ClientContext> Partner(const std::string& agency) {
    return credentials_.Context(v1::ROLE_PARTNER, agency + "-feed", agency);
  }

  int ConvoyCount() {
    v1::ListConvoysRequest request;
    v1::ListConvoysResponse response;
    EXPECT_TRUE(stub_->ListConvoys(Context().get(), request, &response).ok());
    return response.convoys_size();
  }

  testing::TempDir dir_;
  testing::TestCredentials credentials_{dir_.Sub("auth")};
  ServiceDirectory peers_;
  std::vector<std::unique_ptr<ServiceModule>> modules_;
  std::unique_ptr<ServiceHost> host_;
  std::unique_ptr<v1::ConvoyService::Stub> stub_;
};

TEST_F(ConvoyServiceTest, TheAreaAndRouteAreCheckedWithTheirServices) {
  Start({"areas", "routes", "convoys"});
  v1::Convoy convoy;
  grpc::Status ok =
      stub_->SubmitConvoyRequest(Context().get(), Submission("ALP-EAST", "castello-road"), &convoy);
  ASSERT_TRUE(ok.ok()) << ok.error_message();
  EXPECT_EQ(convoy.status(), v1::CONVOY_STATUS_REQUESTED);
  EXPECT_EQ(convoy.meta().created_by().name(), "coordinator");
  EXPECT_TRUE(convoy.meta().created_by().authenticated());
  EXPECT_EQ(convoy.meta().created_by().role(), v1::ROLE_COORDINATOR);

  grpc::Status no_area =
      stub_->SubmitConvoyRequest(Context().get(), Submission("NOWHERE", ""), &convoy);
  EXPECT_EQ(no_area.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(no_area.error_message(), HasSubstr("area_id: the areas service has no area"));
  grpc::Status no_route =
      stub_->SubmitConvoyRequest(Context().get(), Submission("ALP-EAST", "no-road"), &convoy);
  EXPECT_THAT(no_route.error_message(), HasSubstr("route_id: the routes service has no route"));
  // Castello Road leads into eastern Aleppo, not to Madaya.
  grpc::Status wrong_way = stub_->SubmitConvoyRequest(
      Context().get(), Submission("RD-MADAYA", "castello-road"), &convoy);
  EXPECT_EQ(wrong_way.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(wrong_way.error_message(), HasSubstr("leads to ALP-EAST, not to RD-MADAYA"));
  EXPECT_EQ(ConvoyCount(), 1);
}

TEST_F(ConvoyServiceTest, WithTheAreasServiceDownASubmitFailsFastAndWritesNothing) {
  Start({"routes", "convoys"}, /*elsewhere=*/"areas");
  v1::Convoy convoy;
  grpc::Status down =
      stub_->SubmitConvoyRequest(Context().get(), Submission("ALP-EAST", "castello-road"), &convoy);
  EXPECT_EQ(down.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_THAT(down.error_message(), HasSubstr("areas service"));
  EXPECT_THAT(down.error_message(), HasSubstr("nothing was written"));
  EXPECT_EQ(ConvoyCount(), 0);

  v1::GetAccessReportRequest report;
  report.mutable_from()->set_year(2016);
  report.mutable_from()->set_month(1);
  report.mutable_from()->set_day(1);
  *report.mutable_to() = report.from();
  v1::AccessReport response;
  EXPECT_EQ(stub_->GetAccessReport(Context().get(), report, &response).error_code(),
            grpc::StatusCode::UNAVAILABLE);
}

TEST_F(ConvoyServiceTest, TheAccessReportCoversEveryReferenceArea) {
  Start({"areas", "routes", "convoys"});
  v1::GetAccessReportRequest request;
  request.mutable_from()->set_year(2016);
  request.mutable_from()->set_month(1);
  request.mutable_from()->set_day(1);
  request.mutable_to()->set_year(2016);
  request.mutable_to()->set_month(12);
  request.mutable_to()->set_day(31);
  v1::AccessReport report;
  ASSERT_TRUE(stub_->GetAccessReport(Context().get(), request, &report).ok());
  EXPECT_EQ(report.areas_size(), 51);  // every row of besieged_areas.csv
  for (const v1::AreaAccess& row : report.areas()) {
    EXPECT_TRUE(row.not_reached()) << row.area_id();
    EXPECT_EQ(row.requests(), 0);
  }
}

TEST_F(ConvoyServiceTest, APartnerActsForItsOwnAgencyOnly) {
  Start({"areas", "routes", "convoys"});
  // Submission() is UNICEF's.
  v1::Convoy own;
  grpc::Status submitted = stub_->SubmitConvoyRequest(
      Partner("UNICEF").get(), Submission("ALP-EAST", "castello-road"), &own);
  ASSERT_TRUE(submitted.ok()) << submitted.error_message();
  EXPECT_EQ(own.meta().created_by().agency(), "UNICEF");
  EXPECT_EQ(own.meta().created_by().role(), v1::ROLE_PARTNER);

  v1::Convoy convoy;
  v1::SubmitConvoyRequestRequest for_unicef = Submission("EG-DUMA", "");
  grpc::Status other_agency = stub_->SubmitConvoyRequest(Partner("WFP").get(), for_unicef, &convoy);
  EXPECT_EQ(other_agency.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_THAT(other_agency.error_message(), HasSubstr("acts for agency \"WFP\""));

  v1::DispatchConvoyRequest dispatch;
  dispatch.set_convoy_id(own.id());
  v1::ApproveConvoyRequest approve;
  approve.set_convoy_id(own.id());
  approve.set_beneficiaries_approved(100);
  EXPECT_EQ(stub_->ApproveConvoy(Partner("WFP").get(), approve, &convoy).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(stub_->DispatchConvoy(Partner("WFP").get(), dispatch, &convoy).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);

  // The refused calls changed nothing; the owner can go on.
  v1::GetConvoyRequest get;
  get.set_id(own.id());
  ASSERT_TRUE(stub_->GetConvoy(Partner("WFP").get(), get, &convoy).ok());  // partners read all
  EXPECT_EQ(convoy.version(), own.version());
  EXPECT_EQ(convoy.status(), v1::CONVOY_STATUS_REQUESTED);
  EXPECT_EQ(ConvoyCount(), 1);
  grpc::Status approved = stub_->ApproveConvoy(Partner("UNICEF").get(), approve, &convoy);
  EXPECT_TRUE(approved.ok()) << approved.error_message();
}

// One rule for agencies (common/ids.h SameAgency): case is ignored when a
// partner acts for its agency, as when a retry finds its convoy and a
// list filters by agency.
TEST_F(ConvoyServiceTest, AnAgencyIsTheSameAgencyHoweverItIsCapitalised) {
  Start({"areas", "routes", "convoys"});
  v1::SubmitConvoyRequestRequest lower = Submission("ALP-EAST", "castello-road");
  lower.set_agency("unicef");
  v1::Convoy first;
  grpc::Status submitted = stub_->SubmitConvoyRequest(Partner("UNICEF").get(), lower, &first);
  ASSERT_TRUE(submitted.ok()) << submitted.error_message();

  // The same submission spelled "UNICEF" is the same retry, not a second convoy.
  v1::Convoy again;
  ASSERT_TRUE(stub_
                  ->SubmitConvoyRequest(Partner("Unicef").get(),
                                        Submission("ALP-EAST", "castello-road"), &again)
                  .ok());
  EXPECT_EQ(again.id(), first.id());
  EXPECT_EQ(ConvoyCount(), 1);

  v1::ListConvoysRequest list;
  list.set_agency("UniCef");
  v1::ListConvoysResponse listed;
  ASSERT_TRUE(stub_->ListConvoys(Partner("WFP").get(), list, &listed).ok());
  ASSERT_EQ(listed.convoys_size(), 1);
  EXPECT_EQ(listed.convoys(0).id(), first.id());
}

}  // namespace
}  // namespace corridor::convoys
