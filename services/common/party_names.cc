#include "services/common/party_names.h"

#include <algorithm>
#include <limits>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

namespace corridor {
namespace {

// Edits (insert, delete, replace a byte) from a to b.
int EditDistance(absl::string_view a, absl::string_view b) {
  std::vector<int> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = static_cast<int>(j);
  for (size_t i = 1; i <= a.size(); ++i) {
    int diagonal = row[0];
    row[0] = static_cast<int>(i);
    for (size_t j = 1; j <= b.size(); ++j) {
      const int above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

std::vector<absl::string_view> WordsOf(absl::string_view key) {
  return absl::StrSplit(key, absl::ByAnyChar(" ()-,;."), absl::SkipEmpty());
}

// Words of `text` that match a word of `name`: the same word, or one a typo
// away (one edit for words of four or five letters, two for longer ones).
int WordsAlike(absl::string_view text, absl::string_view name) {
  const std::vector<absl::string_view> name_words = WordsOf(name);
  int alike = 0;
  for (absl::string_view word : WordsOf(text)) {
    const int allowed = word.size() >= 6 ? 2 : word.size() >= 4 ? 1 : 0;
    for (absl::string_view other : name_words) {
      if (word == other || (allowed > 0 && EditDistance(word, other) <= allowed)) {
        ++alike;
        break;
      }
    }
  }
  return alike;
}

}  // namespace

std::string PartyNameKey(absl::string_view text) {
  std::string key;
  key.reserve(text.size());
  bool space = false;
  for (char c : absl::StripAsciiWhitespace(text)) {
    if (absl::ascii_isspace(static_cast<unsigned char>(c))) {
      space = true;
      continue;
    }
    if (space) key.push_back(' ');
    space = false;
    key.push_back(absl::ascii_tolower(static_cast<unsigned char>(c)));
  }
  return key;
}

std::vector<std::string> NamesOf(const v1::Party& party) {
  std::vector<std::string> names = {party.id(), party.name()};
  if (!party.name_ar().empty()) names.push_back(party.name_ar());
  for (const std::string& alias : party.aliases()) names.push_back(alias);
  names.erase(std::remove(names.begin(), names.end(), ""), names.end());
  return names;
}

const v1::Party* FindParty(const std::vector<v1::Party>& parties, absl::string_view text) {
  const std::string key = PartyNameKey(text);
  if (key.empty()) return nullptr;
  for (const v1::Party& party : parties) {
    for (const std::string& name : NamesOf(party)) {
      if (PartyNameKey(name) == key) return &party;
    }
  }
  return nullptr;
}

std::vector<const v1::Party*> ClosestParties(const std::vector<v1::Party>& parties,
                                             absl::string_view text, int max) {
  const std::string key = PartyNameKey(text);
  // (words alike, most first; then edits, fewest first) of each party's
  // closest name. A party with no word alike and a name more than a third
  // rewritten is not close at all.
  std::vector<std::pair<std::pair<int, int>, const v1::Party*>> scored;
  for (const v1::Party& party : parties) {
    std::pair<int, int> best = {0, std::numeric_limits<int>::max()};
    for (const std::string& name : NamesOf(party)) {
      const std::string name_key = PartyNameKey(name);
      const std::pair<int, int> score = {-WordsAlike(key, name_key), EditDistance(key, name_key)};
      best = std::min(best, score);
    }
    const int near = std::max<int>(2, static_cast<int>(key.size()) / 3);
    if (best.first < 0 || best.second <= near) scored.emplace_back(best, &party);
  }
  std::stable_sort(scored.begin(), scored.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<const v1::Party*> closest;
  for (const auto& [score, party] : scored) {
    if (static_cast<int>(closest.size()) >= max) break;
    closest.push_back(party);
  }
  return closest;
}

std::string UnknownPartyMessage(absl::string_view field, absl::string_view text,
                                const std::vector<const v1::Party*>& closest) {
  std::string message = absl::StrCat(field, ": no party of the registry is called \"", text, "\"");
  if (!closest.empty()) {
    absl::StrAppend(&message, "; the closest: ",
                    absl::StrJoin(closest, ", ", [](std::string* out, const v1::Party* party) {
                      absl::StrAppend(out, party->name(), " (", party->id(), ")");
                    }));
  }
  absl::StrAppend(&message,
                  ". Use a party's id or name, or ask an admin to add the party "
                  "(corridorctl parties create) or this spelling of it (corridorctl parties "
                  "alias ID \"",
                  text, "\"); corridorctl parties list shows them all");
  return message;
}

}  // namespace corridor
