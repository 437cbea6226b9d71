// AgreementStore's record of what was done about violations: the
// consequences table (agreement_tables.h), written only by
// RecordConsequence and never by the evaluation, so that evaluating a
// source again leaves it as it is.
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/status_macros.h"
#include "common/validation.h"
#include "google/protobuf/util/time_util.h"
#include "services/agreements/agreement_store.h"
#include "services/agreements/agreement_tables.h"
#include "storage/key_codec.h"
#include "storage/records.h"

namespace corridor::agreements {

using storage::KeyWriter;

absl::StatusOr<v1::ConsequenceRecord> AgreementStore::RecordConsequence(
    const storage::Origin& origin, v1::ConsequenceRecord record) {
  CORRIDOR_ASSIGN_OR_RETURN(const storage::Versioned<v1::Violation> violation,
                            storage::GetRecord(*store_, ViolationsTable(),
                                               "consequence.violation_id", record.violation_id()));
  const v1::Violation& v = violation.record;
  if (v.state() != v1::VIOLATION_STATE_ACTIVE) {
    return absl::FailedPreconditionError(absl::StrCat(
        "consequence.violation_id: violation ", v.id(), " was superseded (", v.superseded_because(),
        "); the records no longer show it, so no consequence is recorded for it"));
  }
  const absl::CivilDay occurred =
      absl::ToCivilDay(absl::FromUnixSeconds(v.occurred_at().seconds()), absl::UTCTimeZone());
  if (CivilDayOf(record.decided_on()) < occurred) {
    return absl::InvalidArgumentError(absl::StrCat(
        "consequence.decided_on: ", FormatDate(record.decided_on()), " is before the violation (",
        absl::FormatCivilTime(occurred), "); a consequence follows what it answers"));
  }
  record.set_agreement_id(v.agreement_id());
  *record.mutable_recorded_at() = google::protobuf::util::TimeUtil::GetCurrentTime();
  *record.mutable_recorded_by() = origin.principal;
  // Two records at once take different numbers: the loser's insert finds
  // the key taken and tries the next.
  // The violation's records are one key range; the last is read.
  storage::ScanOptions last;
  last.prefix = KeyWriter().String(record.agreement_id()).String(record.violation_id()).Release();
  last.reverse = true;
  last.page_size = 1;
  for (int attempt = 0; attempt < 8; ++attempt) {
    std::vector<std::pair<v1::ConsequenceRecord, uint64_t>> found;
    CORRIDOR_RETURN_IF_ERROR(
        storage::ScanRecords(*store_, ConsequencesTable(), last, &found).status());
    record.set_sequence(found.empty() ? 1 : found[0].first.sequence() + 1);
    storage::Mutation mutation;
    mutation.SetOrigin(origin);
    mutation.Insert(ConsequencesTable(), record);
    absl::StatusOr<storage::CommitResult> result = store_->Commit(mutation);
    if (absl::IsAlreadyExists(result.status())) continue;
    if (!result.ok()) return result.status();
    return record;
  }
  return absl::AbortedError(absl::StrCat("consequence.violation_id: violation ",
                                         record.violation_id(),
                                         " is being recorded by others right now; try again"));
}

absl::StatusOr<std::map<std::string, std::vector<v1::ConsequenceRecord>>>
AgreementStore::Consequences(const std::string& agreement_id) const {
  std::map<std::string, std::vector<v1::ConsequenceRecord>> by_violation;
  storage::ScanOptions options;
  options.prefix = KeyWriter().String(agreement_id).Release();
  options.page_size = 1000;
  CORRIDOR_RETURN_IF_ERROR(storage::ForEachRecord<v1::ConsequenceRecord>(
      *store_, ConsequencesTable(), options, [&](v1::ConsequenceRecord& c, uint64_t) {
        by_violation[c.violation_id()].push_back(std::move(c));
        return absl::OkStatus();
      }));
  return by_violation;
}

}  // namespace corridor::agreements
