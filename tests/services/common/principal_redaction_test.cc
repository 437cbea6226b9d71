// Who-did-what as each role may see it (issue 20): oversight bodies and
// admins see every principal whole; coordinators see no network address;
// partners see their own agency's principals, and of anyone else only the
// role and agency. Records inside a change feed's Any are redacted too.
#include "corridor/v1/audit.pb.h"
#include "corridor/v1/denials.pb.h"
#include "gtest/gtest.h"
#include "services/common/access.h"

namespace corridor {
namespace {

v1::Principal Person(v1::Role role, const std::string& name, const std::string& agency) {
  v1::Principal p;
  p.set_role(role);
  p.set_name(name);
  p.set_agency(agency);
  p.set_token_id("tk-" + name);
  p.set_peer("ipv4:10.1.2.3:5555");
  p.set_authenticated(true);
  return p;
}

v1::Denial DenialBy(const v1::Principal& recorder, const v1::Principal& reporter) {
  v1::Denial denial;
  denial.set_id("dn-0000000000000001");
  *denial.mutable_recorded_by() = recorder;
  *denial.mutable_reported_by() = reporter;
  *denial.mutable_meta()->mutable_created_by() = recorder;
  return denial;
}

TEST(PrincipalRedactionTest, OversightAndAdminsSeeEveryPrincipalWhole) {
  for (v1::Role role : {v1::ROLE_OVERSIGHT, v1::ROLE_ADMIN, v1::ROLE_SERVICE}) {
    EXPECT_TRUE(SeesEveryPrincipal(Person(role, "viewer", "")));
  }
  for (v1::Role role : {v1::ROLE_COORDINATOR, v1::ROLE_PARTNER}) {
    EXPECT_FALSE(SeesEveryPrincipal(Person(role, "viewer", "")));
  }
}

TEST(PrincipalRedactionTest, ACoordinatorSeesNamesButNoAddress) {
  v1::Denial denial = DenialBy(Person(v1::ROLE_COORDINATOR, "ocha-1", ""),
                               Person(v1::ROLE_PARTNER, "wfp-1", "WFP"));
  EXPECT_TRUE(RedactPrincipals(Person(v1::ROLE_COORDINATOR, "ocha-2", ""), &denial));
  EXPECT_EQ(denial.recorded_by().name(), "ocha-1");
  EXPECT_EQ(denial.reported_by().token_id(), "tk-wfp-1");
  EXPECT_EQ(denial.recorded_by().peer(), "");
  EXPECT_EQ(denial.reported_by().peer(), "");
  EXPECT_EQ(denial.meta().created_by().peer(), "");
  // Nothing left to remove the second time.
  EXPECT_FALSE(RedactPrincipals(Person(v1::ROLE_COORDINATOR, "ocha-2", ""), &denial));
}

TEST(PrincipalRedactionTest, APartnerSeesItsOwnAgencyAndOnlyTheRoleOfOthers) {
  v1::Denial denial = DenialBy(Person(v1::ROLE_COORDINATOR, "ocha-1", ""),
                               Person(v1::ROLE_PARTNER, "wfp-1", "WFP"));
  const v1::Principal wfp = Person(v1::ROLE_PARTNER, "wfp-2", "WFP");
  EXPECT_TRUE(RedactPrincipals(wfp, &denial));
  EXPECT_EQ(denial.reported_by().name(), "wfp-1");  // its own agency
  EXPECT_EQ(denial.reported_by().token_id(), "tk-wfp-1");
  EXPECT_EQ(denial.reported_by().peer(), "");
  EXPECT_EQ(denial.recorded_by().name(), "");  // a coordinator
  EXPECT_EQ(denial.recorded_by().token_id(), "");
  EXPECT_EQ(denial.recorded_by().role(), v1::ROLE_COORDINATOR);

  v1::Denial other = DenialBy(Person(v1::ROLE_PARTNER, "unicef-1", "UNICEF"),
                              Person(v1::ROLE_PARTNER, "unicef-1", "UNICEF"));
  EXPECT_TRUE(RedactPrincipals(wfp, &other));
  EXPECT_EQ(other.reported_by().name(), "");
  EXPECT_EQ(other.reported_by().token_id(), "");
  EXPECT_EQ(other.reported_by().agency(), "UNICEF");
}

TEST(PrincipalRedactionTest, ServicesAndTheReferenceLoaderStayNamedForPartners) {
  v1::Principal loader;
  loader.set_name("reference-data-loader");
  v1::Denial denial = DenialBy(Person(v1::ROLE_SERVICE, "corridor-services", ""), loader);
  EXPECT_TRUE(RedactPrincipals(Person(v1::ROLE_PARTNER, "wfp-2", "WFP"), &denial));  // the peer
  EXPECT_EQ(denial.recorded_by().name(), "corridor-services");
  EXPECT_EQ(denial.recorded_by().token_id(), "tk-corridor-services");
  EXPECT_EQ(denial.recorded_by().peer(), "");
  EXPECT_EQ(denial.reported_by().name(), "reference-data-loader");
}

TEST(PrincipalRedactionTest, RecordsInsideAChangeAreRedactedToo) {
  v1::Change change;
  *change.mutable_entry()->mutable_principal() = Person(v1::ROLE_COORDINATOR, "ocha-1", "");
  v1::ChangedRecord* record = change.add_records();
  record->mutable_record()->PackFrom(DenialBy(Person(v1::ROLE_COORDINATOR, "ocha-1", ""),
                                              Person(v1::ROLE_COORDINATOR, "ocha-1", "")));
  EXPECT_TRUE(RedactPrincipals(Person(v1::ROLE_PARTNER, "wfp-2", "WFP"), &change));
  EXPECT_EQ(change.entry().principal().name(), "");
  v1::Denial inside;
  ASSERT_TRUE(record->record().UnpackTo(&inside));
  EXPECT_EQ(inside.recorded_by().name(), "");
  EXPECT_EQ(inside.recorded_by().token_id(), "");
  EXPECT_EQ(inside.id(), "dn-0000000000000001");
}

}  // namespace
}  // namespace corridor
