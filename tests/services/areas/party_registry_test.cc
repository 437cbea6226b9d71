// The party registry the areas service hosts, over a real gRPC server on a
// loopback port with a real RocksDB: seeded from the reference data's
// spellings, resolving any of them, refusing text that names no party, and
// giving areas stored before it their party's id at start.
#include <grpcpp/grpcpp.h>

#include <set>

#include "absl/strings/match.h"
#include "common/server.h"
#include "corridor/v1/areas.grpc.pb.h"
#include "corridor/v1/parties.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/areas/area_tables.h"
#include "services/areas/areas_module.h"
#include "services/areas/reference_data.h"
#include "storage/records.h"
#include "tests/testing/temp_dir.h"
#include "tests/testing/test_credentials.h"

namespace corridor::areas {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

class PartyRegistryTest : public ::testing::Test {
 protected:
  void SetUp() override { Start(); }
  void TearDown() override { Stop(); }

  ModuleOptions Options() {
    ModuleOptions options;
    options.data_dir = dir_.Sub("areas");
    options.access = credentials_.access();
    return options;
  }

  void Start() {
    auto module = OpenAreasModule(Options());
    ASSERT_TRUE(module.ok()) << module.status();
    module_ = *std::move(module);
    auto host = ServiceHost::Start(ServerOptions(), module_->Services());
    ASSERT_TRUE(host.ok()) << host.status();
    host_ = *std::move(host);
    auto channel = grpc::CreateChannel("127.0.0.1:" + std::to_string(host_->port()),
                                       grpc::InsecureChannelCredentials());
    parties_ = v1::PartyService::NewStub(channel);
    areas_ = v1::AreaService::NewStub(channel);
  }

  void Stop() {
    parties_.reset();
    areas_.reset();
    host_.reset();
    module_.reset();
  }

  std::unique_ptr<grpc::ClientContext> As(v1::Role role) { return credentials_.Context(role); }

  v1::ResolvePartyResponse Resolve(const std::string& text) {
    v1::ResolvePartyRequest request;
    request.set_text(text);
    v1::ResolvePartyResponse response;
    grpc::Status status = parties_->ResolveParty(As(v1::ROLE_OVERSIGHT).get(), request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  }

  std::vector<v1::Area> AreasOf(const std::string& party) {
    v1::ListAreasRequest request;
    request.set_besieging_party(party);
    request.mutable_page()->set_page_size(500);
    v1::ListAreasResponse response;
    grpc::Status status = areas_->ListAreas(As(v1::ROLE_OVERSIGHT).get(), request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return {response.areas().begin(), response.areas().end()};
  }

  v1::Area GetArea(const std::string& id) {
    v1::GetAreaRequest request;
    request.set_id(id);
    v1::Area area;
    grpc::Status status = areas_->GetArea(As(v1::ROLE_OVERSIGHT).get(), request, &area);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return area;
  }

  testing::TempDir dir_;
  testing::TestCredentials credentials_{dir_.Sub("auth")};
  std::unique_ptr<ServiceModule> module_;
  std::unique_ptr<ServiceHost> host_;
  std::unique_ptr<v1::PartyService::Stub> parties_;
  std::unique_ptr<v1::AreaService::Stub> areas_;
};

TEST_F(PartyRegistryTest, SeededWithEveryReferenceSpelling) {
  v1::ListPartiesResponse list;
  ASSERT_TRUE(parties_->ListParties(As(v1::ROLE_OVERSIGHT).get(), {}, &list).ok());
  std::vector<std::string> ids;
  for (const v1::Party& party : list.parties()) ids.push_back(party.id());
  EXPECT_THAT(ids, ::testing::ElementsAre("armed-opposition", "hezbollah", "isis", "jaish-al-fatah",
                                          "syrian-government", "unattributed"));
  EXPECT_EQ(list.parties(1).coalition_id(), "syrian-government");
  EXPECT_EQ(list.parties(4).name_ar(), "الحكومة السورية");

  // Every besieging party of the reference areas names its party ("not
  // stated in sources read" names "unattributed"), except the one text that
  // hesitates between two.
  auto reference = ParseBesiegedAreasCsv(EmbeddedBesiegedAreasCsv());
  ASSERT_TRUE(reference.ok()) << reference.status();
  int unresolved = 0;
  for (const v1::CreateAreaRequest& row : *reference) {
    const std::string& text = row.area().besieging_party();
    const v1::Area stored = GetArea(row.area().id());
    EXPECT_EQ(stored.besieging_party(), text) << "the text is kept as the source words it";
    if (absl::StartsWith(text, "uncertain")) {
      ++unresolved;
      EXPECT_FALSE(Resolve(text).has_party()) << text;
      EXPECT_EQ(stored.besieging_party_id(), "") << row.area().id();
      continue;
    }
    const v1::ResolvePartyResponse resolved = Resolve(text);
    EXPECT_TRUE(resolved.has_party()) << text;
    EXPECT_EQ(stored.besieging_party_id(), resolved.party().id()) << row.area().id();
  }
  EXPECT_EQ(unresolved, 1);
}

TEST_F(PartyRegistryTest, AnySpellingListsThePartysAreasUnderAllSpellings) {
  const std::vector<v1::Area> by_id = AreasOf("syrian-government");
  const std::vector<v1::Area> by_alias = AreasOf("syrian GOVERNMENT forces");
  const std::vector<v1::Area> by_arabic = AreasOf("الحكومة السورية");
  // 28 areas use "Syrian government and affiliated militias" alone; the
  // other government spellings add to them.
  EXPECT_GT(by_id.size(), 28u);
  EXPECT_EQ(by_alias.size(), by_id.size());
  EXPECT_EQ(by_arabic.size(), by_id.size());
  std::set<std::string> spellings;
  for (const v1::Area& area : by_id) {
    EXPECT_EQ(area.besieging_party_id(), "syrian-government");
    spellings.insert(area.besieging_party());
  }
  EXPECT_GT(spellings.size(), 3u) << "one party, many spellings, one list";
  // The areas whose besieger the sources do not name, under "unattributed".
  EXPECT_EQ(AreasOf("not stated in sources read").size(), 3u);
  EXPECT_EQ(AreasOf("unknown").size(), 3u);
  // Text that names no party still lists the areas stored with it; text
  // that names neither a party nor any area is refused as a likely typo.
  const std::string uncertain =
      "uncertain (OCHA Sep 2017 map legend ambiguous between Syrian Government and non-state "
      "armed groups)";
  EXPECT_EQ(AreasOf(uncertain).size(), 1u);
  v1::ListAreasRequest typo;
  typo.set_besieging_party("Syrain Goverment");
  v1::ListAreasResponse none;
  grpc::Status status = areas_->ListAreas(As(v1::ROLE_OVERSIGHT).get(), typo, &none);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("Syrian Government (syrian-government)"));
}

TEST_F(PartyRegistryTest, TextThatNamesNoPartyIsRefusedWithTheClosest) {
  const v1::ResolvePartyResponse none = Resolve("Syrian Arab Army");
  EXPECT_FALSE(none.has_party());
  ASSERT_FALSE(none.closest().empty());
  EXPECT_EQ(none.closest(0).id(), "syrian-government");

  v1::CreateAreaRequest create;
  v1::Area* area = create.mutable_area();
  area->set_id("TEST-AREA");
  area->set_name_en("Test area");
  area->mutable_governorate()->set_pcode("SY03");
  area->mutable_governorate()->set_name("Rural Damascus");
  area->set_besieging_party("Syrian Arab Army");
  area->set_status(v1::AREA_STATUS_BESIEGED);
  create.mutable_status_source()->set_citation("test");
  v1::Area created;
  grpc::Status status = areas_->CreateArea(As(v1::ROLE_ADMIN).get(), create, &created);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(),
              StartsWith("area.besieging_party: no party of the registry is called "
                         "\"Syrian Arab Army\""));
  EXPECT_THAT(status.error_message(), HasSubstr("Syrian Government (syrian-government)"));
  v1::GetAreaRequest get;
  get.set_id("TEST-AREA");
  EXPECT_EQ(areas_->GetArea(As(v1::ROLE_ADMIN).get(), get, &created).error_code(),
            grpc::StatusCode::NOT_FOUND);

  // Once an admin adds the spelling, the same request goes through.
  v1::AddPartyAliasesRequest alias;
  alias.set_id("syrian-government");
  alias.add_aliases("Syrian Arab Army");
  v1::Party party;
  ASSERT_TRUE(parties_->AddPartyAliases(As(v1::ROLE_ADMIN).get(), alias, &party).ok());
  EXPECT_THAT(party.aliases(), ::testing::Contains("Syrian Arab Army"));
  status = areas_->CreateArea(As(v1::ROLE_ADMIN).get(), create, &created);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(created.besieging_party(), "Syrian Arab Army");
  EXPECT_EQ(created.besieging_party_id(), "syrian-government");
}

TEST_F(PartyRegistryTest, OnlyAnAdminAddsPartiesAndOneSpellingNamesOneParty) {
  v1::CreatePartyRequest create;
  v1::Party* party = create.mutable_party();
  party->set_id("jaysh-al-islam");
  party->set_name("Jaysh al-Islam");
  party->set_name_ar("جيش الإسلام");
  party->set_coalition_id("armed-opposition");
  party->add_aliases("Army of Islam");
  v1::Party created;
  EXPECT_EQ(parties_->CreateParty(As(v1::ROLE_COORDINATOR).get(), create, &created).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  grpc::Status status = parties_->CreateParty(As(v1::ROLE_ADMIN).get(), create, &created);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(Resolve("army of islam").party().id(), "jaysh-al-islam");

  // The same id again, a name another party has, a coalition that is not a
  // party: each refused, naming the field.
  status = parties_->CreateParty(As(v1::ROLE_ADMIN).get(), create, &created);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_THAT(status.error_message(), StartsWith("party.id:"));
  party->set_id("another");
  party->clear_aliases();
  party->add_aliases("Hezbollah with Syrian Government");
  party->set_name("Another");
  party->clear_name_ar();
  status = parties_->CreateParty(As(v1::ROLE_ADMIN).get(), create, &created);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_THAT(status.error_message(), StartsWith("party.aliases[0]: \"Hezbollah with Syrian "
                                                 "Government\" already names the party "
                                                 "Hezbollah (hezbollah)"));
  party->clear_aliases();
  party->set_coalition_id("no-such-party");
  status = parties_->CreateParty(As(v1::ROLE_ADMIN).get(), create, &created);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), StartsWith("party.coalition_id:"));
  party->set_id("Not A Slug");
  status = parties_->CreateParty(As(v1::ROLE_ADMIN).get(), create, &created);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), StartsWith("party.id:"));

  v1::AddPartyAliasesRequest alias;
  alias.set_id("hezbollah");
  alias.add_aliases("Army of Islam");
  status = parties_->AddPartyAliases(As(v1::ROLE_ADMIN).get(), alias, &created);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_THAT(status.error_message(), StartsWith("aliases[0]:"));
  // A spelling the party already has changes nothing.
  v1::GetPartyRequest get;
  get.set_id("hezbollah");
  v1::Party before;
  ASSERT_TRUE(parties_->GetParty(As(v1::ROLE_ADMIN).get(), get, &before).ok());
  alias.set_aliases(0, "HEZBOLLAH");
  v1::Party after;
  ASSERT_TRUE(parties_->AddPartyAliases(As(v1::ROLE_ADMIN).get(), alias, &after).ok());
  EXPECT_EQ(after.version(), before.version());
  EXPECT_EQ(after.aliases_size(), before.aliases_size());
}

TEST_F(PartyRegistryTest, ASpellingAddedReachesTheAreasStoredUnderItAtOnce) {
  const std::string uncertain =
      "uncertain (OCHA Sep 2017 map legend ambiguous between Syrian Government and non-state "
      "armed groups)";
  ASSERT_EQ(AreasOf(uncertain).size(), 1u);
  const std::string area_id = AreasOf(uncertain)[0].id();
  EXPECT_EQ(GetArea(area_id).besieging_party_id(), "");
  v1::AddPartyAliasesRequest alias;
  alias.set_id("unattributed");
  alias.add_aliases(uncertain);
  v1::Party party;
  ASSERT_TRUE(parties_->AddPartyAliases(As(v1::ROLE_ADMIN).get(), alias, &party).ok());
  EXPECT_EQ(GetArea(area_id).besieging_party_id(), "unattributed");
  EXPECT_EQ(GetArea(area_id).besieging_party(), uncertain);
}

TEST_F(PartyRegistryTest, AreasStoredBeforeTheRegistryGetTheirPartyAtStart) {
  EXPECT_EQ(GetArea("EG-DUMA").besieging_party_id(), "syrian-government");
  Stop();
  {
    // As a release without the registry stored it: the text, no id.
    absl::StatusOr<ServiceStorage> storage =
        OpenServiceStorage(Options(), {&AreasTable().schema(), &StatusHistoryTable().schema()});
    ASSERT_TRUE(storage.ok()) << storage.status();
    auto area = storage::GetRecord(*storage->store, AreasTable(), "id", "EG-DUMA");
    ASSERT_TRUE(area.ok()) << area.status();
    area->record.clear_besieging_party_id();
    storage::Mutation mutation;
    mutation.Update(AreasTable(), area->record, area->version);
    ASSERT_TRUE(storage->store->Commit(mutation).ok());
  }
  Start();
  const v1::Area duma = GetArea("EG-DUMA");
  EXPECT_EQ(duma.besieging_party_id(), "syrian-government");
  EXPECT_EQ(duma.besieging_party(), "Syrian government and affiliated militias");
  // And it is listed under its party again (the index followed).
  bool listed = false;
  for (const v1::Area& area : AreasOf("syrian-government")) listed |= area.id() == "EG-DUMA";
  EXPECT_TRUE(listed);
}

}  // namespace
}  // namespace corridor::areas
