#include "storage/store.h"

#include <sys/stat.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <filesystem>
#include <map>
#include <mutex>
#include <system_error>

#include "absl/container/flat_hash_set.h"
#include "absl/hash/hash.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "corridor/v1/audit.pb.h"
#include "google/protobuf/util/time_util.h"
#include "rocksdb/db.h"
#include "rocksdb/filter_policy.h"
#include "rocksdb/merge_operator.h"
#include "rocksdb/options.h"
#include "rocksdb/table.h"
#include "rocksdb/utilities/checkpoint.h"
#include "rocksdb/write_batch.h"
#include "storage/key_codec.h"
#include "storage/page_token.h"

namespace corridor::storage {
namespace {

// Column families. Records and index entries live apart so that index scans
// never read record payloads they skip.
constexpr char kRecordsCf[] = "records";
constexpr char kIndexesCf[] = "indexes";
// The audit journal: entries under "e" + index, perfect-subtree hashes under
// "n" + level + index.
constexpr char kAuditCf[] = "audit";
constexpr char kEntryPrefix[] = "e";
constexpr char kNodePrefix[] = "n";
// Counters, updated by merge (Int64AddOperator).
constexpr char kCountersCf[] = "counters";
// Outboxes: queued messages under "q" + outbox + sequence, messages set
// aside under "d" + outbox + sequence.
constexpr char kOutboxCf[] = "outbox";
constexpr char kQueuedPrefix[] = "q";
constexpr char kSetAsidePrefix[] = "d";
// At most this many commits share one journal write.
constexpr size_t kMaxGroup = 256;
constexpr char kMetaPrefix[] = "meta/";
constexpr size_t kLockStripes = 1024;

absl::Status FromRocks(const rocksdb::Status& s, absl::string_view what) {
  if (s.ok()) return absl::OkStatus();
  std::string message = absl::StrCat(what, ": ", s.ToString());
  if (s.IsNotFound()) return absl::NotFoundError(message);
  if (s.IsCorruption()) {
    return absl::DataLossError(absl::StrCat(message, "; restore the database from a backup"));
  }
  if (s.IsIOError() && s.ToString().find("lock") != std::string::npos) {
    return absl::FailedPreconditionError(
        absl::StrCat(message,
                     "; another process has this database open: stop it, or point this "
                     "one at another data folder"));
  }
  if (s.IsIOError()) {
    return absl::UnavailableError(absl::StrCat(message, "; check the disk (space, permissions)"));
  }
  return absl::InternalError(message);
}

std::string EncodeValue(uint64_t version, absl::string_view payload) {
  std::string value = KeyWriter().Uint64(version).Release();
  value.append(payload.data(), payload.size());
  return value;
}

absl::StatusOr<RawRecord> DecodeValue(absl::string_view value) {
  KeyReader reader(value);
  RawRecord record;
  if (!reader.Uint64(&record.version)) {
    return absl::DataLossError(
        "a stored record is shorter than its version header; the database "
        "may be damaged: restore it from a backup");
  }
  record.payload = std::string(reader.rest());
  return record;
}

// A counter's value: fixed 8-byte little-endian two's-complement integers.
std::string EncodeCounter(const std::vector<int64_t>& values) {
  std::string out(values.size() * 8, '\0');
  for (size_t i = 0; i < values.size(); ++i) {
    const uint64_t v = static_cast<uint64_t>(values[i]);
    for (int b = 0; b < 8; ++b) out[i * 8 + b] = static_cast<char>((v >> (8 * b)) & 0xFF);
  }
  return out;
}

std::vector<int64_t> DecodeCounter(absl::string_view bytes) {
  std::vector<int64_t> values(bytes.size() / 8);
  for (size_t i = 0; i < values.size(); ++i) {
    uint64_t v = 0;
    for (int b = 0; b < 8; ++b) {
      v |= static_cast<uint64_t>(static_cast<unsigned char>(bytes[i * 8 + b])) << (8 * b);
    }
    values[i] = static_cast<int64_t>(v);
  }
  return values;
}

// Adds counters element-wise; a shorter operand counts as zeros.
class Int64AddOperator : public rocksdb::AssociativeMergeOperator {
 public:
  bool Merge(const rocksdb::Slice& key, const rocksdb::Slice* existing, const rocksdb::Slice& value,
             std::string* new_value, rocksdb::Logger* logger) const override {
    std::vector<int64_t> sum =
        existing ? DecodeCounter(absl::string_view(existing->data(), existing->size()))
                 : std::vector<int64_t>();
    const std::vector<int64_t> add = DecodeCounter(absl::string_view(value.data(), value.size()));
    if (sum.size() < add.size()) sum.resize(add.size(), 0);
    for (size_t i = 0; i < add.size(); ++i) {
      sum[i] = static_cast<int64_t>(static_cast<uint64_t>(sum[i]) + static_cast<uint64_t>(add[i]));
    }
    *new_value = EncodeCounter(sum);
    return true;
  }
  const char* Name() const override { return "corridor.Int64Add"; }
};

std::string OutboxKey(absl::string_view prefix, absl::string_view outbox, uint64_t sequence) {
  return KeyWriter().Raw(prefix).String(outbox).Uint64(sequence).Release();
}

// Where the last sequence number given out in `outbox` is kept.
std::string OutboxLastKey(absl::string_view outbox) {
  return absl::StrCat(kMetaPrefix, "outbox-last/", outbox);
}

// The sequence number at the end of an outbox key whose first
// `range_size` bytes are the outbox's range prefix.
absl::StatusOr<uint64_t> OutboxSequence(const rocksdb::Slice& key, size_t range_size,
                                        absl::string_view outbox) {
  KeyReader reader(absl::string_view(key.data() + range_size, key.size() - range_size));
  uint64_t sequence = 0;
  if (!reader.Uint64(&sequence)) {
    return absl::DataLossError(
        absl::StrCat("outbox ", outbox, " has a malformed key; restore from a backup"));
  }
  return sequence;
}

// Holds the lock stripes of a commit, taken in ascending order so that two
// commits never wait on each other in a cycle.
class StripeLocks {
 public:
  StripeLocks(absl::Mutex* stripes, std::vector<size_t> indexes)
      : stripes_(stripes), indexes_(std::move(indexes)) {
    std::sort(indexes_.begin(), indexes_.end());
    indexes_.erase(std::unique(indexes_.begin(), indexes_.end()), indexes_.end());
    for (size_t i : indexes_) stripes_[i].Lock();
  }
  ~StripeLocks() {
    for (auto it = indexes_.rbegin(); it != indexes_.rend(); ++it) stripes_[*it].Unlock();
  }

 private:
  absl::Mutex* stripes_;
  std::vector<size_t> indexes_;
};

std::string EntryKey(uint64_t index) {
  return KeyWriter().Raw(kEntryPrefix).Uint64(index).Release();
}

std::string NodeKey(int level, uint64_t index) {
  return KeyWriter().Raw(kNodePrefix).Uint32(static_cast<uint32_t>(level)).Uint64(index).Release();
}

// Copies the operations of one write batch into another.
class BatchCopier : public rocksdb::WriteBatch::Handler {
 public:
  BatchCopier(rocksdb::WriteBatch* out, const std::vector<rocksdb::ColumnFamilyHandle*>& handles)
      : out_(out), handles_(handles) {}

  rocksdb::Status PutCF(uint32_t id, const rocksdb::Slice& key,
                        const rocksdb::Slice& value) override {
    return out_->Put(Handle(id), key, value);
  }
  rocksdb::Status DeleteCF(uint32_t id, const rocksdb::Slice& key) override {
    return out_->Delete(Handle(id), key);
  }
  rocksdb::Status MergeCF(uint32_t id, const rocksdb::Slice& key,
                          const rocksdb::Slice& value) override {
    return out_->Merge(Handle(id), key, value);
  }

 private:
  rocksdb::ColumnFamilyHandle* Handle(uint32_t id) const {
    for (rocksdb::ColumnFamilyHandle* handle : handles_) {
      if (handle->GetID() == id) return handle;
    }
    return handles_[0];  // not reached: batches only use the store's families
  }
  rocksdb::WriteBatch* out_;
  const std::vector<rocksdb::ColumnFamilyHandle*>& handles_;
};

// Releases a RocksDB snapshot when the scan ends.
class ScopedSnapshot {
 public:
  explicit ScopedSnapshot(rocksdb::DB* db) : db_(db), snapshot_(db->GetSnapshot()) {}
  ~ScopedSnapshot() { db_->ReleaseSnapshot(snapshot_); }
  const rocksdb::Snapshot* get() const { return snapshot_; }

 private:
  rocksdb::DB* db_;
  const rocksdb::Snapshot* snapshot_;
};

}  // namespace

class Store::Impl {
 public:
  Impl(StoreOptions options, rocksdb::DB* db, std::vector<rocksdb::ColumnFamilyHandle*> handles)
      : options_(std::move(options)), db_(db), handles_(std::move(handles)) {}

  ~Impl() {
    // Flushed at a clean close, the next start reads tables instead of
    // replaying the whole write-ahead log (seconds for a million commits).
    if (!options_.read_only) (void)db_->Flush(rocksdb::FlushOptions(), handles_);
    for (rocksdb::ColumnFamilyHandle* handle : handles_) {
      db_->DestroyColumnFamilyHandle(handle);
    }
    delete db_;
  }

  rocksdb::DB* db() const { return db_; }
  rocksdb::ColumnFamilyHandle* meta() const { return handles_[0]; }
  rocksdb::ColumnFamilyHandle* records() const { return handles_[1]; }
  rocksdb::ColumnFamilyHandle* indexes() const { return handles_[2]; }
  rocksdb::ColumnFamilyHandle* audit() const { return handles_[3]; }
  rocksdb::ColumnFamilyHandle* counters() const { return handles_[4]; }
  rocksdb::ColumnFamilyHandle* outbox() const { return handles_[5]; }
  const std::vector<rocksdb::ColumnFamilyHandle*>& families() const { return handles_; }
  const StoreOptions& options() const { return options_; }

  // Finds the journal's size and rebuilds the tree's right edge.
  absl::Status RecoverJournal();
  absl::StatusOr<merkle::Hash> ReadNode(int level, uint64_t index) const;

  // Writes each commit's batch with its outbox messages and, if `entry` is
  // set, its journal entry and tree nodes. Commits that arrive together share
  // one synced write (a leader writes for the group, as in LevelDB), and
  // entries and outbox messages are numbered in the order they become
  // durable.
  using OutboxMessages = std::vector<std::pair<std::string, std::string>>;
  absl::Status WriteOrdered(rocksdb::WriteBatch* batch, v1::JournalEntry* entry,
                            const OutboxMessages* outbox);

  uint64_t WaitForOutbox(uint64_t seen, absl::Time deadline) const {
    std::unique_lock<std::mutex> lock(outbox_mu_);
    outbox_written_.wait_until(lock, absl::ToChronoTime(deadline),
                               [&] { return outbox_commits_ > seen; });
    return outbox_commits_;
  }

  JournalHead head() const {
    absl::MutexLock lock(&head_mu_);
    return head_;
  }

  uint64_t WaitForJournal(uint64_t size, absl::Time deadline) const {
    absl::MutexLock lock(&head_mu_);
    auto grown = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(head_mu_) {
      return head_.size > size || stop_waiting_;
    };
    head_mu_.AwaitWithDeadline(absl::Condition(&grown), deadline);
    return head_.size;
  }

  void StopWaiting() {
    absl::MutexLock lock(&head_mu_);
    stop_waiting_ = true;
  }

  // Stripes of locks over record keys: a commit holds the stripes of the
  // records it writes from the version check to the end of the write.
  size_t StripeOf(absl::string_view record_key) const {
    return absl::Hash<absl::string_view>()(record_key) % kLockStripes;
  }
  absl::Mutex* stripes() { return locks_.data(); }

  // Checks one record write against what is stored (existence, version) and
  // adds the record and its index changes to `batch`. Returns the record's
  // new version. The caller holds the record's stripe.
  absl::StatusOr<uint64_t> Stage(const Mutation::RecordWrite& write, const std::string& record_key,
                                 rocksdb::WriteBatch* batch);

 private:
  StoreOptions options_;
  rocksdb::DB* db_;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;
  std::array<absl::Mutex, kLockStripes> locks_;

  // The last sequence number used in `outbox`, read from the database the
  // first time: the number kept with every enqueue, or for a database from
  // before that was kept, the highest message still stored. Called by the
  // leader only.
  absl::StatusOr<uint64_t> LastOutboxSequence(const std::string& outbox);

  struct Writer {
    rocksdb::WriteBatch* batch = nullptr;
    v1::JournalEntry* entry = nullptr;
    const OutboxMessages* outbox = nullptr;
    absl::Status status;
    bool done = false;
    std::condition_variable wake;
  };
  std::mutex queue_mu_;
  std::deque<Writer*> queue_;  // guarded by queue_mu_
  // Touched only by the current leader (the writer at the queue's front).
  merkle::Frontier frontier_;
  std::map<std::string, uint64_t> outbox_last_;
  mutable std::mutex outbox_mu_;
  mutable std::condition_variable outbox_written_;
  uint64_t outbox_commits_ = 0;  // guarded by outbox_mu_
  mutable absl::Mutex head_mu_;
  JournalHead head_ ABSL_GUARDED_BY(head_mu_);
  bool stop_waiting_ ABSL_GUARDED_BY(head_mu_) = false;
};

absl::StatusOr<merkle::Hash> Store::Impl::ReadNode(int level, uint64_t index) const {
  std::string value;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), audit(), NodeKey(level, index), &value);
  if (s.IsNotFound()) {
    return absl::DataLossError(
        absl::StrCat("the audit journal's tree node (level ", level, ", index ", index,
                     ") is missing; the journal has been damaged or tampered with"));
  }
  if (!s.ok()) return FromRocks(s, "reading the audit journal");
  return merkle::FromBytes(value);
}

absl::Status Store::Impl::RecoverJournal() {
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), audit()));
  const std::string upper = PrefixSuccessor(kEntryPrefix);
  it->SeekForPrev(upper);
  uint64_t size = 0;
  if (it->Valid() && it->key().starts_with(kEntryPrefix)) {
    KeyReader reader(absl::string_view(it->key().data() + 1, it->key().size() - 1));
    uint64_t last = 0;
    if (!reader.Uint64(&last)) {
      return absl::DataLossError(
          "the audit journal's last key is malformed; restore from a backup");
    }
    size = last + 1;
  }
  if (!it->status().ok()) return FromRocks(it->status(), "reading the audit journal");
  absl::StatusOr<merkle::Frontier> frontier = merkle::Frontier::Load(
      [this](int level, uint64_t index) { return ReadNode(level, index); }, size);
  if (!frontier.ok()) return frontier.status();
  frontier_ = *std::move(frontier);
  absl::MutexLock lock(&head_mu_);
  head_.size = size;
  head_.root = frontier_.Root();
  return absl::OkStatus();
}

absl::StatusOr<uint64_t> Store::Impl::LastOutboxSequence(const std::string& outbox) {
  auto found = outbox_last_.find(outbox);
  if (found != outbox_last_.end()) return found->second;
  // Numbers are never reused, even once every message is delivered and
  // removed: a relay that has passed a number would never read it again.
  uint64_t last = 0;
  std::string kept;
  rocksdb::Status read = db_->Get(rocksdb::ReadOptions(), meta(), OutboxLastKey(outbox), &kept);
  if (read.ok()) {
    KeyReader reader(kept);
    if (!reader.Uint64(&last) || !reader.done()) {
      return absl::DataLossError(
          absl::StrCat("outbox ", outbox, " has a malformed sequence counter; restore from a backup"));
    }
  } else if (!read.IsNotFound()) {
    return FromRocks(read, "reading an outbox's sequence counter");
  }
  // Set-aside messages keep their numbers, so both ranges count.
  for (const char* prefix : {kQueuedPrefix, kSetAsidePrefix}) {
    const std::string range = KeyWriter().Raw(prefix).String(outbox).Release();
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), this->outbox()));
    it->SeekForPrev(PrefixSuccessor(range));
    if (it->Valid() && it->key().starts_with(range)) {
      absl::StatusOr<uint64_t> sequence = OutboxSequence(it->key(), range.size(), outbox);
      if (!sequence.ok()) return sequence.status();
      last = std::max(last, *sequence);
    }
    if (!it->status().ok()) return FromRocks(it->status(), "reading an outbox");
  }
  outbox_last_[outbox] = last;
  return last;
}

absl::Status Store::Impl::WriteOrdered(rocksdb::WriteBatch* batch, v1::JournalEntry* entry,
                                       const OutboxMessages* outbox) {
  Writer self;
  self.batch = batch;
  self.entry = entry;
  self.outbox = outbox;
  std::unique_lock<std::mutex> lock(queue_mu_);
  queue_.push_back(&self);
  self.wake.wait(lock, [&] { return self.done || queue_.front() == &self; });
  if (self.done) return self.status;

  // This commit leads: it writes itself and the commits queued behind it.
  std::vector<Writer*> group;
  for (Writer* w : queue_) {
    group.push_back(w);
    if (group.size() == kMaxGroup) break;
  }
  lock.unlock();

  merkle::Frontier next = frontier_;
  std::map<std::string, uint64_t> outbox_next;  // applied to outbox_last_ once written
  bool enqueued = false;
  rocksdb::WriteBatch combined;
  const google::protobuf::Timestamp now = google::protobuf::util::TimeUtil::GetCurrentTime();
  absl::Status status;
  for (Writer* w : group) {
    if (w->entry != nullptr) {
      w->entry->set_index(next.size());
      *w->entry->mutable_time() = now;
      const std::string bytes = SerializeDeterministic(*w->entry);
      combined.Put(audit(), EntryKey(w->entry->index()), bytes);
      for (const merkle::Frontier::Node& node : next.Append(merkle::LeafHash(bytes))) {
        combined.Put(audit(), NodeKey(node.level, node.index), merkle::ToBytes(node.hash));
      }
    }
    for (const auto& [name, message] : *w->outbox) {
      if (outbox_next.find(name) == outbox_next.end()) {
        absl::StatusOr<uint64_t> last = LastOutboxSequence(name);
        if (!last.ok()) {
          status = last.status();
          break;
        }
        outbox_next[name] = *last;
      }
      combined.Put(this->outbox(), OutboxKey(kQueuedPrefix, name, ++outbox_next[name]), message);
      enqueued = true;
    }
    if (!status.ok()) break;
    BatchCopier copier(&combined, handles_);
    status = FromRocks(w->batch->Iterate(&copier), "preparing a write");
    if (!status.ok()) break;
  }
  if (status.ok()) {
    for (const auto& [name, last] : outbox_next) {
      combined.Put(meta(), OutboxLastKey(name), KeyWriter().Uint64(last).Release());
    }
    rocksdb::WriteOptions write_options;
    write_options.sync = options_.sync;
    status = FromRocks(db_->Write(write_options, &combined), "committing a write");
  }
  if (status.ok()) {
    frontier_ = std::move(next);
    for (const auto& [name, last] : outbox_next) outbox_last_[name] = last;
    absl::MutexLock head_lock(&head_mu_);
    head_.size = frontier_.size();
    head_.root = frontier_.Root();
  }
  if (status.ok() && enqueued) {
    {
      std::lock_guard<std::mutex> outbox_lock(outbox_mu_);
      ++outbox_commits_;
    }
    outbox_written_.notify_all();
  }

  lock.lock();
  for (Writer* w : group) {
    queue_.pop_front();
    if (w == &self) continue;
    w->status = status;
    w->done = true;
    w->wake.notify_one();
  }
  if (!queue_.empty()) queue_.front()->wake.notify_one();
  return status;
}

absl::Status CreatePrivateFolders(const std::string& path) {
  std::filesystem::path folder;
  for (const std::filesystem::path& part : std::filesystem::path(path)) {
    if (part.empty()) continue;  // after a trailing slash
    folder /= part;
    struct stat info;
    if (::stat(folder.c_str(), &info) == 0 && S_ISDIR(info.st_mode)) continue;
    if (::mkdir(folder.c_str(), 0700) != 0 && errno != EEXIST) {
      return absl::UnavailableError(absl::StrCat("cannot create the folder ", folder.string(), ": ",
                                                 std::strerror(errno),
                                                 "; check the permissions of its parent"));
    }
    if (::stat(folder.c_str(), &info) != 0 || !S_ISDIR(info.st_mode)) {
      return absl::UnavailableError(
          absl::StrCat(folder.string(), " exists and is not a folder; move it aside"));
    }
  }
  return absl::OkStatus();
}

Store::Store(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Store::~Store() = default;

const std::string& Store::path() const { return impl_->options().path; }

absl::StatusOr<JournalHead> Store::Checkpoint(const std::string& folder) const {
  if (std::filesystem::exists(folder)) {
    return absl::AlreadyExistsError(
        absl::StrCat("backup folder ", folder, " already exists; name a new one"));
  }
  rocksdb::Checkpoint* raw = nullptr;
  rocksdb::Status s = rocksdb::Checkpoint::Create(impl_->db(), &raw);
  std::unique_ptr<rocksdb::Checkpoint> checkpoint(raw);
  // log_size_for_flush 0: flush first, so the copy holds no write-ahead log
  // to replay and every acknowledged write is in its table files.
  if (s.ok()) s = checkpoint->CreateCheckpoint(folder, /*log_size_for_flush=*/0);
  if (!s.ok()) return FromRocks(s, absl::StrCat("writing a checkpoint to ", folder));
  StoreOptions copy_options;
  copy_options.path = folder;
  copy_options.read_only = true;
  absl::StatusOr<std::unique_ptr<Store>> copy = Store::Open(copy_options);
  if (!copy.ok()) {
    return absl::DataLossError(absl::StrCat("the checkpoint in ", folder,
                                            " cannot be opened: ", copy.status().message()));
  }
  return (*copy)->journal_head();
}

absl::StatusOr<StoreStats> Store::Stats() const {
  StoreStats stats;
  rocksdb::DB* db = impl_->db();
  auto sum = [&](const std::string& property, uint64_t* total) {
    uint64_t value = 0;
    for (rocksdb::ColumnFamilyHandle* family : impl_->families()) {
      if (db->GetIntProperty(family, property, &value)) *total += value;
    }
  };
  sum(rocksdb::DB::Properties::kLiveSstFilesSize, &stats.live_sst_bytes);
  sum(rocksdb::DB::Properties::kCurSizeAllMemTables, &stats.memtable_bytes);
  sum(rocksdb::DB::Properties::kEstimateNumKeys, &stats.estimated_keys);
  sum(rocksdb::DB::Properties::kEstimatePendingCompactionBytes, &stats.pending_compaction_bytes);
  uint64_t value = 0;
  if (db->GetIntProperty(rocksdb::DB::Properties::kActualDelayedWriteRate, &value)) {
    stats.delayed_write_rate = value;
  }
  if (db->GetIntProperty(rocksdb::DB::Properties::kIsWriteStopped, &value)) {
    stats.writes_stopped = value != 0;
  }
  for (rocksdb::ColumnFamilyHandle* family : impl_->families()) {
    std::map<std::string, std::string> cf_stats;
    if (!db->GetMapProperty(family, rocksdb::DB::Properties::kCFStats, &cf_stats)) continue;
    auto add = [&](const char* key, uint64_t* total) {
      auto found = cf_stats.find(key);
      if (found != cf_stats.end()) *total += std::strtoull(found->second.c_str(), nullptr, 10);
    };
    add("io_stalls.total_slowdown", &stats.stall_slowdowns);
    add("io_stalls.total_stop", &stats.stall_stops);
  }
  stats.journal_size = impl_->head().size;
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(rocksdb::ReadOptions(), impl_->outbox()));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    const char kind = it->key().empty() ? 0 : it->key()[0];
    if (kind == kQueuedPrefix[0]) ++stats.outbox_queued;
    if (kind == kSetAsidePrefix[0]) ++stats.outbox_set_aside;
  }
  if (!it->status().ok()) return FromRocks(it->status(), "counting outbox messages");
  return stats;
}

absl::StatusOr<std::unique_ptr<Store>> Store::Open(const StoreOptions& options) {
  if (options.path.empty()) {
    return absl::InvalidArgumentError("store path is empty: give a data folder");
  }
  if (!options.read_only) {
    absl::Status created = CreatePrivateFolders(options.path);
    if (!created.ok()) {
      return absl::UnavailableError(
          absl::StrCat("cannot create the data folder: ", created.message()));
    }
  }

  rocksdb::Options db_options;
  db_options.create_if_missing = true;
  db_options.create_missing_column_families = true;
  db_options.IncreaseParallelism(2);
  // Index keys share long prefixes (table, index, term); bloom filters make
  // point lookups of records cheap.
  rocksdb::BlockBasedTableOptions table_options;
  table_options.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  rocksdb::ColumnFamilyOptions cf_options;
  // 128 MiB of memtables across the column families (RocksDB's default
  // budget is 512 MiB): a service stays small, and a restart after a crash
  // replays at most that much log.
  cf_options.OptimizeLevelStyleCompaction(128 << 20);
  cf_options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table_options));
  rocksdb::ColumnFamilyOptions counter_options = cf_options;
  counter_options.merge_operator = std::make_shared<Int64AddOperator>();
  // Merge operands are folded by flushes and compactions, and by reads.
  // Folding them on write as well (max_successive_merges = 32) cost a
  // quarter of the denials service's write throughput and did not make a
  // read straight after a bulk load faster (14 ms either way).
  counter_options.max_successive_merges = 0;

  std::vector<rocksdb::ColumnFamilyDescriptor> families = {
      {rocksdb::kDefaultColumnFamilyName, cf_options},
      {kRecordsCf, cf_options},
      {kIndexesCf, cf_options},
      {kAuditCf, cf_options},
      {kCountersCf, counter_options},
      {kOutboxCf, cf_options},
  };
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* db = nullptr;
  rocksdb::Status s = options.read_only
                          ? rocksdb::DB::OpenForReadOnly(rocksdb::DBOptions(db_options),
                                                         options.path, families, &handles, &db)
                          : rocksdb::DB::Open(rocksdb::DBOptions(db_options), options.path,
                                              families, &handles, &db);
  if (!s.ok()) {
    return FromRocks(s, absl::StrCat("opening database ", options.path));
  }
  auto impl = std::make_unique<Impl>(options, db, std::move(handles));
  if (absl::Status recovered = impl->RecoverJournal(); !recovered.ok()) return recovered;
  return std::unique_ptr<Store>(new Store(std::move(impl)));
}

absl::StatusOr<uint64_t> Store::Impl::Stage(const Mutation::RecordWrite& write,
                                            const std::string& record_key,
                                            rocksdb::WriteBatch* batch) {
  const TableSchema& table = *write.table;
  const TableInfo& info = table.info();
  std::string existing;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), records(), record_key, &existing);
  if (!s.ok() && !s.IsNotFound()) {
    return FromRocks(s, absl::StrCat("reading ", info.noun, " ", write.description));
  }
  const bool exists = s.ok();
  uint64_t new_version = 1;
  std::vector<std::vector<std::string>> old_terms(table.indexes().size());
  if (write.insert && exists) {
    return absl::AlreadyExistsError(
        absl::StrCat(info.key_field, ": ", info.noun, " \"", write.description,
                     "\" already exists; choose another ", info.key_field,
                     " or update the existing ", info.noun));
  }
  if (!write.insert) {
    if (!exists) {
      return absl::NotFoundError(
          absl::StrCat(info.key_field, ": no ", info.noun, " \"", write.description, "\""));
    }
    absl::StatusOr<RawRecord> current = DecodeValue(existing);
    if (!current.ok()) return current.status();
    if (current->version != write.expected_version) {
      return absl::AbortedError(absl::StrCat(
          "version: ", info.noun, " \"", write.description, "\" is at version ", current->version,
          " but the change was made against version ", write.expected_version,
          "; someone changed it meanwhile: read it again and reapply"));
    }
    std::unique_ptr<google::protobuf::Message> old(table.prototype().New());
    if (!old->ParseFromString(current->payload)) {
      return absl::DataLossError(absl::StrCat("stored ", info.noun, " \"", write.description,
                                              "\" could not be parsed; restore the database "
                                              "from a backup"));
    }
    for (size_t x = 0; x < table.indexes().size(); ++x) {
      old_terms[x] = table.indexes()[x].terms(*old);
    }
    new_version = current->version + 1;
  }

  // Index entries: delete the terms the record lost, add the ones it gained.
  for (size_t x = 0; x < table.indexes().size(); ++x) {
    const std::string prefix = table.IndexPrefix(table.indexes()[x].name);
    const std::vector<std::string>& before = old_terms[x];
    const std::vector<std::string>& after = write.terms[x];
    for (const std::string& term : before) {
      if (std::find(after.begin(), after.end(), term) == after.end()) {
        batch->Delete(indexes(), prefix + term + write.primary_key);
      }
    }
    for (const std::string& term : after) {
      if (std::find(before.begin(), before.end(), term) == before.end()) {
        batch->Put(indexes(), prefix + term + write.primary_key, write.primary_key);
      }
    }
  }
  batch->Put(records(), record_key, EncodeValue(new_version, write.payload));
  return new_version;
}

absl::StatusOr<CommitResult> Store::Commit(const Mutation& mutation) {
  if (impl_->options().read_only) {
    return absl::FailedPreconditionError("the store is open read-only");
  }
  std::vector<std::string> record_keys;
  std::vector<size_t> stripes;
  for (const Mutation::RecordWrite& write : mutation.records()) {
    record_keys.push_back(write.table->RecordKey(write.primary_key));
    stripes.push_back(impl_->StripeOf(record_keys.back()));
  }
  if (absl::flat_hash_set<std::string>(record_keys.begin(), record_keys.end()).size() !=
      record_keys.size()) {
    return absl::InternalError(
        "one mutation writes the same record twice; this is a bug in the service, please "
        "report it");
  }
  StripeLocks locks(impl_->stripes(), std::move(stripes));

  // The one place every write passes: records, index entries and metadata go
  // into one batch, committed with one synced write.
  rocksdb::WriteBatch batch;
  CommitResult result;
  for (size_t i = 0; i < mutation.records().size(); ++i) {
    absl::StatusOr<uint64_t> version = impl_->Stage(mutation.records()[i], record_keys[i], &batch);
    if (!version.ok()) return version.status();
    result.versions.push_back(*version);
  }
  for (const auto& [key, value] : mutation.meta()) {
    batch.Put(impl_->meta(), absl::StrCat(kMetaPrefix, key), value);
  }
  for (const auto& [key, deltas] : mutation.counters()) {
    batch.Merge(impl_->counters(), key, EncodeCounter(deltas));
  }
  if (!impl_->options().journal) {
    absl::Status written = impl_->WriteOrdered(&batch, nullptr, &mutation.outbox());
    if (!written.ok()) return written;
    return result;
  }

  // The journal entry describing this commit goes into the same write.
  v1::JournalEntry entry;
  *entry.mutable_principal() = mutation.origin().principal;
  entry.set_rpc(mutation.origin().rpc);
  for (size_t i = 0; i < mutation.records().size(); ++i) {
    const Mutation::RecordWrite& write = mutation.records()[i];
    v1::JournalChange* change = entry.add_changes();
    change->set_table(write.table->info().name);
    change->set_key(write.primary_key);
    change->set_description(write.description);
    change->set_version(result.versions[i]);
    change->set_record_sha256(merkle::ToBytes(merkle::Sha256(write.payload)));
  }
  for (const auto& [key, value] : mutation.meta()) {
    v1::JournalChange* change = entry.add_changes();
    change->set_table("_meta");
    change->set_key(key);
    change->set_description(key);
    change->set_record_sha256(merkle::ToBytes(merkle::Sha256(value)));
  }
  absl::Status written = impl_->WriteOrdered(&batch, &entry, &mutation.outbox());
  if (!written.ok()) return written;
  result.journal_index = entry.index();
  return result;
}

absl::StatusOr<RawRecord> Store::Get(const TableSchema& table,
                                     absl::string_view primary_key) const {
  std::string value;
  rocksdb::Status s = impl_->db()->Get(rocksdb::ReadOptions(), impl_->records(),
                                       table.RecordKey(primary_key), &value);
  if (s.IsNotFound()) {
    return absl::NotFoundError(absl::StrCat(table.info().noun, " not found"));
  }
  if (!s.ok()) return FromRocks(s, absl::StrCat("reading ", table.info().noun));
  return DecodeValue(value);
}

absl::StatusOr<uint64_t> Store::Get(const TableSchema& table, absl::string_view primary_key,
                                    google::protobuf::Message* record) const {
  absl::StatusOr<RawRecord> raw = Get(table, primary_key);
  if (!raw.ok()) return raw.status();
  if (!record->ParseFromString(raw->payload)) {
    return absl::DataLossError(
        absl::StrCat("a stored ", table.info().noun,
                     " could not be parsed; restore the database from a backup"));
  }
  return raw->version;
}

absl::StatusOr<std::string> Store::Scan(const TableSchema& table, const ScanOptions& options,
                                        const Visitor& visit) const {
  if (options.page_size <= 0) {
    return absl::InvalidArgumentError("page_size: must be positive");
  }
  const bool by_index = !options.index.empty();
  if (by_index && table.FindIndex(options.index) == nullptr) {
    return absl::InternalError(
        absl::StrCat("table ", table.info().name, " has no index ", options.index));
  }
  const std::string range_prefix =
      (by_index ? table.IndexPrefix(options.index) : table.RecordPrefix()) + options.prefix;
  const uint64_t fingerprint =
      QueryFingerprint(table.info().name, options.index, options.prefix, options.reverse,
                       absl::StrCat(options.query, "|start=", absl::CHexEscape(options.start),
                                    "|end=", absl::CHexEscape(options.end)));

  std::string resume_after;
  if (!options.page_token.empty()) {
    absl::StatusOr<std::string> last = DecodePageToken(options.page_token, fingerprint);
    if (!last.ok()) return last.status();
    if (!absl::StartsWith(*last, range_prefix)) {
      return absl::InvalidArgumentError(
          "page_token: issued for a different query; pass the "
          "next_page_token of the previous response unchanged");
    }
    resume_after = *std::move(last);
  }

  ScopedSnapshot snapshot(impl_->db());
  // The bounds must outlive the iterator: ReadOptions keeps pointers.
  const std::string lower = range_prefix + options.start;
  const std::string upper =
      options.end.empty() ? PrefixSuccessor(range_prefix) : range_prefix + options.end;
  rocksdb::Slice lower_slice(lower), upper_slice(upper);
  rocksdb::ReadOptions read_options;
  read_options.snapshot = snapshot.get();
  read_options.iterate_lower_bound = &lower_slice;
  if (!upper.empty()) read_options.iterate_upper_bound = &upper_slice;

  rocksdb::ColumnFamilyHandle* cf = by_index ? impl_->indexes() : impl_->records();
  std::unique_ptr<rocksdb::Iterator> it(impl_->db()->NewIterator(read_options, cf));
  if (options.reverse) {
    if (resume_after.empty()) {
      it->SeekToLast();
    } else {
      it->SeekForPrev(resume_after);
      if (it->Valid() && it->key() == resume_after) it->Prev();
    }
  } else {
    if (resume_after.empty()) {
      it->Seek(lower);
    } else {
      it->Seek(resume_after);
      if (it->Valid() && it->key() == resume_after) it->Next();
    }
  }

  const size_t record_prefix_size = table.RecordPrefix().size();
  int kept = 0;
  std::string last_key;
  for (; it->Valid(); options.reverse ? it->Prev() : it->Next()) {
    if (kept == options.page_size) {
      // There is more: the next page starts after the last record kept.
      return EncodePageToken(fingerprint, last_key);
    }
    RawRecord record;
    if (by_index) {
      std::string value;
      rocksdb::Status s = impl_->db()->Get(read_options, impl_->records(),
                                           table.RecordKey(it->value().ToString()), &value);
      if (!s.ok()) {
        return absl::DataLossError(absl::StrCat("index ", options.index, " of ", table.info().name,
                                                " points to a record that cannot be read (",
                                                s.ToString(),
                                                "); restore the database from a backup"));
      }
      absl::StatusOr<RawRecord> decoded = DecodeValue(value);
      if (!decoded.ok()) return decoded.status();
      record = *std::move(decoded);
    } else {
      absl::StatusOr<RawRecord> decoded = DecodeValue(it->value().ToString());
      if (!decoded.ok()) return decoded.status();
      record = *std::move(decoded);
    }
    record.primary_key =
        by_index ? it->value().ToString() : it->key().ToString().substr(record_prefix_size);
    absl::StatusOr<bool> keep = visit(record);
    if (!keep.ok()) return keep.status();
    if (*keep) {
      ++kept;
      last_key = it->key().ToString();
    }
  }
  if (!it->status().ok()) return FromRocks(it->status(), "scanning");
  return std::string();
}

absl::Status Store::BuildMissingIndexes(const TableSchema& table, const IndexProgress& progress) {
  if (impl_->options().read_only) return absl::OkStatus();
  constexpr int kBatchRecords = 1000;
  rocksdb::DB* db = impl_->db();
  for (const TableSchema::Index& index : table.indexes()) {
    const std::string built =
        absl::StrCat(kMetaPrefix, "index-built/", table.info().name, "/", index.name);
    std::string unused;
    rocksdb::Status found = db->Get(rocksdb::ReadOptions(), impl_->meta(), built, &unused);
    if (found.ok()) continue;
    if (!found.IsNotFound()) return FromRocks(found, "reading index metadata");

    const std::string records = table.RecordPrefix();
    const std::string upper = PrefixSuccessor(records);
    rocksdb::Slice upper_slice(upper);
    rocksdb::ReadOptions read_options;
    read_options.iterate_upper_bound = &upper_slice;
    std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(read_options, impl_->records()));
    const std::string entries = table.IndexPrefix(index.name);
    rocksdb::WriteBatch batch;
    uint64_t done = 0;
    std::unique_ptr<google::protobuf::Message> record(table.prototype().New());
    for (it->Seek(records); it->Valid(); it->Next()) {
      absl::StatusOr<RawRecord> raw = DecodeValue(it->value().ToString());
      if (!raw.ok()) return raw.status();
      if (!record->ParseFromString(raw->payload)) {
        return absl::DataLossError(absl::StrCat(
            "a stored ", table.info().noun, " could not be parsed while building index ",
            index.name, "; restore the database from a backup"));
      }
      const std::string primary_key = it->key().ToString().substr(records.size());
      for (const std::string& term : index.terms(*record)) {
        batch.Put(impl_->indexes(), entries + term + primary_key, primary_key);
      }
      if (++done % kBatchRecords == 0) {
        // Unsynced: the marker below is written (synced) only once every
        // entry is, so a crash midway builds the index again.
        if (absl::Status s =
                FromRocks(db->Write(rocksdb::WriteOptions(), &batch), "building an index");
            !s.ok()) {
          return s;
        }
        batch.Clear();
        if (progress) progress(index.name, done);
      }
    }
    if (!it->status().ok()) return FromRocks(it->status(), "reading records to build an index");
    batch.Put(impl_->meta(), built, absl::StrCat(done));
    rocksdb::WriteOptions write_options;
    write_options.sync = impl_->options().sync;
    if (absl::Status s = FromRocks(db->Write(write_options, &batch), "building an index");
        !s.ok()) {
      return s;
    }
    if (progress && done % kBatchRecords != 0) progress(index.name, done);
  }
  return absl::OkStatus();
}

absl::Status Store::CheckIndexes(const TableSchema& table) const {
  rocksdb::DB* db = impl_->db();
  ScopedSnapshot snapshot(db);
  const std::string records = table.RecordPrefix();
  for (const TableSchema::Index& index : table.indexes()) {
    const std::string entries = table.IndexPrefix(index.name);
    // Every entry the records call for, as (index key, primary key).
    std::vector<std::pair<std::string, std::string>> expected;
    {
      const std::string upper = PrefixSuccessor(records);
      rocksdb::Slice upper_slice(upper);
      rocksdb::ReadOptions read_options;
      read_options.snapshot = snapshot.get();
      read_options.iterate_upper_bound = &upper_slice;
      std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(read_options, impl_->records()));
      std::unique_ptr<google::protobuf::Message> record(table.prototype().New());
      for (it->Seek(records); it->Valid(); it->Next()) {
        absl::StatusOr<RawRecord> raw = DecodeValue(it->value().ToString());
        if (!raw.ok()) return raw.status();
        if (!record->ParseFromString(raw->payload)) {
          return absl::DataLossError(absl::StrCat("a stored ", table.info().noun,
                                                  " could not be parsed; restore from a backup"));
        }
        std::string primary_key = it->key().ToString().substr(records.size());
        for (const std::string& term : index.terms(*record)) {
          expected.emplace_back(entries + term + primary_key, primary_key);
        }
      }
      if (!it->status().ok()) return FromRocks(it->status(), "reading records to check indexes");
    }
    std::sort(expected.begin(), expected.end());
    expected.erase(std::unique(expected.begin(), expected.end()), expected.end());
    const std::string upper = PrefixSuccessor(entries);
    rocksdb::Slice upper_slice(upper);
    rocksdb::ReadOptions read_options;
    read_options.snapshot = snapshot.get();
    read_options.iterate_upper_bound = &upper_slice;
    std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(read_options, impl_->indexes()));
    const std::string where = absl::StrCat("index ", index.name, " of ", table.info().name);
    size_t next = 0;
    for (it->Seek(entries); it->Valid(); it->Next(), ++next) {
      const absl::string_view key(it->key().data(), it->key().size());
      if (next == expected.size() || key != expected[next].first) {
        // The first entry in key order that differs: either the index has
        // one no record calls for, or it lacks the one expected here.
        if (next < expected.size() && expected[next].first < key) break;
        return absl::DataLossError(absl::StrCat(where, " has an entry for ", table.info().noun,
                                                " key \"", absl::CEscape(it->value().ToString()),
                                                "\" that no stored record calls for"));
      }
      if (it->value() != expected[next].second) {
        return absl::DataLossError(absl::StrCat(where, " points at the wrong ", table.info().noun,
                                                " for \"", absl::CEscape(expected[next].second),
                                                "\""));
      }
    }
    if (!it->status().ok()) return FromRocks(it->status(), "reading an index to check it");
    if (next < expected.size()) {
      return absl::DataLossError(absl::StrCat(where, " lacks the entry of ", table.info().noun,
                                              " key \"", absl::CEscape(expected[next].second),
                                              "\""));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<std::optional<std::string>> Store::GetMeta(absl::string_view key) const {
  std::string value;
  rocksdb::Status s = impl_->db()->Get(rocksdb::ReadOptions(), impl_->meta(),
                                       absl::StrCat(kMetaPrefix, key), &value);
  if (s.IsNotFound()) return std::optional<std::string>();
  if (!s.ok()) return FromRocks(s, "reading metadata");
  return std::optional<std::string>(std::move(value));
}

JournalHead Store::journal_head() const { return impl_->head(); }

merkle::NodeSource Store::journal_nodes() const {
  const Impl* impl = impl_.get();
  return [impl](int level, uint64_t index) { return impl->ReadNode(level, index); };
}

absl::Status Store::ReadJournal(uint64_t start, uint64_t end, const EntryVisitor& visit) const {
  const std::string lower = EntryKey(start);
  const std::string upper = EntryKey(end);
  rocksdb::Slice upper_slice(upper);
  rocksdb::ReadOptions read_options;
  read_options.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rocksdb::Iterator> it(impl_->db()->NewIterator(read_options, impl_->audit()));
  uint64_t expected = start;
  for (it->Seek(lower); it->Valid(); it->Next()) {
    KeyReader reader(absl::string_view(it->key().data() + 1, it->key().size() - 1));
    uint64_t index = 0;
    if (!reader.Uint64(&index) || index != expected) {
      return absl::DataLossError(absl::StrCat("audit journal entry ", expected,
                                              " is missing; the journal has been damaged or "
                                              "tampered with"));
    }
    if (absl::Status s = visit(index, absl::string_view(it->value().data(), it->value().size()));
        !s.ok()) {
      return s;
    }
    ++expected;
  }
  if (!it->status().ok()) return FromRocks(it->status(), "reading the audit journal");
  if (expected != end) {
    return absl::DataLossError(absl::StrCat("audit journal entry ", expected,
                                            " is missing; the journal has been damaged or "
                                            "tampered with"));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> Store::ScanRecordDigests(const std::string& page_token, int page_size,
                                                     const DigestVisitor& visit) const {
  const uint64_t fingerprint = QueryFingerprint("*", "", "", false, "digests");
  std::string resume_after;
  if (!page_token.empty()) {
    absl::StatusOr<std::string> last = DecodePageToken(page_token, fingerprint);
    if (!last.ok()) return last.status();
    resume_after = *std::move(last);
  }
  ScopedSnapshot snapshot(impl_->db());
  rocksdb::ReadOptions read_options;
  read_options.snapshot = snapshot.get();
  std::unique_ptr<rocksdb::Iterator> it(impl_->db()->NewIterator(read_options, impl_->records()));
  if (resume_after.empty()) {
    it->SeekToFirst();
  } else {
    it->Seek(resume_after);
    if (it->Valid() && it->key() == resume_after) it->Next();
  }
  int seen = 0;
  for (; it->Valid(); it->Next()) {
    if (seen == page_size) return EncodePageToken(fingerprint, resume_after);
    const absl::string_view key(it->key().data(), it->key().size());
    KeyReader reader(key);
    RecordDigest digest;
    if (!reader.String(&digest.table)) {
      return absl::DataLossError("a stored record key is malformed; restore from a backup");
    }
    digest.primary_key = std::string(reader.rest());
    absl::StatusOr<RawRecord> record = DecodeValue(it->value().ToString());
    if (!record.ok()) return record.status();
    digest.version = record->version;
    digest.sha256 = merkle::Sha256(record->payload);
    if (absl::Status s = visit(digest); !s.ok()) return s;
    resume_after = std::string(key);
    ++seen;
  }
  if (!it->status().ok()) return FromRocks(it->status(), "scanning records");
  return std::string();
}

absl::Status Store::ScanCounters(absl::string_view prefix, absl::string_view start,
                                 absl::string_view end, const CounterVisitor& visit) const {
  const std::string lower = absl::StrCat(prefix, start);
  const std::string upper = end.empty() ? PrefixSuccessor(prefix) : absl::StrCat(prefix, end);
  rocksdb::Slice upper_slice(upper);
  ScopedSnapshot snapshot(impl_->db());
  rocksdb::ReadOptions read_options;
  read_options.snapshot = snapshot.get();
  if (!upper.empty()) read_options.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rocksdb::Iterator> it(impl_->db()->NewIterator(read_options, impl_->counters()));
  for (it->Seek(lower); it->Valid(); it->Next()) {
    const absl::string_view key(it->key().data() + prefix.size(), it->key().size() - prefix.size());
    absl::Status s =
        visit(key, DecodeCounter(absl::string_view(it->value().data(), it->value().size())));
    if (!s.ok()) return s;
  }
  return FromRocks(it->status(), "reading counters");
}

absl::Status Store::ReadOutbox(absl::string_view outbox, uint64_t after, int max,
                               const OutboxVisitor& visit) const {
  const std::string range = KeyWriter().Raw(kQueuedPrefix).String(outbox).Release();
  const std::string upper = PrefixSuccessor(range);
  rocksdb::Slice upper_slice(upper);
  rocksdb::ReadOptions read_options;
  read_options.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rocksdb::Iterator> it(impl_->db()->NewIterator(read_options, impl_->outbox()));
  int visited = 0;
  for (it->Seek(OutboxKey(kQueuedPrefix, outbox, after + 1)); it->Valid() && visited < max;
       it->Next(), ++visited) {
    absl::StatusOr<uint64_t> sequence = OutboxSequence(it->key(), range.size(), outbox);
    if (!sequence.ok()) return sequence.status();
    absl::Status s = visit(*sequence, absl::string_view(it->value().data(), it->value().size()));
    if (!s.ok()) return s;
  }
  return FromRocks(it->status(), "reading an outbox");
}

absl::Status Store::RemoveFromOutbox(absl::string_view outbox, uint64_t sequence) {
  rocksdb::WriteOptions write_options;
  write_options.sync = false;
  return FromRocks(impl_->db()->Delete(write_options, impl_->outbox(),
                                       OutboxKey(kQueuedPrefix, outbox, sequence)),
                   "removing a delivered outbox message");
}

absl::Status Store::SetAside(absl::string_view outbox, uint64_t sequence,
                             absl::string_view reason) {
  const std::string queued = OutboxKey(kQueuedPrefix, outbox, sequence);
  std::string message;
  rocksdb::Status s = impl_->db()->Get(rocksdb::ReadOptions(), impl_->outbox(), queued, &message);
  if (!s.ok()) return FromRocks(s, "reading an outbox message to set it aside");
  rocksdb::WriteBatch batch;
  batch.Delete(impl_->outbox(), queued);
  batch.Put(impl_->outbox(), OutboxKey(kSetAsidePrefix, outbox, sequence),
            KeyWriter().String(reason).Raw(message).Release());
  rocksdb::WriteOptions write_options;
  write_options.sync = impl_->options().sync;
  return FromRocks(impl_->db()->Write(write_options, &batch), "setting an outbox message aside");
}

absl::Status Store::ReadSetAside(absl::string_view outbox, const SetAsideVisitor& visit) const {
  const std::string range = KeyWriter().Raw(kSetAsidePrefix).String(outbox).Release();
  const std::string upper = PrefixSuccessor(range);
  rocksdb::Slice upper_slice(upper);
  rocksdb::ReadOptions read_options;
  read_options.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rocksdb::Iterator> it(impl_->db()->NewIterator(read_options, impl_->outbox()));
  for (it->Seek(range); it->Valid(); it->Next()) {
    absl::StatusOr<uint64_t> sequence = OutboxSequence(it->key(), range.size(), outbox);
    if (!sequence.ok()) return sequence.status();
    KeyReader value(absl::string_view(it->value().data(), it->value().size()));
    std::string reason;
    if (!value.String(&reason)) {
      return absl::DataLossError(absl::StrCat("outbox ", outbox,
                                              " has a malformed set-aside message; restore "
                                              "from a backup"));
    }
    absl::Status s = visit(*sequence, value.rest(), reason);
    if (!s.ok()) return s;
  }
  return FromRocks(it->status(), "reading set-aside outbox messages");
}

uint64_t Store::WaitForJournal(uint64_t size, absl::Time deadline) const {
  return impl_->WaitForJournal(size, deadline);
}

void Store::StopWaiting() { impl_->StopWaiting(); }

uint64_t Store::WaitForOutbox(uint64_t seen, absl::Time deadline) const {
  return impl_->WaitForOutbox(seen, deadline);
}

}  // namespace corridor::storage
