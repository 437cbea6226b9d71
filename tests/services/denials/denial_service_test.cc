// The denials service over real gRPC, checking the convoy a denial names
// with a real convoys service (as it checks areas and routes): in one
// server, as corridord runs them, and with the convoys service unreachable.
#include "services/denials/denial_service.h"

#include <grpcpp/grpcpp.h>

#include "common/server.h"
#include "corridor/v1/convoys.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/areas/areas_module.h"
#include "services/convoys/convoys_module.h"
#include "services/denials/denials_module.h"
#include "services/routes/routes_module.h"
#include "tests/testing/module_host.h"
#include "tests/testing/temp_dir.h"
#include "tests/testing/test_credentials.h"

namespace corridor::denials {
namespace {

using ::testing::HasSubstr;

v1::RecordDenialRequest Denial(const std::string& convoy_id, const std::string& key) {
  v1::RecordDenialRequest r;
  v1::DenialFacts* facts = r.mutable_facts();
  facts->set_party("Syrian government and affiliated militias");
  facts->set_area_id("EG-DUMA");
  facts->set_convoy_id(convoy_id);
  facts->mutable_occurred_at()->set_seconds(1473206400);  // 2016-09-07
  facts->set_category(v1::ACCESS_CONSTRAINT_MOVEMENT_RESTRICTION);
  facts->set_description("convoy held at the checkpoint");
  facts->mutable_source()->set_citation("OCHA sitrep");
  r.set_idempotency_key(key);
  return r;
}

class DenialServiceTest : public ::testing::Test {
 protected:
  // Hosts `services` in one server; calls for `elsewhere` go to an address
  // nothing listens on.
  void Start(const std::vector<std::string>& services, const std::string& elsewhere = "") {
    std::vector<std::pair<std::string, testing::ModuleHost::Opener>> modules;
    for (const std::string& name : services) {
      modules.emplace_back(name, name == "areas"     ? areas::OpenAreasModule
                                 : name == "routes"  ? routes::OpenRoutesModule
                                 : name == "convoys" ? convoys::OpenConvoysModule
                                                     : OpenDenialsModule);
    }
    std::vector<std::string> unreachable;
    if (!elsewhere.empty()) unreachable.push_back(elsewhere);
    ASSERT_TRUE(host_.Start(modules, unreachable).ok());
    denials_ = v1::DenialService::NewStub(host_.channel());
    convoys_ = v1::ConvoyService::NewStub(host_.channel());
  }

  std::unique_ptr<grpc::ClientContext> Context() {
    return credentials_.Context(v1::ROLE_COORDINATOR, "coordinator");
  }

  std::string SubmitConvoy() {
    v1::SubmitConvoyRequestRequest r;
    r.set_agency("WFP");
    r.set_area_id("EG-DUMA");
    r.mutable_planned_date()->set_year(2016);
    r.mutable_planned_date()->set_month(9);
    r.mutable_planned_date()->set_day(7);
    r.mutable_requested_on()->set_year(2015);
    r.mutable_requested_on()->set_month(12);
    r.mutable_requested_on()->set_day(1);
    v1::ManifestLine* line = r.add_manifest();
    line->set_item("flour");
    line->set_category(v1::CARGO_CATEGORY_FOOD);
    line->set_quantity(10);
    line->set_unit("tonnes");
    r.set_beneficiaries_requested(1000);
    r.set_idempotency_key("convoy-1");
    v1::Convoy convoy;
    grpc::Status s = convoys_->SubmitConvoyRequest(Context().get(), r, &convoy);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return convoy.id();
  }

  int DenialCount() {
    v1::ListDenialsRequest request;
    v1::ListDenialsResponse response;
    grpc::Status s = denials_->ListDenials(Context().get(), request, &response);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return response.denials_size();
  }

  testing::TempDir dir_;
  testing::TestCredentials credentials_{dir_.Sub("auth")};
  testing::ModuleHost host_{&dir_, &credentials_};
  std::unique_ptr<v1::DenialService::Stub> denials_;
  std::unique_ptr<v1::ConvoyService::Stub> convoys_;
};

TEST_F(DenialServiceTest, TheConvoyIsCheckedWithTheConvoysService) {
  Start({"areas", "routes", "convoys", "denials"});
  const std::string convoy = SubmitConvoy();
  ASSERT_FALSE(convoy.empty());
  v1::Denial denial;
  grpc::Status known = denials_->RecordDenial(Context().get(), Denial(convoy, "d-1"), &denial);
  ASSERT_TRUE(known.ok()) << known.error_message();
  EXPECT_EQ(denial.facts().convoy_id(), convoy);

  grpc::Status unknown =
      denials_->RecordDenial(Context().get(), Denial("cv-0123456789abcdef", "d-2"), &denial);
  EXPECT_EQ(unknown.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(
      unknown.error_message(),
      HasSubstr("facts.convoy_id: the convoys service has no convoy \"cv-0123456789abcdef\""));

  // A correction is checked the same way.
  v1::CorrectDenialRequest correct;
  correct.set_denial_id(denial.id());
  *correct.mutable_facts() = Denial("cv-fedcba9876543210", "").facts();
  correct.set_reason("the convoy was misread");
  grpc::Status corrected = denials_->CorrectDenial(Context().get(), correct, &denial);
  EXPECT_EQ(corrected.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(corrected.error_message(), HasSubstr("facts.convoy_id"));
  EXPECT_EQ(DenialCount(), 1);
}

TEST_F(DenialServiceTest, WithTheConvoysServiceDownADenialNamingAConvoyWritesNothing) {
  Start({"areas", "routes", "denials"}, /*elsewhere=*/"convoys");
  v1::Denial denial;
  grpc::Status down =
      denials_->RecordDenial(Context().get(), Denial("cv-0123456789abcdef", "d-1"), &denial);
  EXPECT_EQ(down.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_THAT(down.error_message(), HasSubstr("convoy_id could not be checked"));
  EXPECT_THAT(down.error_message(), HasSubstr("convoys service"));
  EXPECT_THAT(down.error_message(), HasSubstr("nothing was written"));
  EXPECT_EQ(DenialCount(), 0);

  // A denial that names no convoy needs no convoys service.
  grpc::Status no_convoy = denials_->RecordDenial(Context().get(), Denial("", "d-2"), &denial);
  EXPECT_TRUE(no_convoy.ok()) << no_convoy.error_message();
  EXPECT_EQ(DenialCount(), 1);
}

// Three spellings of one party are one party in lists and statistics; text
// that names no party is refused with the closest names, storing nothing.
TEST_F(DenialServiceTest, SpellingsOfOnePartyCountAsOneAndUnknownTextIsRefused) {
  Start({"areas", "denials"});
  int key = 0;
  for (const char* spelling :
       {"Syrian Government forces", "Syrian government and affiliated militias",
        "  syrian  GOVERNMENT "}) {
    v1::RecordDenialRequest request = Denial("", "party-" + std::to_string(++key));
    request.mutable_facts()->set_party(spelling);
    request.mutable_facts()->clear_convoy_id();
    v1::Denial denial;
    grpc::Status s = denials_->RecordDenial(Context().get(), request, &denial);
    if (std::string(spelling).front() == ' ') {
      // Spaces around a party are refused before the registry is asked.
      EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
      continue;
    }
    ASSERT_TRUE(s.ok()) << s.error_message();
    EXPECT_EQ(denial.facts().party(), spelling);
    EXPECT_EQ(denial.facts().party_id(), "syrian-government");
  }
  v1::DenialStatsRequest stats;
  stats.mutable_from()->set_year(2016);
  stats.mutable_from()->set_month(1);
  stats.mutable_to()->set_year(2016);
  stats.mutable_to()->set_month(12);
  stats.set_group_by(v1::STATS_DIMENSION_PARTY);
  v1::DenialStatsResponse by_party;
  ASSERT_TRUE(denials_->DenialStats(Context().get(), stats, &by_party).ok());
  ASSERT_EQ(by_party.rows_size(), 1);
  EXPECT_EQ(by_party.rows(0).group(), "syrian-government");
  EXPECT_EQ(by_party.rows(0).party_name(), "Syrian Government");
  EXPECT_EQ(by_party.rows(0).denials(), 2);
  // A filter by any spelling counts the party's denials under all of them.
  stats.set_party("الحكومة السورية");
  stats.set_group_by(v1::STATS_DIMENSION_MONTH);
  ASSERT_TRUE(denials_->DenialStats(Context().get(), stats, &by_party).ok());
  EXPECT_EQ(by_party.total().denials(), 2);
  v1::ListDenialsRequest list;
  list.set_party("Government of Syria");
  v1::ListDenialsResponse listed;
  ASSERT_TRUE(denials_->ListDenials(Context().get(), list, &listed).ok());
  EXPECT_EQ(listed.denials_size(), 2);

  v1::RecordDenialRequest unknown = Denial("", "party-unknown");
  unknown.mutable_facts()->set_party("Syrian Arab Army");
  unknown.mutable_facts()->clear_convoy_id();
  v1::Denial denial;
  grpc::Status refused = denials_->RecordDenial(Context().get(), unknown, &denial);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(refused.error_message(),
              HasSubstr("facts.party: no party of the registry is called \"Syrian Arab Army\"; "
                        "the closest: Syrian Government (syrian-government)"));
  EXPECT_EQ(DenialCount(), 2);
}

}  // namespace
}  // namespace corridor::denials
