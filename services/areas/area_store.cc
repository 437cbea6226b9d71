#include "services/areas/area_store.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/status.h"
#include "common/status_macros.h"
#include "common/validation.h"
#include "google/protobuf/util/field_mask_util.h"
#include "google/protobuf/util/time_util.h"
#include "services/areas/area_tables.h"
#include "services/areas/area_validation.h"
#include "services/common/party_names.h"
#include "storage/key_codec.h"
#include "storage/records.h"

namespace corridor::areas {
namespace {

using storage::KeyWriter;
using storage::WithVersion;

constexpr int kMaxConflictRetries = 8;
constexpr char kReferenceLoadedKey[] = "reference_data/areas";

bool IsLaterOrSame(const v1::StatusChange& change, const v1::Area& area) {
  const uint32_t change_date =
      change.has_effective_date() ? DateNumber(change.effective_date()) : 0;
  const uint32_t current = area.has_status_since() ? DateNumber(area.status_since()) : 0;
  return change_date >= current;
}

// Builds the new area and its first history entry for a create.
std::pair<v1::Area, v1::StatusChange> NewArea(const storage::Origin& origin,
                                              const v1::CreateAreaRequest& request,
                                              const google::protobuf::Timestamp& now) {
  v1::Area area = request.area();
  area.clear_version();
  area.clear_status_since();
  if (request.has_status_effective_date()) {
    *area.mutable_status_since() = request.status_effective_date();
  }
  area.set_status_changes(1);
  v1::RecordMeta* meta = area.mutable_meta();
  meta->Clear();
  *meta->mutable_created_at() = now;
  *meta->mutable_updated_at() = now;
  *meta->mutable_created_by() = origin.principal;
  *meta->mutable_updated_by() = origin.principal;

  v1::StatusChange change;
  change.set_area_id(area.id());
  change.set_sequence(1);
  change.set_status(area.status());
  change.set_previous_status(v1::AREA_STATUS_UNSPECIFIED);
  if (request.has_status_effective_date()) {
    *change.mutable_effective_date() = request.status_effective_date();
  }
  *change.mutable_source() = request.status_source();
  *change.mutable_recorded_at() = now;
  *change.mutable_recorded_by() = origin.principal;
  return {std::move(area), std::move(change)};
}

}  // namespace

absl::StatusOr<std::string> AreaStore::PartyIdOf(absl::string_view field,
                                                 const std::string& text) const {
  if (text.empty()) return std::string();
  CORRIDOR_ASSIGN_OR_RETURN(const std::vector<v1::Party> parties, parties_->All());
  if (const v1::Party* party = FindParty(parties, text)) return party->id();
  return absl::InvalidArgumentError(
      UnknownPartyMessage(field, text, ClosestParties(parties, text, 3)));
}

absl::StatusOr<v1::Area> AreaStore::Create(const storage::Origin& origin,
                                           const v1::CreateAreaRequest& request) {
  auto [area, change] =
      NewArea(origin, request, google::protobuf::util::TimeUtil::GetCurrentTime());
  CORRIDOR_ASSIGN_OR_RETURN(*area.mutable_besieging_party_id(),
                            PartyIdOf("area.besieging_party", area.besieging_party()));
  storage::Mutation mutation;
  mutation.SetOrigin(origin);
  mutation.Insert(AreasTable(), area);
  mutation.Insert(StatusHistoryTable(), change);
  absl::StatusOr<storage::CommitResult> result = store_->Commit(mutation);
  if (absl::IsAlreadyExists(result.status())) {
    return absl::AlreadyExistsError(
        absl::StrCat("area.id: an area with id \"", area.id(),
                     "\" already exists; choose another id, or use UpdateArea to change it"));
  }
  if (!result.ok()) return result.status();
  return WithVersion(std::move(area), result->versions[0]);
}

absl::StatusOr<v1::Area> AreaStore::Get(absl::string_view id) const {
  CORRIDOR_ASSIGN_OR_RETURN(storage::Versioned<v1::Area> area,
                            storage::GetRecord(*store_, AreasTable(), "id", id));
  return std::move(area).Release();
}

absl::StatusOr<v1::ListAreasResponse> AreaStore::List(const v1::ListAreasRequest& request,
                                                      int page_size) const {
  // Walk the most selective index the request names; check the other
  // filters on each record.
  storage::ScanOptions scan;
  scan.page_size = page_size;
  scan.page_token = request.page().page_token();
  std::string party;           // PartyKeyOf the areas asked for
  absl::Status unknown_party;  // why the filter names no party, if it names none
  if (!request.besieging_party().empty()) {
    absl::StatusOr<std::string> id = PartyIdOf("besieging_party", request.besieging_party());
    party = id.ok() ? *id : absl::AsciiStrToLower(request.besieging_party());
    if (absl::IsInvalidArgument(id.status())) unknown_party = id.status();
  }
  scan.query = absl::StrCat("status=", request.status(), "|gov=", request.governorate_pcode(),
                            "|party=", party);
  if (!request.governorate_pcode().empty()) {
    scan.index = "governorate";
    scan.prefix = KeyWriter().String(request.governorate_pcode()).Release();
  } else if (!request.besieging_party().empty()) {
    scan.index = "party";
    scan.prefix = PartyTerm(party);
  } else if (request.status() != v1::AREA_STATUS_UNSPECIFIED) {
    scan.index = "status";
    scan.prefix = KeyWriter().Uint32(request.status()).Release();
  }
  auto matches = [&](const v1::Area& area) {
    if (request.status() != v1::AREA_STATUS_UNSPECIFIED && area.status() != request.status()) {
      return false;
    }
    if (!request.governorate_pcode().empty() &&
        area.governorate().pcode() != request.governorate_pcode()) {
      return false;
    }
    return party.empty() || PartyKeyOf(area) == party;
  };

  std::vector<std::pair<v1::Area, uint64_t>> found;
  v1::ListAreasResponse response;
  CORRIDOR_ASSIGN_OR_RETURN(
      *response.mutable_next_page_token(),
      storage::ScanRecords<v1::Area>(*store_, AreasTable(), scan, &found, matches));
  for (auto& [area, version] : found) {
    *response.add_areas() = WithVersion(std::move(area), version);
  }
  // Text that names no party and no area is most likely misspelt: "none"
  // would read as "this party besieges nothing".
  if (response.areas().empty() && request.page().page_token().empty() && !unknown_party.ok()) {
    return unknown_party;
  }
  return response;
}

absl::StatusOr<v1::Area> AreaStore::Update(const storage::Origin& origin, const v1::Area& partial,
                                           const google::protobuf::FieldMask& mask) {
  CORRIDOR_ASSIGN_OR_RETURN(const storage::Versioned<v1::Area> stored,
                            storage::GetRecord(*store_, AreasTable(), "area.id", partial.id()));
  const v1::Area& current = stored.record;
  v1::Area requested = partial;
  if (mask.paths_size() > 0) {
    // The stored area with the masked fields of the request over it, then
    // checked whole, as a full update is.
    requested = current;
    google::protobuf::util::FieldMaskUtil::MergeOptions replace;
    replace.set_replace_message_fields(true);
    replace.set_replace_repeated_fields(true);
    google::protobuf::util::FieldMaskUtil::MergeMessageTo(partial, mask, replace, &requested);
    requested.set_version(partial.version());
    CORRIDOR_RETURN_IF_ERROR(ValidateAreaFields("area", requested));
  }
  if (requested.status() != v1::AREA_STATUS_UNSPECIFIED && requested.status() != current.status()) {
    return absl::InvalidArgumentError(
        "area.status: UpdateArea does not change the status; record it with "
        "RecordStatusChange, with its date and source");
  }
  v1::Area area = requested;
  // Server-maintained fields come from the stored record. If it changed
  // since it was read here, the version check in the commit refuses.
  area.clear_version();
  area.set_status(current.status());
  area.clear_status_since();
  if (current.has_status_since()) *area.mutable_status_since() = current.status_since();
  area.set_status_changes(current.status_changes());
  if (area.besieging_party() == current.besieging_party()) {
    // Unchanged text keeps its resolution, even text that names no party
    // (reference data such as "not stated in sources read").
    area.set_besieging_party_id(current.besieging_party_id());
  } else {
    CORRIDOR_ASSIGN_OR_RETURN(*area.mutable_besieging_party_id(),
                              PartyIdOf("area.besieging_party", area.besieging_party()));
  }
  *area.mutable_meta() = current.meta();
  *area.mutable_meta()->mutable_updated_at() = google::protobuf::util::TimeUtil::GetCurrentTime();
  *area.mutable_meta()->mutable_updated_by() = origin.principal;

  storage::Mutation mutation;
  mutation.SetOrigin(origin);
  mutation.Update(AreasTable(), area, static_cast<uint64_t>(requested.version()));
  CORRIDOR_ASSIGN_OR_RETURN(const storage::CommitResult result, store_->Commit(mutation));
  return WithVersion(std::move(area), result.versions[0]);
}

absl::StatusOr<v1::RecordStatusChangeResponse> AreaStore::RecordStatusChange(
    const storage::Origin& origin, const v1::RecordStatusChangeRequest& request) {
  for (int attempt = 0;; ++attempt) {
    CORRIDOR_ASSIGN_OR_RETURN(
        storage::Versioned<v1::Area> stored,
        storage::GetRecord(*store_, AreasTable(), "area_id", request.area_id()));
    v1::Area& area = stored.record;
    const uint64_t version = stored.version;
    if (request.expected_version() != 0 &&
        version != static_cast<uint64_t>(request.expected_version())) {
      return absl::AbortedError(
          absl::StrCat("expected_version: area \"", request.area_id(), "\" is at version ", version,
                       ", not ", request.expected_version(),
                       "; read it again and decide whether the change still applies"));
    }
    const google::protobuf::Timestamp now = google::protobuf::util::TimeUtil::GetCurrentTime();
    v1::StatusChange change;
    change.set_area_id(request.area_id());
    change.set_sequence(area.status_changes() + 1);
    change.set_status(request.status());
    change.set_previous_status(area.status());
    *change.mutable_effective_date() = request.effective_date();
    *change.mutable_source() = request.source();
    change.set_note(request.note());
    *change.mutable_recorded_at() = now;
    *change.mutable_recorded_by() = origin.principal;

    if (IsLaterOrSame(change, area)) {
      area.set_status(request.status());
      *area.mutable_status_since() = request.effective_date();
    }
    area.set_status_changes(change.sequence());
    *area.mutable_meta()->mutable_updated_at() = now;
    *area.mutable_meta()->mutable_updated_by() = origin.principal;

    storage::Mutation mutation;
    mutation.SetOrigin(origin);
    mutation.Update(AreasTable(), area, version);
    mutation.Insert(StatusHistoryTable(), change);
    absl::StatusOr<storage::CommitResult> result = store_->Commit(mutation);
    if (absl::IsAborted(result.status()) && request.expected_version() == 0 &&
        attempt < kMaxConflictRetries) {
      continue;  // another change landed first; apply ours on top of it
    }
    if (!result.ok()) return result.status();
    v1::RecordStatusChangeResponse response;
    *response.mutable_area() = WithVersion(std::move(area), result->versions[0]);
    *response.mutable_change() = std::move(change);
    return response;
  }
}

absl::StatusOr<v1::GetAreaHistoryResponse> AreaStore::History(
    const v1::GetAreaHistoryRequest& request, int page_size) const {
  storage::ScanOptions page;
  page.reverse = true;
  page.page_size = page_size;
  page.page_token = request.page().page_token();
  v1::GetAreaHistoryResponse response;
  CORRIDOR_ASSIGN_OR_RETURN(
      *response.mutable_next_page_token(),
      storage::HistoryPage(*store_, AreasTable(), "area_id", request.area_id(),
                           StatusHistoryTable(), page, response.mutable_changes()));
  return response;
}

absl::StatusOr<int> AreaStore::LoadReferenceData(const storage::Origin& origin,
                                                 const ReferenceSource& source) {
  CORRIDOR_ASSIGN_OR_RETURN(const std::optional<std::string> loaded,
                            store_->GetMeta(kReferenceLoadedKey));
  if (loaded.has_value()) return 0;
  CORRIDOR_ASSIGN_OR_RETURN(const std::vector<v1::CreateAreaRequest> areas, source());
  CORRIDOR_ASSIGN_OR_RETURN(const std::vector<v1::Party> parties, parties_->All());

  const google::protobuf::Timestamp now = google::protobuf::util::TimeUtil::GetCurrentTime();
  storage::Mutation mutation;
  mutation.SetOrigin(origin);
  int created = 0;
  for (const v1::CreateAreaRequest& request : areas) {
    absl::StatusOr<v1::Area> existing = Get(request.area().id());
    if (existing.ok()) continue;
    if (!absl::IsNotFound(existing.status())) return existing.status();
    auto [area, change] = NewArea(origin, request, now);
    // Reference texts that name no party are kept as they are, unresolved.
    if (const v1::Party* party = FindParty(parties, area.besieging_party())) {
      area.set_besieging_party_id(party->id());
    }
    mutation.Insert(AreasTable(), area);
    mutation.Insert(StatusHistoryTable(), change);
    ++created;
  }
  mutation.PutMeta(kReferenceLoadedKey, google::protobuf::util::TimeUtil::ToString(now));
  CORRIDOR_RETURN_IF_ERROR(store_->Commit(mutation).status());
  return created;
}

absl::StatusOr<PartyResolution> AreaStore::ResolveStoredParties() {
  CORRIDOR_ASSIGN_OR_RETURN(const std::vector<v1::Party> parties, parties_->All());
  PartyResolution resolution;
  CORRIDOR_RETURN_IF_ERROR(ResolvePartiesOfTable<v1::Area>(
      store_, AreasTable(), PartyResolutionOrigin(),
      [&](v1::Area* area, PartyResolution* r) {
        return FillPartyId(parties, area->besieging_party(), area->mutable_besieging_party_id(), r);
      },
      &resolution));
  return resolution;
}

}  // namespace corridor::areas
