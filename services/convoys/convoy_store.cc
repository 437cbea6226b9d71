#include "services/convoys/convoy_store.h"

#include <algorithm>
#include <map>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/ids.h"
#include "common/status.h"
#include "common/status_macros.h"
#include "common/validation.h"
#include "google/protobuf/util/time_util.h"
#include "services/convoys/convoy_correction.h"
#include "services/convoys/convoy_lifecycle.h"
#include "services/convoys/convoy_tables.h"
#include "storage/key_codec.h"
#include "storage/records.h"

namespace corridor::convoys {
namespace {

using google::protobuf::util::TimeUtil;
using storage::KeyWriter;
using storage::WithVersion;

constexpr int kMaxConflictRetries = 8;

// A transition target that does not depend on the convoy.
std::function<v1::ConvoyStatus(const v1::Convoy&)> Always(v1::ConvoyStatus status) {
  return [status](const v1::Convoy&) { return status; };
}

// The id beside each party text: the one the service resolved for it, else,
// for text the change left as it was, the one it had.
void SetPartyIds(const v1::Convoy& before, const PartyIds* party_ids, v1::Convoy* convoy,
                 v1::ConvoyEvent* event) {
  auto id_of = [&](const std::string& text) -> std::string {
    if (text.empty()) return "";
    if (party_ids != nullptr) {
      if (auto it = party_ids->find(text); it != party_ids->end()) return it->second;
    }
    return text == before.responsible_party() ? before.responsible_party_id() : "";
  };
  convoy->set_responsible_party_id(id_of(convoy->responsible_party()));
  event->set_responsible_party_id(id_of(event->responsible_party()));
}

template <typename Request>
v1::Date OccurredOn(const Request& request, absl::CivilDay today) {
  return request.has_occurred_on() ? request.occurred_on() : DateOf(today);
}

v1::RequestKind KindOf(const v1::SubmitConvoyRequestRequest& request) {
  return request.kind() == v1::REQUEST_KIND_UNSPECIFIED ? v1::REQUEST_KIND_AID_DELIVERY
                                                        : request.kind();
}

}  // namespace

bool ConvoyStore::SameSubmission(const v1::Convoy& convoy,
                                 const v1::SubmitConvoyRequestRequest& request) {
  if (!SameAgency(convoy.agency(), request.agency()) || convoy.area_id() != request.area_id() ||
      convoy.route_id() != request.route_id() ||
      DateNumber(convoy.planned_date()) != DateNumber(request.planned_date()) ||
      convoy.beneficiaries_requested() != request.beneficiaries_requested() ||
      convoy.mode() != request.mode() || convoy.kind() != KindOf(request) ||
      convoy.manifest_size() != request.manifest_size()) {
    return false;
  }
  for (int i = 0; i < convoy.manifest_size(); ++i) {
    const v1::ManifestLine& a = convoy.manifest(i);
    const v1::ManifestLine& b = request.manifest(i);
    if (a.item() != b.item() || a.category() != b.category() || a.quantity() != b.quantity() ||
        a.unit() != b.unit()) {
      return false;
    }
  }
  return true;
}

absl::StatusOr<ConvoyStore::NewRecord> ConvoyStore::NewConvoy(
    const storage::Origin& origin, const v1::SubmitConvoyRequestRequest& request,
    absl::CivilDay today) {
  const google::protobuf::Timestamp now = TimeUtil::GetCurrentTime();
  NewRecord created;
  v1::Convoy& convoy = created.convoy;
  convoy.set_id(ConvoyIdFor(request.agency(), request.idempotency_key()));
  convoy.set_agency(request.agency());
  convoy.set_area_id(request.area_id());
  convoy.set_route_id(request.route_id());
  *convoy.mutable_planned_date() = request.planned_date();
  *convoy.mutable_manifest() = request.manifest();
  convoy.set_beneficiaries_requested(request.beneficiaries_requested());
  convoy.set_idempotency_key(request.idempotency_key());
  convoy.set_note(request.note());
  convoy.set_mode(request.mode());
  convoy.set_kind(KindOf(request));
  convoy.set_status(v1::CONVOY_STATUS_REQUESTED);
  const v1::Date requested_on = request.has_requested_on() ? request.requested_on() : DateOf(today);
  // A request made after its plan's date is a typing error or a missing
  // date: today's default for a past plan would put 2026 on a 2016 request.
  if (DateNumber(requested_on) > DateNumber(request.planned_date())) {
    return InvalidField("requested_on",
                        absl::StrCat(FormatDate(requested_on),
                                     request.has_requested_on() ? "" : " (today, the default)",
                                     " is after planned_date ", FormatDate(request.planned_date()),
                                     "; give the day the request was made"));
  }
  *convoy.mutable_requested_on() = requested_on;
  *convoy.mutable_status_date() = requested_on;
  convoy.set_transitions(1);
  v1::RecordMeta* meta = convoy.mutable_meta();
  *meta->mutable_created_at() = now;
  *meta->mutable_updated_at() = now;
  *meta->mutable_created_by() = origin.principal;
  *meta->mutable_updated_by() = origin.principal;

  v1::ConvoyEvent& event = created.event;
  event.set_convoy_id(convoy.id());
  event.set_sequence(1);
  event.set_status(v1::CONVOY_STATUS_REQUESTED);
  *event.mutable_occurred_on() = requested_on;
  *event.mutable_source() = request.source();
  event.set_note(request.note());
  event.set_beneficiaries(request.beneficiaries_requested());
  *event.mutable_recorded_at() = now;
  *event.mutable_recorded_by() = origin.principal;
  return created;
}

absl::StatusOr<v1::Convoy> ConvoyStore::CommitNew(const storage::Mutation& mutation,
                                                  v1::Convoy convoy,
                                                  const v1::SubmitConvoyRequestRequest& request) {
  absl::StatusOr<storage::CommitResult> result = store_->Commit(mutation);
  if (absl::IsAlreadyExists(result.status())) {
    // A retry, or a reused key: tell them apart by what was asked.
    CORRIDOR_RETURN_IF_ERROR(StoredRetryOf(convoy, request).status());
    return Get("idempotency_key", convoy.id());
  }
  if (!result.ok()) return result.status();
  return WithVersion(std::move(convoy), result->versions[0]);
}

absl::StatusOr<v1::Convoy> ConvoyStore::Submit(const storage::Origin& origin,
                                               const v1::SubmitConvoyRequestRequest& request,
                                               absl::CivilDay today) {
  CORRIDOR_ASSIGN_OR_RETURN(NewRecord created, NewConvoy(origin, request, today));
  storage::Mutation mutation;
  mutation.SetOrigin(origin);
  mutation.Insert(ConvoysTable(), created.convoy);
  mutation.Insert(ConvoyEventsTable(), created.event);
  return CommitNew(mutation, std::move(created.convoy), request);
}

absl::StatusOr<bool> ConvoyStore::StoredRetryOf(
    const v1::Convoy& convoy, const v1::SubmitConvoyRequestRequest& request) const {
  CORRIDOR_ASSIGN_OR_RETURN(v1::Convoy existing, Get("idempotency_key", convoy.id()));
  if (SameSubmission(existing, request)) return true;
  return absl::AlreadyExistsError(
      absl::StrCat("idempotency_key: \"", absl::CHexEscape(request.idempotency_key()),
                   "\" was already used by ", existing.agency(), " for convoy ", existing.id(),
                   ", which asked for something else; use a new key for a new request"));
}

absl::StatusOr<v1::ConvoyEvent> ConvoyStore::Advance(const storage::Origin& origin,
                                                     const Change& change, v1::Convoy* convoy,
                                                     storage::Mutation* mutation) const {
  const v1::ConvoyStatus target =
      change.step == Step::kTransition ? change.to(*convoy) : convoy->status();
  if (change.step == Step::kTransition) {
    CORRIDOR_RETURN_IF_ERROR(CheckTransition(convoy->id(), convoy->status(), target));
  }
  const v1::Convoy before = *convoy;
  const google::protobuf::Timestamp now = TimeUtil::GetCurrentTime();
  v1::ConvoyEvent event;
  event.set_convoy_id(convoy->id());
  event.set_sequence(convoy->transitions() + 1);
  event.set_status(target);
  event.set_previous_status(convoy->status());
  *event.mutable_occurred_on() = change.occurred_on;
  *event.mutable_source() = change.source;
  event.set_note(change.note);
  *event.mutable_recorded_at() = now;
  *event.mutable_recorded_by() = origin.principal;
  CORRIDOR_RETURN_IF_ERROR(change.apply(convoy, &event));
  SetPartyIds(before, change.party_ids, convoy, &event);

  // A correction moves the status itself (one outcome for another).
  if (change.step == Step::kCorrection) {
    event.set_status(convoy->status());
  } else {
    convoy->set_status(target);
  }
  if (change.step == Step::kTransition) {
    *convoy->mutable_status_date() = change.occurred_on;
    CORRIDOR_RETURN_IF_ERROR(CheckDateOrder(*convoy, "occurred_on"));
  }
  convoy->set_transitions(event.sequence());
  *convoy->mutable_meta()->mutable_updated_at() = now;
  *convoy->mutable_meta()->mutable_updated_by() = origin.principal;
  RelayDenial(change.step, before, event, convoy, mutation);
  RelayIncident(change.step, event, convoy, mutation);
  return event;
}

absl::StatusOr<v1::Convoy> ConvoyStore::Transition(const storage::Origin& origin,
                                                   const std::string& convoy_id,
                                                   int64_t expected_version, const Change& change) {
  for (int attempt = 0;; ++attempt) {
    CORRIDOR_ASSIGN_OR_RETURN(storage::Versioned<v1::Convoy> stored,
                              storage::GetRecord(*store_, ConvoysTable(), "convoy_id", convoy_id));
    v1::Convoy& convoy = stored.record;
    const uint64_t version = stored.version;
    if (expected_version != 0 && version != static_cast<uint64_t>(expected_version)) {
      return absl::AbortedError(
          absl::StrCat("expected_version: convoy ", convoy_id, " is at version ", version, " (",
                       StatusName(convoy.status()), "), not ", expected_version,
                       "; read it again and decide whether the change still applies"));
    }
    storage::Mutation mutation;
    mutation.SetOrigin(origin);
    CORRIDOR_ASSIGN_OR_RETURN(const v1::ConvoyEvent event,
                              Advance(origin, change, &convoy, &mutation));
    mutation.Update(ConvoysTable(), convoy, version);
    mutation.Insert(ConvoyEventsTable(), event);
    absl::StatusOr<storage::CommitResult> result = store_->Commit(mutation);
    // Someone else moved the convoy first: look again, from its new state.
    if ((absl::IsAborted(result.status()) || absl::IsAlreadyExists(result.status())) &&
        expected_version == 0 && attempt < kMaxConflictRetries) {
      continue;
    }
    if (absl::IsAborted(result.status()) || absl::IsAlreadyExists(result.status())) {
      return absl::AbortedError(
          absl::StrCat("expected_version: convoy ", convoy_id,
                       " changed while this change was being made; "
                       "read it again and decide whether the change still applies"));
    }
    if (!result.ok()) return result.status();
    return WithVersion(std::move(convoy), result->versions[0]);
  }
}

absl::StatusOr<v1::Convoy> ConvoyStore::RecordApprovalStep(
    const storage::Origin& origin, const v1::RecordApprovalStepRequest& request) {
  return Transition(origin, request.convoy_id(), request.expected_version(),
                    ApprovalStepChange(request.step()));
}

ConvoyStore::Change ConvoyStore::ApprovalStepChange(const v1::ApprovalStep& step) {
  Change change;
  change.occurred_on = step.has_answered_on() ? step.answered_on() : step.requested_on();
  change.source = step.source();
  change.note = step.note();
  change.step = Step::kKeepStatus;
  change.apply = [&step](v1::Convoy* convoy, v1::ConvoyEvent* event) -> absl::Status {
    *event->mutable_approval_step() = step;
    for (v1::ApprovalStep& known : *convoy->mutable_approval_steps()) {
      if (absl::AsciiStrToLower(known.step()) == absl::AsciiStrToLower(step.step())) {
        known = step;
        return absl::OkStatus();
      }
    }
    *convoy->add_approval_steps() = step;
    return absl::OkStatus();
  };
  return change;
}

absl::StatusOr<v1::Convoy> ConvoyStore::Correct(const storage::Origin& origin,
                                                const v1::CorrectConvoyRequest& request,
                                                absl::CivilDay today, const PartyIds& party_ids) {
  Change change;
  change.party_ids = &party_ids;
  change.occurred_on = OccurredOn(request, today);
  change.source = request.source();
  change.step = Step::kCorrection;
  change.apply = [&](v1::Convoy* convoy, v1::ConvoyEvent* event) -> absl::Status {
    *event->mutable_corrected_from() = *convoy;
    event->mutable_corrected_from()->clear_meta();
    *event->mutable_correction() = request.correction();
    event->set_reason(request.reason());
    CORRIDOR_ASSIGN_OR_RETURN(std::string standing, StandingDenialId(*convoy));
    convoy->set_denial_id(std::move(standing));
    CORRIDOR_RETURN_IF_ERROR(ApplyCorrection(request.correction(), convoy));
    convoy->set_corrections(convoy->corrections() + 1);
    return absl::OkStatus();
  };
  return Transition(origin, request.convoy_id(), request.expected_version(), change);
}

template <typename Request>
ConvoyStore::Change ConvoyStore::ChangeOf(const Request& request, absl::CivilDay today) {
  Change change;
  change.occurred_on = OccurredOn(request, today);
  change.source = request.source();
  change.note = request.note();
  return change;
}

ConvoyStore::Change ConvoyStore::ApproveChange(const v1::ApproveConvoyRequest& request,
                                               absl::CivilDay today) {
  Change change = ChangeOf(request, today);
  // Partial or full depends on the stored request; both are legal from the
  // same states.
  change.to = [&request](const v1::Convoy& convoy) {
    return request.beneficiaries_approved() < convoy.beneficiaries_requested()
               ? v1::CONVOY_STATUS_PARTIALLY_APPROVED
               : v1::CONVOY_STATUS_APPROVED;
  };
  change.apply = [&request](v1::Convoy* convoy, v1::ConvoyEvent* event) -> absl::Status {
    if (request.beneficiaries_approved() > convoy->beneficiaries_requested()) {
      return InvalidField("beneficiaries_approved",
                          absl::StrCat(request.beneficiaries_approved(), " is more than the ",
                                       convoy->beneficiaries_requested(), " requested"));
    }
    convoy->set_beneficiaries_approved(request.beneficiaries_approved());
    *convoy->mutable_approved_on() = event->occurred_on();
    event->set_beneficiaries(request.beneficiaries_approved());
    return absl::OkStatus();
  };
  return change;
}

ConvoyStore::Change ConvoyStore::DenyChange(const v1::DenyConvoyRequest& request,
                                            absl::CivilDay today) {
  Change change = ChangeOf(request, today);
  change.to = Always(v1::CONVOY_STATUS_DENIED);
  change.apply = [&request](v1::Convoy* convoy, v1::ConvoyEvent* event) {
    convoy->set_responsible_party(request.denying_party());
    convoy->set_constraint_category(request.category());
    convoy->set_denial_reason(request.reason());
    event->set_responsible_party(request.denying_party());
    event->set_constraint_category(request.category());
    event->set_reason(request.reason());
    return absl::OkStatus();
  };
  return change;
}

ConvoyStore::Change ConvoyStore::DispatchChange(const v1::DispatchConvoyRequest& request,
                                                absl::CivilDay today) {
  Change change = ChangeOf(request, today);
  change.to = Always(v1::CONVOY_STATUS_DISPATCHED);
  change.apply = [on = change.occurred_on](v1::Convoy* convoy, v1::ConvoyEvent*) {
    *convoy->mutable_dispatched_date() = on;
    return absl::OkStatus();
  };
  return change;
}

absl::StatusOr<v1::Convoy> ConvoyStore::Approve(const storage::Origin& origin,
                                                const v1::ApproveConvoyRequest& request,
                                                absl::CivilDay today) {
  return Transition(origin, request.convoy_id(), request.expected_version(),
                    ApproveChange(request, today));
}

absl::StatusOr<v1::Convoy> ConvoyStore::Deny(const storage::Origin& origin,
                                             const v1::DenyConvoyRequest& request,
                                             absl::CivilDay today, const PartyIds& party_ids) {
  Change change = DenyChange(request, today);
  change.party_ids = &party_ids;
  return Transition(origin, request.convoy_id(), request.expected_version(), change);
}

absl::StatusOr<v1::Convoy> ConvoyStore::Dispatch(const storage::Origin& origin,
                                                 const v1::DispatchConvoyRequest& request,
                                                 absl::CivilDay today) {
  return Transition(origin, request.convoy_id(), request.expected_version(),
                    DispatchChange(request, today));
}

absl::StatusOr<v1::Convoy> ConvoyStore::RecordOutcome(const storage::Origin& origin,
                                                      const v1::RecordConvoyOutcomeRequest& request,
                                                      absl::CivilDay today,
                                                      const PartyIds& party_ids) {
  Change change = OutcomeChange(request, today);
  change.party_ids = &party_ids;
  return Transition(origin, request.convoy_id(), request.expected_version(), change);
}

ConvoyStore::Change ConvoyStore::OutcomeChange(const v1::RecordConvoyOutcomeRequest& request,
                                               absl::CivilDay today) {
  Change change = ChangeOf(request, today);
  change.to = Always(request.outcome());
  const v1::Date on = change.occurred_on;
  change.apply = [&request, on](v1::Convoy* convoy, v1::ConvoyEvent* event) -> absl::Status {
    // Turned back or attacked, a convoy may have reached some people
    // first; never more than it was approved for, whatever the outcome.
    if (request.outcome() != v1::CONVOY_STATUS_CANCELLED &&
        request.beneficiaries_reached() > convoy->beneficiaries_approved()) {
      return InvalidField("beneficiaries_reached",
                          absl::StrCat(request.beneficiaries_reached(), " is more than the ",
                                       convoy->beneficiaries_approved(), " approved"));
    }
    CORRIDOR_RETURN_IF_ERROR(ApplyLosses("losses", request.losses(), convoy));
    *event->mutable_losses() = request.losses();
    if (request.outcome() != v1::CONVOY_STATUS_CANCELLED) {
      convoy->set_beneficiaries_reached(request.beneficiaries_reached());
      event->set_beneficiaries(request.beneficiaries_reached());
    }
    if (!request.responsible_party().empty()) {
      convoy->set_responsible_party(request.responsible_party());
      event->set_responsible_party(request.responsible_party());
    }
    if (request.category() != v1::ACCESS_CONSTRAINT_CATEGORY_UNSPECIFIED) {
      convoy->set_constraint_category(request.category());
      event->set_constraint_category(request.category());
    }
    *convoy->mutable_outcome_date() = on;
    return absl::OkStatus();
  };
  return change;
}

absl::StatusOr<v1::Convoy> ConvoyStore::Get(absl::string_view field, absl::string_view id) const {
  CORRIDOR_ASSIGN_OR_RETURN(storage::Versioned<v1::Convoy> convoy,
                            storage::GetRecord(*store_, ConvoysTable(), field, id));
  return std::move(convoy).Release();
}

absl::StatusOr<v1::ListConvoysResponse> ConvoyStore::List(const v1::ListConvoysRequest& request,
                                                          int page_size) const {
  // Walk the most selective index the request names; its planned-date
  // suffix bounds the period; the other filters are checked per record.
  storage::ScanOptions scan;
  scan.reverse = true;
  scan.page_size = page_size;
  scan.page_token = request.page().page_token();
  const std::string agency = absl::AsciiStrToLower(request.agency());
  scan.query = absl::StrCat("area=", request.area_id(), "|route=", request.route_id(),
                            "|agency=", agency, "|status=", request.status());
  if (!request.area_id().empty()) {
    scan.index = "area";
    scan.prefix = KeyWriter().String(request.area_id()).Release();
  } else if (!request.route_id().empty()) {
    scan.index = "route";
    scan.prefix = KeyWriter().String(request.route_id()).Release();
  } else if (!agency.empty()) {
    scan.index = "agency";
    scan.prefix = AgencyTerm(agency);
  } else if (request.status() != v1::CONVOY_STATUS_UNSPECIFIED) {
    scan.index = "status";
    scan.prefix = KeyWriter().Uint32(request.status()).Release();
  } else {
    scan.index = "planned";
  }
  if (request.has_planned_from()) {
    scan.start = KeyWriter().Uint32(DateNumber(request.planned_from())).Release();
  }
  if (request.has_planned_to()) {
    scan.end = KeyWriter().Uint32(DateNumber(request.planned_to()) + 1).Release();
  }
  auto matches = [&](const v1::Convoy& c) {
    return (request.area_id().empty() || c.area_id() == request.area_id()) &&
           (request.route_id().empty() || c.route_id() == request.route_id()) &&
           (agency.empty() || absl::AsciiStrToLower(c.agency()) == agency) &&
           (request.status() == v1::CONVOY_STATUS_UNSPECIFIED || c.status() == request.status());
  };
  std::vector<std::pair<v1::Convoy, uint64_t>> found;
  v1::ListConvoysResponse response;
  CORRIDOR_ASSIGN_OR_RETURN(
      *response.mutable_next_page_token(),
      storage::ScanRecords<v1::Convoy>(*store_, ConvoysTable(), scan, &found, matches));
  for (auto& [convoy, version] : found) {
    *response.add_convoys() = WithVersion(std::move(convoy), version);
  }
  return response;
}

absl::StatusOr<v1::GetConvoyHistoryResponse> ConvoyStore::History(
    const v1::GetConvoyHistoryRequest& request, int page_size) const {
  storage::ScanOptions page;
  page.page_size = page_size;
  page.page_token = request.page().page_token();
  v1::GetConvoyHistoryResponse response;
  CORRIDOR_ASSIGN_OR_RETURN(
      *response.mutable_next_page_token(),
      storage::HistoryPage(*store_, ConvoysTable(), "convoy_id", request.convoy_id(),
                           ConvoyEventsTable(), page, response.mutable_events()));
  return response;
}

absl::StatusOr<AreaTally> ConvoyStore::TallyArea(const std::string& area_id, const v1::Date& from,
                                                 const v1::Date& to) const {
  AreaTally tally;
  storage::ScanOptions scan;
  scan.index = "area";
  scan.prefix = KeyWriter().String(area_id).Release();
  scan.start = KeyWriter().Uint32(DateNumber(from)).Release();
  scan.end = KeyWriter().Uint32(DateNumber(to) + 1).Release();
  scan.page_size = 1000;
  CORRIDOR_RETURN_IF_ERROR(storage::ForEachRecord<v1::Convoy>(*store_, ConvoysTable(), scan,
                                                              [&](const v1::Convoy& c, uint64_t) {
                                                                tally.Add(c);
                                                                return absl::OkStatus();
                                                              }));

  storage::ScanOptions last;
  last.index = "delivered";
  last.prefix = KeyWriter().String(area_id).Release();
  last.end = KeyWriter().Uint32(DateNumber(to) + 1).Release();
  last.reverse = true;
  last.page_size = 1;
  std::vector<std::pair<v1::Convoy, uint64_t>> latest;
  CORRIDOR_RETURN_IF_ERROR(
      storage::ScanRecords<v1::Convoy>(*store_, ConvoysTable(), last, &latest).status());
  if (!latest.empty()) tally.last_delivery = latest[0].first.outcome_date();
  return tally;
}

absl::StatusOr<PartyResolution> ConvoyStore::ResolveStoredParties(
    const std::vector<v1::Party>& parties) {
  PartyResolution resolution;
  CORRIDOR_RETURN_IF_ERROR(ResolvePartiesOfTable<v1::Convoy>(
      store_, ConvoysTable(), PartyResolutionOrigin(),
      [&](v1::Convoy* convoy, PartyResolution* r) {
        return FillPartyId(parties, convoy->responsible_party(),
                           convoy->mutable_responsible_party_id(), r);
      },
      &resolution));
  return resolution;
}

}  // namespace corridor::convoys
