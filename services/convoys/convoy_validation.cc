#include "services/convoys/convoy_validation.h"

#include <cmath>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "common/status.h"
#include "common/validation.h"
#include "services/convoys/convoy_lifecycle.h"

namespace corridor::convoys {
namespace {

constexpr size_t kMaxNameBytes = 200;
constexpr size_t kMaxTextBytes = 4000;
constexpr size_t kMaxKeyBytes = 128;
constexpr int64_t kMaxBeneficiaries = 100'000'000;
constexpr double kMaxQuantity = 1e12;
constexpr int kMaxAreasInReport = 1000;

absl::Status CheckBeneficiaries(absl::string_view field, int64_t n, bool positive) {
  if (n < 0 || (positive && n == 0) || n > kMaxBeneficiaries) {
    return InvalidField(
        field, absl::StrCat(n, " is out of range (", positive ? 1 : 0, " to 100,000,000 people)"));
  }
  return absl::OkStatus();
}

absl::Status CheckQuantity(absl::string_view field, double q, bool positive) {
  if (!std::isfinite(q) || q < 0 || (positive && q == 0) || q > kMaxQuantity) {
    return InvalidField(
        field, absl::StrCat(q, " is not a ", positive ? "positive " : "", "quantity (0 to 10^12)"));
  }
  return absl::OkStatus();
}

absl::Status CheckVersion(int64_t expected_version) {
  if (expected_version < 0) return InvalidField("expected_version", "must not be negative");
  return absl::OkStatus();
}

// A date of something that has happened: valid, and not after tomorrow (a
// day of slack for time zones).
absl::Status CheckPastDate(absl::string_view field, const v1::Date* date, absl::CivilDay today) {
  if (date == nullptr) return absl::OkStatus();
  CORRIDOR_RETURN_IF_ERROR(CheckDate(field, *date));
  if (CivilDayOf(*date) > today + 1) {
    return InvalidField(field, absl::StrCat(FormatDate(*date),
                                            " lies in the future; record what happened"));
  }
  return absl::OkStatus();
}

absl::Status CheckOccurred(const v1::Date* date, absl::CivilDay today) {
  return CheckPastDate("occurred_on", date, today);
}

template <typename Request>
absl::Status CheckTransitionBasics(const Request& request, absl::CivilDay today) {
  CORRIDOR_RETURN_IF_ERROR(ValidateConvoyId("convoy_id", request.convoy_id()));
  CORRIDOR_RETURN_IF_ERROR(CheckVersion(request.expected_version()));
  CORRIDOR_RETURN_IF_ERROR(
      CheckOccurred(request.has_occurred_on() ? &request.occurred_on() : nullptr, today));
  CORRIDOR_RETURN_IF_ERROR(CheckSource("source", request.source(), false));
  return CheckText("note", request.note(), kMaxTextBytes, false);
}

}  // namespace

absl::Status ValidateConvoyId(absl::string_view field, absl::string_view id) {
  return CheckId(field, id, true);
}

absl::Status ValidateSubmit(const v1::SubmitConvoyRequestRequest& request) {
  CORRIDOR_RETURN_IF_ERROR(CheckText("agency", request.agency(), kMaxNameBytes, true));
  CORRIDOR_RETURN_IF_ERROR(CheckId("area_id", request.area_id(), true));
  CORRIDOR_RETURN_IF_ERROR(CheckId("route_id", request.route_id(), false));
  if (!request.has_planned_date()) return InvalidField("planned_date", "is required");
  if (request.has_requested_on()) {
    CORRIDOR_RETURN_IF_ERROR(CheckDate("requested_on", request.requested_on()));
  }
  CORRIDOR_RETURN_IF_ERROR(CheckDate("planned_date", request.planned_date()));
  if (request.manifest_size() == 0) {
    return InvalidField("manifest", "needs at least one line (item, category, quantity, unit)");
  }
  if (request.manifest_size() > kMaxManifestLines) {
    return InvalidField("manifest", absl::StrCat("has ", request.manifest_size(),
                                                 " lines; the limit is ", kMaxManifestLines));
  }
  for (int i = 0; i < request.manifest_size(); ++i) {
    const v1::ManifestLine& line = request.manifest(i);
    auto field = [i](absl::string_view name) { return absl::StrCat("manifest[", i, "].", name); };
    CORRIDOR_RETURN_IF_ERROR(CheckText(field("item"), line.item(), kMaxNameBytes, true));
    if (line.category() == v1::CARGO_CATEGORY_UNSPECIFIED ||
        !v1::CargoCategory_IsValid(line.category())) {
      return InvalidField(field("category"),
                          "is required: FOOD, MEDICAL, HEALTH, WASH, SHELTER, EDUCATION or OTHER");
    }
    CORRIDOR_RETURN_IF_ERROR(CheckQuantity(field("quantity"), line.quantity(), true));
    CORRIDOR_RETURN_IF_ERROR(CheckText(field("unit"), line.unit(), 50, true));
    if (line.quantity_removed() != 0 || line.quantity_refused() != 0) {
      return InvalidField(field("quantity_removed"),
                          "must be 0 on submission; record losses with the outcome");
    }
  }
  CORRIDOR_RETURN_IF_ERROR(
      CheckBeneficiaries("beneficiaries_requested", request.beneficiaries_requested(), true));
  CORRIDOR_RETURN_IF_ERROR(
      CheckText("idempotency_key", request.idempotency_key(), kMaxKeyBytes, true));
  CORRIDOR_RETURN_IF_ERROR(CheckSource("source", request.source(), false));
  return CheckText("note", request.note(), kMaxTextBytes, false);
}

absl::Status ValidateApprovalStep(const v1::RecordApprovalStepRequest& request,
                                  absl::CivilDay today) {
  CORRIDOR_RETURN_IF_ERROR(ValidateConvoyId("convoy_id", request.convoy_id()));
  CORRIDOR_RETURN_IF_ERROR(CheckVersion(request.expected_version()));
  if (!request.has_step()) return InvalidField("step", "is required");
  const v1::ApprovalStep& step = request.step();
  CORRIDOR_RETURN_IF_ERROR(CheckText("step.step", step.step(), 100, true));
  CORRIDOR_RETURN_IF_ERROR(CheckText("step.authority", step.authority(), kMaxNameBytes, true));
  if (!step.has_requested_on()) return InvalidField("step.requested_on", "is required");
  CORRIDOR_RETURN_IF_ERROR(CheckPastDate("step.requested_on", &step.requested_on(), today));
  switch (step.outcome()) {
    case v1::STEP_OUTCOME_PENDING:
      if (step.has_answered_on()) {
        return InvalidField("step.answered_on", "must be empty while the step is pending");
      }
      break;
    case v1::STEP_OUTCOME_GRANTED:
    case v1::STEP_OUTCOME_REFUSED:
      if (!step.has_answered_on()) {
        return InvalidField("step.answered_on", "is required once the step is granted or refused");
      }
      CORRIDOR_RETURN_IF_ERROR(CheckPastDate("step.answered_on", &step.answered_on(), today));
      if (DateNumber(step.answered_on()) < DateNumber(step.requested_on())) {
        return InvalidField("step.answered_on",
                            absl::StrCat(FormatDate(step.answered_on()), " is before requested_on ",
                                         FormatDate(step.requested_on())));
      }
      break;
    default:
      return InvalidField("step.outcome", "is required: pending, granted or refused");
  }
  CORRIDOR_RETURN_IF_ERROR(CheckSource("step.source", step.source(), false));
  return CheckText("step.note", step.note(), kMaxTextBytes, false);
}

absl::Status ValidateApprove(const v1::ApproveConvoyRequest& request, absl::CivilDay today) {
  CORRIDOR_RETURN_IF_ERROR(CheckTransitionBasics(request, today));
  return CheckBeneficiaries("beneficiaries_approved", request.beneficiaries_approved(), true);
}

absl::Status ValidateDeny(const v1::DenyConvoyRequest& request, absl::CivilDay today) {
  CORRIDOR_RETURN_IF_ERROR(CheckTransitionBasics(request, today));
  CORRIDOR_RETURN_IF_ERROR(
      CheckText("denying_party", request.denying_party(), kMaxNameBytes, true));
  CORRIDOR_RETURN_IF_ERROR(CheckText("reason", request.reason(), kMaxTextBytes, true));
  return CheckAccessCategory("category", request.category());
}

absl::Status ValidateDispatch(const v1::DispatchConvoyRequest& request, absl::CivilDay today) {
  return CheckTransitionBasics(request, today);
}

absl::Status ValidateOutcome(const v1::RecordConvoyOutcomeRequest& request, absl::CivilDay today) {
  CORRIDOR_RETURN_IF_ERROR(CheckTransitionBasics(request, today));
  const v1::ConvoyStatus outcome = request.outcome();
  switch (outcome) {
    case v1::CONVOY_STATUS_DELIVERED:
    case v1::CONVOY_STATUS_PARTIALLY_DELIVERED:
    case v1::CONVOY_STATUS_TURNED_BACK:
    case v1::CONVOY_STATUS_ATTACKED:
    case v1::CONVOY_STATUS_CANCELLED:
      break;
    default:
      return InvalidField("outcome",
                          "must be DELIVERED, PARTIALLY_DELIVERED, TURNED_BACK, ATTACKED or "
                          "CANCELLED");
  }
  const bool delivered = WasDelivered(outcome);
  CORRIDOR_RETURN_IF_ERROR(
      CheckBeneficiaries("beneficiaries_reached", request.beneficiaries_reached(), delivered));
  if (!delivered && outcome != v1::CONVOY_STATUS_TURNED_BACK &&
      outcome != v1::CONVOY_STATUS_ATTACKED && request.beneficiaries_reached() != 0) {
    return InvalidField("beneficiaries_reached", "must be 0 for a cancelled convoy");
  }
  if (outcome == v1::CONVOY_STATUS_TURNED_BACK || outcome == v1::CONVOY_STATUS_ATTACKED) {
    CORRIDOR_RETURN_IF_ERROR(
        CheckText("responsible_party", request.responsible_party(), kMaxNameBytes, true));
    CORRIDOR_RETURN_IF_ERROR(CheckAccessCategory("category", request.category()));
  } else {
    CORRIDOR_RETURN_IF_ERROR(
        CheckText("responsible_party", request.responsible_party(), kMaxNameBytes, false));
    if (request.category() != v1::ACCESS_CONSTRAINT_CATEGORY_UNSPECIFIED) {
      CORRIDOR_RETURN_IF_ERROR(CheckAccessCategory("category", request.category()));
    }
  }
  if (outcome == v1::CONVOY_STATUS_CANCELLED && request.losses_size() > 0) {
    return InvalidField("losses", "a cancelled convoy passed no checkpoint; leave losses empty");
  }
  absl::flat_hash_set<int> lines;
  for (int i = 0; i < request.losses_size(); ++i) {
    const v1::LineLoss& loss = request.losses(i);
    auto field = [i](absl::string_view name) { return absl::StrCat("losses[", i, "].", name); };
    if (loss.line() < 0 || loss.line() >= kMaxManifestLines) {
      return InvalidField(field("line"), "is not a manifest line index (from 0)");
    }
    if (!lines.insert(loss.line()).second) {
      return InvalidField(field("line"), absl::StrCat("line ", loss.line(),
                                                      " is listed twice; give one entry a line"));
    }
    CORRIDOR_RETURN_IF_ERROR(CheckQuantity(field("removed"), loss.removed(), false));
    CORRIDOR_RETURN_IF_ERROR(CheckQuantity(field("refused"), loss.refused(), false));
    if (loss.removed() == 0 && loss.refused() == 0) {
      return InvalidField(field("removed"), "and refused are both 0; leave the line out");
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateList(const v1::ListConvoysRequest& request) {
  CORRIDOR_RETURN_IF_ERROR(CheckId("area_id", request.area_id(), false));
  CORRIDOR_RETURN_IF_ERROR(CheckId("route_id", request.route_id(), false));
  CORRIDOR_RETURN_IF_ERROR(CheckText("agency", request.agency(), kMaxNameBytes, false));
  if (request.status() != v1::CONVOY_STATUS_UNSPECIFIED &&
      !v1::ConvoyStatus_IsValid(request.status())) {
    return InvalidField("status", absl::StrCat("unknown value ", request.status()));
  }
  if (request.has_planned_from()) {
    CORRIDOR_RETURN_IF_ERROR(CheckDate("planned_from", request.planned_from()));
  }
  if (request.has_planned_to()) {
    CORRIDOR_RETURN_IF_ERROR(CheckDate("planned_to", request.planned_to()));
  }
  if (request.has_planned_from() && request.has_planned_to() &&
      DateNumber(request.planned_from()) > DateNumber(request.planned_to())) {
    return InvalidField("planned_to", "is before planned_from");
  }
  return absl::OkStatus();
}

absl::Status ValidateAccessReport(const v1::GetAccessReportRequest& request) {
  if (!request.has_from()) return InvalidField("from", "is required (first day of the period)");
  if (!request.has_to()) return InvalidField("to", "is required (last day of the period)");
  CORRIDOR_RETURN_IF_ERROR(CheckDate("from", request.from()));
  CORRIDOR_RETURN_IF_ERROR(CheckDate("to", request.to()));
  if (DateNumber(request.from()) > DateNumber(request.to())) {
    return InvalidField("to", "is before from");
  }
  if (request.area_ids_size() > kMaxAreasInReport) {
    return InvalidField("area_ids", absl::StrCat("names ", request.area_ids_size(),
                                                 " areas; the limit is ", kMaxAreasInReport));
  }
  for (int i = 0; i < request.area_ids_size(); ++i) {
    CORRIDOR_RETURN_IF_ERROR(CheckId(absl::StrCat("area_ids[", i, "]"), request.area_ids(i), true));
  }
  return absl::OkStatus();
}

}  // namespace corridor::convoys
