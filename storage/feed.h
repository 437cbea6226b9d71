// Feed: a durable, ordered log in one table whose key is a position
// (1, 2, 3, ...), that readers can tail.
//
// Every append gets the next position and commits, in the same write batch,
// whatever else the caller's mutation holds. Positions become visible in
// order, with no gaps, so a reader that has seen position N and asks for
// what follows never misses one: that is what lets a partner reconnect with
// the last position it saw.
//
// Appends are serialized (one fsync each, RocksDB cannot group them); use a
// feed for low-rate records such as road-status reports, not bulk data.
// Readers never take the appenders' lock, and the latest records are kept in
// memory, so a crowd of tailing readers costs appenders no I/O and no
// waiting, only the CPU it takes to hand each reader its copy.
//
//   Feed feed(store, ReportsTable().schema());
//   CORRIDOR_RETURN_IF_ERROR(feed.Recover());
//   feed.Append([&](uint64_t position, Mutation* m) { ... });
#ifndef CORRIDOR_STORAGE_FEED_H_
#define CORRIDOR_STORAGE_FEED_H_

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "storage/mutation.h"
#include "storage/store.h"
#include "storage/table.h"

namespace corridor::storage {

class Feed {
 public:
  // `table` must be keyed by KeyWriter().Uint64(position) alone. `store`
  // must outlive the feed.
  Feed(Store* store, const TableSchema& table) : store_(store), table_(table) {}

  Feed(const Feed&) = delete;
  Feed& operator=(const Feed&) = delete;

  // Finds the last position written. Call once, before any other method.
  absl::Status Recover() ABSL_LOCKS_EXCLUDED(mu_);

  // Calls `build` with the next position under the feed's lock, commits the
  // mutation it filled (which must insert the feed record at that position)
  // and wakes waiting readers. If `build` or the commit fails, nothing is
  // written and the position is not used.
  using Builder = std::function<absl::Status(uint64_t position, Mutation* mutation)>;
  absl::StatusOr<uint64_t> Append(const Builder& build) ABSL_LOCKS_EXCLUDED(append_mu_, mu_);

  // The last committed position; 0 while the feed is empty.
  uint64_t last_position() const ABSL_LOCKS_EXCLUDED(mu_);

  // Blocks until a position after `after` is committed, `deadline` passes
  // or Close() is called; returns last_position().
  uint64_t WaitAfter(uint64_t after, absl::Time deadline) const ABSL_LOCKS_EXCLUDED(mu_);

  // Wakes every waiting reader for good (at shutdown). Appends still work.
  void Close() ABSL_LOCKS_EXCLUDED(mu_);
  bool closed() const ABSL_LOCKS_EXCLUDED(mu_);

  // Visits up to `max` records after `position` in order, from memory when
  // they are recent, else from the database. `visit` gets each record's
  // position and serialized payload and returns false to skip it (skipped
  // records do not count towards `max`). Returns the last position visited
  // (`position` if none).
  using Visitor =
      std::function<absl::Status(uint64_t position, absl::string_view payload, bool* kept)>;
  absl::StatusOr<uint64_t> ReadAfter(uint64_t position, int max, const Visitor& visit) const
      ABSL_LOCKS_EXCLUDED(mu_);

  // Scan options for the records after `position`, in order.
  static ScanOptions After(uint64_t position, int page_size);

  // How many of the latest records stay in memory.
  static constexpr size_t kTailSize = 4096;

 private:
  Store* store_;
  const TableSchema& table_;

  using Tail = std::deque<std::pair<uint64_t, std::shared_ptr<const std::string>>>;

  // The records after `position` that memory holds, all of them (`visit`
  // may skip some); nullopt if memory does not reach back that far.
  std::optional<std::vector<Tail::value_type>> RecentAfter(uint64_t position) const
      ABSL_LOCKS_EXCLUDED(mu_);

  // Serializes appends; held across the commit.
  absl::Mutex append_mu_ ABSL_ACQUIRED_BEFORE(mu_);

  // Never held across I/O.
  mutable absl::Mutex mu_;
  uint64_t last_position_ ABSL_GUARDED_BY(mu_) = 0;
  bool closed_ ABSL_GUARDED_BY(mu_) = false;
  // The latest appended records, contiguous, ending at last_position_.
  Tail tail_ ABSL_GUARDED_BY(mu_);
};

}  // namespace corridor::storage

#endif  // CORRIDOR_STORAGE_FEED_H_
