// The commit path: every write of a store passes here (Commit, CommitEach),
// as do a mirror's copied entries (AppendReplicated).
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "storage/store.h"
#include "storage/store_impl.h"

namespace corridor::storage {
namespace {

thread_local LastCommit last_commit;

struct PendingMark {
  const Store* store = nullptr;
  std::string key;
  std::string value;
  bool written = false;
};
thread_local std::optional<PendingMark> pending_mark;

absl::Status CheckWritable(const StoreOptions& options) {
  if (options.read_only) return absl::FailedPreconditionError("the store is open read-only");
  if (options.replica) {
    return absl::FailedPreconditionError(
        "this database is a mirror's copy of another deployment's: it takes no writes of its "
        "own; write to the primary");
  }
  return absl::OkStatus();
}

// The counter additions of `mutations`, one per counter: a batch of many
// records (an import's) adds to the same counters many times, and each
// merge operand is one more a stats read has to fold until a compaction.
std::vector<std::pair<absl::string_view, std::vector<int64_t>>> SummedCounters(
    const std::vector<const Mutation*>& mutations) {
  absl::flat_hash_map<absl::string_view, size_t> slot_of;
  std::vector<std::pair<absl::string_view, std::vector<int64_t>>> sums;
  for (const Mutation* mutation : mutations) {
    for (const auto& [key, deltas] : mutation->counters()) {
      auto [slot, added] = slot_of.try_emplace(key, sums.size());
      if (added) {
        sums.emplace_back(key, deltas);
        continue;
      }
      std::vector<int64_t>& sum = sums[slot->second].second;
      if (sum.size() < deltas.size()) sum.resize(deltas.size());
      for (size_t i = 0; i < deltas.size(); ++i) sum[i] += deltas[i];
    }
  }
  return sums;
}

}  // namespace

RequestMark::RequestMark(const Store* store, std::string key, std::string value) {
  pending_mark = PendingMark{store, std::move(key), std::move(value), false};
}
RequestMark::~RequestMark() { pending_mark.reset(); }

const LastCommit& LastCommitOnThisThread() { return last_commit; }
void ForgetLastCommit() { last_commit = LastCommit(); }

absl::StatusOr<CommitResult> Store::Commit(const Mutation& mutation) {
  CORRIDOR_ASSIGN_OR_RETURN(std::vector<CommitResult> results, CommitEach({&mutation}));
  return std::move(results[0]);
}

absl::StatusOr<std::vector<CommitResult>> Store::CommitEach(
    const std::vector<const Mutation*>& mutations) {
  CORRIDOR_RETURN_IF_ERROR(CheckWritable(impl_->options()));
  std::vector<std::string> record_keys;
  for (const Mutation* mutation : mutations) {
    for (const Mutation::RecordWrite& write : mutation->records()) {
      record_keys.push_back(write.table->RecordKey(write.primary_key));
    }
  }
  if (absl::flat_hash_set<std::string>(record_keys.begin(), record_keys.end()).size() !=
      record_keys.size()) {
    return absl::InternalError(
        "one commit writes the same record twice; this is a bug in the service, please "
        "report it");
  }
  Impl::RecordLocks locks(impl_.get(), record_keys);

  // The one place every write passes: records, index entries, counters and
  // metadata go into one batch, committed with one synced write.
  rocksdb::WriteBatch batch;
  std::vector<CommitResult> results(mutations.size());
  Impl::OutboxMessages outbox;
  size_t k = 0;
  for (size_t m = 0; m < mutations.size(); ++m) {
    for (const Mutation::RecordWrite& write : mutations[m]->records()) {
      CORRIDOR_ASSIGN_OR_RETURN(uint64_t version, impl_->Stage(write, record_keys[k++], &batch));
      results[m].versions.push_back(version);
    }
    for (const auto& [key, value] : mutations[m]->meta()) {
      batch.Put(impl_->meta(), absl::StrCat(kMetaPrefix, key), value);
    }
    if (mutations.size() > 1) {
      outbox.insert(outbox.end(), mutations[m]->outbox().begin(), mutations[m]->outbox().end());
    }
  }
  for (const auto& [key, deltas] : SummedCounters(mutations)) {
    batch.Merge(impl_->counters(), rocksdb::Slice(key.data(), key.size()), EncodeCounter(deltas));
  }
  PendingMark* mark =
      pending_mark.has_value() && pending_mark->store == this && !pending_mark->written
          ? &*pending_mark
          : nullptr;
  if (mark != nullptr) batch.Put(impl_->meta(), RequestRecordKey(mark->key), mark->value);
  // Each mutation's journal entry goes into the same write.
  const bool journal = impl_->options().journal;
  std::vector<v1::JournalEntry> entries;
  std::vector<merkle::Hash> leaf_hashes;
  if (journal) {
    for (size_t m = 0; m < mutations.size(); ++m) {
      entries.push_back(JournalEntryFor(*mutations[m], results[m].versions));
    }
  }
  CORRIDOR_RETURN_IF_ERROR(
      impl_->WriteOrdered(&batch, journal ? &entries : nullptr, &leaf_hashes,
                          mutations.size() > 1 ? &outbox : &mutations[0]->outbox()));
  if (mark != nullptr) mark->written = true;
  if (!journal) return results;
  for (size_t m = 0; m < mutations.size(); ++m) {
    results[m].journal_index = entries[m].index();
    results[m].leaf_hash = leaf_hashes[m];
  }
  last_commit = {true, results.back().journal_index, results.back().leaf_hash};
  return results;
}

absl::Status Store::AppendReplicated(const std::vector<std::string>& entries,
                                     const Mutation& records) {
  if (impl_->options().read_only || !impl_->options().journal) {
    return absl::FailedPreconditionError("a mirror's store must be writable and keep its journal");
  }
  std::vector<std::string> record_keys;
  for (const Mutation::RecordWrite& write : records.records()) {
    if (write.replicated_version == 0) {
      return absl::InternalError("AppendReplicated takes Mutation::Replicate writes only");
    }
    record_keys.push_back(write.table->RecordKey(write.primary_key));
  }
  if (absl::flat_hash_set<std::string>(record_keys.begin(), record_keys.end()).size() !=
      record_keys.size()) {
    return absl::InternalError("a replicated write names one record twice");
  }
  Impl::RecordLocks locks(impl_.get(), record_keys);
  rocksdb::WriteBatch batch;
  for (size_t i = 0; i < records.records().size(); ++i) {
    CORRIDOR_RETURN_IF_ERROR(impl_->Stage(records.records()[i], record_keys[i], &batch).status());
  }
  for (const auto& [key, deltas] : SummedCounters({&records})) {
    batch.Merge(impl_->counters(), rocksdb::Slice(key.data(), key.size()), EncodeCounter(deltas));
  }
  const Impl::OutboxMessages no_messages;
  return impl_->WriteOrdered(&batch, nullptr, nullptr, &no_messages, &entries);
}

}  // namespace corridor::storage
