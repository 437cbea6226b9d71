#include "services/agreements/agreement_store.h"

#include <algorithm>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/status.h"
#include "common/status_macros.h"
#include "common/validation.h"
#include "google/protobuf/util/message_differencer.h"
#include "google/protobuf/util/time_util.h"
#include "services/agreements/agreement_tables.h"
#include "services/agreements/evaluation.h"
#include "storage/key_codec.h"
#include "storage/records.h"

namespace corridor::agreements {
namespace {

using google::protobuf::util::TimeUtil;
using storage::KeyWriter;
using storage::WithVersion;

// Violations a report carries per party; the rest are counted.
constexpr int kViolationsPerParty = 50;

std::string PositionKey(const std::string& agreement_id, const std::string& service) {
  return absl::StrCat("position/", agreement_id, "/", service);
}

storage::Origin EvaluatorOrigin() {
  storage::Origin origin;
  origin.principal.set_name("agreements-evaluator");
  origin.principal.set_role(v1::ROLE_SERVICE);
  origin.principal.set_authenticated(true);
  origin.rpc = "evaluation";
  return origin;
}

// The same finding: what a reader sees, apart from versions and meta.
bool SameFinding(const v1::Violation& a, const v1::Violation& b) {
  v1::Violation x = a, y = b;
  for (v1::Violation* v : {&x, &y}) {
    v->clear_version();
    v->clear_meta();
  }
  return google::protobuf::util::MessageDifferencer::Equals(x, y);
}

int64_t MicrosOf(absl::CivilDay day) {
  return absl::ToUnixMicros(absl::FromCivil(day, absl::UTCTimeZone()));
}

// The active violations of one agreement, by party (its registry id, else
// its text, case-insensitive), in the order parties first appear: the
// agreement's own parties first.
class PartyTally {
 public:
  explicit PartyTally(const v1::Agreement& agreement) {
    for (int i = 0; i < agreement.parties_size(); ++i) {
      Entry(agreement.parties(i), i < agreement.party_ids_size() ? agreement.party_ids(i) : "");
    }
  }

  void Add(const v1::Violation& v) {
    v1::PartyCompliance& party = Entry(v.party(), v.party_id());
    party.set_violation_count(party.violation_count() + 1);
    const std::string key = KeyOf(v.party(), v.party_id());
    if (v.unconfirmed()) {
      party.set_unconfirmed_violation_count(party.unconfirmed_violation_count() + 1);
      breached_unconfirmed_[key].insert(v.term_id());
    } else {
      breached_[key].insert(v.term_id());
      // The latest record is the violation's current state.
      if (!v.consequences().empty() && v.consequences().rbegin()->applied()) {
        party.set_consequences_applied(party.consequences_applied() + 1);
      } else {
        party.set_violations_without_consequence(party.violations_without_consequence() + 1);
      }
    }
    if (party.violations_size() < kViolationsPerParty) *party.add_violations() = v;
  }

  // Adds a row per party, with the terms each breached and kept.
  void AddTo(const v1::Agreement& agreement, v1::ComplianceReport* report) {
    for (const std::string& key : order_) {
      v1::PartyCompliance& party = by_party_[key];
      for (const v1::Term& term : agreement.terms()) {
        if (breached_[key].count(term.id())) {
          party.add_terms_breached(term.id());
          party.add_consequences_due(term.consequence());
        } else if (breached_unconfirmed_[key].count(term.id())) {
          party.add_terms_breached_unconfirmed(term.id());
        } else {
          party.add_terms_kept(term.id());
        }
      }
      *report->add_parties() = party;
    }
  }

 private:
  static std::string KeyOf(const std::string& party, const std::string& party_id) {
    return party_id.empty() ? absl::StrCat("text:", absl::AsciiStrToLower(party)) : party_id;
  }

  v1::PartyCompliance& Entry(const std::string& party, const std::string& party_id) {
    const std::string key = KeyOf(party, party_id);
    auto it = by_party_.find(key);
    if (it == by_party_.end()) {
      order_.push_back(key);
      it = by_party_.emplace(key, v1::PartyCompliance()).first;
      it->second.set_party(party);
      it->second.set_party_id(party_id);
    }
    return it->second;
  }

  std::map<std::string, v1::PartyCompliance> by_party_;  // by KeyOf
  std::vector<std::string> order_;
  std::map<std::string, std::set<std::string>> breached_;  // party -> term ids
  std::map<std::string, std::set<std::string>> breached_unconfirmed_;
};

// Approval delays per step and authority, for the steps asked in [from, to]
// of every convoy copy. A step pending at the end of the period is measured
// to that end (`to`), or to `today` if the period has not ended: a report on
// October says how long a step had been waiting by the end of October,
// whenever it is asked for.
absl::Status AddStepDelays(const AgreementStore& store, absl::CivilDay from, absl::CivilDay to,
                           absl::CivilDay today, v1::ComplianceReport* report) {
  const absl::CivilDay pending_until = std::min(to, today);
  struct Delays {
    std::vector<int> answered;
    int pending = 0;
    int worst = 0;
  };
  std::map<std::pair<std::string, std::string>, Delays> delays;
  CORRIDOR_RETURN_IF_ERROR(store.ForEachConvoy([&](const v1::ConvoyCopy& copy) {
    for (const v1::ApprovalStep& step : copy.convoy().approval_steps()) {
      const absl::CivilDay asked = CivilDayOf(step.requested_on());
      if (asked < from || asked > to) continue;
      Delays& d = delays[{step.step(), step.authority()}];
      // A step answered after the period was still pending at its end.
      const bool pending = step.outcome() == v1::STEP_OUTCOME_PENDING ||
                           CivilDayOf(step.answered_on()) > pending_until;
      const int taken =
          WorkingDaysBetween(asked, pending ? pending_until : CivilDayOf(step.answered_on()));
      if (pending) {
        ++d.pending;
      } else {
        d.answered.push_back(taken);
      }
      d.worst = std::max(d.worst, taken);
    }
    return absl::OkStatus();
  }));
  for (auto& [key, d] : delays) {
    v1::StepDelay* out = report->add_step_delays();
    out->set_step(key.first);
    out->set_authority(key.second);
    out->set_answered(static_cast<int32_t>(d.answered.size()));
    out->set_pending(d.pending);
    out->set_worst_working_days(d.worst);
    if (!d.answered.empty()) {
      std::sort(d.answered.begin(), d.answered.end());
      const size_t n = d.answered.size();
      out->set_median_working_days(n % 2 == 1 ? d.answered[n / 2]
                                              : (d.answered[n / 2 - 1] + d.answered[n / 2]) / 2.0);
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<v1::Agreement> AgreementStore::Create(const storage::Origin& origin,
                                                     v1::Agreement agreement) {
  const google::protobuf::Timestamp now = TimeUtil::GetCurrentTime();
  agreement.clear_version();
  v1::RecordMeta* meta = agreement.mutable_meta();
  meta->Clear();
  *meta->mutable_created_at() = now;
  *meta->mutable_updated_at() = now;
  *meta->mutable_created_by() = origin.principal;
  *meta->mutable_updated_by() = origin.principal;
  storage::Mutation mutation;
  mutation.SetOrigin(origin);
  mutation.Insert(AgreementsTable(), agreement);
  absl::StatusOr<storage::CommitResult> result = store_->Commit(mutation);
  if (absl::IsAlreadyExists(result.status())) {
    return absl::AlreadyExistsError(absl::StrCat("agreement.id: \"", agreement.id(),
                                                 "\" is taken; choose another id"));
  }
  if (!result.ok()) return result.status();
  return WithVersion(std::move(agreement), result->versions[0]);
}

absl::StatusOr<v1::Agreement> AgreementStore::Get(absl::string_view field,
                                                  const std::string& id) const {
  CORRIDOR_ASSIGN_OR_RETURN(storage::Versioned<v1::Agreement> agreement,
                            storage::GetRecord(*store_, AgreementsTable(), field, id));
  return std::move(agreement).Release();
}

absl::StatusOr<std::vector<v1::Agreement>> AgreementStore::All() const {
  std::vector<v1::Agreement> all;
  storage::ScanOptions options;
  options.page_size = 500;
  CORRIDOR_RETURN_IF_ERROR(storage::ForEachRecord<v1::Agreement>(
      *store_, AgreementsTable(), options, [&](v1::Agreement& agreement, uint64_t version) {
        all.push_back(WithVersion(std::move(agreement), version));
        return absl::OkStatus();
      }));
  return all;
}

absl::StatusOr<v1::ListAgreementsResponse> AgreementStore::List(
    const v1::ListAgreementsRequest& request, int page_size) const {
  std::vector<std::pair<v1::Agreement, uint64_t>> page;
  storage::ScanOptions options;
  options.page_size = page_size;
  options.page_token = request.page().page_token();
  v1::ListAgreementsResponse response;
  CORRIDOR_ASSIGN_OR_RETURN(*response.mutable_next_page_token(),
                            storage::ScanRecords(*store_, AgreementsTable(), options, &page));
  for (auto& [agreement, version] : page) {
    *response.add_agreements() = WithVersion(std::move(agreement), version);
  }
  return response;
}

absl::StatusOr<v1::ListViolationsResponse> AgreementStore::ListViolations(
    const v1::ListViolationsRequest& request, const std::string& party_id, int page_size) const {
  storage::ScanOptions options;
  options.page_size = page_size;
  options.page_token = request.page().page_token();
  options.query = absl::StrCat("party=", absl::AsciiStrToLower(request.party()), "|id=", party_id,
                               "|superseded=", request.include_superseded());
  if (!request.agreement_id().empty()) {
    options.index = "agreement";
    options.prefix = KeyWriter().String(request.agreement_id()).Release();
    options.reverse = true;
  }
  const std::string party = absl::AsciiStrToLower(request.party());
  std::vector<std::pair<v1::Violation, uint64_t>> page;
  v1::ListViolationsResponse response;
  CORRIDOR_ASSIGN_OR_RETURN(
      *response.mutable_next_page_token(),
      storage::ScanRecords<v1::Violation>(
          *store_, ViolationsTable(), options, &page, [&](const v1::Violation& v) {
            const bool same_party = (!party_id.empty() && v.party_id() == party_id) ||
                                    absl::AsciiStrToLower(v.party()) == party ||
                                    v.party_id() == party;
            if (!party.empty() && !same_party) return false;
            return request.include_superseded() || v.state() == v1::VIOLATION_STATE_ACTIVE;
          }));
  std::map<std::string, std::map<std::string, std::vector<v1::ConsequenceRecord>>> done;
  for (auto& [violation, version] : page) {
    if (!done.count(violation.agreement_id())) {
      CORRIDOR_ASSIGN_OR_RETURN(done[violation.agreement_id()],
                                Consequences(violation.agreement_id()));
    }
    for (const v1::ConsequenceRecord& c : done[violation.agreement_id()][violation.id()]) {
      *violation.add_consequences() = c;
    }
    *response.add_violations() = WithVersion(std::move(violation), version);
  }
  return response;
}

absl::StatusOr<uint64_t> AgreementStore::Position(const std::string& agreement_id,
                                                  const std::string& service) const {
  CORRIDOR_ASSIGN_OR_RETURN(const std::optional<std::string> value,
                            store_->GetMeta(PositionKey(agreement_id, service)));
  uint64_t position = 0;
  if (value.has_value() && !absl::SimpleAtoi(*value, &position)) {
    return absl::DataLossError(absl::StrCat("the stored position of agreement ", agreement_id,
                                            " in ", service, " is damaged"));
  }
  return position;
}

absl::Status AgreementStore::Apply(
    const std::vector<Reconciliation>& work,
    const std::map<std::pair<std::string, std::string>, uint64_t>& positions,
    const std::optional<v1::ConvoyCopy>& convoy_copy) {
  absl::MutexLock lock(&apply_mu_);
  storage::Mutation mutation;
  mutation.SetOrigin(EvaluatorOrigin());
  const google::protobuf::Timestamp now = TimeUtil::GetCurrentTime();
  bool changed = false;
  std::set<std::string> written;  // one write per violation id in a commit
  for (const Reconciliation& r : work) {
    CORRIDOR_ASSIGN_OR_RETURN(StoredViolations stored, Stored(r));
    changed |= StageReconciliation(r, std::move(stored), now, &written, &mutation);
  }
  if (convoy_copy.has_value()) {
    CORRIDOR_ASSIGN_OR_RETURN(const bool copied, StageConvoyCopy(*convoy_copy, &mutation));
    changed |= copied;
  }
  for (const auto& [key, position] : positions) {
    mutation.PutMeta(PositionKey(key.first, key.second), absl::StrCat(position));
    changed = true;
  }
  if (!changed) return absl::OkStatus();
  return store_->Commit(mutation).status();
}

absl::StatusOr<AgreementStore::StoredViolations> AgreementStore::Stored(
    const Reconciliation& r) const {
  // What was stored for this source under each of the agreement's terms.
  StoredViolations stored;
  for (const v1::Term& term : r.agreement->terms()) {
    storage::ScanOptions options;
    options.index = "source";
    options.prefix =
        KeyWriter().String(r.agreement->id()).String(term.id()).String(r.source).Release();
    options.page_size = 1000;
    CORRIDOR_RETURN_IF_ERROR(storage::ForEachRecord<v1::Violation>(
        *store_, ViolationsTable(), options, [&](v1::Violation& v, uint64_t version) {
          stored[v.id()] = {v, version};
          return absl::OkStatus();
        }));
  }
  return stored;
}

bool AgreementStore::StageReconciliation(const Reconciliation& r, StoredViolations stored,
                                         const google::protobuf::Timestamp& now,
                                         std::set<std::string>* written,
                                         storage::Mutation* mutation) {
  const v1::Principal& by = mutation->origin().principal;
  bool changed = false;
  for (v1::Violation v : r.violations) {
    if (!written->insert(v.id()).second) continue;
    auto it = stored.find(v.id());
    v1::RecordMeta* meta = v.mutable_meta();
    *meta->mutable_updated_at() = now;
    *meta->mutable_updated_by() = by;
    if (it == stored.end()) {
      *meta->mutable_created_at() = now;
      *meta->mutable_created_by() = by;
      mutation->Insert(ViolationsTable(), v);
      changed = true;
      continue;
    }
    const auto [old, version] = it->second;
    stored.erase(it);
    if (SameFinding(old, v)) continue;
    *meta->mutable_created_at() = old.meta().created_at();
    *meta->mutable_created_by() = old.meta().created_by();
    mutation->Update(ViolationsTable(), v, version);
    changed = true;
  }
  // What the source no longer shows is superseded, never deleted.
  for (auto& [id, entry] : stored) {
    auto& [old, version] = entry;
    if (old.state() == v1::VIOLATION_STATE_SUPERSEDED || !written->insert(id).second) continue;
    old.set_state(v1::VIOLATION_STATE_SUPERSEDED);
    old.set_superseded_because(r.superseded_because);
    old.clear_version();
    *old.mutable_meta()->mutable_updated_at() = now;
    *old.mutable_meta()->mutable_updated_by() = by;
    mutation->Update(ViolationsTable(), old, version);
    changed = true;
  }
  return changed;
}

absl::StatusOr<bool> AgreementStore::StageConvoyCopy(const v1::ConvoyCopy& copy,
                                                     storage::Mutation* mutation) const {
  v1::ConvoyCopy existing;
  absl::StatusOr<uint64_t> version = store_->Get(
      ConvoyCopiesTable().schema(), KeyWriter().String(copy.convoy().id()).Release(), &existing);
  if (absl::IsNotFound(version.status())) {
    mutation->Insert(ConvoyCopiesTable(), copy);
    return true;
  }
  if (!version.ok()) return version.status();
  if (existing.journal_index() == copy.journal_index()) return false;
  mutation->Update(ConvoyCopiesTable(), copy, *version);
  return true;
}

absl::Status AgreementStore::ForEachConvoy(
    const std::function<absl::Status(const v1::ConvoyCopy&)>& visit) const {
  storage::ScanOptions options;
  options.page_size = 1000;
  return storage::ForEachRecord<v1::ConvoyCopy>(
      *store_, ConvoyCopiesTable(), options,
      [&](v1::ConvoyCopy& copy, uint64_t) { return visit(copy); });
}

absl::StatusOr<v1::ConvoyCopy> AgreementStore::GetConvoyCopy(const std::string& id) const {
  v1::ConvoyCopy copy;
  CORRIDOR_RETURN_IF_ERROR(
      store_->Get(ConvoyCopiesTable().schema(), KeyWriter().String(id).Release(), &copy).status());
  return copy;
}

absl::StatusOr<std::vector<v1::Convoy>> AgreementStore::Deliveries(
    const std::string& area_id) const {
  std::vector<v1::Convoy> deliveries;
  storage::ScanOptions options;
  options.index = "delivered";
  options.prefix = KeyWriter().String(area_id).Release();
  options.page_size = 1000;
  CORRIDOR_RETURN_IF_ERROR(storage::ForEachRecord<v1::ConvoyCopy>(
      *store_, ConvoyCopiesTable(), options, [&](v1::ConvoyCopy& copy, uint64_t) {
        deliveries.push_back(std::move(*copy.mutable_convoy()));
        return absl::OkStatus();
      }));
  return deliveries;
}

absl::StatusOr<v1::ComplianceReport> AgreementStore::Report(
    const v1::GetComplianceReportRequest& request, absl::CivilDay today) const {
  CORRIDOR_ASSIGN_OR_RETURN(const v1::Agreement agreement,
                            Get("agreement_id", request.agreement_id()));
  const absl::CivilDay from =
      CivilDayOf(request.has_from() ? request.from() : agreement.in_force_from());
  const absl::CivilDay to = request.has_to() ? CivilDayOf(request.to())
                            : agreement.has_in_force_until()
                                ? CivilDayOf(agreement.in_force_until())
                                : today;
  v1::ComplianceReport report;
  // Positions first: what is read after them holds at least everything
  // they say was evaluated (positions and violations commit together).
  for (const std::string& service : FollowedServices()) {
    CORRIDOR_ASSIGN_OR_RETURN((*report.mutable_evaluated_through())[service],
                              Position(agreement.id(), service));
  }
  report.set_agreement_id(agreement.id());
  report.set_agreement_name(agreement.name());
  *report.mutable_from() = DateOf(from);
  *report.mutable_to() = DateOf(to);

  // Active violations in [from, to], oldest first, by party.
  CORRIDOR_ASSIGN_OR_RETURN(const auto consequences, Consequences(agreement.id()));
  PartyTally tally(agreement);
  storage::ScanOptions options;
  options.index = "agreement";
  options.prefix = KeyWriter().String(agreement.id()).Release();
  options.start = KeyWriter().Int64(MicrosOf(from)).Release();
  options.end = KeyWriter().Int64(MicrosOf(to + 1)).Release();
  options.page_size = 1000;
  CORRIDOR_RETURN_IF_ERROR(storage::ForEachRecord<v1::Violation>(
      *store_, ViolationsTable(), options, [&](v1::Violation& v, uint64_t version) {
        if (v.state() != v1::VIOLATION_STATE_ACTIVE) return absl::OkStatus();
        if (auto it = consequences.find(v.id()); it != consequences.end()) {
          for (const v1::ConsequenceRecord& c : it->second) *v.add_consequences() = c;
        }
        tally.Add(WithVersion(v, version));
        return absl::OkStatus();
      }));
  tally.AddTo(agreement, &report);
  CORRIDOR_RETURN_IF_ERROR(AddStepDelays(*this, from, to, today, &report));
  return report;
}

absl::StatusOr<PartyResolution> AgreementStore::ResolveStoredParties(
    const std::vector<v1::Party>& parties) {
  PartyResolution resolution;
  CORRIDOR_RETURN_IF_ERROR(ResolvePartiesOfTable<v1::Agreement>(
      store_, AgreementsTable(), PartyResolutionOrigin(),
      [&](v1::Agreement* agreement, PartyResolution* r) {
        if (agreement->party_ids_size() == agreement->parties_size()) return false;
        bool changed = false;
        agreement->clear_party_ids();
        for (const std::string& party : agreement->parties()) {
          std::string* id = agreement->add_party_ids();
          changed |= FillPartyId(parties, party, id, r);
        }
        for (v1::Term& term : *agreement->mutable_terms()) {
          if (term.has_no_denials()) {
            v1::NoDenials* rule = term.mutable_no_denials();
            changed |= FillPartyId(parties, rule->party(), rule->mutable_party_id(), r);
          }
          if (term.has_delivery_every()) {
            v1::DeliveryEvery* rule = term.mutable_delivery_every();
            changed |= FillPartyId(parties, rule->responsible_party(),
                                   rule->mutable_responsible_party_id(), r);
          }
        }
        return changed;
      },
      &resolution));
  CORRIDOR_RETURN_IF_ERROR(ResolvePartiesOfTable<v1::Violation>(
      store_, ViolationsTable(), PartyResolutionOrigin(),
      [&](v1::Violation* v, PartyResolution* r) {
        // "(unattributed: ...)" names no one; it is not a party's text.
        if (absl::StartsWith(v->party(), "(")) return false;
        return FillPartyId(parties, v->party(), v->mutable_party_id(), r);
      },
      &resolution));
  return resolution;
}

}  // namespace corridor::agreements
