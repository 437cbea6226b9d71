// Outboxes: numbering messages as the journal's leader writes them, and
// reading, removing and setting them aside for the relays.
#include <algorithm>
#include <string>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "storage/key_codec.h"
#include "storage/store_impl.h"

namespace corridor::storage {
namespace {

std::string OutboxKey(absl::string_view prefix, absl::string_view outbox, uint64_t sequence) {
  return KeyWriter().Raw(prefix).String(outbox).Uint64(sequence).Release();
}

// Every key of one outbox's queued (or set-aside) range starts with this.
std::string OutboxRange(absl::string_view prefix, absl::string_view outbox) {
  return KeyWriter().Raw(prefix).String(outbox).Release();
}

// The sequence number at the end of an outbox key whose first
// `range_size` bytes are the outbox's range prefix.
absl::StatusOr<uint64_t> OutboxSequence(absl::string_view key, size_t range_size,
                                        absl::string_view outbox) {
  KeyReader reader(key.substr(range_size));
  uint64_t sequence = 0;
  if (!reader.Uint64(&sequence)) {
    return absl::DataLossError(
        absl::StrCat("outbox ", outbox, " has a malformed key; restore from a backup"));
  }
  return sequence;
}

}  // namespace

std::string OutboxLastKey(absl::string_view outbox) {
  return absl::StrCat(kMetaPrefix, "outbox-last/", outbox);
}

absl::Status Store::Impl::StageOutbox(const OutboxMessages& messages, GroupWrite* write) {
  for (const auto& [name, message] : messages) {
    auto last = write->outbox_last.find(name);
    if (last == write->outbox_last.end()) {
      CORRIDOR_ASSIGN_OR_RETURN(const uint64_t stored, LastOutboxSequence(name));
      last = write->outbox_last.emplace(name, stored).first;
    }
    write->batch.Put(outbox(), OutboxKey(kQueuedPrefix, name, ++last->second), message);
    write->enqueued = true;
  }
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
      return absl::DataLossError(absl::StrCat(
          "outbox ", outbox, " has a malformed sequence counter; restore from a backup"));
    }
  } else if (!read.IsNotFound()) {
    return FromRocks(read, "reading an outbox's sequence counter");
  }
  // Set-aside messages keep their numbers, so both ranges count.
  for (const char* prefix : {kQueuedPrefix, kSetAsidePrefix}) {
    const std::string range = OutboxRange(prefix, outbox);
    RangeIterator it = RangeIterator::OverPrefix(db_, this->outbox(), range);
    it.SeekToLast();
    if (it.Valid()) {
      CORRIDOR_ASSIGN_OR_RETURN(const uint64_t sequence,
                                OutboxSequence(it.key(), range.size(), outbox));
      last = std::max(last, sequence);
    }
    CORRIDOR_RETURN_IF_ERROR(it.status("reading an outbox"));
  }
  outbox_last_[outbox] = last;
  return last;
}

void Store::Impl::NoteOutboxCommit() {
  absl::MutexLock lock(&outbox_mu_);
  ++outbox_commits_;
}

uint64_t Store::Impl::WaitForOutbox(uint64_t seen, absl::Time deadline) const {
  absl::MutexLock lock(&outbox_mu_);
  auto written = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(outbox_mu_) { return outbox_commits_ > seen; };
  outbox_mu_.AwaitWithDeadline(absl::Condition(&written), deadline);
  return outbox_commits_;
}

uint64_t Store::WaitForOutbox(uint64_t seen, absl::Time deadline) const {
  return impl_->WaitForOutbox(seen, deadline);
}

absl::Status Store::ReadOutbox(absl::string_view outbox, uint64_t after, int max,
                               const OutboxVisitor& visit) const {
  const std::string range = OutboxRange(kQueuedPrefix, outbox);
  RangeIterator it = RangeIterator::OverPrefix(impl_->db(), impl_->outbox(), range);
  int visited = 0;
  for (it.Seek(OutboxKey(kQueuedPrefix, outbox, after + 1)); it.Valid() && visited < max;
       it.Next(), ++visited) {
    CORRIDOR_ASSIGN_OR_RETURN(const uint64_t sequence,
                              OutboxSequence(it.key(), range.size(), outbox));
    CORRIDOR_RETURN_IF_ERROR(visit(sequence, it.value()));
  }
  return it.status("reading an outbox");
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
  CORRIDOR_RETURN_IF_ERROR(
      FromRocks(impl_->db()->Get(rocksdb::ReadOptions(), impl_->outbox(), queued, &message),
                "reading an outbox message to set it aside"));
  rocksdb::WriteBatch batch;
  batch.Delete(impl_->outbox(), queued);
  batch.Put(impl_->outbox(), OutboxKey(kSetAsidePrefix, outbox, sequence),
            KeyWriter().String(reason).Raw(message).Release());
  rocksdb::WriteOptions write_options;
  write_options.sync = impl_->options().sync;
  return FromRocks(impl_->db()->Write(write_options, &batch), "setting an outbox message aside");
}

absl::Status Store::ReadSetAside(absl::string_view outbox, const SetAsideVisitor& visit) const {
  const std::string range = OutboxRange(kSetAsidePrefix, outbox);
  RangeIterator it = RangeIterator::OverPrefix(impl_->db(), impl_->outbox(), range);
  for (it.SeekToFirst(); it.Valid(); it.Next()) {
    CORRIDOR_ASSIGN_OR_RETURN(const uint64_t sequence,
                              OutboxSequence(it.key(), range.size(), outbox));
    KeyReader value(it.value());
    std::string reason;
    if (!value.String(&reason)) {
      return absl::DataLossError(absl::StrCat("outbox ", outbox,
                                              " has a malformed set-aside message; restore "
                                              "from a backup"));
    }
    CORRIDOR_RETURN_IF_ERROR(visit(sequence, value.rest(), reason));
  }
  return it.status("reading set-aside outbox messages");
}

}  // namespace corridor::storage
