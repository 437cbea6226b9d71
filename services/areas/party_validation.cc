#include "services/areas/party_validation.h"

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "common/validation.h"
#include "services/common/party_names.h"

namespace corridor::areas {
namespace {

constexpr size_t kMaxNameBytes = 200;
constexpr size_t kMaxNoteBytes = 2000;
constexpr int kMaxAliases = 100;

absl::Status CheckName(const std::string& field, const std::string& name, bool required) {
  CORRIDOR_RETURN_IF_ERROR(CheckText(field, name, kMaxNameBytes, required));
  if (!name.empty() && PartyNameKey(name).empty()) return InvalidField(field, "is blank");
  return absl::OkStatus();
}

absl::Status CheckAliases(const std::string& field,
                          const google::protobuf::RepeatedPtrField<std::string>& aliases) {
  if (aliases.size() > kMaxAliases) {
    return InvalidField(field, absl::StrCat("has ", aliases.size(), " spellings; at most ",
                                            kMaxAliases, " per request"));
  }
  for (int i = 0; i < aliases.size(); ++i) {
    CORRIDOR_RETURN_IF_ERROR(CheckName(absl::StrCat(field, "[", i, "]"), aliases[i], true));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ValidatePartyId(absl::string_view field, absl::string_view id) {
  return CheckSlug(field, id, 2, "syrian-government");
}

absl::Status ValidatePartyCreate(const v1::CreatePartyRequest& request) {
  const v1::Party& party = request.party();
  CORRIDOR_RETURN_IF_ERROR(ValidatePartyId("party.id", party.id()));
  CORRIDOR_RETURN_IF_ERROR(CheckName("party.name", party.name(), true));
  CORRIDOR_RETURN_IF_ERROR(CheckName("party.name_ar", party.name_ar(), false));
  CORRIDOR_RETURN_IF_ERROR(CheckAliases("party.aliases", party.aliases()));
  if (!party.coalition_id().empty()) {
    CORRIDOR_RETURN_IF_ERROR(ValidatePartyId("party.coalition_id", party.coalition_id()));
    if (party.coalition_id() == party.id()) {
      return InvalidField("party.coalition_id",
                          "names the party itself; leave it empty for a party that leads its "
                          "coalition or fights in none");
    }
  }
  return CheckText("party.note", party.note(), kMaxNoteBytes, false);
}

absl::Status ValidateAddAliases(const v1::AddPartyAliasesRequest& request) {
  CORRIDOR_RETURN_IF_ERROR(ValidatePartyId("id", request.id()));
  if (request.aliases().empty()) {
    return InvalidField("aliases", "is empty; give at least one spelling to add");
  }
  return CheckAliases("aliases", request.aliases());
}

absl::Status ValidateResolve(const v1::ResolvePartyRequest& request) {
  return CheckName("text", request.text(), true);
}

}  // namespace corridor::areas
