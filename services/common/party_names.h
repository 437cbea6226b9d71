// How text names a party of the registry (corridor/v1/parties.proto): with
// case and runs of white space ignored, it equals the party's id, English
// or Arabic name, or one of its aliases. Pure functions, shared by the
// registry (the areas service) and every service that resolves a party
// through it (references.h).
#ifndef CORRIDOR_SERVICES_COMMON_PARTY_NAMES_H_
#define CORRIDOR_SERVICES_COMMON_PARTY_NAMES_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "corridor/v1/parties.pb.h"

namespace corridor {

// The form names are compared in: trimmed, ASCII letters lowercased, every
// run of white space one space. "Syrian  Government " -> "syrian government".
std::string PartyNameKey(absl::string_view text);

// Every name a party answers to: its id, names and aliases (non-empty).
std::vector<std::string> NamesOf(const v1::Party& party);

// The party `text` names, or nullptr.
const v1::Party* FindParty(const std::vector<v1::Party>& parties, absl::string_view text);

// Up to `max` parties with a name close to `text`, closest first: most
// words alike (the same word or a typo of it), then fewest edits. Parties
// with no word alike and no name within a third of edits are left out, so
// the list may be empty.
std::vector<const v1::Party*> ClosestParties(const std::vector<v1::Party>& parties,
                                             absl::string_view text, int max);

// "<field>: no party of the registry is called "X"; the closest: Syrian
// Government (syrian-government), ...; use one of those, or ask an admin
// to add the party or this spelling (corridorctl parties ...)".
std::string UnknownPartyMessage(absl::string_view field, absl::string_view text,
                                const std::vector<const v1::Party*>& closest);

}  // namespace corridor

#endif  // CORRIDOR_SERVICES_COMMON_PARTY_NAMES_H_
