#include "services/routes/route_validation.h"

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "common/status.h"
#include "common/validation.h"

namespace corridor::routes {
namespace {

constexpr size_t kMaxNameBytes = 200;
constexpr size_t kMaxTextBytes = 4000;
constexpr int kMaxServedAreas = 100;
constexpr int kMaxWatchedRoutes = 100;

std::string StatusNames() {
  std::string names;
  for (int i = v1::RouteStatus_MIN + 1; i <= v1::RouteStatus_MAX; ++i) {
    if (!v1::RouteStatus_IsValid(i)) continue;
    absl::StrAppend(&names, names.empty() ? "" : ", ",
                    v1::RouteStatus_Name(static_cast<v1::RouteStatus>(i)).substr(13));
  }
  return names;
}

absl::Status CheckAreaId(absl::string_view field, absl::string_view id) {
  if (id.empty() || id.size() > 64) return InvalidField(field, "must be 1 to 64 characters");
  for (char c : id) {
    if (!(absl::ascii_isupper(static_cast<unsigned char>(c)) ||
          absl::ascii_isdigit(static_cast<unsigned char>(c)) || c == '-')) {
      return InvalidField(field, absl::StrCat("\"", absl::CHexEscape(id),
                                              "\" is not an area id (A-Z, 0-9 and '-')"));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ValidateRouteId(absl::string_view field, absl::string_view id) {
  if (id.empty()) return InvalidField(field, "is required");
  if (id.size() < 2 || id.size() > 64) return InvalidField(field, "must be 2 to 64 characters");
  for (char c : id) {
    if (!(absl::ascii_islower(static_cast<unsigned char>(c)) ||
          absl::ascii_isdigit(static_cast<unsigned char>(c)) || c == '-')) {
      return InvalidField(
          field, absl::StrCat("\"", absl::CHexEscape(id), "\" may use only a-z, 0-9 and '-'"));
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateRouteStatus(absl::string_view field, int status) {
  if (status == v1::ROUTE_STATUS_UNSPECIFIED) {
    return InvalidField(field, absl::StrCat("is required; one of ", StatusNames()));
  }
  if (!v1::RouteStatus_IsValid(status)) {
    return InvalidField(field,
                        absl::StrCat("unknown value ", status, "; use one of ", StatusNames()));
  }
  return absl::OkStatus();
}

absl::Status ValidateCreate(const v1::CreateRouteRequest& request) {
  if (!request.has_route()) return InvalidField("route", "is required");
  const v1::Route& route = request.route();
  CORRIDOR_RETURN_IF_ERROR(ValidateRouteId("route.id", route.id()));
  CORRIDOR_RETURN_IF_ERROR(CheckText("route.name", route.name(), kMaxNameBytes, true));
  CORRIDOR_RETURN_IF_ERROR(
      CheckText("route.description", route.description(), kMaxTextBytes, false));
  if (route.serves_area_ids_size() > kMaxServedAreas) {
    return InvalidField("route.serves_area_ids",
                        absl::StrCat("names ", route.serves_area_ids_size(),
                                     " areas; the limit is ", kMaxServedAreas));
  }
  for (int i = 0; i < route.serves_area_ids_size(); ++i) {
    CORRIDOR_RETURN_IF_ERROR(
        CheckAreaId(absl::StrCat("route.serves_area_ids[", i, "]"), route.serves_area_ids(i)));
  }
  CORRIDOR_RETURN_IF_ERROR(
      CheckText("route.controlling_party", route.controlling_party(), kMaxNameBytes, false));
  for (int i = 0; i < route.sources_size(); ++i) {
    CORRIDOR_RETURN_IF_ERROR(
        CheckSource(absl::StrCat("route.sources[", i, "]"), route.sources(i), true));
  }
  if (route.status() != v1::ROUTE_STATUS_UNSPECIFIED) {
    return InvalidField("route.status",
                        "is set by status reports; create the route, then file a report "
                        "with ReportRouteStatus");
  }
  return absl::OkStatus();
}

absl::Status ValidateReport(const v1::ReportRouteStatusRequest& request, absl::Time now) {
  CORRIDOR_RETURN_IF_ERROR(ValidateRouteId("route_id", request.route_id()));
  CORRIDOR_RETURN_IF_ERROR(ValidateRouteStatus("status", request.status()));
  if (!request.has_observed_at()) {
    return InvalidField("observed_at", "is required (when the road was seen in this state)");
  }
  const google::protobuf::Timestamp& at = request.observed_at();
  // Timestamp's own range is years 1 to 9999; reports come from 1900 on.
  if (at.nanos() < 0 || at.nanos() > 999'999'999 || at.seconds() < -2208988800 ||
      at.seconds() > 253402300799) {
    return InvalidField("observed_at", "is not a valid time from 1900 on");
  }
  if (absl::FromUnixSeconds(at.seconds()) > now + absl::Minutes(1)) {
    return InvalidField("observed_at", "lies in the future; report what was observed");
  }
  CORRIDOR_RETURN_IF_ERROR(CheckSource("source", request.source(), true));
  if (!v1::Confidence_IsValid(request.confidence())) {
    return InvalidField("confidence", absl::StrCat("unknown value ", request.confidence(),
                                                   "; use LOW, MEDIUM or HIGH"));
  }
  CORRIDOR_RETURN_IF_ERROR(CheckText("note", request.note(), kMaxTextBytes, false));
  CORRIDOR_RETURN_IF_ERROR(CheckText("checkpoint", request.checkpoint(), kMaxNameBytes, false));
  return CheckText("controlling_party", request.controlling_party(), kMaxNameBytes, false);
}

absl::Status ValidateCorrectReport(const v1::CorrectRouteReportRequest& request) {
  if (request.position() <= 0) {
    return InvalidField("position",
                        "is required: the feed position of the report to correct "
                        "(see corridorctl routes history)");
  }
  return CheckText("reason", request.reason(), kMaxTextBytes, true);
}

v1::ReportRouteStatusRequest CorrectedReport(const v1::RouteReport& old,
                                             const v1::ReportRouteStatusRequest& given) {
  v1::ReportRouteStatusRequest merged = given;
  if (merged.route_id().empty()) merged.set_route_id(old.route_id());
  if (merged.status() == v1::ROUTE_STATUS_UNSPECIFIED) merged.set_status(old.status());
  if (!merged.has_observed_at()) *merged.mutable_observed_at() = old.observed_at();
  if (merged.source().citation().empty()) *merged.mutable_source() = old.source();
  if (merged.confidence() == v1::CONFIDENCE_UNSPECIFIED) merged.set_confidence(old.confidence());
  if (merged.note().empty()) merged.set_note(old.note());
  if (merged.checkpoint().empty()) merged.set_checkpoint(old.checkpoint());
  if (merged.controlling_party().empty()) merged.set_controlling_party(old.controlling_party());
  return merged;
}

absl::Status ValidateList(const v1::ListRoutesRequest& request) {
  if (!request.serves_area_id().empty()) {
    CORRIDOR_RETURN_IF_ERROR(CheckAreaId("serves_area_id", request.serves_area_id()));
  }
  if (request.status() != v1::ROUTE_STATUS_UNSPECIFIED) {
    return ValidateRouteStatus("status", request.status());
  }
  return absl::OkStatus();
}

absl::Status ValidateWatch(const v1::WatchRouteStatusRequest& request) {
  if (request.has_start() && request.has_after_position()) {
    return InvalidField("start", "give start or after_position, not both");
  }
  if (request.has_after_position() && request.after_position() < 0) {
    return InvalidField("after_position", "must not be negative");
  }
  if (request.route_ids_size() > kMaxWatchedRoutes) {
    return InvalidField("route_ids", absl::StrCat("names ", request.route_ids_size(),
                                                  " routes; the limit is ", kMaxWatchedRoutes));
  }
  for (int i = 0; i < request.route_ids_size(); ++i) {
    CORRIDOR_RETURN_IF_ERROR(
        ValidateRouteId(absl::StrCat("route_ids[", i, "]"), request.route_ids(i)));
  }
  return absl::OkStatus();
}

}  // namespace corridor::routes
