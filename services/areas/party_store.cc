#include "services/areas/party_store.h"

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "google/protobuf/util/time_util.h"
#include "services/common/party_names.h"
#include "storage/key_codec.h"
#include "storage/records.h"

namespace corridor::areas {
namespace {

using storage::KeyWriter;
using storage::WithVersion;

constexpr char kReferenceLoadedKey[] = "reference_data/parties";

void Stamp(const storage::Origin& origin, const google::protobuf::Timestamp& now,
           v1::Party* party) {
  v1::RecordMeta* meta = party->mutable_meta();
  if (!meta->has_created_at()) {
    *meta->mutable_created_at() = now;
    *meta->mutable_created_by() = origin.principal;
  }
  *meta->mutable_updated_at() = now;
  *meta->mutable_updated_by() = origin.principal;
}

// ALREADY_EXISTS naming `field` if `name` names a party other than
// `except_id`.
absl::Status CheckNameFree(const std::vector<v1::Party>& parties, const std::string& field,
                           const std::string& name, const std::string& except_id) {
  const v1::Party* holder = FindParty(parties, name);
  if (holder == nullptr || holder->id() == except_id) return absl::OkStatus();
  return absl::AlreadyExistsError(absl::StrCat(
      field, ": \"", name, "\" already names the party ", holder->name(), " (", holder->id(),
      "); one spelling names one party. If it is the same party, use its id"));
}

}  // namespace

const storage::Table<v1::Party>& PartiesTable() {
  static const storage::Table<v1::Party>* table = new storage::Table<v1::Party>(
      {.name = "parties", .noun = "party", .key_field = "id"},
      [](const v1::Party& p) { return KeyWriter().String(p.id()).Release(); },
      [](const v1::Party& p) { return p.id(); });
  return *table;
}

absl::StatusOr<std::vector<v1::Party>> PartyStore::All() const {
  std::vector<v1::Party> parties;
  storage::ScanOptions scan;
  scan.page_size = 500;
  CORRIDOR_RETURN_IF_ERROR(storage::ForEachRecord<v1::Party>(
      *store_, PartiesTable(), scan, [&](v1::Party& party, uint64_t version) {
        parties.push_back(WithVersion(std::move(party), version));
        return absl::OkStatus();
      }));
  return parties;
}

absl::StatusOr<v1::Party> PartyStore::Get(absl::string_view field, absl::string_view id) const {
  CORRIDOR_ASSIGN_OR_RETURN(storage::Versioned<v1::Party> party,
                            storage::GetRecord(*store_, PartiesTable(), field, id));
  return std::move(party).Release();
}

absl::StatusOr<v1::ListPartiesResponse> PartyStore::List(const v1::ListPartiesRequest& request,
                                                         int page_size) const {
  storage::ScanOptions scan;
  scan.page_size = page_size;
  scan.page_token = request.page().page_token();
  std::vector<std::pair<v1::Party, uint64_t>> found;
  v1::ListPartiesResponse response;
  CORRIDOR_ASSIGN_OR_RETURN(*response.mutable_next_page_token(),
                            storage::ScanRecords(*store_, PartiesTable(), scan, &found));
  for (auto& [party, version] : found) {
    *response.add_parties() = WithVersion(std::move(party), version);
  }
  return response;
}

absl::StatusOr<v1::ResolvePartyResponse> PartyStore::Resolve(absl::string_view text) const {
  CORRIDOR_ASSIGN_OR_RETURN(const std::vector<v1::Party> parties, All());
  v1::ResolvePartyResponse response;
  if (const v1::Party* party = FindParty(parties, text)) {
    *response.mutable_party() = *party;
    return response;
  }
  for (const v1::Party* party : ClosestParties(parties, text, 5)) {
    *response.add_closest() = *party;
  }
  return response;
}

absl::StatusOr<v1::Party> PartyStore::Create(const storage::Origin& origin,
                                             const v1::Party& requested) {
  absl::MutexLock lock(&write_mu_);
  CORRIDOR_ASSIGN_OR_RETURN(const std::vector<v1::Party> parties, All());
  for (const v1::Party& party : parties) {
    if (party.id() == requested.id()) {
      return absl::AlreadyExistsError(absl::StrCat(
          "party.id: a party with id \"", requested.id(),
          "\" already exists; add spellings to it with AddPartyAliases (corridorctl parties "
          "alias)"));
    }
  }
  CORRIDOR_RETURN_IF_ERROR(CheckNameFree(parties, "party.id", requested.id(), ""));
  CORRIDOR_RETURN_IF_ERROR(CheckNameFree(parties, "party.name", requested.name(), ""));
  if (!requested.name_ar().empty()) {
    CORRIDOR_RETURN_IF_ERROR(CheckNameFree(parties, "party.name_ar", requested.name_ar(), ""));
  }
  for (int i = 0; i < requested.aliases_size(); ++i) {
    CORRIDOR_RETURN_IF_ERROR(
        CheckNameFree(parties, absl::StrCat("party.aliases[", i, "]"), requested.aliases(i), ""));
  }
  if (!requested.coalition_id().empty()) {
    absl::Status coalition = Get("party.coalition_id", requested.coalition_id()).status();
    if (absl::IsNotFound(coalition)) return absl::InvalidArgumentError(coalition.message());
    CORRIDOR_RETURN_IF_ERROR(coalition);
  }
  v1::Party party = requested;
  party.clear_version();
  party.clear_meta();
  Stamp(origin, google::protobuf::util::TimeUtil::GetCurrentTime(), &party);
  storage::Mutation mutation;
  mutation.SetOrigin(origin);
  mutation.Insert(PartiesTable(), party);
  CORRIDOR_ASSIGN_OR_RETURN(const storage::CommitResult result, store_->Commit(mutation));
  return WithVersion(std::move(party), result.versions[0]);
}

absl::StatusOr<v1::Party> PartyStore::AddAliases(const storage::Origin& origin,
                                                 const v1::AddPartyAliasesRequest& request) {
  absl::MutexLock lock(&write_mu_);
  CORRIDOR_ASSIGN_OR_RETURN(storage::Versioned<v1::Party> stored,
                            storage::GetRecord(*store_, PartiesTable(), "id", request.id()));
  CORRIDOR_ASSIGN_OR_RETURN(const std::vector<v1::Party> parties, All());
  v1::Party& party = stored.record;
  bool added = false;
  for (int i = 0; i < request.aliases_size(); ++i) {
    const std::string& alias = request.aliases(i);
    CORRIDOR_RETURN_IF_ERROR(
        CheckNameFree(parties, absl::StrCat("aliases[", i, "]"), alias, party.id()));
    if (FindParty({party}, alias) != nullptr) continue;  // already one of its names
    party.add_aliases(alias);
    added = true;
  }
  if (!added) return std::move(stored).Release();
  Stamp(origin, google::protobuf::util::TimeUtil::GetCurrentTime(), &party);
  storage::Mutation mutation;
  mutation.SetOrigin(origin);
  mutation.Update(PartiesTable(), party, stored.version);
  CORRIDOR_ASSIGN_OR_RETURN(const storage::CommitResult result, store_->Commit(mutation));
  return WithVersion(std::move(party), result.versions[0]);
}

absl::StatusOr<int> PartyStore::LoadReferenceData(const storage::Origin& origin,
                                                  const ReferenceSource& source) {
  absl::MutexLock lock(&write_mu_);
  CORRIDOR_ASSIGN_OR_RETURN(const std::optional<std::string> loaded,
                            store_->GetMeta(kReferenceLoadedKey));
  if (loaded.has_value()) return 0;
  CORRIDOR_ASSIGN_OR_RETURN(const std::vector<v1::Party> reference, source());
  const google::protobuf::Timestamp now = google::protobuf::util::TimeUtil::GetCurrentTime();
  storage::Mutation mutation;
  mutation.SetOrigin(origin);
  int created = 0;
  for (v1::Party party : reference) {
    absl::StatusOr<v1::Party> existing = Get("id", party.id());
    if (existing.ok()) continue;
    if (!absl::IsNotFound(existing.status())) return existing.status();
    Stamp(origin, now, &party);
    mutation.Insert(PartiesTable(), party);
    ++created;
  }
  mutation.PutMeta(kReferenceLoadedKey, google::protobuf::util::TimeUtil::ToString(now));
  CORRIDOR_RETURN_IF_ERROR(store_->Commit(mutation).status());
  return created;
}

}  // namespace corridor::areas
