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

template <typename Request>
v1::Date OccurredOn(const Request& request, absl::CivilDay today) {
  return request.has_occurred_on() ? request.occurred_on() : DateOf(today);
}

// Whether a stored convoy is what `request` asks for: the same retry.
bool SameSubmission(const v1::Convoy& convoy, const v1::SubmitConvoyRequestRequest& request) {
  if (absl::AsciiStrToLower(convoy.agency()) != absl::AsciiStrToLower(request.agency()) ||
      convoy.area_id() != request.area_id() || convoy.route_id() != request.route_id() ||
      DateNumber(convoy.planned_date()) != DateNumber(request.planned_date()) ||
      convoy.beneficiaries_requested() != request.beneficiaries_requested() ||
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

// Quantities removed and refused, summed per (category, unit): quantities
// in different units do not add up.
using LossesByUnit = std::map<std::pair<int, std::string>, std::pair<double, double>>;

// Adds one convoy of the period to an area's access row and its losses.
void CountConvoy(const v1::Convoy& c, v1::AreaAccess* row, LossesByUnit* lost) {
  row->set_requests(row->requests() + 1);
  row->set_beneficiaries_requested(row->beneficiaries_requested() + c.beneficiaries_requested());
  if (c.has_beneficiaries_approved()) {
    row->set_approved(row->approved() + 1);
    row->set_beneficiaries_approved(row->beneficiaries_approved() + c.beneficiaries_approved());
  }
  if (c.status() == v1::CONVOY_STATUS_DENIED) row->set_denied(row->denied() + 1);
  if (WasDelivered(c.status())) {
    row->set_delivered(row->delivered() + 1);
    row->set_beneficiaries_reached(row->beneficiaries_reached() + c.beneficiaries_reached());
  }
  for (const v1::ManifestLine& line : c.manifest()) {
    if (line.quantity_removed() == 0 && line.quantity_refused() == 0) continue;
    auto& sums = (*lost)[{line.category(), line.unit()}];
    sums.first += line.quantity_removed();
    sums.second += line.quantity_refused();
  }
}

}  // namespace

absl::StatusOr<v1::Convoy> ConvoyStore::Submit(const storage::Origin& origin,
                                               const v1::SubmitConvoyRequestRequest& request,
                                               absl::CivilDay today) {
  const google::protobuf::Timestamp now = TimeUtil::GetCurrentTime();
  v1::Convoy convoy;
  convoy.set_id(ConvoyIdFor(request.agency(), request.idempotency_key()));
  convoy.set_agency(request.agency());
  convoy.set_area_id(request.area_id());
  convoy.set_route_id(request.route_id());
  *convoy.mutable_planned_date() = request.planned_date();
  *convoy.mutable_manifest() = request.manifest();
  convoy.set_beneficiaries_requested(request.beneficiaries_requested());
  convoy.set_idempotency_key(request.idempotency_key());
  convoy.set_note(request.note());
  convoy.set_status(v1::CONVOY_STATUS_REQUESTED);
  const v1::Date requested_on = request.has_requested_on() ? request.requested_on() : DateOf(today);
  *convoy.mutable_requested_on() = requested_on;
  *convoy.mutable_status_date() = requested_on;
  convoy.set_transitions(1);
  v1::RecordMeta* meta = convoy.mutable_meta();
  *meta->mutable_created_at() = now;
  *meta->mutable_updated_at() = now;
  *meta->mutable_created_by() = origin.principal;
  *meta->mutable_updated_by() = origin.principal;

  v1::ConvoyEvent event;
  event.set_convoy_id(convoy.id());
  event.set_sequence(1);
  event.set_status(v1::CONVOY_STATUS_REQUESTED);
  *event.mutable_occurred_on() = requested_on;
  *event.mutable_source() = request.source();
  event.set_note(request.note());
  event.set_beneficiaries(request.beneficiaries_requested());
  *event.mutable_recorded_at() = now;
  *event.mutable_recorded_by() = origin.principal;

  storage::Mutation mutation;
  mutation.SetOrigin(origin);
  mutation.Insert(ConvoysTable(), convoy);
  mutation.Insert(ConvoyEventsTable(), event);
  absl::StatusOr<storage::CommitResult> result = store_->Commit(mutation);
  if (absl::IsAlreadyExists(result.status())) {
    // A retry, or a reused key: tell them apart by what was asked.
    CORRIDOR_ASSIGN_OR_RETURN(v1::Convoy existing, Get("idempotency_key", convoy.id()));
    if (SameSubmission(existing, request)) return existing;
    return absl::AlreadyExistsError(
        absl::StrCat("idempotency_key: \"", absl::CHexEscape(request.idempotency_key()),
                     "\" was already used by ", existing.agency(), " for convoy ", existing.id(),
                     ", which asked for something else; use a new key for a new request"));
  }
  if (!result.ok()) return result.status();
  return WithVersion(std::move(convoy), result->versions[0]);
}

absl::StatusOr<v1::Convoy> ConvoyStore::Transition(const storage::Origin& origin,
                                                   const std::string& convoy_id,
                                                   int64_t expected_version, const Target& to,
                                                   const v1::Date& occurred_on,
                                                   const v1::Source& source,
                                                   const std::string& note, const Apply& apply,
                                                   bool keeps_status) {
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
    const v1::ConvoyStatus target = keeps_status ? convoy.status() : to(convoy);
    if (!keeps_status) {
      CORRIDOR_RETURN_IF_ERROR(CheckTransition(convoy_id, convoy.status(), target));
    }

    const google::protobuf::Timestamp now = TimeUtil::GetCurrentTime();
    v1::ConvoyEvent event;
    event.set_convoy_id(convoy_id);
    event.set_sequence(convoy.transitions() + 1);
    event.set_status(target);
    event.set_previous_status(convoy.status());
    *event.mutable_occurred_on() = occurred_on;
    *event.mutable_source() = source;
    event.set_note(note);
    *event.mutable_recorded_at() = now;
    *event.mutable_recorded_by() = origin.principal;
    CORRIDOR_RETURN_IF_ERROR(apply(&convoy, &event));

    convoy.set_status(target);
    if (!keeps_status) *convoy.mutable_status_date() = occurred_on;
    convoy.set_transitions(event.sequence());
    *convoy.mutable_meta()->mutable_updated_at() = now;
    *convoy.mutable_meta()->mutable_updated_by() = origin.principal;

    storage::Mutation mutation;
    mutation.SetOrigin(origin);
    mutation.Update(ConvoysTable(), convoy, version);
    mutation.Insert(ConvoyEventsTable(), event);
    // A denial is relayed when the convoy is denied, turned back or
    // attacked, not again for each step recorded on it afterwards.
    if (!keeps_status && (target == v1::CONVOY_STATUS_DENIED ||
                          target == v1::CONVOY_STATUS_TURNED_BACK ||
                          target == v1::CONVOY_STATUS_ATTACKED)) {
      mutation.Enqueue(kDenialsOutbox, DenialFor(convoy, event).SerializeAsString());
    }
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
  const v1::ApprovalStep& step = request.step();
  const v1::Date& on = step.has_answered_on() ? step.answered_on() : step.requested_on();
  return Transition(
      origin, request.convoy_id(), request.expected_version(), nullptr, on, step.source(),
      step.note(),
      [&](v1::Convoy* convoy, v1::ConvoyEvent* event) -> absl::Status {
        *event->mutable_approval_step() = step;
        for (v1::ApprovalStep& known : *convoy->mutable_approval_steps()) {
          if (absl::AsciiStrToLower(known.step()) == absl::AsciiStrToLower(step.step())) {
            known = step;
            return absl::OkStatus();
          }
        }
        *convoy->add_approval_steps() = step;
        return absl::OkStatus();
      },
      /*keeps_status=*/true);
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

absl::StatusOr<v1::Convoy> ConvoyStore::Approve(const storage::Origin& origin,
                                                const v1::ApproveConvoyRequest& request,
                                                absl::CivilDay today) {
  // Partial or full depends on the stored request; both are legal from the
  // same states.
  auto to = [&](const v1::Convoy& convoy) {
    return request.beneficiaries_approved() < convoy.beneficiaries_requested()
               ? v1::CONVOY_STATUS_PARTIALLY_APPROVED
               : v1::CONVOY_STATUS_APPROVED;
  };
  return Transition(origin, request.convoy_id(), request.expected_version(), to,
                    OccurredOn(request, today), request.source(), request.note(),
                    [&](v1::Convoy* convoy, v1::ConvoyEvent* event) -> absl::Status {
                      if (request.beneficiaries_approved() > convoy->beneficiaries_requested()) {
                        return InvalidField(
                            "beneficiaries_approved",
                            absl::StrCat(request.beneficiaries_approved(), " is more than the ",
                                         convoy->beneficiaries_requested(), " requested"));
                      }
                      convoy->set_beneficiaries_approved(request.beneficiaries_approved());
                      event->set_beneficiaries(request.beneficiaries_approved());
                      return absl::OkStatus();
                    });
}

absl::StatusOr<v1::Convoy> ConvoyStore::Deny(const storage::Origin& origin,
                                             const v1::DenyConvoyRequest& request,
                                             absl::CivilDay today) {
  return Transition(origin, request.convoy_id(), request.expected_version(),
                    Always(v1::CONVOY_STATUS_DENIED), OccurredOn(request, today), request.source(),
                    request.note(), [&](v1::Convoy* convoy, v1::ConvoyEvent* event) {
                      convoy->set_responsible_party(request.denying_party());
                      convoy->set_constraint_category(request.category());
                      convoy->set_denial_reason(request.reason());
                      event->set_responsible_party(request.denying_party());
                      event->set_constraint_category(request.category());
                      event->set_reason(request.reason());
                      return absl::OkStatus();
                    });
}

absl::StatusOr<v1::Convoy> ConvoyStore::Dispatch(const storage::Origin& origin,
                                                 const v1::DispatchConvoyRequest& request,
                                                 absl::CivilDay today) {
  const v1::Date on = OccurredOn(request, today);
  return Transition(origin, request.convoy_id(), request.expected_version(),
                    Always(v1::CONVOY_STATUS_DISPATCHED), on, request.source(), request.note(),
                    [&](v1::Convoy* convoy, v1::ConvoyEvent*) {
                      *convoy->mutable_dispatched_date() = on;
                      return absl::OkStatus();
                    });
}

absl::StatusOr<v1::Convoy> ConvoyStore::RecordOutcome(const storage::Origin& origin,
                                                      const v1::RecordConvoyOutcomeRequest& request,
                                                      absl::CivilDay today) {
  const v1::Date on = OccurredOn(request, today);
  return Transition(
      origin, request.convoy_id(), request.expected_version(), Always(request.outcome()), on,
      request.source(), request.note(),
      [&](v1::Convoy* convoy, v1::ConvoyEvent* event) -> absl::Status {
        if (convoy->has_dispatched_date() &&
            DateNumber(on) < DateNumber(convoy->dispatched_date())) {
          return InvalidField("occurred_on",
                              absl::StrCat(FormatDate(on), " is before the convoy was dispatched (",
                                           FormatDate(convoy->dispatched_date()), ")"));
        }
        // Turned back or attacked, a convoy may have reached some people
        // first; never more than it was approved for, whatever the outcome.
        if (request.outcome() != v1::CONVOY_STATUS_CANCELLED &&
            request.beneficiaries_reached() > convoy->beneficiaries_approved()) {
          return InvalidField("beneficiaries_reached",
                              absl::StrCat(request.beneficiaries_reached(), " is more than the ",
                                           convoy->beneficiaries_approved(), " approved"));
        }
        for (int i = 0; i < request.losses_size(); ++i) {
          const v1::LineLoss& loss = request.losses(i);
          if (loss.line() >= convoy->manifest_size()) {
            return InvalidField(absl::StrCat("losses[", i, "].line"),
                                absl::StrCat("the manifest has lines 0 to ",
                                             convoy->manifest_size() - 1, ", not ", loss.line()));
          }
          v1::ManifestLine* line = convoy->mutable_manifest(loss.line());
          if (loss.removed() + loss.refused() > line->quantity()) {
            return InvalidField(
                absl::StrCat("losses[", i, "]"),
                absl::StrCat(loss.removed() + loss.refused(), " ", line->unit(), " lost, but line ",
                             loss.line(), " (", line->item(), ") carried only ", line->quantity()));
          }
          line->set_quantity_removed(loss.removed());
          line->set_quantity_refused(loss.refused());
          *event->add_losses() = loss;
        }
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
      });
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

absl::StatusOr<v1::AreaAccess> ConvoyStore::Access(const v1::Area& area, const v1::Date& from,
                                                   const v1::Date& to) const {
  v1::AreaAccess row;
  row.set_area_id(area.id());
  row.set_area_name(area.name_en());
  row.set_area_status(area.status());
  if (area.has_population() && area.population().has_count()) {
    row.set_people_in_need(area.population().count());
  }

  LossesByUnit lost;
  bool delivered_in_period = false;
  storage::ScanOptions scan;
  scan.index = "area";
  scan.prefix = KeyWriter().String(area.id()).Release();
  scan.start = KeyWriter().Uint32(DateNumber(from)).Release();
  scan.end = KeyWriter().Uint32(DateNumber(to) + 1).Release();
  scan.page_size = 1000;
  CORRIDOR_RETURN_IF_ERROR(storage::ForEachRecord<v1::Convoy>(
      *store_, ConvoysTable(), scan, [&](const v1::Convoy& c, uint64_t) {
        CountConvoy(c, &row, &lost);
        delivered_in_period |= WasDelivered(c.status());
        return absl::OkStatus();
      }));

  if (row.requests() > 0) {
    row.set_share_approved(static_cast<double>(row.approved()) / row.requests());
    row.set_share_delivered(static_cast<double>(row.delivered()) / row.requests());
  }
  for (const auto& [key, sums] : lost) {
    v1::ItemsLost* items = row.add_items_lost();
    items->set_category(static_cast<v1::CargoCategory>(key.first));
    items->set_unit(key.second);
    items->set_removed(sums.first);
    items->set_refused(sums.second);
  }

  storage::ScanOptions last;
  last.index = "delivered";
  last.prefix = KeyWriter().String(area.id()).Release();
  last.end = KeyWriter().Uint32(DateNumber(to) + 1).Release();
  last.reverse = true;
  last.page_size = 1;
  std::vector<std::pair<v1::Convoy, uint64_t>> latest;
  CORRIDOR_RETURN_IF_ERROR(
      storage::ScanRecords<v1::Convoy>(*store_, ConvoysTable(), last, &latest).status());
  if (!latest.empty()) {
    const v1::Date& on = latest[0].first.outcome_date();
    *row.mutable_last_delivery() = on;
    row.set_days_since_last_delivery(CivilDayOf(to) - CivilDayOf(on));
  }
  row.set_not_reached(!delivered_in_period);
  return row;
}

}  // namespace corridor::convoys
