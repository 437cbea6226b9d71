// Records kept as superseding revisions (denials, incidents): the current
// revision in one table, every revision in another, written in one batch
// with whatever the record keeps beside it (its statistics counters). A
// record is never overwritten; a correction or a withdrawal is the next
// revision.
//
// T is a message with the fields id, revision, idempotency_key, withdrawn,
// correction_reason, recorded_at, recorded_by, version and meta, as
// v1::Denial and v1::Incident have.
#ifndef CORRIDOR_SERVICES_COMMON_REVISED_RECORDS_H_
#define CORRIDOR_SERVICES_COMMON_REVISED_RECORDS_H_

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "google/protobuf/util/time_util.h"
#include "services/common/import_batch.h"
#include "storage/key_codec.h"
#include "storage/records.h"
#include "storage/store.h"

namespace corridor {

template <typename T>
struct RevisedTables {
  const storage::Table<T>& current;    // by id
  const storage::Table<T>& revisions;  // by (id, revision)
  std::string noun;                    // "denial", in messages
  std::string id_field;                // "denial_id", the request field naming one
  std::string correct_rpc;             // "CorrectDenial", the way to change one
};

// What a change keeps beside the record, e.g. counters: `before` is null
// for a new record.
template <typename T>
using KeepBeside = std::function<void(const T* before, const T& after, storage::Mutation*)>;

// Stamps `record` as revision 1, written now by `origin`.
template <typename T>
void StampFirstRevision(const storage::Origin& origin, const google::protobuf::Timestamp& now,
                        T* record) {
  record->set_revision(1);
  *record->mutable_recorded_at() = now;
  *record->mutable_recorded_by() = origin.principal;
  *record->mutable_meta()->mutable_created_at() = now;
  *record->mutable_meta()->mutable_updated_at() = now;
  *record->mutable_meta()->mutable_created_by() = origin.principal;
  *record->mutable_meta()->mutable_updated_by() = origin.principal;
}

// The stored record with `record`'s id, when `same_facts` holds for its
// first revision (a retry) or its current one (an export of it imported
// again); NOT_FOUND if none is stored; ALREADY_EXISTS naming
// idempotency_key if its key recorded other facts.
template <typename T>
absl::StatusOr<T> StoredRetryOf(const storage::Store& store, const RevisedTables<T>& tables,
                                const T& record,
                                const std::function<bool(const T& stored)>& same_facts) {
  CORRIDOR_ASSIGN_OR_RETURN(
      storage::Versioned<T> current,
      storage::GetRecord(store, tables.current, "idempotency_key", record.id()));
  if (same_facts(current.record)) return std::move(current).Release();
  T first;
  CORRIDOR_RETURN_IF_ERROR(store
                               .Get(tables.revisions.schema(),
                                    storage::KeyWriter().String(record.id()).Uint64(1).Release(),
                                    &first)
                               .status());
  if (same_facts(first)) return std::move(current).Release();
  return absl::AlreadyExistsError(absl::StrCat(
      "idempotency_key: \"", record.idempotency_key(), "\" was already used for ", tables.noun, " ",
      record.id(), ", which recorded other facts; use a new key for a new ", tables.noun, ", or ",
      tables.correct_rpc, " to change that one"));
}

// Commits revision 1 of `record` (its id, idempotency key and facts set),
// stamped with `origin`. A retry with the same key finds the record: the
// current revision is returned if `same_facts` holds for the first
// revision (a retry) or the current one (an export of the record imported
// again), else ALREADY_EXISTS naming idempotency_key.
template <typename T>
absl::StatusOr<T> RecordFirstRevision(storage::Store& store, const RevisedTables<T>& tables,
                                      const storage::Origin& origin, T record,
                                      const KeepBeside<T>& beside,
                                      const std::function<bool(const T& stored)>& same_facts) {
  StampFirstRevision(origin, google::protobuf::util::TimeUtil::GetCurrentTime(), &record);
  storage::Mutation mutation;
  mutation.SetOrigin(origin);
  mutation.Insert(tables.current, record);
  mutation.Insert(tables.revisions, record);
  beside(nullptr, record, &mutation);
  absl::StatusOr<storage::CommitResult> result = store.Commit(mutation);
  if (absl::IsAlreadyExists(result.status())) {
    return StoredRetryOf(store, tables, record, same_facts);
  }
  if (!result.ok()) return result.status();
  return storage::WithVersion(std::move(record), result->versions[0]);
}

namespace revised_records_internal {

// RecordFirstRevisions' way out when another writer took one of its keys
// meanwhile: each of the `fresh` rows alone, as RecordFirstRevision would
// store it; a row the other writer stored is answered as already stored.
template <typename T>
void RecordEachAlone(storage::Store& store, const RevisedTables<T>& tables,
                     const storage::Origin& origin, const std::vector<T>& records,
                     const std::vector<size_t>& fresh, const KeepBeside<T>& beside,
                     const std::function<bool(const T& stored, size_t row)>& same_facts,
                     ImportedRows* result) {
  for (size_t row : fresh) {
    const std::function<bool(const T&)> same = [&](const T& stored) {
      return same_facts(stored, row);
    };
    result->StoreAlone(row, [&] {
      return RecordFirstRevision(store, tables, origin, records[row], beside, same).status();
    });
  }
}

}  // namespace revised_records_internal

// RecordFirstRevision for many records at once, for imports: the new ones
// are committed together in one synced write (each its own journal entry,
// Store::CommitEach), so that a batch costs one commit, not one per record.
// A record whose key is taken is answered as RecordFirstRevision would
// answer it alone, and the others are stored all the same (ImportedRows,
// import_batch.h). A key twice in the batch: the later row is a retry of
// the earlier if that one is stored now with the same facts, and otherwise
// answered against what is stored. `same_facts(stored, row)` compares a
// stored record with records[row]. Fails as a whole only if the write
// does.
template <typename T>
absl::StatusOr<ImportedRows> RecordFirstRevisions(
    storage::Store& store, const RevisedTables<T>& tables, const storage::Origin& origin,
    std::vector<T> records, const KeepBeside<T>& beside,
    const std::function<bool(const T& stored, size_t row)>& same_facts) {
  const google::protobuf::Timestamp now = google::protobuf::util::TimeUtil::GetCurrentTime();
  ImportedRows result;
  absl::flat_hash_map<std::string, size_t> fresh_row_of;  // id -> the row storing it now
  std::vector<size_t> fresh;
  for (size_t row = 0; row < records.size(); ++row) {
    T& record = records[row];
    StampFirstRevision(origin, now, &record);
    const std::function<bool(const T&)> same = [&](const T& stored) {
      return same_facts(stored, row);
    };
    if (auto earlier = fresh_row_of.find(record.id()); earlier != fresh_row_of.end()) {
      if (same(records[earlier->second])) {
        result.stored.push_back(false);
      } else {
        result.stored.push_back(absl::AlreadyExistsError(absl::StrCat(
            "idempotency_key: \"", record.idempotency_key(), "\" is used twice in this import, ",
            "for different facts; give each ", tables.noun, " its own key")));
      }
      continue;
    }
    absl::StatusOr<T> stored = StoredRetryOf(store, tables, record, same);
    if (absl::IsNotFound(stored.status())) {
      fresh_row_of.emplace(record.id(), row);
      fresh.push_back(row);
      result.stored.push_back(true);
    } else if (stored.ok()) {
      result.stored.push_back(false);
    } else {
      result.stored.push_back(stored.status());
    }
  }
  if (fresh.empty()) return result;
  std::vector<storage::Mutation> mutations(fresh.size());
  std::vector<const storage::Mutation*> each;
  for (size_t i = 0; i < fresh.size(); ++i) {
    storage::Mutation& mutation = mutations[i];
    mutation.SetOrigin(origin);
    mutation.Insert(tables.current, records[fresh[i]]);
    mutation.Insert(tables.revisions, records[fresh[i]]);
    beside(nullptr, records[fresh[i]], &mutation);
    each.push_back(&mutation);
  }
  absl::StatusOr<std::vector<storage::CommitResult>> commit = store.CommitEach(each);
  if (commit.ok()) {
    result.commits = *std::move(commit);
  } else if (absl::IsAlreadyExists(commit.status())) {
    revised_records_internal::RecordEachAlone(store, tables, origin, records, fresh, beside,
                                              same_facts, &result);
  } else {
    return commit.status();
  }
  return result;
}

// Supersedes the current revision of `id` with what `revise` makes of a copy
// of it (`revise` may refuse with its own error), stamped with `origin` and
// `reason`. NOT_FOUND naming the id field; ABORTED if `expected_revision`
// (0: any) is not current; FAILED_PRECONDITION for a withdrawn record. A
// change made by someone else meanwhile is retried when expected_revision
// is 0.
template <typename T>
absl::StatusOr<T> SupersedeRevision(storage::Store& store, const RevisedTables<T>& tables,
                                    const storage::Origin& origin, const std::string& id,
                                    int64_t expected_revision, const std::string& reason,
                                    const std::function<absl::Status(const T&, T*)>& revise,
                                    const KeepBeside<T>& beside) {
  constexpr int kMaxConflictRetries = 8;
  for (int attempt = 0;; ++attempt) {
    CORRIDOR_ASSIGN_OR_RETURN(const storage::Versioned<T> stored,
                              storage::GetRecord(store, tables.current, tables.id_field, id));
    const T& current = stored.record;
    if (expected_revision != 0 && current.revision() != expected_revision) {
      return absl::AbortedError(
          absl::StrCat("expected_revision: ", tables.noun, " ", current.id(), " is at revision ",
                       current.revision(), ", not ", expected_revision,
                       "; read its history and decide whether the correction still applies"));
    }
    if (current.withdrawn()) {
      return absl::FailedPreconditionError(absl::StrCat(
          tables.id_field, ": ", tables.noun, " ", current.id(), " was withdrawn at revision ",
          current.revision(), " and cannot be corrected; record a new ", tables.noun, " instead"));
    }
    T next = current;
    CORRIDOR_RETURN_IF_ERROR(revise(current, &next));
    const google::protobuf::Timestamp now = google::protobuf::util::TimeUtil::GetCurrentTime();
    next.set_revision(current.revision() + 1);
    next.set_correction_reason(reason);
    *next.mutable_recorded_at() = now;
    *next.mutable_recorded_by() = origin.principal;
    next.clear_version();
    *next.mutable_meta()->mutable_updated_at() = now;
    *next.mutable_meta()->mutable_updated_by() = origin.principal;

    storage::Mutation mutation;
    mutation.SetOrigin(origin);
    mutation.Update(tables.current, next, stored.version);
    mutation.Insert(tables.revisions, next);
    beside(&current, next, &mutation);
    absl::StatusOr<storage::CommitResult> result = store.Commit(mutation);
    const bool conflict =
        absl::IsAborted(result.status()) || absl::IsAlreadyExists(result.status());
    if (conflict && expected_revision == 0 && attempt < kMaxConflictRetries) continue;
    if (conflict) {
      return absl::AbortedError(
          absl::StrCat("expected_revision: ", tables.noun, " ", current.id(),
                       " was corrected by someone else meanwhile; read it again and reapply"));
    }
    if (!result.ok()) return result.status();
    return storage::WithVersion(std::move(next), result->versions[0]);
  }
}

}  // namespace corridor

#endif  // CORRIDOR_SERVICES_COMMON_REVISED_RECORDS_H_
