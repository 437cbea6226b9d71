// Opening the database, the one commit path, point reads and scans.
#include "storage/store.h"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <functional>
#include <map>
#include <vector>

#include "absl/hash/hash.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "rocksdb/filter_policy.h"
#include "rocksdb/options.h"
#include "rocksdb/table.h"
#include "rocksdb/utilities/checkpoint.h"
#include "storage/key_codec.h"
#include "storage/page_token.h"
#include "storage/store_impl.h"

namespace corridor::storage {
namespace {

// The column families, in the order Store::Impl's accessors expect.
std::vector<rocksdb::ColumnFamilyDescriptor> ColumnFamilies() {
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
  counter_options.merge_operator = NewInt64AddOperator();
  // Merge operands are folded by flushes and compactions, and by reads.
  // Folding them on write as well (max_successive_merges = 32) cost a
  // quarter of the denials service's write throughput and did not make a
  // read straight after a bulk load faster (14 ms either way).
  counter_options.max_successive_merges = 0;
  // Every insert first looks its key up, expecting it absent (a new denial,
  // convoy, revision): a bloom filter over the memtable's keys answers
  // most of those lookups without a walk of its skip list.
  rocksdb::ColumnFamilyOptions record_options = cf_options;
  record_options.memtable_prefix_bloom_size_ratio = 0.02;
  record_options.memtable_whole_key_filtering = true;
  return {
      {rocksdb::kDefaultColumnFamilyName, cf_options},
      {kRecordsCf, record_options},
      {kIndexesCf, cf_options},
      {kAuditCf, cf_options},
      {kCountersCf, counter_options},
      {kOutboxCf, cf_options},
  };
}

absl::Status CheckStoredVersion(const Mutation::RecordWrite& write, const RawRecord& current) {
  if (current.version == write.expected_version) return absl::OkStatus();
  const TableInfo& info = write.table->info();
  return absl::AbortedError(absl::StrCat(
      "version: ", info.noun, " \"", write.description, "\" is at version ", current.version,
      " but the change was made against version ", write.expected_version,
      "; someone changed it meanwhile: read it again and reapply"));
}

// The index terms of a stored record, per index of `table`.
absl::StatusOr<std::vector<std::vector<std::string>>> StoredTerms(const TableSchema& table,
                                                                  const RawRecord& stored,
                                                                  absl::string_view description) {
  std::unique_ptr<google::protobuf::Message> record(table.prototype().New());
  if (!record->ParseFromString(stored.payload)) {
    return absl::DataLossError(absl::StrCat("stored ", table.info().noun, " \"", description,
                                            "\" could not be parsed; restore the database "
                                            "from a backup"));
  }
  std::vector<std::vector<std::string>> terms;
  for (const TableSchema::Index& index : table.indexes()) terms.push_back(index.terms(*record));
  return terms;
}

// Where a scan walks, and the fingerprint its page tokens carry.
struct ScanRange {
  bool by_index = false;
  std::string prefix;  // of every key in the range
  uint64_t fingerprint = 0;
  std::string resume_after;  // the last key of the previous page, if any
};

absl::StatusOr<ScanRange> ResolveScan(const TableSchema& table, const ScanOptions& options) {
  if (options.page_size <= 0) {
    return absl::InvalidArgumentError("page_size: must be positive");
  }
  ScanRange range;
  range.by_index = !options.index.empty();
  if (range.by_index && table.FindIndex(options.index) == nullptr) {
    return absl::InternalError(
        absl::StrCat("table ", table.info().name, " has no index ", options.index));
  }
  range.prefix =
      (range.by_index ? table.IndexPrefix(options.index) : table.RecordPrefix()) + options.prefix;
  range.fingerprint =
      QueryFingerprint(table.info().name, options.index, options.prefix, options.reverse,
                       absl::StrCat(options.query, "|start=", absl::CHexEscape(options.start),
                                    "|end=", absl::CHexEscape(options.end)));
  if (options.page_token.empty()) return range;
  CORRIDOR_ASSIGN_OR_RETURN(range.resume_after,
                            DecodePageToken(options.page_token, range.fingerprint));
  if (!absl::StartsWith(range.resume_after, range.prefix)) {
    return absl::InvalidArgumentError(
        "page.page_token: issued for a different query; pass the "
        "next_page_token of the previous response unchanged");
  }
  return range;
}

// Walks an index from `it`, reading the records its entries point to with
// one MultiGet per batch rather than a Get each: a page over hashed ids
// touches as many blocks as it has records, and MultiGet reads them
// together, from the scan's snapshot. A batch is what the page still
// lacks; when the filters the index does not cover reject some records,
// another batch follows.
absl::StatusOr<std::string> ScanIndexPage(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* records,
                                          const TableSchema& table, const ScanOptions& options,
                                          uint64_t fingerprint, RangeIterator& it,
                                          const std::function<void()>& step,
                                          const Store::Visitor& visit) {
  int kept = 0;
  std::string last_key;
  std::vector<std::string> index_keys;
  std::vector<std::string> record_keys;
  std::vector<std::string> primary_keys;
  while (it.Valid()) {
    if (kept == options.page_size) return EncodePageToken(fingerprint, last_key);
    index_keys.clear();
    record_keys.clear();
    primary_keys.clear();
    for (int n = options.page_size - kept; n > 0 && it.Valid(); --n, step()) {
      index_keys.emplace_back(it.key());
      primary_keys.emplace_back(it.value());
      record_keys.push_back(table.RecordKey(it.value()));
    }
    std::vector<rocksdb::Slice> keys(record_keys.begin(), record_keys.end());
    std::vector<rocksdb::PinnableSlice> values(keys.size());
    std::vector<rocksdb::Status> statuses(keys.size());
    db->MultiGet(it.read_options(), records, keys.size(), keys.data(), values.data(),
                 statuses.data());
    for (size_t i = 0; i < keys.size(); ++i) {
      if (kept == options.page_size) {
        // There is more: the next page starts after the last record kept.
        return EncodePageToken(fingerprint, last_key);
      }
      if (!statuses[i].ok()) {
        return absl::DataLossError(absl::StrCat("index ", options.index, " of ", table.info().name,
                                                " points to a record that cannot be read (",
                                                statuses[i].ToString(),
                                                "); restore the database from a backup"));
      }
      CORRIDOR_ASSIGN_OR_RETURN(RawRecord record, DecodeValue(View(values[i])));
      record.primary_key = std::move(primary_keys[i]);
      CORRIDOR_ASSIGN_OR_RETURN(const bool keep, visit(record));
      if (keep) {
        ++kept;
        last_key = std::move(index_keys[i]);
      }
    }
  }
  CORRIDOR_RETURN_IF_ERROR(it.status("scanning"));
  return std::string();
}

}  // namespace

Store::Impl::Impl(StoreOptions options, rocksdb::DB* db,
                  std::vector<rocksdb::ColumnFamilyHandle*> handles)
    : options_(std::move(options)), db_(db), handles_(std::move(handles)) {}

Store::Impl::~Impl() {
  // Flushed at a clean close, the next start reads tables instead of
  // replaying the whole write-ahead log (seconds for a million commits).
  if (!options_.read_only) (void)db_->Flush(rocksdb::FlushOptions(), handles_);
  for (rocksdb::ColumnFamilyHandle* handle : handles_) {
    db_->DestroyColumnFamilyHandle(handle);
  }
  delete db_;
}

Store::Impl::RecordLocks::RecordLocks(Impl* impl, const std::vector<std::string>& record_keys)
    : impl_(impl), keys_(record_keys) {
  absl::MutexLock lock(&impl_->held_records_mu_);
  auto none_held = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(impl_->held_records_mu_) {
    for (const std::string& key : keys_) {
      if (impl_->held_records_.contains(key)) return false;
    }
    return true;
  };
  impl_->held_records_mu_.Await(absl::Condition(&none_held));
  impl_->held_records_.insert(keys_.begin(), keys_.end());
}

Store::Impl::RecordLocks::~RecordLocks() {
  absl::MutexLock lock(&impl_->held_records_mu_);
  for (const std::string& key : keys_) impl_->held_records_.erase(key);
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
  if (write.replicated_version != 0) return StageReplicated(write, record_key, existing, batch);
  if (write.insert && exists) {
    return absl::AlreadyExistsError(
        absl::StrCat(info.key_field, ": ", info.noun, " \"", write.description,
                     "\" already exists; choose another ", info.key_field,
                     " or update the existing ", info.noun));
  }
  if (!write.insert && !exists) {
    return absl::NotFoundError(
        absl::StrCat(info.key_field, ": no ", info.noun, " \"", write.description, "\""));
  }
  uint64_t new_version = 1;
  std::vector<std::vector<std::string>> old_terms(table.indexes().size());
  if (!write.insert) {
    CORRIDOR_ASSIGN_OR_RETURN(RawRecord current, DecodeValue(existing));
    CORRIDOR_RETURN_IF_ERROR(CheckStoredVersion(write, current));
    CORRIDOR_ASSIGN_OR_RETURN(old_terms, StoredTerms(table, current, write.description));
    new_version = current.version + 1;
  }
  StageIndexChanges(indexes(), table, write.primary_key, old_terms, write.terms, batch);
  batch->Put(records(), record_key, EncodeValue(new_version, write.payload));
  return new_version;
}

absl::StatusOr<uint64_t> Store::Impl::StageReplicated(const Mutation::RecordWrite& write,
                                                      const std::string& record_key,
                                                      const std::string& existing,
                                                      rocksdb::WriteBatch* batch) {
  const TableSchema& table = *write.table;
  std::vector<std::vector<std::string>> old_terms(table.indexes().size());
  if (!existing.empty()) {
    CORRIDOR_ASSIGN_OR_RETURN(RawRecord current, DecodeValue(existing));
    if (current.version >= write.replicated_version) return current.version;
    CORRIDOR_ASSIGN_OR_RETURN(old_terms, StoredTerms(table, current, write.description));
  }
  StageIndexChanges(indexes(), table, write.primary_key, old_terms, write.terms, batch);
  batch->Put(records(), record_key, EncodeValue(write.replicated_version, write.payload));
  return write.replicated_version;
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
  // The write-ahead log is one for all column families, and a log file is
  // kept until every family's memtable holding part of it is flushed. A
  // family written rarely (metadata, outboxes) would keep every log since
  // its last write: 3.4 GB after importing 1,000,000 denials, all replayed
  // at the next start. Past this size, RocksDB flushes the families that
  // hold the oldest log.
  db_options.max_total_wal_size = 64 << 20;
  const rocksdb::DBOptions db_wide(db_options);
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* db = nullptr;
  rocksdb::Status s =
      options.read_only
          ? rocksdb::DB::OpenForReadOnly(db_wide, options.path, ColumnFamilies(), &handles, &db)
          : rocksdb::DB::Open(db_wide, options.path, ColumnFamilies(), &handles, &db);
  CORRIDOR_RETURN_IF_ERROR(FromRocks(s, absl::StrCat("opening database ", options.path)));
  auto impl = std::make_unique<Impl>(options, db, std::move(handles));
  CORRIDOR_RETURN_IF_ERROR(impl->RecoverJournal());
  if (!options.read_only && options.journal) CORRIDOR_RETURN_IF_ERROR(impl->BuildLeafIndex());
  return std::unique_ptr<Store>(new Store(std::move(impl)));
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
  CORRIDOR_ASSIGN_OR_RETURN(RawRecord raw, Get(table, primary_key));
  if (!record->ParseFromString(raw.payload)) {
    return absl::DataLossError(
        absl::StrCat("a stored ", table.info().noun,
                     " could not be parsed; restore the database from a backup"));
  }
  return raw.version;
}

absl::StatusOr<std::optional<std::string>> Store::GetMeta(absl::string_view key) const {
  std::string value;
  rocksdb::Status s = impl_->db()->Get(rocksdb::ReadOptions(), impl_->meta(),
                                       absl::StrCat(kMetaPrefix, key), &value);
  if (s.IsNotFound()) return std::optional<std::string>();
  if (!s.ok()) return FromRocks(s, "reading metadata");
  return std::optional<std::string>(std::move(value));
}

absl::StatusOr<std::optional<std::string>> Store::GetRequestRecord(absl::string_view key) const {
  std::string value;
  rocksdb::Status s =
      impl_->db()->Get(rocksdb::ReadOptions(), impl_->meta(), RequestRecordKey(key), &value);
  if (s.IsNotFound()) return std::optional<std::string>();
  if (!s.ok()) return FromRocks(s, "reading a request record");
  return std::optional<std::string>(std::move(value));
}

absl::Status Store::PutRequestRecord(absl::string_view key, absl::string_view value) {
  if (impl_->options().read_only || impl_->options().replica) {
    return absl::FailedPreconditionError("this store takes no writes of its own");
  }
  rocksdb::WriteOptions write;
  write.sync = impl_->options().sync;
  return FromRocks(impl_->db()->Put(write, impl_->meta(), RequestRecordKey(key),
                                    rocksdb::Slice(value.data(), value.size())),
                   "writing a request record");
}

absl::StatusOr<std::string> Store::Scan(const TableSchema& table, const ScanOptions& options,
                                        const Visitor& visit) const {
  CORRIDOR_ASSIGN_OR_RETURN(const ScanRange range, ResolveScan(table, options));
  ScopedSnapshot snapshot(impl_->db());
  RangeIterator it(impl_->db(), range.by_index ? impl_->indexes() : impl_->records(),
                   range.prefix + options.start,
                   options.end.empty() ? PrefixSuccessor(range.prefix) : range.prefix + options.end,
                   snapshot.get());
  if (!range.resume_after.empty()) {
    it.SeekPast(range.resume_after, options.reverse);
  } else if (options.reverse) {
    it.SeekToLast();
  } else {
    it.SeekToFirst();
  }
  auto step = [&] { options.reverse ? it.Prev() : it.Next(); };
  if (range.by_index) {
    return ScanIndexPage(impl_->db(), impl_->records(), table, options, range.fingerprint, it, step,
                         visit);
  }
  const size_t record_prefix_size = table.RecordPrefix().size();
  int kept = 0;
  std::string last_key;
  for (; it.Valid(); step()) {
    if (kept == options.page_size) {
      // There is more: the next page starts after the last record kept.
      return EncodePageToken(range.fingerprint, last_key);
    }
    CORRIDOR_ASSIGN_OR_RETURN(RawRecord record, DecodeValue(it.value()));
    record.primary_key = std::string(it.key().substr(record_prefix_size));
    CORRIDOR_ASSIGN_OR_RETURN(const bool keep, visit(record));
    if (keep) {
      ++kept;
      last_key = std::string(it.key());
    }
  }
  CORRIDOR_RETURN_IF_ERROR(it.status("scanning"));
  return std::string();
}

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
  CORRIDOR_RETURN_IF_ERROR(FromRocks(s, absl::StrCat("writing a checkpoint to ", folder)));
  StoreOptions copy_options;
  copy_options.path = folder;
  copy_options.read_only = true;
  absl::StatusOr<std::unique_ptr<Store>> copy = Store::Open(copy_options);
  if (!copy.ok()) {
    return absl::DataLossError(
        absl::StrCat("the checkpoint in ", folder, " cannot be opened: ", copy.status().message()));
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
  RangeIterator it(db, impl_->outbox(), "", "");
  for (it.SeekToFirst(); it.Valid(); it.Next()) {
    const char kind = it.key().empty() ? 0 : it.key()[0];
    if (kind == kQueuedPrefix[0]) ++stats.outbox_queued;
    if (kind == kSetAsidePrefix[0]) ++stats.outbox_set_aside;
  }
  CORRIDOR_RETURN_IF_ERROR(it.status("counting outbox messages"));
  return stats;
}

}  // namespace corridor::storage
