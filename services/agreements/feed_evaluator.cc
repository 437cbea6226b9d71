#include "services/agreements/feed_evaluator.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "common/log.h"
#include "common/status.h"
#include "common/status_macros.h"
#include "common/validation.h"
#include "corridor/v1/audit.grpc.pb.h"
#include "services/agreements/evaluation.h"
#include "services/common/party_names.h"

namespace corridor::agreements {
namespace {

// How long a follower waits after a failure at first; it doubles up to 5 s.
constexpr absl::Duration kFirstBackoff = absl::Milliseconds(200);

bool Delivered(const v1::Convoy& convoy) {
  return convoy.status() == v1::CONVOY_STATUS_DELIVERED ||
         convoy.status() == v1::CONVOY_STATUS_PARTIALLY_DELIVERED;
}

bool HasTimeRules(const v1::Agreement& agreement) {
  for (const v1::Term& term : agreement.terms()) {
    if (term.has_requests_answered_within() || term.has_delivery_every()) return true;
  }
  return false;
}

}  // namespace

FeedEvaluator::FeedEvaluator(AgreementStore* store, const ServiceDirectory* peers,
                             const References* areas, absl::Duration sweep_every)
    : store_(store), peers_(peers), areas_(areas), sweep_every_(sweep_every) {}

FeedEvaluator::~FeedEvaluator() { Stop(); }

void FeedEvaluator::Start() {
  for (const std::string& service : FollowedServices()) {
    threads_.emplace_back([this, service] { Follow(service); });
  }
  threads_.emplace_back([this] { SweepLoop(); });
}

void FeedEvaluator::Stop() {
  {
    absl::MutexLock lock(&mu_);
    if (stopping_ && threads_.empty()) return;
    stopping_ = true;  // wakes WaitForChange
    for (grpc::ClientContext* stream : streams_) stream->TryCancel();
  }
  for (std::thread& t : threads_) t.join();
  threads_.clear();
}

void FeedEvaluator::AgreementAdded() {
  absl::MutexLock lock(&mu_);
  ++generation_;  // wakes WaitForChange
  for (grpc::ClientContext* stream : streams_) stream->TryCancel();
}

bool FeedEvaluator::WaitForChange(uint64_t generation, absl::Duration timeout) {
  absl::MutexLock lock(&mu_);
  auto changed = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return stopping_ || generation_ != generation;
  };
  mu_.AwaitWithTimeout(absl::Condition(&changed), timeout);
  return stopping_;
}

bool FeedEvaluator::AttributeByRegistry(std::vector<Reconciliation>* work) const {
  bool unattributed = false;
  for (const Reconciliation& r : *work) {
    for (const v1::Violation& v : r.violations) unattributed |= v.party_id().empty();
  }
  if (!unattributed) return true;
  absl::StatusOr<References::PartyList> parties = areas_->Parties();
  if (!parties.ok()) return false;
  for (Reconciliation& r : *work) {
    for (v1::Violation& v : r.violations) {
      if (!v.party_id().empty()) continue;
      if (const v1::Party* party = FindParty(**parties, v.party())) v.set_party_id(party->id());
    }
  }
  return true;
}

NamedParty FeedEvaluator::AreaParty(const std::string& area_id, bool* failed) {
  {
    absl::MutexLock lock(&mu_);
    auto known = area_parties_.find(area_id);
    if (known != area_parties_.end()) return known->second;
  }
  absl::StatusOr<v1::Area> area = areas_->GetArea("area_id", area_id);
  if (absl::IsInvalidArgument(area.status())) return {};  // no such area: no party
  if (!area.ok()) {
    *failed = true;
    return {};
  }
  NamedParty party{area->besieging_party(), area->besieging_party_id()};
  absl::MutexLock lock(&mu_);
  area_parties_[area_id] = party;
  return party;
}

absl::StatusOr<std::vector<v1::Agreement>> FeedEvaluator::LoadPositions(
    const std::string& service, std::map<std::string, uint64_t>* positions, uint64_t* start) {
  CORRIDOR_ASSIGN_OR_RETURN(std::vector<v1::Agreement> agreements, store_->All());
  *start = UINT64_MAX;
  for (const v1::Agreement& a : agreements) {
    CORRIDOR_ASSIGN_OR_RETURN(uint64_t position, store_->Position(a.id(), service));
    (*positions)[a.id()] = position;
    *start = std::min(*start, position);
  }
  return agreements;
}

bool FeedEvaluator::FollowStream(const std::string& service, uint64_t start, uint64_t generation,
                                 const std::vector<v1::Agreement>& agreements,
                                 std::map<std::string, uint64_t>* positions,
                                 absl::Duration* backoff, absl::Status* status) {
  absl::StatusOr<std::shared_ptr<grpc::Channel>> channel = peers_->ChannelTo(service);
  if (!channel.ok()) {
    *status = channel.status();
    return false;
  }
  grpc::ClientContext context;
  peers_->AttachCredentials(&context);
  {
    absl::MutexLock lock(&mu_);
    if (stopping_) return true;
    if (generation_ != generation) return false;
    streams_.push_back(&context);
  }
  v1::WatchChangesRequest request;
  request.set_service(service);
  request.set_start(start);
  // Every entry, with no table filter: the position must also pass the
  // entries that hold nothing to evaluate, or it would never reach the end
  // of the journal.
  auto stub = v1::AuditService::NewStub(*channel);
  std::unique_ptr<grpc::ClientReader<v1::Change>> reader = stub->WatchChanges(&context, request);
  v1::Change change;
  while (reader->Read(&change)) {
    absl::MutexLock evaluating(&evaluate_mu_);
    *status = Evaluate(service, change, agreements, positions);
    if (!status->ok()) {
      context.TryCancel();
      break;
    }
    *backoff = kFirstBackoff;  // the feed works again
  }
  const grpc::Status finished = reader->Finish();
  {
    absl::MutexLock lock(&mu_);
    streams_.erase(std::find(streams_.begin(), streams_.end(), &context));
    if (stopping_) return true;
    if (generation_ != generation) return false;  // a new agreement: start again
  }
  if (status->ok() && !finished.ok()) {
    *status = absl::UnavailableError(
        absl::StrCat("the ", service, " change feed ended: ", finished.error_message()));
  }
  return false;
}

void FeedEvaluator::Follow(const std::string& service) {
  absl::Duration backoff = kFirstBackoff;
  absl::Time last_warning = absl::InfinitePast();
  while (true) {
    uint64_t generation = 0;
    {
      absl::MutexLock lock(&mu_);
      if (stopping_) return;
      generation = generation_;
    }
    std::map<std::string, uint64_t> positions;
    uint64_t start = 0;
    absl::StatusOr<std::vector<v1::Agreement>> agreements =
        LoadPositions(service, &positions, &start);
    absl::Status status = agreements.status();
    if (status.ok() && agreements->empty()) {
      // Nothing to evaluate until an agreement is registered.
      if (WaitForChange(generation, absl::InfiniteDuration())) return;
      continue;
    }
    if (status.ok() &&
        FollowStream(service, start, generation, *agreements, &positions, &backoff, &status)) {
      return;
    }
    if (!status.ok() && absl::Now() - last_warning > absl::Minutes(1)) {
      last_warning = absl::Now();
      CORRIDOR_LOG(WARNING) << "agreements: cannot evaluate the " << service
                            << " service's changes yet (" << status.message()
                            << "); retrying, and nothing is skipped meanwhile";
    }
    if (WaitForChange(generation, backoff)) return;
    backoff = std::min(backoff * 2, absl::Seconds(5));
  }
}

namespace {

// The records one journal entry wrote, as they are now; a record changed
// again later is evaluated at that later entry.
struct ChangedRecords {
  std::vector<v1::RouteReport> reports;
  std::vector<std::pair<v1::Denial, uint64_t>> denials;  // with their versions
  std::vector<std::pair<v1::Incident, uint64_t>> incidents;
  std::optional<v1::ConvoyCopy> copy;  // a transition writes one convoy
};

ChangedRecords RecordsOf(const v1::Change& change) {
  ChangedRecords changed;
  for (const v1::ChangedRecord& record : change.records()) {
    if (record.state() != v1::ChangedRecord::CURRENT) continue;
    if (record.record().Is<v1::RouteReport>()) {
      record.record().UnpackTo(&changed.reports.emplace_back());
    } else if (record.record().Is<v1::Denial>()) {
      auto& [denial, version] = changed.denials.emplace_back();
      record.record().UnpackTo(&denial);
      version = record.version();
    } else if (record.record().Is<v1::Incident>()) {
      auto& [incident, version] = changed.incidents.emplace_back();
      record.record().UnpackTo(&incident);
      version = record.version();
    } else if (record.record().Is<v1::Convoy>()) {
      changed.copy = v1::ConvoyCopy();
      record.record().UnpackTo(changed.copy->mutable_convoy());
      changed.copy->mutable_convoy()->set_version(static_cast<int64_t>(record.version()));
      changed.copy->set_journal_index(change.index());
    }
  }
  return changed;
}

}  // namespace

absl::Status FeedEvaluator::Evaluate(const std::string& service, const v1::Change& change,
                                     const std::vector<v1::Agreement>& agreements,
                                     std::map<std::string, uint64_t>* positions) {
  const ChangedRecords changed = RecordsOf(change);
  const auto& [reports, denials, incidents, copy] = changed;
  const absl::CivilDay today = TodayUtc();
  const SourceEntry entry{service, change.index()};
  bool lookup_failed = false;
  auto area_party = [&](const std::string& area_id) { return AreaParty(area_id, &lookup_failed); };
  std::vector<Reconciliation> work;
  std::map<std::pair<std::string, std::string>, uint64_t> advanced;
  for (const v1::Agreement& agreement : agreements) {
    if ((*positions)[agreement.id()] > change.index()) continue;  // already evaluated
    advanced[{agreement.id(), service}] = change.index() + 1;
    for (const v1::RouteReport& report : reports) {
      work.push_back({&agreement, RouteReportSource(report),
                      ForRouteReport(agreement, report, entry, today), "the report changed"});
    }
    for (const auto& [denial, version] : denials) {
      work.push_back({&agreement, DenialSource(denial),
                      ForDenial(agreement, denial, static_cast<int64_t>(version), entry, today),
                      absl::StrCat("denial ", denial.id(),
                                   denial.withdrawn() ? " was withdrawn" : " was corrected",
                                   " (version ", version, ")")});
    }
    for (const auto& [incident, version] : incidents) {
      work.push_back({&agreement, IncidentSource(incident),
                      ForIncident(agreement, incident, static_cast<int64_t>(version), entry, today),
                      absl::StrCat("incident ", incident.id(),
                                   incident.withdrawn() ? " was withdrawn" : " was corrected",
                                   " (version ", version, ")")});
    }
    if (!copy.has_value()) continue;
    const v1::Convoy& convoy = copy->convoy();
    const std::string because =
        absl::StrCat("convoy ", convoy.id(), " changed (version ", convoy.version(), ")");
    work.push_back({&agreement, ConvoySource(convoy),
                    ForConvoy(agreement, convoy, entry, today, area_party), because});
    bool delivery_term = false;
    for (const v1::Term& term : agreement.terms()) {
      delivery_term |=
          term.has_delivery_every() && term.delivery_every().area_id() == convoy.area_id();
    }
    if (!delivery_term) continue;
    // The area's deliveries with this convoy as it is now.
    absl::StatusOr<std::vector<v1::Convoy>> deliveries = store_->Deliveries(convoy.area_id());
    if (!deliveries.ok()) return deliveries.status();
    deliveries->erase(std::remove_if(deliveries->begin(), deliveries->end(),
                                     [&](const v1::Convoy& c) { return c.id() == convoy.id(); }),
                      deliveries->end());
    if (Delivered(convoy)) deliveries->push_back(convoy);
    work.push_back({&agreement, AreaSource(convoy.area_id()),
                    ForDeliveries(agreement, convoy.area_id(), *deliveries, today, area_party),
                    because});
  }
  if (lookup_failed || !AttributeByRegistry(&work)) {
    return absl::FailedPreconditionError(
        "the areas service could not be asked for an area's besieging party or the party "
        "registry");
  }
  // The copy is kept even when no agreement needed this entry: the sweep and
  // agreements registered later read the copies.
  CORRIDOR_RETURN_IF_ERROR(store_->Apply(work, advanced, copy));
  for (const auto& [key, position] : advanced) (*positions)[key.first] = position;
  return absl::OkStatus();
}

void FeedEvaluator::SweepLoop() {
  while (true) {
    {
      absl::MutexLock lock(&mu_);
      if (stopping_) return;
    }
    if (absl::Status s = Sweep(); !s.ok()) {
      CORRIDOR_LOG(WARNING) << "agreements: the time-based check failed (" << s.message()
                            << "); it runs again in " << absl::FormatDuration(sweep_every_);
    }
    absl::MutexLock lock(&mu_);
    mu_.AwaitWithTimeout(absl::Condition(&stopping_), sweep_every_);
  }
}

absl::Status FeedEvaluator::Sweep() {
  absl::StatusOr<std::vector<v1::Agreement>> agreements = store_->All();
  if (!agreements.ok()) return agreements.status();
  std::vector<const v1::Agreement*> timed;
  for (const v1::Agreement& a : *agreements) {
    if (HasTimeRules(a)) timed.push_back(&a);
  }
  if (timed.empty()) return absl::OkStatus();
  const absl::CivilDay today = TodayUtc();
  bool lookup_failed = false;
  auto area_party = [&](const std::string& area_id) { return AreaParty(area_id, &lookup_failed); };
  // Convoys with a step still pending: time alone can make them overdue.
  std::vector<std::string> pending;
  CORRIDOR_RETURN_IF_ERROR(store_->ForEachConvoy([&](const v1::ConvoyCopy& copy) {
    for (const v1::ApprovalStep& step : copy.convoy().approval_steps()) {
      if (step.outcome() == v1::STEP_OUTCOME_PENDING) {
        pending.push_back(copy.convoy().id());
        break;
      }
    }
    return absl::OkStatus();
  }));
  for (const v1::Agreement* agreement : timed) {
    for (const std::string& id : pending) {
      absl::MutexLock evaluating(&evaluate_mu_);
      // Read again under the lock: a follower may have stored a newer copy.
      absl::StatusOr<v1::ConvoyCopy> copy = store_->GetConvoyCopy(id);
      if (!copy.ok()) return copy.status();
      std::vector<Reconciliation> work = {
          {agreement, ConvoySource(copy->convoy()),
           ForConvoy(*agreement, copy->convoy(), {"convoys", copy->journal_index()}, today,
                     area_party),
           "the convoy changed"}};
      if (lookup_failed || !AttributeByRegistry(&work)) {
        lookup_failed = true;
        break;
      }
      CORRIDOR_RETURN_IF_ERROR(store_->Apply(work, {}, std::nullopt));
    }
    for (const v1::Term& term : agreement->terms()) {
      if (!term.has_delivery_every()) continue;
      absl::MutexLock evaluating(&evaluate_mu_);
      const std::string& area_id = term.delivery_every().area_id();
      absl::StatusOr<std::vector<v1::Convoy>> deliveries = store_->Deliveries(area_id);
      if (!deliveries.ok()) return deliveries.status();
      std::vector<Reconciliation> work = {
          {agreement, AreaSource(area_id),
           ForDeliveries(*agreement, area_id, *deliveries, today, area_party),
           "a delivery was recorded or corrected"}};
      if (lookup_failed || !AttributeByRegistry(&work)) {
        lookup_failed = true;
        break;
      }
      CORRIDOR_RETURN_IF_ERROR(store_->Apply(work, {}, std::nullopt));
    }
  }
  if (lookup_failed) {
    return absl::UnavailableError("the areas service could not be asked for a besieging party");
  }
  return absl::OkStatus();
}

}  // namespace corridor::agreements
