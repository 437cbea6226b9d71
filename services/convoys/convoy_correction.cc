#include "services/convoys/convoy_correction.h"

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "common/validation.h"
#include "services/convoys/convoy_lifecycle.h"

namespace corridor::convoys {
namespace {

absl::Status NotInState(const v1::Convoy& convoy, absl::string_view field,
                        absl::string_view missing) {
  return absl::FailedPreconditionError(absl::StrCat("correction.", field, ": convoy ", convoy.id(),
                                                    " is ", StatusName(convoy.status()), " and ",
                                                    missing, "; nothing to correct there"));
}

absl::Status ApplyDates(const v1::ConvoyCorrection& c, v1::Convoy* convoy) {
  if (c.has_planned_date()) *convoy->mutable_planned_date() = c.planned_date();
  if (c.has_requested_on()) {
    *convoy->mutable_requested_on() = c.requested_on();
    if (convoy->status() == v1::CONVOY_STATUS_REQUESTED) {
      *convoy->mutable_status_date() = c.requested_on();
    }
  }
  if (convoy->has_requested_on() &&
      DateNumber(convoy->requested_on()) > DateNumber(convoy->planned_date())) {
    return InvalidField(
        c.has_requested_on() ? "correction.requested_on" : "correction.planned_date",
        absl::StrCat("the request would be made on ", FormatDate(convoy->requested_on()),
                     ", after its planned date ", FormatDate(convoy->planned_date())));
  }
  if (c.has_approved_on()) {
    if (!convoy->has_beneficiaries_approved()) {
      return NotInState(*convoy, "approved_on", "was never approved");
    }
    *convoy->mutable_approved_on() = c.approved_on();
    if (convoy->status() == v1::CONVOY_STATUS_APPROVED ||
        convoy->status() == v1::CONVOY_STATUS_PARTIALLY_APPROVED) {
      *convoy->mutable_status_date() = c.approved_on();
    }
  }
  if (c.has_dispatched_date()) {
    if (!convoy->has_dispatched_date()) {
      return NotInState(*convoy, "dispatched_date", "was never dispatched");
    }
    *convoy->mutable_dispatched_date() = c.dispatched_date();
    if (convoy->status() == v1::CONVOY_STATUS_DISPATCHED) {
      *convoy->mutable_status_date() = c.dispatched_date();
    }
  }
  if (c.has_outcome_date()) {
    if (!convoy->has_outcome_date()) {
      return NotInState(*convoy, "outcome_date", "has no outcome recorded");
    }
    *convoy->mutable_outcome_date() = c.outcome_date();
    *convoy->mutable_status_date() = c.outcome_date();
  }
  return absl::OkStatus();
}

absl::Status ApplyOutcome(const v1::ConvoyCorrection& c, v1::Convoy* convoy) {
  if (c.outcome() == v1::CONVOY_STATUS_UNSPECIFIED) return absl::OkStatus();
  if (!IsOutcome(convoy->status())) {
    return NotInState(*convoy, "outcome",
                      "has no outcome yet; record one with RecordConvoyOutcome");
  }
  convoy->set_status(c.outcome());
  if (c.outcome() == v1::CONVOY_STATUS_CANCELLED) convoy->clear_beneficiaries_reached();
  if (!RelaysDenial(c.outcome())) {
    convoy->clear_responsible_party();
    convoy->clear_constraint_category();
  }
  return absl::OkStatus();
}

absl::Status ApplyPeople(const v1::ConvoyCorrection& c, v1::Convoy* convoy) {
  if (c.has_beneficiaries_requested()) {
    convoy->set_beneficiaries_requested(c.beneficiaries_requested());
  }
  if (c.has_beneficiaries_approved()) {
    if (!convoy->has_beneficiaries_approved()) {
      return NotInState(*convoy, "beneficiaries_approved", "was never approved");
    }
    convoy->set_beneficiaries_approved(c.beneficiaries_approved());
  }
  if (c.has_beneficiaries_reached()) {
    if (!IsOutcome(convoy->status()) || convoy->status() == v1::CONVOY_STATUS_CANCELLED) {
      return NotInState(*convoy, "beneficiaries_reached", "reached nobody by its outcome");
    }
    convoy->set_beneficiaries_reached(c.beneficiaries_reached());
  }
  if (WasDelivered(convoy->status()) && convoy->beneficiaries_reached() == 0) {
    return InvalidField("correction.beneficiaries_reached",
                        absl::StrCat("is required when the outcome becomes ",
                                     StatusName(convoy->status()), " (the people reached)"));
  }
  if (convoy->has_beneficiaries_approved() &&
      convoy->beneficiaries_approved() > convoy->beneficiaries_requested()) {
    return InvalidField(c.has_beneficiaries_approved() ? "correction.beneficiaries_approved"
                                                       : "correction.beneficiaries_requested",
                        absl::StrCat(convoy->beneficiaries_approved(),
                                     " approved would be more "
                                     "than the ",
                                     convoy->beneficiaries_requested(), " requested"));
  }
  if (convoy->beneficiaries_reached() > convoy->beneficiaries_approved()) {
    return InvalidField(c.has_beneficiaries_reached() ? "correction.beneficiaries_reached"
                                                      : "correction.beneficiaries_approved",
                        absl::StrCat(convoy->beneficiaries_reached(),
                                     " reached would be more "
                                     "than the ",
                                     convoy->beneficiaries_approved(), " approved"));
  }
  const v1::ConvoyStatus status = convoy->status();
  if (status == v1::CONVOY_STATUS_APPROVED || status == v1::CONVOY_STATUS_PARTIALLY_APPROVED) {
    convoy->set_status(convoy->beneficiaries_approved() < convoy->beneficiaries_requested()
                           ? v1::CONVOY_STATUS_PARTIALLY_APPROVED
                           : v1::CONVOY_STATUS_APPROVED);
  }
  return absl::OkStatus();
}

absl::Status ApplyCorrectedLosses(const v1::ConvoyCorrection& c, v1::Convoy* convoy) {
  if (!c.replace_losses()) {
    if (c.losses_size() > 0) {
      return InvalidField("correction.losses",
                          "are only read with replace_losses set (they replace every loss "
                          "recorded)");
    }
    return absl::OkStatus();
  }
  if (c.losses_size() > 0 &&
      (!IsOutcome(convoy->status()) || convoy->status() == v1::CONVOY_STATUS_CANCELLED)) {
    return NotInState(*convoy, "losses", "passed no checkpoint by its outcome");
  }
  for (v1::ManifestLine& line : *convoy->mutable_manifest()) {
    line.clear_quantity_removed();
    line.clear_quantity_refused();
  }
  return ApplyLosses("correction.losses", c.losses(), convoy);
}

absl::Status ApplyParty(const v1::ConvoyCorrection& c, v1::Convoy* convoy) {
  const bool names_party =
      !c.responsible_party().empty() || c.category() != v1::ACCESS_CONSTRAINT_CATEGORY_UNSPECIFIED;
  if (names_party && !RelaysDenial(convoy->status())) {
    return NotInState(*convoy, c.responsible_party().empty() ? "category" : "responsible_party",
                      "was not denied, turned back or attacked");
  }
  if (!c.responsible_party().empty()) convoy->set_responsible_party(c.responsible_party());
  if (c.category() != v1::ACCESS_CONSTRAINT_CATEGORY_UNSPECIFIED) {
    convoy->set_constraint_category(c.category());
  }
  if (RelaysDenial(convoy->status()) && convoy->responsible_party().empty()) {
    return InvalidField("correction.responsible_party",
                        absl::StrCat("is required when the outcome becomes ",
                                     StatusName(convoy->status()), " (who is responsible)"));
  }
  if (RelaysDenial(convoy->status()) &&
      convoy->constraint_category() == v1::ACCESS_CONSTRAINT_CATEGORY_UNSPECIFIED) {
    return InvalidField("correction.category",
                        absl::StrCat("is required when the outcome becomes ",
                                     StatusName(convoy->status()), " (the access constraint)"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status CheckDateOrder(const v1::Convoy& convoy, absl::string_view field) {
  struct Step {
    const char* name;  // the Convoy field
    const char* what;  // "was approved"
    const v1::Date* date;
  };
  const bool denied = convoy.status() == v1::CONVOY_STATUS_DENIED;
  const Step steps[] = {
      {"requested_on", "was requested",
       convoy.has_requested_on() ? &convoy.requested_on() : nullptr},
      {"approved_on", "was approved", convoy.has_approved_on() ? &convoy.approved_on() : nullptr},
      {"status_date", "was denied", denied ? &convoy.status_date() : nullptr},
      {"dispatched_date", "was dispatched",
       convoy.has_dispatched_date() ? &convoy.dispatched_date() : nullptr},
      {"outcome_date", "met its outcome",
       convoy.has_outcome_date() ? &convoy.outcome_date() : nullptr},
  };
  const Step* before = nullptr;
  for (const Step& step : steps) {
    if (step.date == nullptr) continue;
    if (before != nullptr && DateNumber(*step.date) < DateNumber(*before->date)) {
      return InvalidField(
          field.empty() ? absl::StrCat("correction.", step.name) : std::string(field),
          absl::StrCat(FormatDate(*step.date), " is before the convoy ", before->what, " (",
                       FormatDate(*before->date),
                       "); each step is dated on or after the one "
                       "before it"));
    }
    before = &step;
  }
  return absl::OkStatus();
}

absl::Status ApplyLosses(absl::string_view field,
                         const google::protobuf::RepeatedPtrField<v1::LineLoss>& losses,
                         v1::Convoy* convoy) {
  for (int i = 0; i < losses.size(); ++i) {
    const v1::LineLoss& loss = losses.Get(i);
    if (loss.line() >= convoy->manifest_size()) {
      return InvalidField(absl::StrCat(field, "[", i, "].line"),
                          absl::StrCat("the manifest has lines 0 to ", convoy->manifest_size() - 1,
                                       ", not ", loss.line()));
    }
    v1::ManifestLine* line = convoy->mutable_manifest(loss.line());
    if (loss.removed() + loss.refused() > line->quantity()) {
      return InvalidField(
          absl::StrCat(field, "[", i, "]"),
          absl::StrCat(loss.removed() + loss.refused(), " ", line->unit(), " lost, but manifest line ",
                       loss.line(), " (", line->item(), ") carried only ", line->quantity()));
    }
    line->set_quantity_removed(loss.removed());
    line->set_quantity_refused(loss.refused());
  }
  return absl::OkStatus();
}

absl::Status ApplyCorrection(const v1::ConvoyCorrection& correction, v1::Convoy* convoy) {
  CORRIDOR_RETURN_IF_ERROR(ApplyOutcome(correction, convoy));
  CORRIDOR_RETURN_IF_ERROR(ApplyDates(correction, convoy));
  CORRIDOR_RETURN_IF_ERROR(ApplyPeople(correction, convoy));
  CORRIDOR_RETURN_IF_ERROR(ApplyCorrectedLosses(correction, convoy));
  CORRIDOR_RETURN_IF_ERROR(ApplyParty(correction, convoy));
  if (correction.mode() != v1::DELIVERY_MODE_UNSPECIFIED) convoy->set_mode(correction.mode());
  if (!correction.area_id().empty()) convoy->set_area_id(correction.area_id());
  if (correction.route_id() == "-") {
    convoy->clear_route_id();
  } else if (!correction.route_id().empty()) {
    convoy->set_route_id(correction.route_id());
  }
  CORRIDOR_RETURN_IF_ERROR(CheckDateOrder(*convoy, ""));
  if (convoy->status() == v1::CONVOY_STATUS_CANCELLED) {
    for (const v1::ManifestLine& line : convoy->manifest()) {
      if (line.quantity_removed() != 0 || line.quantity_refused() != 0) {
        return InvalidField("correction.replace_losses",
                            "a cancelled convoy passed no checkpoint: set replace_losses with no "
                            "losses to clear the ones recorded");
      }
    }
  }
  return absl::OkStatus();
}

}  // namespace corridor::convoys
