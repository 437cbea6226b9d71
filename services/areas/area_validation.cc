#include "services/areas/area_validation.h"

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/status.h"
#include "common/validation.h"
#include "google/protobuf/util/field_mask_util.h"

namespace corridor::areas {
namespace {

bool AllDigits(absl::string_view s) {
  for (char c : s) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

// OCHA admin P-codes for Syria: "SY" + 2 digits per level below the country.
absl::Status CheckAdminPcode(absl::string_view field, absl::string_view pcode, size_t digits,
                             absl::string_view parent) {
  if (pcode.empty()) return absl::OkStatus();
  if (pcode.size() != 2 + digits || !absl::StartsWith(pcode, "SY") || !AllDigits(pcode.substr(2))) {
    return InvalidField(field, absl::StrCat("\"", pcode, "\" is not an OCHA P-code of the form SY",
                                            std::string(digits, '0')));
  }
  if (!parent.empty() && !absl::StartsWith(pcode, parent)) {
    return InvalidField(field,
                        absl::StrCat("\"", pcode, "\" does not lie within \"", parent, "\""));
  }
  return absl::OkStatus();
}

absl::Status CheckAdminUnit(absl::string_view field, const v1::AdminUnit& unit, size_t digits,
                            absl::string_view parent) {
  CORRIDOR_RETURN_IF_ERROR(
      CheckText(absl::StrCat(field, ".name"), unit.name(), kMaxNameBytes, false));
  return CheckAdminPcode(absl::StrCat(field, ".pcode"), unit.pcode(), digits, parent);
}

std::string StatusNames() {
  std::string names;
  for (int i = v1::AreaStatus_MIN + 1; i <= v1::AreaStatus_MAX; ++i) {
    if (!v1::AreaStatus_IsValid(i)) continue;
    absl::StrAppend(&names, names.empty() ? "" : ", ",
                    v1::AreaStatus_Name(static_cast<v1::AreaStatus>(i)).substr(12));
  }
  return names;
}

}  // namespace

absl::Status ValidateAreaId(absl::string_view field, absl::string_view id) {
  if (id.empty()) return InvalidField(field, "is required");
  if (id.size() < 2 || id.size() > 64) {
    return InvalidField(field, "must be 2 to 64 characters");
  }
  for (char c : id) {
    if (!(absl::ascii_isupper(static_cast<unsigned char>(c)) ||
          absl::ascii_isdigit(static_cast<unsigned char>(c)) || c == '-')) {
      return InvalidField(
          field, absl::StrCat("\"", absl::CHexEscape(id), "\" may use only A-Z, 0-9 and '-'"));
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateStatus(absl::string_view field, int status) {
  if (status == v1::AREA_STATUS_UNSPECIFIED) {
    return InvalidField(field, absl::StrCat("is required; one of ", StatusNames()));
  }
  if (!v1::AreaStatus_IsValid(status)) {
    return InvalidField(field,
                        absl::StrCat("unknown value ", status, "; use one of ", StatusNames()));
  }
  return absl::OkStatus();
}

absl::Status ValidateAreaFields(absl::string_view f, const v1::Area& area) {
  auto field = [f](absl::string_view name) { return absl::StrCat(f, ".", name); };
  CORRIDOR_RETURN_IF_ERROR(ValidateAreaId(field("id"), area.id()));
  CORRIDOR_RETURN_IF_ERROR(CheckText(field("name_en"), area.name_en(), kMaxNameBytes, true));
  CORRIDOR_RETURN_IF_ERROR(CheckText(field("name_ar"), area.name_ar(), kMaxNameBytes, false));
  if (area.alt_names_size() > kMaxAltNames) {
    return InvalidField(field("alt_names"), absl::StrCat("has ", area.alt_names_size(),
                                                         " names; the limit is ", kMaxAltNames));
  }
  for (int i = 0; i < area.alt_names_size(); ++i) {
    CORRIDOR_RETURN_IF_ERROR(CheckText(absl::StrCat(field("alt_names"), "[", i, "]"),
                                       area.alt_names(i), kMaxNameBytes, true));
  }
  CORRIDOR_RETURN_IF_ERROR(CheckText(field("area_group"), area.area_group(), kMaxNameBytes, false));
  if (area.governorate().pcode().empty()) {
    return InvalidField(field("governorate.pcode"), "is required (SY01 to SY14, OCHA admin 1)");
  }
  CORRIDOR_RETURN_IF_ERROR(CheckAdminUnit(field("governorate"), area.governorate(), 2, ""));
  const std::string& gov = area.governorate().pcode();
  int gov_number = std::stoi(gov.substr(2));
  if (gov_number < 1 || gov_number > 14) {
    return InvalidField(field("governorate.pcode"),
                        absl::StrCat("\"", gov, "\" is not a Syrian governorate (SY01 to SY14)"));
  }
  CORRIDOR_RETURN_IF_ERROR(CheckAdminUnit(field("district"), area.district(), 4, gov));
  CORRIDOR_RETURN_IF_ERROR(
      CheckAdminUnit(field("subdistrict"), area.subdistrict(), 6,
                     area.district().pcode().empty() ? gov : area.district().pcode()));
  const std::string& community = area.community_pcode();
  if (!community.empty() && (community.size() < 2 || community.size() > 11 || community[0] != 'C' ||
                             !AllDigits(absl::string_view(community).substr(1)))) {
    return InvalidField(field("community_pcode"),
                        absl::StrCat("\"", absl::CHexEscape(community),
                                     "\" is not an OCHA community P-code (C followed by digits)"));
  }
  if (area.has_location()) {
    CORRIDOR_RETURN_IF_ERROR(CheckGeoPoint(field("location"), area.location()));
  }
  CORRIDOR_RETURN_IF_ERROR(
      CheckText(field("location_precision"), area.location_precision(), kMaxNameBytes, false));
  CORRIDOR_RETURN_IF_ERROR(CheckSource(field("location_source"), area.location_source(), false));
  CORRIDOR_RETURN_IF_ERROR(
      CheckText(field("besieging_party"), area.besieging_party(), kMaxNameBytes, false));
  CORRIDOR_RETURN_IF_ERROR(
      CheckSource(field("besieging_party_source"), area.besieging_party_source(), false));
  if (area.has_population()) {
    const v1::PopulationEstimate& p = area.population();
    if (p.has_count() && (p.count() < 0 || p.count() > 100'000'000)) {
      return InvalidField(field("population.count"),
                          absl::StrCat(p.count(), " is out of range (0 to 100,000,000)"));
    }
    if (!p.has_count() && p.as_reported().empty()) {
      return InvalidField(field("population"),
                          "give a count or the figure as reported, or leave population unset");
    }
    CORRIDOR_RETURN_IF_ERROR(
        CheckText(field("population.as_reported"), p.as_reported(), kMaxNameBytes, false));
    CORRIDOR_RETURN_IF_ERROR(CheckText(field("population.as_of"), p.as_of(), kMaxNameBytes, false));
    CORRIDOR_RETURN_IF_ERROR(CheckText(field("population.scope"), p.scope(), kMaxNameBytes, false));
    CORRIDOR_RETURN_IF_ERROR(CheckSource(field("population.source"), p.source(), false));
  }
  CORRIDOR_RETURN_IF_ERROR(
      CheckText(field("siege_watch_listing"), area.siege_watch_listing(), kMaxNotesBytes, false));
  CORRIDOR_RETURN_IF_ERROR(
      CheckText(field("siege_watch_tier"), area.siege_watch_tier(), kMaxNameBytes, false));
  CORRIDOR_RETURN_IF_ERROR(
      CheckText(field("un_listing"), area.un_listing(), kMaxNotesBytes, false));
  return CheckText(field("notes"), area.notes(), kMaxNotesBytes, false);
}

absl::Status ValidateCreate(const v1::CreateAreaRequest& request) {
  if (!request.has_area()) return InvalidField("area", "is required");
  CORRIDOR_RETURN_IF_ERROR(ValidateAreaFields("area", request.area()));
  CORRIDOR_RETURN_IF_ERROR(ValidateStatus("area.status", request.area().status()));
  if (request.has_status_effective_date()) {
    CORRIDOR_RETURN_IF_ERROR(CheckDate("status_effective_date", request.status_effective_date()));
  }
  return CheckSource("status_source", request.status_source(), true);
}

// The fields an update may name in its mask: the descriptive ones.
absl::Status ValidateUpdateMask(const google::protobuf::FieldMask& mask) {
  static const auto* const kServerFields = new absl::flat_hash_set<std::string>{
      "id", "version", "status", "status_since", "status_changes", "meta", "besieging_party_id"};
  for (const std::string& path : mask.paths()) {
    const std::string top = path.substr(0, path.find('.'));
    if (kServerFields->contains(top)) {
      return InvalidField("update_mask", absl::StrCat("\"", path,
                                                      "\" is kept by the server and cannot be "
                                                      "updated here"));
    }
    google::protobuf::FieldMask one;
    one.add_paths(path);
    if (!google::protobuf::util::FieldMaskUtil::IsValidFieldMask<v1::Area>(one)) {
      return InvalidField("update_mask", absl::StrCat("\"", path, "\" is no field of Area"));
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateUpdate(const v1::UpdateAreaRequest& request) {
  if (!request.has_area()) return InvalidField("area", "is required");
  if (request.area().version() <= 0) {
    return InvalidField("area.version",
                        "is required: pass the version you read, so that a "
                        "concurrent change is not overwritten");
  }
  if (request.update_mask().paths_size() > 0) {
    // The fields left out keep their stored values: the merged area is
    // checked whole before it is written (AreaStore::Update).
    CORRIDOR_RETURN_IF_ERROR(ValidateAreaId("area.id", request.area().id()));
    return ValidateUpdateMask(request.update_mask());
  }
  CORRIDOR_RETURN_IF_ERROR(ValidateAreaFields("area", request.area()));
  const int status = request.area().status();
  if (status != v1::AREA_STATUS_UNSPECIFIED) {
    return ValidateStatus("area.status", status);
  }
  return absl::OkStatus();
}

absl::Status ValidateStatusChange(const v1::RecordStatusChangeRequest& request) {
  CORRIDOR_RETURN_IF_ERROR(ValidateAreaId("area_id", request.area_id()));
  CORRIDOR_RETURN_IF_ERROR(ValidateStatus("status", request.status()));
  if (!request.has_effective_date()) {
    return InvalidField("effective_date", "is required (the day the status took effect)");
  }
  CORRIDOR_RETURN_IF_ERROR(CheckDate("effective_date", request.effective_date()));
  CORRIDOR_RETURN_IF_ERROR(CheckSource("source", request.source(), true));
  CORRIDOR_RETURN_IF_ERROR(CheckText("note", request.note(), kMaxNotesBytes, false));
  if (request.expected_version() < 0) {
    return InvalidField("expected_version", "must not be negative");
  }
  return absl::OkStatus();
}

absl::Status ValidateList(const v1::ListAreasRequest& request) {
  if (request.status() != v1::AREA_STATUS_UNSPECIFIED) {
    CORRIDOR_RETURN_IF_ERROR(ValidateStatus("status", request.status()));
  }
  CORRIDOR_RETURN_IF_ERROR(
      CheckAdminPcode("governorate_pcode", request.governorate_pcode(), 2, ""));
  return CheckText("besieging_party", request.besieging_party(), kMaxNameBytes, false);
}

}  // namespace corridor::areas
