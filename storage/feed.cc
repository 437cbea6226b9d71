#include "storage/feed.h"

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "storage/key_codec.h"

namespace corridor::storage {

absl::Status Feed::Recover() {
  ScanOptions last;
  last.reverse = true;
  last.page_size = 1;
  std::string key;
  CORRIDOR_RETURN_IF_ERROR(store_
                               ->Scan(table_, last,
                                      [&](const RawRecord& record) -> absl::StatusOr<bool> {
                                        key = record.primary_key;
                                        return true;
                                      })
                               .status());
  if (key.empty()) return absl::OkStatus();
  uint64_t position = 0;
  KeyReader reader(key);
  if (!reader.Uint64(&position) || !reader.done()) {
    return absl::DataLossError(
        absl::StrCat("the last key of ", table_.info().name,
                     " is not a position; the database may be damaged: restore it from a backup"));
  }
  absl::MutexLock lock(&mu_);
  last_position_ = position;
  return absl::OkStatus();
}

absl::StatusOr<uint64_t> Feed::Append(const Builder& build) {
  absl::MutexLock append_lock(&append_mu_);
  const uint64_t position = last_position() + 1;
  Mutation mutation;
  CORRIDOR_RETURN_IF_ERROR(build(position, &mutation));
  CORRIDOR_RETURN_IF_ERROR(store_->Commit(mutation).status());
  std::shared_ptr<const std::string> payload;
  for (const Mutation::RecordWrite& write : mutation.records()) {
    if (write.table == &table_) payload = std::make_shared<const std::string>(write.payload);
  }
  absl::MutexLock lock(&mu_);
  last_position_ = position;
  if (payload != nullptr) {
    tail_.emplace_back(position, std::move(payload));
    if (tail_.size() > kTailSize) tail_.pop_front();
  } else {
    tail_.clear();  // the builder wrote no feed record: keep the tail contiguous
  }
  return position;
}

uint64_t Feed::last_position() const {
  absl::MutexLock lock(&mu_);
  return last_position_;
}

uint64_t Feed::WaitAfter(uint64_t after, absl::Time deadline) const {
  absl::MutexLock lock(&mu_);
  auto advanced = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return closed_ || last_position_ > after;
  };
  mu_.AwaitWithDeadline(absl::Condition(&advanced), deadline);
  return last_position_;
}

void Feed::Close() {
  absl::MutexLock lock(&mu_);
  closed_ = true;
}

std::optional<std::vector<Feed::Tail::value_type>> Feed::RecentAfter(uint64_t position) const {
  absl::MutexLock lock(&mu_);
  if (tail_.empty() || tail_.front().first > position + 1) return std::nullopt;
  const uint64_t skip = position + 1 - tail_.front().first;
  if (skip >= tail_.size()) return std::vector<Tail::value_type>();  // nothing after it yet
  return std::vector<Tail::value_type>(tail_.begin() + static_cast<std::ptrdiff_t>(skip),
                                       tail_.end());
}

absl::StatusOr<uint64_t> Feed::ReadAfter(uint64_t position, int max, const Visitor& visit) const {
  uint64_t last = position;
  const std::optional<std::vector<Tail::value_type>> recent = RecentAfter(position);
  if (recent.has_value() || position >= last_position()) {
    int kept_count = 0;
    for (const auto& [at, payload] : recent.value_or(std::vector<Tail::value_type>())) {
      bool kept = false;
      CORRIDOR_RETURN_IF_ERROR(visit(at, *payload, &kept));
      last = at;
      if (kept && ++kept_count == max) break;
    }
    return last;
  }
  // Older than what memory holds: read the database.
  CORRIDOR_RETURN_IF_ERROR(
      store_
          ->Scan(table_, After(position, max),
                 [&](const RawRecord& record) -> absl::StatusOr<bool> {
                   KeyReader key(record.primary_key);
                   uint64_t at = 0;
                   if (!key.Uint64(&at)) {
                     return absl::DataLossError(
                         absl::StrCat("a key of ", table_.info().name,
                                      " is not a position; restore the database from a backup"));
                   }
                   bool kept = false;
                   CORRIDOR_RETURN_IF_ERROR(visit(at, record.payload, &kept));
                   last = at;
                   return kept;
                 })
          .status());
  return last;
}

bool Feed::closed() const {
  absl::MutexLock lock(&mu_);
  return closed_;
}

ScanOptions Feed::After(uint64_t position, int page_size) {
  ScanOptions options;
  options.start = KeyWriter().Uint64(position + 1).Release();
  options.page_size = page_size;
  return options;
}

}  // namespace corridor::storage
