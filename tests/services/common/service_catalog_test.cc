// The service catalogue (common/service_catalog.h) is the one list of
// services; what the server side keys by name must follow it.
#include "common/service_catalog.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "common/service_channels.h"
#include "google/protobuf/descriptor.h"
#include "services/common/access.h"
#include "services/common/runtime.h"

namespace corridor {
namespace {

using ::testing::UnorderedElementsAreArray;

TEST(ServiceCatalogTest, EveryCataloguedServiceHasAnOpenerAndNoOtherDoes) {
  EXPECT_THAT(ServicesWithOpeners(), UnorderedElementsAreArray(ServiceNames()))
      << "a service needs a row in common/service_catalog.cc and an opener in "
         "services/common/runtime.cc";
}

TEST(ServiceCatalogTest, AuthStartsFirstAndNamesAreUnique) {
  ASSERT_FALSE(ServiceNames().empty());
  EXPECT_EQ(ServiceNames().front(), kAuthService);
  EXPECT_EQ(std::set<std::string>(ServiceNames().begin(), ServiceNames().end()).size(),
            ServiceNames().size());
}

TEST(ServiceCatalogTest, EveryGrpcServiceIsInTheGeneratedPoolOnce) {
  std::set<std::string> seen;
  for (const GrpcServiceEntry* service : AllGrpcServices()) {
    ASSERT_NE(service->descriptor, nullptr) << service->full_name;
    EXPECT_EQ(service->descriptor->full_name(), service->full_name);
    EXPECT_TRUE(seen.insert(service->full_name).second) << service->full_name;
    for (const std::string& method : service->gateway_methods) {
      EXPECT_NE(service->descriptor->FindMethodByName(method), nullptr)
          << service->full_name << "/" << method;
    }
  }
}

TEST(ServiceCatalogTest, TheAccessPolicyCoversExactlyTheCataloguedMethods) {
  EXPECT_TRUE(CheckRulesCoverCatalog().ok()) << CheckRulesCoverCatalog().message();
  const std::vector<std::string> rules = MethodsWithRules();
  EXPECT_THAT(CatalogMethods(), UnorderedElementsAreArray(rules));
}

// A new method is a read or a write of the record on purpose: this list is
// what a mirror (corridor-mirror) refuses, sending the caller to the primary.
TEST(ServiceCatalogTest, AMirrorRefusesExactlyTheWritesOfTheRecord) {
  std::vector<std::string> refused;
  for (const std::string& method : CatalogMethods()) {
    if (!MirrorServes(method)) refused.push_back(method);
  }
  EXPECT_THAT(refused, UnorderedElementsAreArray(std::vector<std::string>{
                           "/corridor.v1.AreaService/CreateArea",
                           "/corridor.v1.AreaService/UpdateArea",
                           "/corridor.v1.AreaService/RecordStatusChange",
                           "/corridor.v1.PartyService/CreateParty",
                           "/corridor.v1.PartyService/AddPartyAliases",
                           "/corridor.v1.RouteService/CreateRoute",
                           "/corridor.v1.RouteService/ReportRouteStatus",
                           "/corridor.v1.RouteService/CorrectRouteReport",
                           "/corridor.v1.ConvoyService/SubmitConvoyRequest",
                           "/corridor.v1.ConvoyService/ApproveConvoy",
                           "/corridor.v1.ConvoyService/DenyConvoy",
                           "/corridor.v1.ConvoyService/DispatchConvoy",
                           "/corridor.v1.ConvoyService/RecordConvoyOutcome",
                           "/corridor.v1.ConvoyService/RecordApprovalStep",
                           "/corridor.v1.ConvoyService/CorrectConvoy",
                           "/corridor.v1.ConvoyService/ImportConvoy",
                           "/corridor.v1.ConvoyService/ImportConvoys",
                           "/corridor.v1.DenialService/RecordDenial",
                           "/corridor.v1.DenialService/ImportDenials",
                           "/corridor.v1.DenialService/CorrectDenial",
                           "/corridor.v1.IncidentService/RecordIncident",
                           "/corridor.v1.IncidentService/CorrectIncident",
                           "/corridor.v1.AgreementService/RecordConsequence",
                           "/corridor.v1.AgreementService/CreateAgreement",
                           "/corridor.v1.AuditService/AddCosignature",
                           "/corridor.v1.OperationsService/RotateSigningKey",
                       }));
}

TEST(ServiceCatalogTest, GrpcServicesMapToTheirCorridorService) {
  EXPECT_EQ(CorridorServiceOf("corridor.v1.AreaService"), "areas");
  EXPECT_EQ(CorridorServiceOf("corridor.v1.TokenService"), "auth");
  EXPECT_EQ(CorridorServiceOf("corridor.v1.AuditService"), "");  // every process serves it
  EXPECT_EQ(CorridorServiceOf("corridor.v1.NoSuchService"), "");
  ASSERT_NE(FindService("denials"), nullptr);
  EXPECT_EQ(FindService("denials")->grpc_services.at(0).full_name, "corridor.v1.DenialService");
  EXPECT_EQ(FindService("nothing"), nullptr);
}

TEST(ServiceAddressesTest, ParsesNamesAndAddressesAndNamesTheFlagWhenMalformed) {
  absl::StatusOr<std::map<std::string, std::string>> parsed =
      ParseServiceAddresses(" areas = 10.0.0.1:7400 ,convoys=h:1", "--peers");
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->at("areas"), "10.0.0.1:7400");
  EXPECT_EQ(parsed->at("convoys"), "h:1");
  for (const char* bad : {"areas", "=h:1", "areas=host"}) {
    absl::StatusOr<std::map<std::string, std::string>> refused =
        ParseServiceAddresses(bad, "--servers");
    ASSERT_FALSE(refused.ok()) << bad;
    EXPECT_TRUE(absl::IsInvalidArgument(refused.status()));
    EXPECT_THAT(std::string(refused.status().message()), ::testing::StartsWith("--servers: "));
  }
}

}  // namespace
}  // namespace corridor
