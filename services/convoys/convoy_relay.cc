// The convoy store's side of the denials a convoy meets: the denial a
// transition relays, and what a correction tells the denials service.
#include <algorithm>

#include "absl/strings/str_cat.h"
#include "common/ids.h"
#include "common/status_macros.h"
#include "common/validation.h"
#include "google/protobuf/util/time_util.h"
#include "services/convoys/convoy_lifecycle.h"
#include "services/convoys/convoy_store.h"
#include "services/convoys/convoy_tables.h"
#include "storage/key_codec.h"
#include "storage/records.h"

namespace corridor::convoys {

using google::protobuf::util::TimeUtil;
using storage::KeyWriter;

void ConvoyStore::RelayDenial(Step step, const v1::Convoy& before, const v1::ConvoyEvent& event,
                              v1::Convoy* after, storage::Mutation* mutation) {
  const bool stands = RelaysDenial(after->status());
  // A denial is relayed when the convoy is denied, turned back or
  // attacked, not again for each step recorded on it afterwards.
  if (step == Step::kKeepStatus) return;
  if (step == Step::kTransition || after->denial_id().empty()) {
    if (!stands) return;
    const v1::RecordDenialRequest denial =
        DenialFor(*after, step == Step::kTransition ? event : FactsEvent(*after, event));
    after->set_denial_id(DenialIdFor(denial.idempotency_key()));
    mutation->Enqueue(kDenialsOutbox, denial.SerializeAsString());
    return;
  }
  v1::CorrectDenialRequest correction;
  correction.set_denial_id(after->denial_id());
  correction.set_reason(absl::StrCat("Convoy ", after->id(), " was corrected (history entry ",
                                     event.sequence(), "): ", event.reason()));
  if (!stands) {
    correction.set_withdraw(true);
    after->clear_denial_id();
  } else {
    const v1::DenialFacts was = DenialFor(before, FactsEvent(before, event)).facts();
    *correction.mutable_facts() = DenialFor(*after, FactsEvent(*after, event)).facts();
    const v1::DenialFacts& now = correction.facts();
    if (was.party() == now.party() && was.category() == now.category() &&
        was.area_id() == now.area_id() && was.route_id() == now.route_id() &&
        was.people_affected() == now.people_affected() &&
        was.occurred_at().seconds() == now.occurred_at().seconds()) {
      return;
    }
  }
  mutation->Enqueue(kDenialCorrectionsOutbox, correction.SerializeAsString());
}

void ConvoyStore::RelayIncident(Step step, const v1::ConvoyEvent& event, v1::Convoy* after,
                                storage::Mutation* mutation) {
  const bool attacked = after->status() == v1::CONVOY_STATUS_ATTACKED;
  if (step == Step::kTransition && attacked) {
    const v1::RecordIncidentRequest incident = IncidentFor(*after, event);
    after->set_incident_id(IncidentIdFor(incident.idempotency_key()));
    mutation->Enqueue(kIncidentsOutbox, incident.SerializeAsString());
    return;
  }
  if (step != Step::kCorrection || attacked || after->incident_id().empty()) return;
  v1::CorrectIncidentRequest withdrawal;
  withdrawal.set_incident_id(after->incident_id());
  withdrawal.set_withdraw(true);
  withdrawal.set_reason(absl::StrCat("Convoy ", after->id(),
                                     " was corrected and is no longer recorded as attacked "
                                     "(history entry ",
                                     event.sequence(), "): ", event.reason()));
  after->clear_incident_id();
  mutation->Enqueue(kIncidentCorrectionsOutbox, withdrawal.SerializeAsString());
}

v1::RecordIncidentRequest ConvoyStore::IncidentFor(const v1::Convoy& convoy,
                                                   const v1::ConvoyEvent& event) {
  v1::RecordIncidentRequest request;
  request.set_idempotency_key(absl::StrCat("convoys/", convoy.id(), "/", event.sequence()));
  *request.mutable_reported_by() = event.recorded_by();
  v1::IncidentFacts* facts = request.mutable_facts();
  const absl::Time day = absl::FromCivil(CivilDayOf(event.occurred_on()), absl::UTCTimeZone());
  *facts->mutable_occurred_at() = TimeUtil::SecondsToTimestamp(absl::ToUnixSeconds(day));
  facts->set_precision(v1::TIME_PRECISION_DAY);
  facts->set_area_id(convoy.area_id());
  facts->set_route_id(convoy.route_id());
  facts->set_convoy_id(convoy.id());
  facts->set_type(v1::INCIDENT_TYPE_ATTACK_ON_CONVOY);
  // Weapons, casualties and whether the area is populated are not in a
  // convoy's outcome: left unknown for a coordinator to correct, never
  // guessed.
  if (!event.responsible_party().empty()) {
    facts->set_party(event.responsible_party());
    // One coordinator's word on the convoy's step: an allegation until a
    // correction says on what better basis it stands.
    facts->set_attribution_confidence(v1::ATTRIBUTION_CONFIDENCE_LOW);
    facts->set_attribution_basis(absl::StrCat("Named as responsible on convoy ", convoy.id(),
                                              "'s ATTACKED outcome by ", event.recorded_by().name(),
                                              "; not yet corroborated"));
  }
  std::string description = absl::StrCat("Convoy ", convoy.id(), " of ", convoy.agency(), " to ",
                                         convoy.area_id(), " was attacked");
  if (!event.reason().empty()) absl::StrAppend(&description, ": ", event.reason());
  if (!event.note().empty()) absl::StrAppend(&description, ". Note: ", event.note());
  facts->set_description(description);
  v1::Source* source = facts->add_sources()->mutable_source();
  *source = event.source();
  if (source->citation().empty()) {
    source->set_citation(absl::StrCat("Corridor convoys service, convoy ", convoy.id(), " event ",
                                      event.sequence()));
  }
  return request;
}

v1::ConvoyEvent ConvoyStore::FactsEvent(const v1::Convoy& convoy,
                                        const v1::ConvoyEvent& correction) {
  v1::ConvoyEvent facts = correction;
  facts.set_status(convoy.status());
  facts.set_responsible_party(convoy.responsible_party());
  facts.set_constraint_category(convoy.constraint_category());
  *facts.mutable_occurred_on() = convoy.status_date();
  facts.set_reason(convoy.denial_reason());
  facts.set_note(absl::StrCat("Corrected: ", correction.reason()));
  return facts;
}

absl::StatusOr<std::string> ConvoyStore::StandingDenialId(const v1::Convoy& convoy) const {
  if (!convoy.denial_id().empty() || !RelaysDenial(convoy.status())) return convoy.denial_id();
  // Convoys relayed before the id was kept: the denial's key names the
  // history entry that moved the convoy into its status.
  storage::ScanOptions scan;
  scan.prefix = KeyWriter().String(convoy.id()).Release();
  scan.page_size = 100;
  std::string id;
  CORRIDOR_RETURN_IF_ERROR(storage::ForEachRecord<v1::ConvoyEvent>(
      *store_, ConvoyEventsTable(), scan, [&](const v1::ConvoyEvent& e, uint64_t) {
        if (e.status() == convoy.status() && e.previous_status() != e.status()) {
          id = DenialIdFor(absl::StrCat("convoys/", convoy.id(), "/", e.sequence()));
        }
        return absl::OkStatus();
      }));
  return id;
}

v1::RecordDenialRequest ConvoyStore::DenialFor(const v1::Convoy& convoy,
                                               const v1::ConvoyEvent& event) {
  v1::RecordDenialRequest request;
  request.set_idempotency_key(absl::StrCat("convoys/", convoy.id(), "/", event.sequence()));
  // The relay calls with the service's token; the denial belongs to whoever
  // recorded the step, and awaits confirmation if that was a partner.
  *request.mutable_reported_by() = event.recorded_by();
  v1::DenialFacts* facts = request.mutable_facts();
  facts->set_party(event.responsible_party());
  facts->set_area_id(convoy.area_id());
  facts->set_route_id(convoy.route_id());
  facts->set_convoy_id(convoy.id());
  // Convoy events carry dates only: the denial is placed at 00:00 UTC.
  const absl::Time day = absl::FromCivil(CivilDayOf(event.occurred_on()), absl::UTCTimeZone());
  *facts->mutable_occurred_at() = TimeUtil::SecondsToTimestamp(absl::ToUnixSeconds(day));
  facts->set_category(event.constraint_category());
  const char* what = event.status() == v1::CONVOY_STATUS_DENIED        ? "denied"
                     : event.status() == v1::CONVOY_STATUS_TURNED_BACK ? "turned back"
                                                                       : "attacked";
  std::string description =
      absl::StrCat("Convoy ", convoy.id(), " of ", convoy.agency(), " to ", convoy.area_id(),
                   " (planned ", FormatDate(convoy.planned_date()), ") was ", what);
  if (!event.reason().empty()) absl::StrAppend(&description, ": ", event.reason());
  if (!event.note().empty()) absl::StrAppend(&description, ". Note: ", event.note());
  facts->set_description(description);
  *facts->mutable_source() = event.source();
  if (facts->source().citation().empty()) {
    facts->mutable_source()->set_citation(absl::StrCat("Corridor convoys service, convoy ",
                                                       convoy.id(), " event ", event.sequence()));
  }
  // The people the convoy was meant to reach (as approved, else as asked)
  // and did not: never more than the convoy was for.
  const int64_t meant = convoy.has_beneficiaries_approved() ? convoy.beneficiaries_approved()
                                                            : convoy.beneficiaries_requested();
  const int64_t reached = convoy.has_beneficiaries_reached() ? convoy.beneficiaries_reached() : 0;
  facts->set_people_affected(std::clamp<int64_t>(meant - reached, 0, meant));
  return request;
}

}  // namespace corridor::convoys
