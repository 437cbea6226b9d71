// Store's insides, shared by its files; private to storage/.
//
//   store.cc     open, commit, get, scan, checkpoint, stats
//   journal.cc   the ordered write queue and the audit journal
//   outbox.cc    outbox numbering and reading
//   indexes.cc   index entries: staging, building, checking
//   counters.cc  counters: their encoding, merge operator and scans
//   record_digests.cc  every record's digest, for audits and backups
#ifndef CORRIDOR_STORAGE_STORE_IMPL_H_
#define CORRIDOR_STORAGE_STORE_IMPL_H_

#include <array>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "corridor/v1/audit.pb.h"
#include "rocksdb/db.h"
#include "rocksdb/merge_operator.h"
#include "rocksdb/write_batch.h"
#include "storage/merkle.h"
#include "storage/mutation.h"
#include "storage/rocks_util.h"
#include "storage/store.h"

namespace corridor::storage {

// Column families. Records and index entries live apart so that index scans
// never read record payloads they skip.
inline constexpr char kRecordsCf[] = "records";
inline constexpr char kIndexesCf[] = "indexes";
// The audit journal: entries under "e" + index, perfect-subtree hashes under
// "n" + level + index.
inline constexpr char kAuditCf[] = "audit";
// Counters, updated by merge (Int64AddOperator).
inline constexpr char kCountersCf[] = "counters";
// Outboxes: queued messages under "q" + outbox + sequence, messages set
// aside under "d" + outbox + sequence.
inline constexpr char kOutboxCf[] = "outbox";
inline constexpr char kQueuedPrefix[] = "q";
inline constexpr char kSetAsidePrefix[] = "d";
// Metadata keys in the default column family.
inline constexpr char kMetaPrefix[] = "meta/";
// Where a request id's record lives in the metadata family (RequestMark).
inline std::string RequestRecordKey(absl::string_view key) { return absl::StrCat("request/", key); }

// Counters: int64 vectors, and the merge operator that adds them.
std::string EncodeCounter(const std::vector<int64_t>& values);
std::shared_ptr<rocksdb::MergeOperator> NewInt64AddOperator();

// Where the last sequence number given out in `outbox` is kept.
std::string OutboxLastKey(absl::string_view outbox);

// The index entries that turn a record's `before` terms (per index of
// `table`; empty for a new record) into its `after` terms.
void StageIndexChanges(rocksdb::ColumnFamilyHandle* indexes, const TableSchema& table,
                       const std::string& primary_key,
                       const std::vector<std::vector<std::string>>& before,
                       const std::vector<std::vector<std::string>>& after,
                       rocksdb::WriteBatch* batch);

// Calls `visit` with each record of `table` (parsed into one reused message)
// and its primary key, in key order, as `snapshot` has them. `why` says what
// for in errors ("checking indexes").
absl::Status ForEachStoredRecord(
    rocksdb::DB* db, rocksdb::ColumnFamilyHandle* records, const TableSchema& table,
    const rocksdb::Snapshot* snapshot, absl::string_view why,
    const std::function<absl::Status(const google::protobuf::Message& record,
                                     const std::string& primary_key)>& visit);

// The journal entry describing a commit of `mutation` whose records got
// `versions`; the journal's leader numbers and dates it.
v1::JournalEntry JournalEntryFor(const Mutation& mutation, const std::vector<uint64_t>& versions);

class Store::Impl {
 public:
  Impl(StoreOptions options, rocksdb::DB* db, std::vector<rocksdb::ColumnFamilyHandle*> handles);
  // Flushes (unless read-only) and closes the database.
  ~Impl();

  rocksdb::DB* db() const { return db_; }
  rocksdb::ColumnFamilyHandle* meta() const { return handles_[0]; }
  rocksdb::ColumnFamilyHandle* records() const { return handles_[1]; }
  rocksdb::ColumnFamilyHandle* indexes() const { return handles_[2]; }
  rocksdb::ColumnFamilyHandle* audit() const { return handles_[3]; }
  rocksdb::ColumnFamilyHandle* counters() const { return handles_[4]; }
  rocksdb::ColumnFamilyHandle* outbox() const { return handles_[5]; }
  const std::vector<rocksdb::ColumnFamilyHandle*>& families() const { return handles_; }
  const StoreOptions& options() const { return options_; }

  // Checks one record write against what is stored (existence, version) and
  // adds the record and its index changes to `batch`. Returns the record's
  // new version. The caller holds the record's lock (RecordLocks).
  absl::StatusOr<uint64_t> Stage(const Mutation::RecordWrite& write, const std::string& record_key,
                                 rocksdb::WriteBatch* batch);
  // Stage for a Mutation::Replicate write; `existing` is the stored value,
  // empty if none.
  absl::StatusOr<uint64_t> StageReplicated(const Mutation::RecordWrite& write,
                                           const std::string& record_key,
                                           const std::string& existing, rocksdb::WriteBatch* batch);

  // Holds the records a commit writes, from the version check to the end of
  // the write: each record key is held by one commit at a time. A commit
  // takes all of its keys at once, when none is held, so that two commits
  // never wait on each other in a cycle; commits of different records never
  // wait at all. (Lock stripes made two imports of 500 rows each share a
  // stripe almost surely, and so wait for each other's whole write.)
  class RecordLocks {
   public:
    // `record_keys` must outlive the locks.
    RecordLocks(Impl* impl, const std::vector<std::string>& record_keys)
        ABSL_LOCKS_EXCLUDED(impl->held_records_mu_);
    RecordLocks(const RecordLocks&) = delete;
    RecordLocks& operator=(const RecordLocks&) = delete;
    ~RecordLocks() ABSL_LOCKS_EXCLUDED(impl_->held_records_mu_);

   private:
    Impl* impl_;
    const std::vector<std::string>& keys_;
  };

  // indexes.cc: builds one index from the records unless its marker says
  // it is built; checks one index against the records in `snapshot`.
  absl::Status BuildIndex(const TableSchema& table, const TableSchema::Index& index,
                          const IndexProgress& progress);
  absl::Status CheckIndex(const TableSchema& table, const TableSchema::Index& index,
                          const rocksdb::Snapshot* snapshot) const;

  // journal.cc: finds the journal's size and rebuilds the tree's right edge.
  absl::Status RecoverJournal();
  // Indexes by leaf hash the entries of a journal begun before the leaf
  // index existed (once; then a metadata read).
  absl::Status BuildLeafIndex();
  absl::StatusOr<merkle::Hash> ReadNode(int level, uint64_t index) const;

  // Writes a commit's batch with its outbox messages and, if `entries` is
  // set, its journal entries (completed with their index and time, their
  // leaf hashes appended to `leaf_hashes`) and tree nodes, or the
  // `verbatim` entries of another journal (a mirror's). Commits that arrive together share one
  // synced write (a leader writes for the group, as in LevelDB), and entries
  // and outbox messages are numbered in the order they become durable.
  using OutboxMessages = std::vector<std::pair<std::string, std::string>>;
  absl::Status WriteOrdered(rocksdb::WriteBatch* batch, std::vector<v1::JournalEntry>* entries,
                            std::vector<merkle::Hash>* leaf_hashes, const OutboxMessages* outbox,
                            const std::vector<std::string>* verbatim = nullptr)
      ABSL_LOCKS_EXCLUDED(queue_mu_);

  JournalHead head() const ABSL_LOCKS_EXCLUDED(head_mu_);
  uint64_t WaitForJournal(uint64_t size, absl::Time deadline) const ABSL_LOCKS_EXCLUDED(head_mu_);
  void StopWaiting() ABSL_LOCKS_EXCLUDED(head_mu_);

  // outbox.cc.
  uint64_t WaitForOutbox(uint64_t seen, absl::Time deadline) const ABSL_LOCKS_EXCLUDED(outbox_mu_);

 private:
  // A commit waiting in the ordered write queue. `status` and `done` are
  // set by the leader that wrote it, under queue_mu_.
  struct Writer {
    rocksdb::WriteBatch* batch = nullptr;
    std::vector<v1::JournalEntry>* entries = nullptr;
    std::vector<merkle::Hash>* leaf_hashes = nullptr;
    const OutboxMessages* outbox = nullptr;
    const std::vector<std::string>* verbatim = nullptr;
    absl::Status status;
    bool done = false;
    absl::CondVar wake;
  };
  // What the leader's group adds up to before it is written.
  struct GroupWrite {
    rocksdb::WriteBatch batch;
    merkle::Frontier frontier;                    // the journal after the group
    std::map<std::string, uint64_t> outbox_last;  // per outbox touched
    bool enqueued = false;
  };

  // journal.cc: the steps of WriteOrdered, as LevelDB's DBImpl::Write.
  // Waits until `self` leads or another leader wrote it; true if it leads.
  bool AwaitTurn(Writer* self) ABSL_EXCLUSIVE_LOCKS_REQUIRED(queue_mu_);
  // The leader and the writers queued behind it, kMaxGroup at most.
  std::vector<Writer*> BuildGroup() ABSL_EXCLUSIVE_LOCKS_REQUIRED(queue_mu_);
  // Combines the group's batches, entries and messages (leader only).
  absl::StatusOr<GroupWrite> Combine(const std::vector<Writer*>& group);
  merkle::Hash AppendEntry(v1::JournalEntry* entry, const google::protobuf::Timestamp& now,
                           GroupWrite* write) const;
  absl::Status AppendVerbatim(const std::string& bytes, GroupWrite* write) const;
  // Adds an entry's bytes, its leaf-hash index and the tree nodes it completes.
  merkle::Hash PutLeaf(uint64_t index, const std::string& bytes, GroupWrite* write) const;
  // Makes a written group visible: the journal head, outbox numbers, waiters.
  void Publish(GroupWrite write);
  // Hands `status` to every writer of the group and wakes the next leader.
  void FinishGroup(const std::vector<Writer*>& group, const Writer* self,
                   const absl::Status& status) ABSL_EXCLUSIVE_LOCKS_REQUIRED(queue_mu_);

  // outbox.cc: numbers `messages` after the last number of each outbox and
  // adds them to `write` (leader only).
  absl::Status StageOutbox(const OutboxMessages& messages, GroupWrite* write);
  // The last sequence number used in `outbox`, read from the database the
  // first time: the number kept with every enqueue, or for a database from
  // before that was kept, the highest message still stored. Leader only.
  absl::StatusOr<uint64_t> LastOutboxSequence(const std::string& outbox);
  void NoteOutboxCommit() ABSL_LOCKS_EXCLUDED(outbox_mu_);

  StoreOptions options_;
  rocksdb::DB* db_;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;
  absl::Mutex held_records_mu_;
  absl::flat_hash_set<std::string> held_records_ ABSL_GUARDED_BY(held_records_mu_);

  absl::Mutex queue_mu_;
  std::deque<Writer*> queue_ ABSL_GUARDED_BY(queue_mu_);
  // Touched only by the current leader (the writer at the queue's front),
  // which holds no lock while it writes: leadership itself excludes others.
  merkle::Frontier frontier_;
  std::map<std::string, uint64_t> outbox_last_;

  mutable absl::Mutex outbox_mu_;
  uint64_t outbox_commits_ ABSL_GUARDED_BY(outbox_mu_) = 0;

  mutable absl::Mutex head_mu_;
  JournalHead head_ ABSL_GUARDED_BY(head_mu_);
  bool stop_waiting_ ABSL_GUARDED_BY(head_mu_) = false;
};

}  // namespace corridor::storage

#endif  // CORRIDOR_STORAGE_STORE_IMPL_H_
