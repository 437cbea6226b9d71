// Store: one service's RocksDB.
//
// Every write goes through Commit, as one synced write batch; every listing
// is a Scan over a key range with an opaque page token. RocksDB types never
// leave this layer: callers see absl::Status and protos.
//
// Thread safety: a Store is safe to use from many threads. Commits that touch
// different records run concurrently and share fsyncs (RocksDB's group
// commit); commits that touch the same record are serialized so that the
// version check and the write are atomic.
#ifndef CORRIDOR_STORAGE_STORE_H_
#define CORRIDOR_STORAGE_STORE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/status_macros.h"
#include "storage/merkle.h"
#include "storage/mutation.h"
#include "storage/table.h"

namespace corridor::storage {

struct StoreOptions {
  // Folder of the database; created (with its parents, mode 0700) if
  // missing.
  std::string path;
  // Sync the write-ahead log before a commit returns. Corridor acknowledges
  // only synced writes; turn off only for benchmarks and bulk loads.
  bool sync = true;
  // Open for reading only (tools, while the service may be running
  // elsewhere is not supported: RocksDB locks the folder).
  bool read_only = false;
  // Keep the audit journal: every commit appends an entry, in the same write,
  // to a Merkle tree (RFC 6962). Turn off only to measure what it costs.
  bool journal = true;
  // A mirror's copy of another store (services/mirror): only
  // AppendReplicated writes it, so that its journal stays the other's;
  // Commit is refused.
  bool replica = false;
};

// Creates `path` and each missing parent with mode 0700 (readable by this
// user only); folders that exist already keep their mode. UNAVAILABLE
// naming the folder if one cannot be made.
absl::Status CreatePrivateFolders(const std::string& path);

// The journal's size and root hash at one moment.
struct JournalHead {
  uint64_t size = 0;
  merkle::Hash root = merkle::EmptyRoot();
};

// What an operator watches (Prometheus gauges): sizes from RocksDB's
// properties, its write stalls, and the work queued in outboxes.
struct StoreStats {
  uint64_t live_sst_bytes = 0;      // table files in use
  uint64_t memtable_bytes = 0;      // not yet flushed
  uint64_t estimated_keys = 0;      // all column families
  uint64_t pending_compaction_bytes = 0;
  uint64_t delayed_write_rate = 0;  // bytes/s while writes are slowed, else 0
  bool writes_stopped = false;
  uint64_t stall_slowdowns = 0;     // times writes were slowed since open
  uint64_t stall_stops = 0;         // times writes were stopped since open
  uint64_t journal_size = 0;
  uint64_t outbox_queued = 0;       // messages waiting, all outboxes
  uint64_t outbox_set_aside = 0;    // messages refused for good, kept
};

// One stored record as the audit check sees it.
struct RecordDigest {
  std::string table;
  std::string primary_key;
  uint64_t version = 0;
  merkle::Hash sha256;
  // The record is stored but cannot be read (its block failed RocksDB's
  // checksum): version and sha256 are unknown.
  bool unreadable = false;
};

// A stored record: its version and its serialized proto, and (from Scan)
// its encoded primary key.
struct RawRecord {
  uint64_t version = 0;
  std::string payload;
  std::string primary_key;
};

struct ScanOptions {
  // Index to walk; empty walks the table in primary-key order.
  std::string index;
  // Encoded leading terms (or primary-key prefix) the scan is limited to.
  std::string prefix;
  // Optional bounds within the prefix, encoded like the key parts that
  // follow it: keys from prefix+start (inclusive) to prefix+end (exclusive).
  // E.g. prefix = area id, start/end = dates, for "this area in a period".
  std::string start;
  std::string end;
  // Largest key first.
  bool reverse = false;
  // Records to return at most; must be positive.
  int page_size = 50;
  // Token from the previous page, or empty.
  std::string page_token;
  // Anything else that shapes the result (filters applied by the caller),
  // bound into the token so that a token cannot be replayed with other
  // filters.
  std::string query;
};

struct CommitResult {
  // The new version of each record written, in the order they were added.
  std::vector<uint64_t> versions;
  // The audit journal entry that records the commit, and its RFC 6962 leaf
  // hash (what an inclusion proof proves).
  uint64_t journal_index = 0;
  merkle::Hash leaf_hash{};
};

// The journal entry the last commit on this thread wrote, if any since
// ForgetLastCommit: how a gRPC handler tells its caller where its write
// landed (services/common/admitted_service.h) without threading the result
// through every store.
struct LastCommit {
  bool set = false;
  uint64_t journal_index = 0;
  merkle::Hash leaf_hash{};
};
const LastCommit& LastCommitOnThisThread();
void ForgetLastCommit();

class Store;

// Request ids (AIP-155, services/common/request_ids.h). While a RequestMark
// lives on a thread, the first successful Commit of `store` on that thread
// also writes `value` under the request record `key`, in the same synced
// batch: a crash cannot keep a change and lose the record that it was made.
// Request records live beside the records, outside the journal: they are
// the server's memory of its answers, not part of the record.
class RequestMark {
 public:
  RequestMark(const Store* store, std::string key, std::string value);
  ~RequestMark();
  RequestMark(const RequestMark&) = delete;
  RequestMark& operator=(const RequestMark&) = delete;
};

class Store {
 public:
  // Opens (creating if missing) the database at options.path.
  static absl::StatusOr<std::unique_ptr<Store>> Open(const StoreOptions& options);

  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;
  // Closes the database. All scans must have finished.
  ~Store();

  // Applies the mutation atomically. On any error nothing is written.
  // Errors: ALREADY_EXISTS, NOT_FOUND, ABORTED (stale version) naming the
  // table's key field; INTERNAL/UNAVAILABLE for storage failures.
  absl::StatusOr<CommitResult> Commit(const Mutation& mutation);

  // Applies several mutations atomically, in one synced write, each as its
  // own journal entry (in order, consecutive): what an import's batch of
  // rows costs as one write while each row stays one entry of the record,
  // as if written alone. On any error nothing is written. No two may write
  // the same record.
  absl::StatusOr<std::vector<CommitResult>> CommitEach(
      const std::vector<const Mutation*>& mutations);

  // A mirror's write: appends `entries` (another journal's entries, as that
  // journal hashed them, starting at this journal's size) and stores
  // `records` (Mutation::Replicate, and the counters they add), as one
  // synced write. The journal then has the other's leaves, hence its roots
  // and proofs. FAILED_PRECONDITION if the first entry's index is not this
  // journal's size; nothing is written on any error.
  absl::Status AppendReplicated(const std::vector<std::string>& entries, const Mutation& records);

  // Reads one record by its encoded primary key. NOT_FOUND if absent.
  absl::StatusOr<RawRecord> Get(const TableSchema& table, absl::string_view primary_key) const;

  // Reads one record and parses it into `record`; returns its version.
  absl::StatusOr<uint64_t> Get(const TableSchema& table, absl::string_view primary_key,
                               google::protobuf::Message* record) const;

  // Walks a range of a table or index from a consistent snapshot, calling
  // `visit` for each record in order until `page_size` calls returned true
  // (the record was kept). Returns the token of the next page, empty when the
  // range is exhausted. INVALID_ARGUMENT naming `page_token` if the token is
  // malformed or was issued for another query.
  using Visitor = std::function<absl::StatusOr<bool>(const RawRecord& record)>;
  absl::StatusOr<std::string> Scan(const TableSchema& table, const ScanOptions& options,
                                   const Visitor& visit) const;

  // Builds the entries of every index of `table` the store has not built
  // yet — an index a new release added to a table that already holds
  // records — from the records, in batches of 1,000; `progress`, if set,
  // hears the index and the records indexed so far. Call at start-up,
  // before serving: nothing may commit to the table meanwhile. Once an
  // index is built this costs one metadata read.
  using IndexProgress = std::function<void(const std::string& index, uint64_t records)>;
  absl::Status BuildMissingIndexes(const TableSchema& table,
                                   const IndexProgress& progress = nullptr);

  // Checks, from one snapshot, that every index of `table` holds exactly
  // the entries its records call for: none missing, none left over, each
  // naming its record. DATA_LOSS naming the index and record otherwise.
  // Reads the whole table (one index's keys in memory at a time): for
  // verification after a crash or a restore, not for serving.
  absl::Status CheckIndexes(const TableSchema& table) const;

  // What a service derives into counters from a stored record of `table`
  // (its own rule, as its writes apply it), added to `mutation`.
  using CounterDerivation = std::function<void(
      const TableSchema& table, const google::protobuf::Message& record, Mutation* mutation)>;
  // Checks, from one snapshot, that every stored counter holds exactly what
  // the stored records of `tables` add up to under `derive`, and that none
  // they call for is missing. DATA_LOSS naming the first counter that
  // differs (DescribeKey) and both values. Sets `*checked` to the number of
  // counters stored or called for. Reads every record and counter, holding
  // the expected counters in memory.
  absl::Status CheckCounters(const std::vector<const TableSchema*>& tables,
                             const CounterDerivation& derive, int64_t* checked) const;

  // Reads a metadata value written with Mutation::PutMeta.
  absl::StatusOr<std::optional<std::string>> GetMeta(absl::string_view key) const;

  // A request record (RequestMark), or nullopt; and its replacement, written
  // alone (synced unless StoreOptions::sync is off).
  absl::StatusOr<std::optional<std::string>> GetRequestRecord(absl::string_view key) const;
  absl::Status PutRequestRecord(absl::string_view key, absl::string_view value);

  const std::string& path() const;

  // Writes a consistent copy of the database (a RocksDB checkpoint: table
  // files hard-linked where the file system allows, else copied, after a
  // flush) into `folder`, which must not exist; writes carry on meanwhile.
  // Returns the journal head the copy holds, read back from the copy.
  absl::StatusOr<JournalHead> Checkpoint(const std::string& folder) const;

  // Read at each scrape; the outbox counts walk the queued keys.
  absl::StatusOr<StoreStats> Stats() const;

  // The audit journal. Entries are serialized v1::JournalEntry, with indexes
  // from 0 in commit order; the tree is stored as its perfect-subtree hashes.
  JournalHead journal_head() const;
  // Calls `visit` for entries [start, end) in order; `end` at most the size.
  using EntryVisitor = std::function<absl::Status(uint64_t index, absl::string_view entry)>;
  absl::Status ReadJournal(uint64_t start, uint64_t end, const EntryVisitor& visit) const;
  // Waits until the journal holds more than `size` entries, `deadline`
  // passes or StopWaiting() is called; returns the journal's size.
  uint64_t WaitForJournal(uint64_t size, absl::Time deadline) const;
  // Wakes every WaitForJournal caller now and for good (at shutdown).
  void StopWaiting();
  // The index of the entry whose RFC 6962 leaf hash is `leaf_hash`;
  // NOT_FOUND naming leaf_hash if none.
  absl::StatusOr<uint64_t> FindJournalLeaf(const merkle::Hash& leaf_hash) const;
  // Stored perfect-subtree hashes, for roots and proofs (merkle.h).
  merkle::NodeSource journal_nodes() const;

  // Counters (Mutation::AddToCounter): visits, from one snapshot and in key
  // order, every counter with a key from prefix+start (inclusive) to
  // prefix+end (exclusive; empty: every key with the prefix). `visit` gets
  // the key without `prefix`, and the counter's values.
  using CounterVisitor =
      std::function<absl::Status(absl::string_view key, const std::vector<int64_t>& values)>;
  absl::Status ScanCounters(absl::string_view prefix, absl::string_view start,
                            absl::string_view end, const CounterVisitor& visit) const;

  // Outboxes (Mutation::Enqueue). Messages are numbered from 1 per outbox,
  // in commit order. Visits up to `max` queued messages of `outbox` after
  // sequence number `after`, in order.
  using OutboxVisitor = std::function<absl::Status(uint64_t sequence, absl::string_view message)>;
  absl::Status ReadOutbox(absl::string_view outbox, uint64_t after, int max,
                          const OutboxVisitor& visit) const;
  // Removes a delivered message. Not synced: a removal lost in a crash only
  // means the message is delivered again, which receivers must deduplicate.
  absl::Status RemoveFromOutbox(absl::string_view outbox, uint64_t sequence);
  // Moves a message the receiver refused for good out of the queue, keeping
  // it with the reason (synced), so that it is never lost and never blocks
  // the messages behind it.
  absl::Status SetAside(absl::string_view outbox, uint64_t sequence, absl::string_view reason);
  // Visits the messages set aside for `outbox`, in sequence order.
  using SetAsideVisitor = std::function<absl::Status(uint64_t sequence, absl::string_view message,
                                                     absl::string_view reason)>;
  absl::Status ReadSetAside(absl::string_view outbox, const SetAsideVisitor& visit) const;
  // How many commits have enqueued messages since the store opened. Waits
  // until that count exceeds `seen`, or `deadline` passes, and returns it.
  uint64_t WaitForOutbox(uint64_t seen, absl::Time deadline) const;

  // Walks every record of every table in key order, `page_size` at a time.
  // Where a block of the records fails RocksDB's checksum, the walk goes
  // on with the records the journal says were written there, each read on
  // its own: those that cannot be read are visited as `unreadable`.
  using DigestVisitor = std::function<absl::Status(const RecordDigest& record)>;
  absl::StatusOr<std::string> ScanRecordDigests(const std::string& page_token, int page_size,
                                                const DigestVisitor& visit) const;

 private:
  class Impl;
  explicit Store(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Scans and parses records of type T, keeping those `keep` accepts (all if
// `keep` is empty). Returns the next page token.
template <typename T>
absl::StatusOr<std::string> ScanRecords(const Store& store, const Table<T>& table,
                                        const ScanOptions& options,
                                        std::vector<std::pair<T, uint64_t>>* out,
                                        const std::function<bool(const T&)>& keep = nullptr) {
  return store.Scan(table.schema(), options, [&](const RawRecord& raw) -> absl::StatusOr<bool> {
    T record;
    if (!record.ParseFromString(raw.payload)) {
      return absl::DataLossError("a stored " + table.schema().info().noun +
                                 " could not be parsed; the database may be damaged: restore "
                                 "it from a backup");
    }
    if (keep && !keep(record)) return false;
    out->emplace_back(std::move(record), raw.version);
    return true;
  });
}

// Visits every record in the range `options` describes, in order, following
// page tokens to the end (`options.page_size` records per read); stops at
// the first error `visit` returns.
template <typename T>
absl::Status ForEachRecord(const Store& store, const Table<T>& table, ScanOptions options,
                           const std::function<absl::Status(T& record, uint64_t version)>& visit) {
  do {
    std::vector<std::pair<T, uint64_t>> page;
    CORRIDOR_ASSIGN_OR_RETURN(std::string next, ScanRecords(store, table, options, &page));
    for (auto& [record, version] : page) CORRIDOR_RETURN_IF_ERROR(visit(record, version));
    options.page_token = std::move(next);
  } while (!options.page_token.empty());
  return absl::OkStatus();
}

}  // namespace corridor::storage

#endif  // CORRIDOR_STORAGE_STORE_H_
