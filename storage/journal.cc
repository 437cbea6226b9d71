// The ordered write queue every commit goes through, and the audit journal
// it appends to: entries, the Merkle tree's nodes, reading them back.
#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "google/protobuf/util/time_util.h"
#include "storage/key_codec.h"
#include "storage/store_impl.h"

namespace corridor::storage {
namespace {

constexpr char kEntryPrefix[] = "e";
constexpr char kNodePrefix[] = "n";
// Leaf hash -> entry index, for finding where a write landed from the leaf
// hash its author was given.
constexpr char kLeafPrefix[] = "l";
// Meta key set once every leaf of a journal begun before the leaf index
// existed is indexed.
constexpr char kLeafIndexBuilt[] = "journal-leaf-index-built";
constexpr uint64_t kLeafIndexBatch = 10000;
// At most this many commits share one journal write.
constexpr size_t kMaxGroup = 256;

std::string EntryKey(uint64_t index) {
  return KeyWriter().Raw(kEntryPrefix).Uint64(index).Release();
}

std::string NodeKey(int level, uint64_t index) {
  return KeyWriter().Raw(kNodePrefix).Uint32(static_cast<uint32_t>(level)).Uint64(index).Release();
}

std::string LeafKey(const merkle::Hash& leaf_hash) {
  return absl::StrCat(kLeafPrefix, merkle::ToBytes(leaf_hash));
}

// The index an entry key holds after its prefix; false if malformed.
bool EntryIndex(absl::string_view key, uint64_t* index) {
  return KeyReader(key.substr(1)).Uint64(index);
}

absl::Status MissingEntry(uint64_t index) {
  return absl::DataLossError(absl::StrCat("audit journal entry ", index,
                                          " is missing; the journal has been damaged or "
                                          "tampered with"));
}

// The operations of write batches, gathered to be written as one batch in
// key order. RocksDB inserts a batch into its memtables (skip lists) one
// operation at a time, on the writing thread; an insert next to the one
// before it reuses most of that one's search, so a group written in key
// order costs far fewer key comparisons than the same operations in the
// order the commits made them (about 16 keys per denial, scattered over
// the key space). Slices point into the gathered batches, which must
// outlive this object.
class SortedOperations : public rocksdb::WriteBatch::Handler {
 public:
  rocksdb::Status PutCF(uint32_t id, const rocksdb::Slice& key,
                        const rocksdb::Slice& value) override {
    ops_.push_back({id, Kind::kPut, key, value});
    return rocksdb::Status::OK();
  }
  rocksdb::Status DeleteCF(uint32_t id, const rocksdb::Slice& key) override {
    ops_.push_back({id, Kind::kDelete, key, rocksdb::Slice()});
    return rocksdb::Status::OK();
  }
  rocksdb::Status MergeCF(uint32_t id, const rocksdb::Slice& key,
                          const rocksdb::Slice& value) override {
    ops_.push_back({id, Kind::kMerge, key, value});
    return rocksdb::Status::OK();
  }

  // The gathered operations in (column family, key) order, into `out`.
  // Operations on one key keep their order (a stable sort), so the batch
  // means what the commits meant.
  void WriteTo(rocksdb::WriteBatch* out, const std::vector<rocksdb::ColumnFamilyHandle*>& handles) {
    std::stable_sort(ops_.begin(), ops_.end(), [](const Op& a, const Op& b) {
      return a.family != b.family ? a.family < b.family : a.key.compare(b.key) < 0;
    });
    for (const Op& op : ops_) {
      rocksdb::ColumnFamilyHandle* handle = Handle(handles, op.family);
      switch (op.kind) {
        case Kind::kPut:
          out->Put(handle, op.key, op.value);
          break;
        case Kind::kDelete:
          out->Delete(handle, op.key);
          break;
        case Kind::kMerge:
          out->Merge(handle, op.key, op.value);
          break;
      }
    }
  }

 private:
  enum class Kind { kPut, kDelete, kMerge };
  struct Op {
    uint32_t family;
    Kind kind;
    rocksdb::Slice key;
    rocksdb::Slice value;
  };
  static rocksdb::ColumnFamilyHandle* Handle(
      const std::vector<rocksdb::ColumnFamilyHandle*>& handles, uint32_t id) {
    for (rocksdb::ColumnFamilyHandle* handle : handles) {
      if (handle->GetID() == id) return handle;
    }
    return handles[0];  // not reached: batches only use the store's families
  }
  std::vector<Op> ops_;
};

}  // namespace

v1::JournalEntry JournalEntryFor(const Mutation& mutation, const std::vector<uint64_t>& versions) {
  v1::JournalEntry entry;
  *entry.mutable_principal() = mutation.origin().principal;
  entry.set_rpc(mutation.origin().rpc);
  for (size_t i = 0; i < mutation.records().size(); ++i) {
    const Mutation::RecordWrite& write = mutation.records()[i];
    v1::JournalChange* change = entry.add_changes();
    change->set_table(write.table->info().name);
    change->set_key(write.primary_key);
    change->set_description(write.description);
    change->set_version(versions[i]);
    change->set_record_sha256(merkle::ToBytes(merkle::Sha256(write.payload)));
  }
  for (const auto& [key, value] : mutation.meta()) {
    v1::JournalChange* change = entry.add_changes();
    change->set_table("_meta");
    change->set_key(key);
    change->set_description(key);
    change->set_record_sha256(merkle::ToBytes(merkle::Sha256(value)));
  }
  return entry;
}

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
  RangeIterator it = RangeIterator::OverPrefix(db_, audit(), kEntryPrefix);
  it.SeekToLast();
  uint64_t size = 0;
  if (it.Valid()) {
    uint64_t last = 0;
    if (!EntryIndex(it.key(), &last)) {
      return absl::DataLossError(
          "the audit journal's last key is malformed; restore from a backup");
    }
    size = last + 1;
  }
  CORRIDOR_RETURN_IF_ERROR(it.status("reading the audit journal"));
  CORRIDOR_ASSIGN_OR_RETURN(
      frontier_, merkle::Frontier::Load(
                     [this](int level, uint64_t index) { return ReadNode(level, index); }, size));
  absl::MutexLock lock(&head_mu_);
  head_.size = size;
  head_.root = frontier_.Root();
  return absl::OkStatus();
}

absl::Status Store::Impl::BuildLeafIndex() {
  std::string built;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), meta(), kLeafIndexBuilt, &built);
  if (s.ok()) return absl::OkStatus();
  if (!s.IsNotFound()) return FromRocks(s, "reading the journal's metadata");
  const uint64_t size = head().size;
  for (uint64_t start = 0; start < size; start += kLeafIndexBatch) {
    rocksdb::WriteBatch batch;
    const uint64_t end = std::min(size, start + kLeafIndexBatch);
    for (uint64_t index = start; index < end; ++index) {
      CORRIDOR_ASSIGN_OR_RETURN(const merkle::Hash leaf, ReadNode(0, index));
      batch.Put(audit(), LeafKey(leaf), KeyWriter().Uint64(index).Release());
    }
    if (end == size) batch.Put(meta(), kLeafIndexBuilt, "1");
    CORRIDOR_RETURN_IF_ERROR(
        FromRocks(db_->Write(rocksdb::WriteOptions(), &batch), "indexing the journal's leaves"));
  }
  if (size == 0) {
    CORRIDOR_RETURN_IF_ERROR(
        FromRocks(db_->Put(rocksdb::WriteOptions(), meta(), kLeafIndexBuilt, "1"),
                  "indexing the journal's leaves"));
  }
  return absl::OkStatus();
}

absl::StatusOr<uint64_t> Store::FindJournalLeaf(const merkle::Hash& leaf_hash) const {
  std::string value;
  rocksdb::Status s =
      impl_->db()->Get(rocksdb::ReadOptions(), impl_->audit(), LeafKey(leaf_hash), &value);
  if (s.IsNotFound()) {
    return absl::NotFoundError(absl::StrCat(
        "leaf_hash: no entry of this journal has the leaf hash ", merkle::ToHex(leaf_hash)));
  }
  CORRIDOR_RETURN_IF_ERROR(FromRocks(s, "reading the audit journal"));
  uint64_t index = 0;
  if (!KeyReader(value).Uint64(&index)) {
    return absl::DataLossError("the journal's leaf index is damaged; restore from a backup");
  }
  return index;
}

absl::Status Store::Impl::WriteOrdered(rocksdb::WriteBatch* batch,
                                       std::vector<v1::JournalEntry>* entries,
                                       std::vector<merkle::Hash>* leaf_hashes,
                                       const OutboxMessages* outbox,
                                       const std::vector<std::string>* verbatim) {
  Writer self;
  self.batch = batch;
  self.entries = entries;
  self.leaf_hashes = leaf_hashes;
  self.outbox = outbox;
  self.verbatim = verbatim;
  std::vector<Writer*> group;
  {
    absl::MutexLock lock(&queue_mu_);
    if (!AwaitTurn(&self)) return self.status;
    group = BuildGroup();
  }
  // This commit leads: it writes itself and the commits queued behind it,
  // holding no lock, so that more can queue meanwhile.
  absl::StatusOr<GroupWrite> write = Combine(group);
  absl::Status status = write.status();
  if (status.ok()) {
    rocksdb::WriteOptions write_options;
    write_options.sync = options_.sync;
    status = FromRocks(db_->Write(write_options, &write->batch), "committing a write");
  }
  if (status.ok()) Publish(*std::move(write));
  absl::MutexLock lock(&queue_mu_);
  FinishGroup(group, &self, status);
  return status;
}

bool Store::Impl::AwaitTurn(Writer* self) {
  queue_.push_back(self);
  while (!self->done && queue_.front() != self) self->wake.Wait(&queue_mu_);
  return !self->done;
}

std::vector<Store::Impl::Writer*> Store::Impl::BuildGroup() {
  std::vector<Writer*> group;
  for (Writer* w : queue_) {
    group.push_back(w);
    if (group.size() == kMaxGroup) break;
  }
  return group;
}

absl::StatusOr<Store::Impl::GroupWrite> Store::Impl::Combine(const std::vector<Writer*>& group) {
  GroupWrite write;
  write.frontier = frontier_;
  const google::protobuf::Timestamp now = google::protobuf::util::TimeUtil::GetCurrentTime();
  SortedOperations sorted;
  for (Writer* w : group) {
    if (w->entries != nullptr) {
      for (v1::JournalEntry& entry : *w->entries) {
        w->leaf_hashes->push_back(AppendEntry(&entry, now, &write));
      }
    }
    if (w->verbatim != nullptr) {
      for (const std::string& bytes : *w->verbatim) {
        CORRIDOR_RETURN_IF_ERROR(AppendVerbatim(bytes, &write));
      }
    }
    CORRIDOR_RETURN_IF_ERROR(StageOutbox(*w->outbox, &write));
    CORRIDOR_RETURN_IF_ERROR(FromRocks(w->batch->Iterate(&sorted), "preparing a write"));
  }
  for (const auto& [name, last] : write.outbox_last) {
    write.batch.Put(meta(), OutboxLastKey(name), KeyWriter().Uint64(last).Release());
  }
  // The journal's and the outbox's own operations, gathered last: they are
  // in write.batch, which the sorted batch then replaces.
  CORRIDOR_RETURN_IF_ERROR(FromRocks(write.batch.Iterate(&sorted), "preparing a write"));
  rocksdb::WriteBatch batch;
  sorted.WriteTo(&batch, handles_);
  write.batch = std::move(batch);
  return write;
}

merkle::Hash Store::Impl::AppendEntry(v1::JournalEntry* entry,
                                      const google::protobuf::Timestamp& now,
                                      GroupWrite* write) const {
  entry->set_index(write->frontier.size());
  *entry->mutable_time() = now;
  return PutLeaf(entry->index(), SerializeDeterministic(*entry), write);
}

absl::Status Store::Impl::AppendVerbatim(const std::string& bytes, GroupWrite* write) const {
  v1::JournalEntry entry;
  if (!entry.ParseFromString(bytes)) {
    return absl::InvalidArgumentError("a replicated journal entry could not be parsed");
  }
  if (entry.index() != write->frontier.size()) {
    return absl::FailedPreconditionError(absl::StrCat("replicated journal entry ", entry.index(),
                                                      " does not follow this journal, which holds ",
                                                      write->frontier.size(), " entries"));
  }
  PutLeaf(entry.index(), bytes, write);
  return absl::OkStatus();
}

merkle::Hash Store::Impl::PutLeaf(uint64_t index, const std::string& bytes,
                                  GroupWrite* write) const {
  write->batch.Put(audit(), EntryKey(index), bytes);
  const merkle::Hash leaf = merkle::LeafHash(bytes);
  write->batch.Put(audit(), LeafKey(leaf), KeyWriter().Uint64(index).Release());
  for (const merkle::Frontier::Node& node : write->frontier.Append(leaf)) {
    write->batch.Put(audit(), NodeKey(node.level, node.index), merkle::ToBytes(node.hash));
  }
  return leaf;
}

void Store::Impl::Publish(GroupWrite write) {
  frontier_ = std::move(write.frontier);
  for (const auto& [name, last] : write.outbox_last) outbox_last_[name] = last;
  {
    absl::MutexLock lock(&head_mu_);
    head_.size = frontier_.size();
    head_.root = frontier_.Root();
  }
  if (write.enqueued) NoteOutboxCommit();
}

void Store::Impl::FinishGroup(const std::vector<Writer*>& group, const Writer* self,
                              const absl::Status& status) {
  for (Writer* w : group) {
    queue_.pop_front();
    if (w == self) continue;
    w->status = status;
    w->done = true;
    w->wake.Signal();
  }
  if (!queue_.empty()) queue_.front()->wake.Signal();
}

JournalHead Store::Impl::head() const {
  absl::MutexLock lock(&head_mu_);
  return head_;
}

uint64_t Store::Impl::WaitForJournal(uint64_t size, absl::Time deadline) const {
  absl::MutexLock lock(&head_mu_);
  auto grown = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(head_mu_) {
    return head_.size > size || stop_waiting_;
  };
  head_mu_.AwaitWithDeadline(absl::Condition(&grown), deadline);
  return head_.size;
}

void Store::Impl::StopWaiting() {
  absl::MutexLock lock(&head_mu_);
  stop_waiting_ = true;
}

JournalHead Store::journal_head() const { return impl_->head(); }

uint64_t Store::WaitForJournal(uint64_t size, absl::Time deadline) const {
  return impl_->WaitForJournal(size, deadline);
}

void Store::StopWaiting() { impl_->StopWaiting(); }

merkle::NodeSource Store::journal_nodes() const {
  const Impl* impl = impl_.get();
  return [impl](int level, uint64_t index) { return impl->ReadNode(level, index); };
}

absl::Status Store::ReadJournal(uint64_t start, uint64_t end, const EntryVisitor& visit) const {
  RangeIterator it(impl_->db(), impl_->audit(), EntryKey(start), EntryKey(end));
  uint64_t expected = start;
  for (it.SeekToFirst(); it.Valid(); it.Next(), ++expected) {
    uint64_t index = 0;
    if (!EntryIndex(it.key(), &index) || index != expected) return MissingEntry(expected);
    CORRIDOR_RETURN_IF_ERROR(visit(index, it.value()));
  }
  CORRIDOR_RETURN_IF_ERROR(it.status("reading the audit journal"));
  if (expected != end) return MissingEntry(expected);
  return absl::OkStatus();
}

}  // namespace corridor::storage
