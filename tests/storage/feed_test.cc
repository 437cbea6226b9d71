// Feed: positions in order without gaps, recovery after reopening, readers
// woken by appends, scans bounded within a prefix.
#include "storage/feed.h"

#include <atomic>
#include <thread>

#include "absl/strings/str_cat.h"
#include "corridor/v1/areas.pb.h"
#include "gtest/gtest.h"
#include "storage/key_codec.h"
#include "tests/testing/temp_dir.h"

namespace corridor::storage {
namespace {

namespace v1 = ::corridor::v1;

// Feed records: a StatusChange keyed by its sequence, used as the position.
const Table<v1::StatusChange>& EntriesTable() {
  static const auto* table = new Table<v1::StatusChange>(
      {.name = "entries", .noun = "entry", .key_field = "sequence"},
      [](const v1::StatusChange& c) {
        return KeyWriter().Uint64(static_cast<uint64_t>(c.sequence())).Release();
      },
      [](const v1::StatusChange& c) { return c.area_id(); });
  return *table;
}

std::unique_ptr<Store> OpenStore(const std::string& path) {
  StoreOptions options;
  options.path = path;
  auto store = Store::Open(options);
  EXPECT_TRUE(store.ok()) << store.status();
  return *std::move(store);
}

absl::StatusOr<uint64_t> AppendNote(Feed& feed, const std::string& note) {
  return feed.Append([&](uint64_t position, Mutation* mutation) {
    v1::StatusChange entry;
    entry.set_sequence(static_cast<int64_t>(position));
    entry.set_note(note);
    mutation->Insert(EntriesTable(), entry);
    return absl::OkStatus();
  });
}

std::vector<std::string> NotesAfter(const Store& store, uint64_t position) {
  std::vector<std::pair<v1::StatusChange, uint64_t>> found;
  auto token =
      ScanRecords<v1::StatusChange>(store, EntriesTable(), Feed::After(position, 500), &found);
  EXPECT_TRUE(token.ok()) << token.status();
  std::vector<std::string> notes;
  for (const auto& [entry, version] : found) notes.push_back(entry.note());
  return notes;
}

TEST(FeedTest, ConcurrentAppendsGetEveryPositionOnceInOrder) {
  testing::TempDir dir;
  auto store = OpenStore(dir.path());
  Feed feed(store.get(), EntriesTable().schema());
  ASSERT_TRUE(feed.Recover().ok());
  EXPECT_EQ(feed.last_position(), 0u);

  constexpr int kThreads = 8, kEach = 25;
  std::vector<std::thread> writers;
  for (int t = 0; t < kThreads; ++t) {
    writers.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        ASSERT_TRUE(AppendNote(feed, absl::StrCat(t, "-", i)).ok());
      }
    });
  }
  for (auto& w : writers) w.join();
  EXPECT_EQ(feed.last_position(), uint64_t{kThreads * kEach});

  std::vector<std::pair<v1::StatusChange, uint64_t>> all;
  ASSERT_TRUE(
      ScanRecords<v1::StatusChange>(*store, EntriesTable(), Feed::After(0, 500), &all).ok());
  ASSERT_EQ(all.size(), size_t{kThreads * kEach});
  for (size_t i = 0; i < all.size(); ++i) EXPECT_EQ(all[i].first.sequence(), int64_t(i + 1));
}

TEST(FeedTest, AFailedBuildUsesNoPosition) {
  testing::TempDir dir;
  auto store = OpenStore(dir.path());
  Feed feed(store.get(), EntriesTable().schema());
  ASSERT_TRUE(feed.Recover().ok());
  ASSERT_TRUE(AppendNote(feed, "a").ok());
  auto failed = feed.Append([](uint64_t, Mutation*) { return absl::NotFoundError("no route"); });
  EXPECT_TRUE(absl::IsNotFound(failed.status()));
  EXPECT_EQ(*AppendNote(feed, "b"), 2u);
  EXPECT_EQ(NotesAfter(*store, 0), (std::vector<std::string>{"a", "b"}));
}

TEST(FeedTest, RecoverContinuesAfterTheLastPositionOnDisk) {
  testing::TempDir dir;
  {
    auto store = OpenStore(dir.path());
    Feed feed(store.get(), EntriesTable().schema());
    ASSERT_TRUE(feed.Recover().ok());
    for (int i = 0; i < 300; ++i) ASSERT_TRUE(AppendNote(feed, absl::StrCat(i)).ok());
  }
  auto store = OpenStore(dir.path());
  Feed feed(store.get(), EntriesTable().schema());
  ASSERT_TRUE(feed.Recover().ok());
  EXPECT_EQ(feed.last_position(), 300u);
  EXPECT_EQ(*AppendNote(feed, "next"), 301u);
  EXPECT_EQ(NotesAfter(*store, 299), (std::vector<std::string>{"299", "next"}));
}

// What ReadAfter visits, as "position:note" strings.
std::vector<std::string> ReadNotes(const Feed& feed, uint64_t after, int max) {
  std::vector<std::string> seen;
  auto last = feed.ReadAfter(after, max, [&](uint64_t at, absl::string_view payload, bool* kept) {
    v1::StatusChange entry;
    EXPECT_TRUE(entry.ParseFromArray(payload.data(), static_cast<int>(payload.size())));
    *kept = entry.note() != "skip";
    if (*kept) seen.push_back(absl::StrCat(at, ":", entry.note()));
    return absl::OkStatus();
  });
  EXPECT_TRUE(last.ok()) << last.status();
  return seen;
}

TEST(FeedTest, ReadAfterGivesTheSameFromMemoryAndFromTheDatabase) {
  testing::TempDir dir;
  const std::vector<std::string> expected = {"4:d", "6:f", "7:g"};
  {
    auto store = OpenStore(dir.path());
    Feed feed(store.get(), EntriesTable().schema());
    ASSERT_TRUE(feed.Recover().ok());
    for (const char* note : {"a", "b", "c", "d", "skip", "f", "g", "h"}) {
      ASSERT_TRUE(AppendNote(feed, note).ok());
    }
    EXPECT_EQ(ReadNotes(feed, 3, 3), expected);  // the recent records, from memory
    EXPECT_TRUE(ReadNotes(feed, 8, 10).empty());
    EXPECT_TRUE(ReadNotes(feed, 1000, 10).empty());  // a position not reached yet
  }
  auto store = OpenStore(dir.path());
  Feed feed(store.get(), EntriesTable().schema());
  ASSERT_TRUE(feed.Recover().ok());
  EXPECT_EQ(ReadNotes(feed, 3, 3), expected);  // after a restart, from RocksDB
  ASSERT_TRUE(AppendNote(feed, "i").ok());
  EXPECT_EQ(ReadNotes(feed, 7, 10), (std::vector<std::string>{"8:h", "9:i"}));
}

TEST(FeedTest, WaitAfterWakesOnAppendAndOnClose) {
  testing::TempDir dir;
  auto store = OpenStore(dir.path());
  Feed feed(store.get(), EntriesTable().schema());
  ASSERT_TRUE(feed.Recover().ok());

  std::atomic<uint64_t> seen{0};
  std::thread reader([&] { seen = feed.WaitAfter(0, absl::Now() + absl::Seconds(30)); });
  ASSERT_TRUE(AppendNote(feed, "wake").ok());
  reader.join();
  EXPECT_EQ(seen.load(), 1u);

  // Nothing new: only the deadline or Close ends the wait.
  EXPECT_EQ(feed.WaitAfter(1, absl::Now() + absl::Milliseconds(20)), 1u);
  std::thread closed_reader([&] { feed.WaitAfter(1, absl::Now() + absl::Seconds(30)); });
  feed.Close();
  closed_reader.join();
  EXPECT_TRUE(feed.closed());
}

}  // namespace
}  // namespace corridor::storage
