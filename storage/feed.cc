#include "storage/feed.h"

#include "absl/strings/str_cat.h"
#include "storage/key_codec.h"

namespace corridor::storage {

absl::Status Feed::Recover() {
  ScanOptions last;
  last.reverse = true;
  last.page_size = 1;
  std::string key;
  absl::StatusOr<std::string> unused_token =
      store_->Scan(table_, last, [&](const RawRecord& record) -> absl::StatusOr<bool> {
        key = record.primary_key;
        return true;
      });
  if (!unused_token.ok()) return unused_token.status();
  if (key.empty()) return absl::OkStatus();
  uint64_t position = 0;
  KeyReader reader(key);
  if (!reader.Uint64(&position) || !reader.done()) {
    return absl::DataLossError(absl::StrCat(
        "the last key of ", table_.info().name,
        " is not a position; the database may be damaged: restore it from a backup"));
  }
  std::lock_guard<std::mutex> lock(mu_);
  last_position_ = position;
  return absl::OkStatus();
}

absl::StatusOr<uint64_t> Feed::Append(const Builder& build) {
  std::lock_guard<std::mutex> append_lock(append_mu_);
  const uint64_t position = last_position() + 1;
  Mutation mutation;
  if (absl::Status s = build(position, &mutation); !s.ok()) return s;
  absl::StatusOr<CommitResult> committed = store_->Commit(mutation);
  if (!committed.ok()) return committed.status();
  {
    std::lock_guard<std::mutex> lock(mu_);
    last_position_ = position;
  }
  advanced_.notify_all();
  return position;
}

uint64_t Feed::last_position() const {
  std::lock_guard<std::mutex> lock(mu_);
  return last_position_;
}

uint64_t Feed::WaitAfter(uint64_t after, absl::Time deadline) const {
  std::unique_lock<std::mutex> lock(mu_);
  advanced_.wait_until(lock, absl::ToChronoTime(deadline),
                       [&] { return closed_ || last_position_ > after; });
  return last_position_;
}

void Feed::Close() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    closed_ = true;
  }
  advanced_.notify_all();
}

bool Feed::closed() const {
  std::lock_guard<std::mutex> lock(mu_);
  return closed_;
}

ScanOptions Feed::After(uint64_t position, int page_size) {
  ScanOptions options;
  options.start = KeyWriter().Uint64(position + 1).Release();
  options.page_size = page_size;
  return options;
}

}  // namespace corridor::storage
