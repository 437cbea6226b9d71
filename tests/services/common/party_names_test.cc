// How text names a party of the registry, and what a writer is told when it
// names none.
#include "services/common/party_names.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace corridor {
namespace {

using ::testing::HasSubstr;

v1::Party Party(const std::string& id, const std::string& name, const std::string& name_ar,
                std::vector<std::string> aliases) {
  v1::Party party;
  party.set_id(id);
  party.set_name(name);
  party.set_name_ar(name_ar);
  for (const std::string& alias : aliases) party.add_aliases(alias);
  return party;
}

std::vector<v1::Party> Registry() {
  return {Party("armed-opposition", "Armed opposition", "المعارضة المسلحة", {}),
          Party("hezbollah", "Hezbollah", "حزب الله", {"Hezbollah with Syrian Government"}),
          Party("syrian-government", "Syrian Government", "الحكومة السورية",
                {"Syrian government and affiliated militias", "Syrian Government forces"})};
}

TEST(PartyNameKeyTest, IgnoresCaseAndRunsOfWhiteSpace) {
  EXPECT_EQ(PartyNameKey("  Syrian   Government\tforces "), "syrian government forces");
  EXPECT_EQ(PartyNameKey("الحكومة  السورية"), "الحكومة السورية");
  EXPECT_EQ(PartyNameKey("   "), "");
}

TEST(FindPartyTest, EverySpellingNamesItsParty) {
  const std::vector<v1::Party> registry = Registry();
  for (const char* text : {"syrian-government", "Syrian Government", "SYRIAN GOVERNMENT FORCES",
                           "syrian government  and affiliated militias", "الحكومة السورية"}) {
    const v1::Party* party = FindParty(registry, text);
    ASSERT_NE(party, nullptr) << text;
    EXPECT_EQ(party->id(), "syrian-government") << text;
  }
  EXPECT_EQ(FindParty(registry, "Hezbollah with Syrian Government")->id(), "hezbollah");
}

TEST(FindPartyTest, TextThatIsNotAWholeNameNamesNone) {
  const std::vector<v1::Party> registry = Registry();
  EXPECT_EQ(FindParty(registry, "Syrian"), nullptr);
  EXPECT_EQ(FindParty(registry, "Syrian Arab Army"), nullptr);
  EXPECT_EQ(FindParty(registry, ""), nullptr);
}

TEST(ClosestPartiesTest, SharedWordsAndFewEditsComeFirst) {
  const std::vector<v1::Party> registry = Registry();
  std::vector<const v1::Party*> closest = ClosestParties(registry, "Syrian Arab Army", 2);
  ASSERT_EQ(closest.size(), 2u);
  EXPECT_EQ(closest[0]->id(), "syrian-government");
  closest = ClosestParties(registry, "Hizbollah", 1);
  ASSERT_EQ(closest.size(), 1u);
  EXPECT_EQ(closest[0]->id(), "hezbollah");
  closest = ClosestParties(registry, "Syrain army", 3);
  ASSERT_FALSE(closest.empty());
  EXPECT_EQ(closest[0]->id(), "syrian-government");
  // Nothing alike: no suggestion rather than every party.
  EXPECT_TRUE(ClosestParties(registry, "regime", 3).empty());
}

TEST(UnknownPartyMessageTest, NamesTheFieldTheTextTheClosestAndWhatToDo) {
  const std::vector<v1::Party> registry = Registry();
  const std::string message = UnknownPartyMessage("facts.party", "Syrian Arab Army",
                                                  ClosestParties(registry, "Syrian Arab Army", 2));
  EXPECT_THAT(message, HasSubstr("facts.party: no party of the registry is called "
                                 "\"Syrian Arab Army\""));
  EXPECT_THAT(message, HasSubstr("Syrian Government (syrian-government)"));
  EXPECT_THAT(message, HasSubstr("corridorctl parties alias"));
}

}  // namespace
}  // namespace corridor
