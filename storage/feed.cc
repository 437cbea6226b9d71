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
    return absl::DataLossError(
        absl::StrCat("the last key of ", table_.info().name,
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
  std::shared_ptr<const std::string> payload;
  for (const Mutation::RecordWrite& write : mutation.records()) {
    if (write.table == &table_) payload = std::make_shared<const std::string>(write.payload);
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    last_position_ = position;
    if (payload != nullptr) {
      tail_.emplace_back(position, std::move(payload));
      if (tail_.size() > kTailSize) tail_.pop_front();
    } else {
      tail_.clear();  // the builder wrote no feed record: keep the tail contiguous
    }
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

absl::StatusOr<uint64_t> Feed::ReadAfter(uint64_t position, int max, const Visitor& visit) const {
  std::vector<std::pair<uint64_t, std::shared_ptr<const std::string>>> recent;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!tail_.empty() && tail_.front().first <= position + 1) {
      // All of them: `visit` may skip some, and only kept ones count.
      const uint64_t skip = position + 1 - tail_.front().first;
      if (skip >= tail_.size()) return position;  // nothing after it yet
      for (auto it = tail_.begin() + static_cast<std::ptrdiff_t>(skip); it != tail_.end(); ++it) {
        recent.push_back(*it);
      }
      if (recent.empty()) return position;
    }
  }
  uint64_t last = position;
  if (!recent.empty() || position >= last_position()) {
    int kept_count = 0;
    for (const auto& [at, payload] : recent) {
      bool kept = false;
      if (absl::Status s = visit(at, *payload, &kept); !s.ok()) return s;
      last = at;
      if (kept && ++kept_count == max) break;
    }
    return last;
  }
  // Older than what memory holds: read the database.
  absl::StatusOr<std::string> unused_token = store_->Scan(
      table_, After(position, max), [&](const RawRecord& record) -> absl::StatusOr<bool> {
        KeyReader key(record.primary_key);
        uint64_t at = 0;
        if (!key.Uint64(&at)) {
          return absl::DataLossError(absl::StrCat("a key of ", table_.info().name,
                                                  " is not a position; restore the database "
                                                  "from a backup"));
        }
        bool kept = false;
        if (absl::Status s = visit(at, record.payload, &kept); !s.ok()) return s;
        last = at;
        return kept;
      });
  if (!unused_token.ok()) return unused_token.status();
  return last;
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
