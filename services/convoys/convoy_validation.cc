#include "services/convoys/convoy_validation.h"

#include <cmath>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "common/ids.h"
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

// Losses per manifest line: each line once, quantities not negative and
// not both 0. Whether the line exists is the store's to check.
absl::Status CheckLosses(absl::string_view field_name,
                         const google::protobuf::RepeatedPtrField<v1::LineLoss>& losses) {
  absl::flat_hash_set<int> lines;
  for (int i = 0; i < losses.size(); ++i) {
    const v1::LineLoss& loss = losses.Get(i);
    auto field = [&](absl::string_view name) {
      return absl::StrCat(field_name, "[", i, "].", name);
    };
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

bool IsSet(const v1::ConvoyCorrection& c) {
  return c.has_planned_date() || c.has_requested_on() || c.has_approved_on() ||
         c.has_dispatched_date() || c.has_outcome_date() || c.has_beneficiaries_requested() ||
         c.has_beneficiaries_approved() || c.has_beneficiaries_reached() ||
         c.mode() != v1::DELIVERY_MODE_UNSPECIFIED ||
         c.outcome() != v1::CONVOY_STATUS_UNSPECIFIED || c.replace_losses() ||
         !c.responsible_party().empty() || !c.area_id().empty() || !c.route_id().empty() ||
         c.category() != v1::ACCESS_CONSTRAINT_CATEGORY_UNSPECIFIED;
}

absl::Status CheckCorrectionValues(const v1::ConvoyCorrection& c, absl::CivilDay today) {
  if (c.has_planned_date()) {
    CORRIDOR_RETURN_IF_ERROR(CheckDate("correction.planned_date", c.planned_date()));
  }
  CORRIDOR_RETURN_IF_ERROR(CheckPastDate(
      "correction.requested_on", c.has_requested_on() ? &c.requested_on() : nullptr, today));
  CORRIDOR_RETURN_IF_ERROR(CheckPastDate("correction.approved_on",
                                         c.has_approved_on() ? &c.approved_on() : nullptr, today));
  CORRIDOR_RETURN_IF_ERROR(CheckPastDate("correction.dispatched_date",
                                         c.has_dispatched_date() ? &c.dispatched_date() : nullptr,
                                         today));
  CORRIDOR_RETURN_IF_ERROR(CheckPastDate(
      "correction.outcome_date", c.has_outcome_date() ? &c.outcome_date() : nullptr, today));
  if (c.has_beneficiaries_requested()) {
    CORRIDOR_RETURN_IF_ERROR(CheckBeneficiaries("correction.beneficiaries_requested",
                                                c.beneficiaries_requested(), true));
  }
  if (c.has_beneficiaries_approved()) {
    CORRIDOR_RETURN_IF_ERROR(
        CheckBeneficiaries("correction.beneficiaries_approved", c.beneficiaries_approved(), true));
  }
  if (c.has_beneficiaries_reached()) {
    CORRIDOR_RETURN_IF_ERROR(
        CheckBeneficiaries("correction.beneficiaries_reached", c.beneficiaries_reached(), false));
  }
  if (!v1::DeliveryMode_IsValid(c.mode())) {
    return InvalidField("correction.mode", "must be ROAD, CROSS_BORDER, AIRDROP or AIRLIFT");
  }
  if (c.outcome() != v1::CONVOY_STATUS_UNSPECIFIED && !IsOutcome(c.outcome())) {
    return InvalidField("correction.outcome",
                        "must be DELIVERED, PARTIALLY_DELIVERED, TURNED_BACK, ATTACKED or "
                        "CANCELLED (one outcome for another)");
  }
  CORRIDOR_RETURN_IF_ERROR(CheckId("correction.area_id", c.area_id(), false));
  if (c.route_id() != "-") {
    CORRIDOR_RETURN_IF_ERROR(CheckId("correction.route_id", c.route_id(), false));
  }
  CORRIDOR_RETURN_IF_ERROR(CheckLosses("correction.losses", c.losses()));
  CORRIDOR_RETURN_IF_ERROR(
      CheckText("correction.responsible_party", c.responsible_party(), kMaxNameBytes, false));
  if (c.category() != v1::ACCESS_CONSTRAINT_CATEGORY_UNSPECIFIED) {
    CORRIDOR_RETURN_IF_ERROR(CheckAccessCategory("correction.category", c.category()));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ValidateCorrect(const v1::CorrectConvoyRequest& request, absl::CivilDay today) {
  CORRIDOR_RETURN_IF_ERROR(ValidateConvoyId("convoy_id", request.convoy_id()));
  CORRIDOR_RETURN_IF_ERROR(CheckVersion(request.expected_version()));
  CORRIDOR_RETURN_IF_ERROR(
      CheckOccurred(request.has_occurred_on() ? &request.occurred_on() : nullptr, today));
  CORRIDOR_RETURN_IF_ERROR(CheckSource("source", request.source(), false));
  CORRIDOR_RETURN_IF_ERROR(CheckText("reason", request.reason(), kMaxTextBytes, true));
  if (!IsSet(request.correction())) {
    return InvalidField("correction", "sets nothing; set each value to correct");
  }
  return CheckCorrectionValues(request.correction(), today);
}

namespace {

// `step` validated as a request of its own, with the convoy id it will
// have; its errors name it ("approve.occurred_on").
template <typename Request, typename Validate>
absl::Status CheckImportedStep(absl::string_view name, bool present, Request step,
                               const std::string& convoy_id, absl::CivilDay today,
                               Validate validate) {
  if (!present) return absl::OkStatus();
  if (!step.has_occurred_on()) {
    return InvalidField(absl::StrCat(name, ".occurred_on"),
                        "is required: an import records when each step happened");
  }
  step.set_convoy_id(convoy_id);
  step.set_expected_version(0);
  absl::Status status = validate(step, today);
  if (status.ok()) return status;
  return absl::Status(status.code(), absl::StrCat(name, ".", status.message()));
}

}  // namespace

absl::Status ValidateImport(const v1::ImportConvoyRequest& request, absl::CivilDay today) {
  const v1::SubmitConvoyRequestRequest& submit = request.submit();
  if (absl::Status status = ValidateSubmit(submit); !status.ok()) {
    return absl::Status(status.code(), absl::StrCat("submit.", status.message()));
  }
  if (!submit.has_requested_on()) {
    return InvalidField("submit.requested_on",
                        "is required: an import records the day the request was made");
  }
  CORRIDOR_RETURN_IF_ERROR(CheckPastDate("submit.requested_on", &submit.requested_on(), today));
  const std::string id = ConvoyIdFor(submit.agency(), submit.idempotency_key());
  for (int i = 0; i < request.approval_steps_size(); ++i) {
    CORRIDOR_RETURN_IF_ERROR(CheckApprovalStep(absl::StrCat("approval_steps[", i, "]"),
                                               request.approval_steps(i), today));
  }
  CORRIDOR_RETURN_IF_ERROR(CheckImportedStep("approve", request.has_approve(), request.approve(),
                                             id, today, ValidateApprove));
  CORRIDOR_RETURN_IF_ERROR(
      CheckImportedStep("deny", request.has_deny(), request.deny(), id, today, ValidateDeny));
  CORRIDOR_RETURN_IF_ERROR(CheckImportedStep("dispatch", request.has_dispatch(), request.dispatch(),
                                             id, today, ValidateDispatch));
  return CheckImportedStep("outcome", request.has_outcome(), request.outcome(), id, today,
                           ValidateOutcome);
}

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
  if (!v1::DeliveryMode_IsValid(request.mode())) {
    return InvalidField("mode", "must be ROAD, CROSS_BORDER, AIRDROP or AIRLIFT (or unset)");
  }
  if (!v1::RequestKind_IsValid(request.kind())) {
    return InvalidField("kind", "must be AID_DELIVERY or MEDICAL_EVACUATION (or unset)");
  }
  // An evacuation moves people out; what it carries in, if anything, is
  // optional.
  if (request.manifest_size() == 0 && request.kind() != v1::REQUEST_KIND_MEDICAL_EVACUATION) {
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
  return CheckApprovalStep("step", request.step(), today);
}

absl::Status CheckApprovalStep(absl::string_view field, const v1::ApprovalStep& step,
                               absl::CivilDay today) {
  auto name = [field](absl::string_view part) { return absl::StrCat(field, ".", part); };
  CORRIDOR_RETURN_IF_ERROR(CheckText(name("step"), step.step(), 100, true));
  CORRIDOR_RETURN_IF_ERROR(CheckText(name("authority"), step.authority(), kMaxNameBytes, true));
  if (!step.has_requested_on()) return InvalidField(name("requested_on"), "is required");
  CORRIDOR_RETURN_IF_ERROR(CheckPastDate(name("requested_on"), &step.requested_on(), today));
  switch (step.outcome()) {
    case v1::STEP_OUTCOME_PENDING:
      if (step.has_answered_on()) {
        return InvalidField(name("answered_on"), "must be empty while the step is pending");
      }
      break;
    case v1::STEP_OUTCOME_GRANTED:
    case v1::STEP_OUTCOME_REFUSED:
      if (!step.has_answered_on()) {
        return InvalidField(name("answered_on"), "is required once the step is granted or refused");
      }
      CORRIDOR_RETURN_IF_ERROR(CheckPastDate(name("answered_on"), &step.answered_on(), today));
      if (DateNumber(step.answered_on()) < DateNumber(step.requested_on())) {
        return InvalidField(name("answered_on"),
                            absl::StrCat(FormatDate(step.answered_on()),
                                         " is before the step was asked (its requested_on, ",
                                         FormatDate(step.requested_on()), ")"));
      }
      break;
    default:
      return InvalidField(name("outcome"), "is required: pending, granted or refused");
  }
  CORRIDOR_RETURN_IF_ERROR(CheckSource(name("source"), step.source(), false));
  return CheckText(name("note"), step.note(), kMaxTextBytes, false);
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
  if (!IsOutcome(outcome)) {
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
  return CheckLosses("losses", request.losses());
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
