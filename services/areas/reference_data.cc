#include "services/areas/reference_data.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/csv.h"
#include "common/status_macros.h"
#include "services/areas/area_validation.h"
#include "services/areas/party_validation.h"
#include "services/common/party_names.h"

namespace corridor::areas {
namespace {

constexpr const char* kRequiredColumns[] = {
    "community_id",    "community_name",     "governorate",     "adm1_pcode",         "lat", "lon",
    "besieging_party", "siege_watch_listed", "un_ocha_listing", "population_estimate"};

// "12,520" -> 12520; "~4,000" -> 4000 (approximate). Anything else (ranges,
// "more than", combined figures) is not a single figure.
bool ParseSingleFigure(absl::string_view text, int64_t* count, bool* approximate) {
  absl::string_view s = absl::StripAsciiWhitespace(text);
  *approximate = absl::ConsumePrefix(&s, "~");
  if (s.empty()) return false;
  for (char c : s) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c)) && c != ',') return false;
  }
  return absl::SimpleAtoi(absl::StrReplaceAll(s, {{",", ""}}), count);
}

bool StartsWithWord(absl::string_view text, absl::string_view word) {
  return absl::StartsWithIgnoreCase(absl::StripLeadingAsciiWhitespace(text), word);
}

// Whether a UN listing cell says the UN listed the community as besieged.
bool UnListsAsBesieged(absl::string_view un) {
  return StartsWithWord(un, "listed") || StartsWithWord(un, "yes") ||
         StartsWithWord(un, "added to UN besieged") || StartsWithWord(un, "declared besieged") ||
         absl::StrContains(un, "people besieged");
}

// The status a row's listings support, with both listings as its source.
void SetStatus(const CsvTable& table, size_t row, v1::CreateAreaRequest* request) {
  const std::string& siege_watch = table.Get(row, "siege_watch_listed");
  const std::string& un = table.Get(row, "un_ocha_listing");
  v1::AreaStatus status = v1::AREA_STATUS_UNCONFIRMED;
  if (StartsWithWord(siege_watch, "yes") || UnListsAsBesieged(un)) {
    status = v1::AREA_STATUS_BESIEGED;
  } else if (StartsWithWord(siege_watch, "watchlist")) {
    status = v1::AREA_STATUS_WATCHLIST;
  }
  v1::Source* source = request->mutable_status_source();
  source->set_citation(absl::StrCat("Siege Watch listing: ", siege_watch, "; UN listing: ", un));
  source->set_note(
      "Status at reference-data load: the listings as the sources state them, "
      "2016 - Sep 2017 (data/reference/besieged_areas.csv)");
  request->mutable_area()->set_status(status);
}

// The places an area's row names: its administrative units and point.
absl::Status SetPlace(const CsvTable& table, size_t row, v1::Area* area) {
  auto get = [&](absl::string_view column) -> const std::string& { return table.Get(row, column); };
  area->mutable_governorate()->set_name(get("governorate"));
  area->mutable_governorate()->set_pcode(get("adm1_pcode"));
  if (!get("adm2_pcode").empty()) {
    area->mutable_district()->set_name(get("district"));
    area->mutable_district()->set_pcode(get("adm2_pcode"));
  }
  if (!get("adm3_pcode").empty()) {
    area->mutable_subdistrict()->set_name(get("subdistrict"));
    area->mutable_subdistrict()->set_pcode(get("adm3_pcode"));
  }
  area->set_community_pcode(get("ocha_pcode"));
  if (get("lat").empty() && get("lon").empty()) return absl::OkStatus();
  double lat = 0, lon = 0;
  if (!absl::SimpleAtod(get("lat"), &lat) || !absl::SimpleAtod(get("lon"), &lon)) {
    return absl::InvalidArgumentError("lat/lon are not numbers");
  }
  area->mutable_location()->set_latitude(lat);
  area->mutable_location()->set_longitude(lon);
  area->set_location_precision(get("coord_precision"));
  area->mutable_location_source()->set_citation(get("coord_source"));
  return absl::OkStatus();
}

// The population estimate as the row reports it, with its single figure
// when it states one.
void SetPopulation(const CsvTable& table, size_t row, v1::Area* area) {
  const std::string& population = table.Get(row, "population_estimate");
  if (population.empty()) return;
  v1::PopulationEstimate* p = area->mutable_population();
  int64_t count = 0;
  bool approximate = false;
  if (ParseSingleFigure(population, &count, &approximate)) {
    p->set_count(count);
    p->set_approximate(approximate);
  }
  p->set_as_reported(population);
  p->set_as_of(table.Get(row, "population_date"));
  p->set_scope(table.Get(row, "population_scope"));
  p->mutable_source()->set_citation(table.Get(row, "population_source"));
}

// One row of besieged_areas.csv as the request that creates its area.
absl::StatusOr<v1::CreateAreaRequest> AreaOfRow(const CsvTable& table, size_t row) {
  auto get = [&](absl::string_view column) -> const std::string& { return table.Get(row, column); };
  v1::CreateAreaRequest request;
  v1::Area* area = request.mutable_area();
  area->set_id(get("community_id"));
  area->set_name_en(get("community_name"));
  for (absl::string_view alt : absl::StrSplit(get("alt_names"), ';', absl::SkipWhitespace())) {
    area->add_alt_names(std::string(absl::StripAsciiWhitespace(alt)));
  }
  area->set_area_group(get("area_group"));
  area->set_aggregate(absl::EndsWith(area->id(), "-TOTAL"));
  CORRIDOR_RETURN_IF_ERROR(SetPlace(table, row, area));
  area->set_besieging_party(get("besieging_party"));
  area->mutable_besieging_party_source()->set_citation(get("besieging_party_source"));
  SetPopulation(table, row, area);
  area->set_siege_watch_listing(get("siege_watch_listed"));
  area->set_siege_watch_tier(get("siege_watch_tier"));
  area->set_un_listing(get("un_ocha_listing"));
  std::vector<std::string> notes;
  if (!get("status_changes").empty()) notes.push_back("Status changes: " + get("status_changes"));
  if (!get("notes").empty()) notes.push_back(get("notes"));
  if (!get("confidence").empty()) notes.push_back("Confidence: " + get("confidence"));
  area->set_notes(absl::StrJoin(notes, "\n"));
  SetStatus(table, row, &request);
  CORRIDOR_RETURN_IF_ERROR(ValidateCreate(request));
  return request;
}

}  // namespace

absl::StatusOr<std::vector<v1::CreateAreaRequest>> ParseBesiegedAreasCsv(absl::string_view csv) {
  CORRIDOR_ASSIGN_OR_RETURN(const CsvTable table, CsvTable::Parse(csv));
  for (const char* column : kRequiredColumns) {
    if (!table.HasColumn(column)) {
      return absl::InvalidArgumentError(
          absl::StrCat("besieged_areas.csv: column ", column, " is missing"));
    }
  }
  std::vector<v1::CreateAreaRequest> requests;
  for (size_t row = 0; row < table.rows(); ++row) {
    absl::StatusOr<v1::CreateAreaRequest> request = AreaOfRow(table, row);
    if (!request.ok()) {
      return absl::InvalidArgumentError(absl::StrCat("besieged_areas.csv row ", row + 2, " (",
                                                     table.Get(row, "community_id"),
                                                     "): ", request.status().message()));
    }
    requests.push_back(*std::move(request));
  }
  return requests;
}

absl::StatusOr<std::vector<v1::Party>> ParsePartiesCsv(absl::string_view csv) {
  CORRIDOR_ASSIGN_OR_RETURN(const CsvTable table, CsvTable::Parse(csv));
  for (const char* column : {"party_id", "name", "name_ar", "coalition_id", "aliases", "note"}) {
    if (!table.HasColumn(column)) {
      return absl::InvalidArgumentError(
          absl::StrCat("parties.csv: column ", column, " is missing"));
    }
  }
  std::vector<v1::Party> parties;
  for (size_t row = 0; row < table.rows(); ++row) {
    auto fail = [&](absl::string_view problem) {
      return absl::InvalidArgumentError(absl::StrCat("parties.csv row ", row + 2, " (",
                                                     table.Get(row, "party_id"), "): ", problem));
    };
    v1::CreatePartyRequest request;
    v1::Party* party = request.mutable_party();
    party->set_id(table.Get(row, "party_id"));
    party->set_name(table.Get(row, "name"));
    party->set_name_ar(table.Get(row, "name_ar"));
    party->set_coalition_id(table.Get(row, "coalition_id"));
    for (absl::string_view alias :
         absl::StrSplit(table.Get(row, "aliases"), '|', absl::SkipWhitespace())) {
      party->add_aliases(std::string(absl::StripAsciiWhitespace(alias)));
    }
    party->set_note(table.Get(row, "note"));
    if (absl::Status valid = ValidatePartyCreate(request); !valid.ok())
      return fail(valid.message());
    for (const std::string& name : NamesOf(*party)) {
      if (const v1::Party* other = FindParty(parties, name)) {
        return fail(absl::StrCat("\"", name, "\" already names ", other->id()));
      }
    }
    parties.push_back(std::move(*party));
  }
  for (size_t row = 0; row < parties.size(); ++row) {
    const std::string& coalition = parties[row].coalition_id();
    const bool known = std::any_of(parties.begin(), parties.end(),
                                   [&](const v1::Party& p) { return p.id() == coalition; });
    if (!coalition.empty() && !known) {
      return absl::InvalidArgumentError(absl::StrCat("parties.csv row ", row + 2,
                                                     ": coalition_id \"", coalition,
                                                     "\" is not a party of the file"));
    }
  }
  return parties;
}

}  // namespace corridor::areas
