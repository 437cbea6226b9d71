#include "storage/store.h"

#include <map>
#include <set>
#include <thread>

#include "absl/strings/str_cat.h"
#include "corridor/v1/areas.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "storage/key_codec.h"
#include "tests/testing/temp_dir.h"
#include "tests/testing/test_table.h"

namespace corridor::storage {
namespace {

using ::corridor::testing::ThingsTable;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Pair;

v1::Area Thing(const std::string& id, int status = 1) {
  v1::Area a;
  a.set_id(id);
  a.set_name_en("Thing " + id);
  a.set_status(static_cast<v1::AreaStatus>(status));
  return a;
}

class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override { Reopen(); }

  void Reopen() {
    store_.reset();
    StoreOptions options;
    options.path = dir_.Sub("db");
    absl::StatusOr<std::unique_ptr<Store>> store = Store::Open(options);
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
  }

  absl::StatusOr<CommitResult> Insert(const v1::Area& a) {
    Mutation m;
    m.Insert(testing::ThingsTable(), a);
    return store_->Commit(m);
  }

  absl::StatusOr<std::pair<v1::Area, uint64_t>> Read(const std::string& id) {
    v1::Area a;
    absl::StatusOr<uint64_t> v =
        store_->Get(testing::ThingsTable().schema(), KeyWriter().String(id).Release(), &a);
    if (!v.ok()) return v.status();
    return std::make_pair(a, *v);
  }

  // Every id reachable through `index` with `prefix`, in scan order, paging
  // with `page_size`.
  std::vector<std::string> ScanAll(const std::string& index, const std::string& prefix,
                                   bool reverse, int page_size) {
    std::vector<std::string> ids;
    ScanOptions scan;
    scan.index = index;
    scan.prefix = prefix;
    scan.reverse = reverse;
    scan.page_size = page_size;
    for (int pages = 0; pages < 10000; ++pages) {
      std::vector<std::pair<v1::Area, uint64_t>> found;
      absl::StatusOr<std::string> next = ScanRecords(*store_, testing::ThingsTable(), scan, &found);
      EXPECT_TRUE(next.ok()) << next.status();
      if (!next.ok()) break;
      EXPECT_LE(found.size(), static_cast<size_t>(page_size));
      for (auto& [a, v] : found) ids.push_back(a.id());
      if (next->empty()) break;
      scan.page_token = *next;
    }
    return ids;
  }

  testing::TempDir dir_;
  std::unique_ptr<Store> store_;
};

TEST_F(StoreTest, InsertedRecordReadsBackAtVersionOne) {
  ASSERT_TRUE(Insert(Thing("A")).ok());
  auto read = Read("A");
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(read->first.name_en(), "Thing A");
  EXPECT_EQ(read->second, 1u);
}

TEST_F(StoreTest, MissingRecordIsNotFound) {
  EXPECT_EQ(Read("nope").status().code(), absl::StatusCode::kNotFound);
}

TEST_F(StoreTest, DuplicateInsertIsRefusedAndLeavesTheRecord) {
  ASSERT_TRUE(Insert(Thing("A", 1)).ok());
  v1::Area again = Thing("A", 2);
  again.set_name_en("Impostor");
  absl::StatusOr<CommitResult> result = Insert(again);
  EXPECT_EQ(result.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_THAT(std::string(result.status().message()), HasSubstr("id: "));
  EXPECT_EQ(Read("A")->first.name_en(), "Thing A");
  EXPECT_EQ(ScanAll("status", KeyWriter().Uint32(2).Release(), false, 10).size(), 0u);
}

TEST_F(StoreTest, UpdateWithCurrentVersionBumpsIt) {
  ASSERT_TRUE(Insert(Thing("A")).ok());
  v1::Area changed = Thing("A");
  changed.set_name_en("Renamed");
  Mutation m;
  m.Update(testing::ThingsTable(), changed, 1);
  absl::StatusOr<CommitResult> result = store_->Commit(m);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->versions, std::vector<uint64_t>{2});
  EXPECT_EQ(Read("A")->first.name_en(), "Renamed");
  EXPECT_EQ(Read("A")->second, 2u);
}

TEST_F(StoreTest, StaleVersionIsAbortedAndChangesNothing) {
  ASSERT_TRUE(Insert(Thing("A", 1)).ok());
  Mutation first;
  first.Update(testing::ThingsTable(), Thing("A", 2), 1);
  ASSERT_TRUE(store_->Commit(first).ok());

  Mutation stale;
  v1::Area lost = Thing("A", 3);
  lost.set_name_en("Lost update");
  stale.Update(testing::ThingsTable(), lost, 1);
  absl::StatusOr<CommitResult> result = store_->Commit(stale);
  EXPECT_EQ(result.status().code(), absl::StatusCode::kAborted);
  EXPECT_THAT(std::string(result.status().message()), HasSubstr("version"));
  EXPECT_EQ(Read("A")->second, 2u);
  EXPECT_EQ(Read("A")->first.status(), 2);
  EXPECT_TRUE(ScanAll("status", KeyWriter().Uint32(3).Release(), false, 10).empty());
}

TEST_F(StoreTest, UpdateOfMissingRecordIsNotFound) {
  Mutation m;
  m.Update(testing::ThingsTable(), Thing("ghost"), 1);
  EXPECT_EQ(store_->Commit(m).status().code(), absl::StatusCode::kNotFound);
}

TEST_F(StoreTest, UpdateMovesTheRecordBetweenIndexEntries) {
  v1::Area a = Thing("A", 1);
  a.add_alt_names("one");
  a.add_alt_names("two");
  ASSERT_TRUE(Insert(a).ok());
  EXPECT_EQ(ScanAll("status", KeyWriter().Uint32(1).Release(), false, 10),
            std::vector<std::string>{"A"});

  v1::Area b = Thing("A", 5);
  b.add_alt_names("two");
  b.add_alt_names("three");
  Mutation m;
  m.Update(testing::ThingsTable(), b, 1);
  ASSERT_TRUE(store_->Commit(m).ok());
  EXPECT_TRUE(ScanAll("status", KeyWriter().Uint32(1).Release(), false, 10).empty());
  EXPECT_EQ(ScanAll("status", KeyWriter().Uint32(5).Release(), false, 10),
            std::vector<std::string>{"A"});
  EXPECT_TRUE(ScanAll("alt", KeyWriter().String("one").Release(), false, 10).empty());
  EXPECT_EQ(ScanAll("alt", KeyWriter().String("two").Release(), false, 10).size(), 1u);
  EXPECT_EQ(ScanAll("alt", KeyWriter().String("three").Release(), false, 10).size(), 1u);
}

TEST_F(StoreTest, AMutationCommitsAllOrNothing) {
  ASSERT_TRUE(Insert(Thing("B")).ok());
  Mutation m;
  m.Insert(testing::ThingsTable(), Thing("A"));
  m.Insert(testing::ThingsTable(), Thing("B"));  // taken: the whole mutation fails
  m.PutMeta("marker", "set");
  EXPECT_EQ(store_->Commit(m).status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(Read("A").status().code(), absl::StatusCode::kNotFound);
  EXPECT_FALSE(store_->GetMeta("marker")->has_value());
}

TEST_F(StoreTest, WritingOneRecordTwiceInAMutationIsRefused) {
  Mutation m;
  m.Insert(testing::ThingsTable(), Thing("A"));
  m.Insert(testing::ThingsTable(), Thing("A"));
  EXPECT_EQ(store_->Commit(m).status().code(), absl::StatusCode::kInternal);
  EXPECT_EQ(Read("A").status().code(), absl::StatusCode::kNotFound);
}

TEST_F(StoreTest, PagingVisitsEveryRecordOnceInKeyOrder) {
  std::vector<std::string> ids;
  Mutation m;
  for (int i = 0; i < 237; ++i) {
    char id[16];
    snprintf(id, sizeof(id), "T%04d", i);
    ids.push_back(id);
    m.Insert(testing::ThingsTable(), Thing(id, 1 + i % 3));
  }
  ASSERT_TRUE(store_->Commit(m).ok());
  for (int page_size : {1, 10, 236, 237, 500}) {
    EXPECT_EQ(ScanAll("", "", false, page_size), ids) << page_size;
    std::vector<std::string> reversed(ids.rbegin(), ids.rend());
    EXPECT_EQ(ScanAll("", "", true, page_size), reversed) << page_size;
  }
  std::vector<std::string> status2 = ScanAll("status", KeyWriter().Uint32(2).Release(), false, 7);
  EXPECT_EQ(status2.size(), 79u);
  EXPECT_TRUE(std::is_sorted(status2.begin(), status2.end()));
  std::vector<std::string> status2_reverse =
      ScanAll("status", KeyWriter().Uint32(2).Release(), true, 7);
  EXPECT_EQ(status2_reverse, std::vector<std::string>(status2.rbegin(), status2.rend()));
}

TEST_F(StoreTest, FilteredScanFillsPagesAndResumes) {
  Mutation m;
  for (int i = 0; i < 50; ++i)
    m.Insert(testing::ThingsTable(), Thing("F" + std::to_string(100 + i)));
  ASSERT_TRUE(store_->Commit(m).ok());
  ScanOptions scan;
  scan.page_size = 4;
  scan.query = "even";
  std::vector<std::string> kept;
  auto even = [](const v1::Area& a) { return (a.id().back() - '0') % 2 == 0; };
  for (int pages = 0; pages < 100; ++pages) {
    std::vector<std::pair<v1::Area, uint64_t>> found;
    absl::StatusOr<std::string> next =
        ScanRecords<v1::Area>(*store_, testing::ThingsTable(), scan, &found, even);
    ASSERT_TRUE(next.ok());
    for (auto& [a, v] : found) kept.push_back(a.id());
    if (next->empty()) break;
    EXPECT_EQ(found.size(), 4u);
    scan.page_token = *next;
  }
  EXPECT_EQ(kept.size(), 25u);
  EXPECT_EQ(std::set<std::string>(kept.begin(), kept.end()).size(), 25u);
}

// An index walk reads its records in batches (one MultiGet each): pages
// stay full when the filter rejects half the records, in both directions,
// and resuming from each token neither skips nor repeats a record.
TEST_F(StoreTest, FilteredIndexScanFillsPagesAndResumesBothWays) {
  Mutation m;
  for (int i = 0; i < 50; ++i)
    m.Insert(testing::ThingsTable(), Thing("G" + std::to_string(100 + i), 2));
  m.Insert(testing::ThingsTable(), Thing("H100", 3));  // outside the prefix
  ASSERT_TRUE(store_->Commit(m).ok());
  auto even = [](const v1::Area& a) { return (a.id().back() - '0') % 2 == 0; };
  for (bool reverse : {false, true}) {
    ScanOptions scan;
    scan.index = "status";
    scan.prefix = KeyWriter().Uint32(2).Release();
    scan.page_size = 4;
    scan.reverse = reverse;
    scan.query = "even";
    std::vector<std::string> kept;
    for (int pages = 0; pages < 100; ++pages) {
      std::vector<std::pair<v1::Area, uint64_t>> found;
      absl::StatusOr<std::string> next =
          ScanRecords<v1::Area>(*store_, testing::ThingsTable(), scan, &found, even);
      ASSERT_TRUE(next.ok()) << next.status();
      for (auto& [a, v] : found) kept.push_back(a.id());
      if (next->empty()) break;
      EXPECT_EQ(found.size(), 4u);
      scan.page_token = *next;
    }
    ASSERT_EQ(kept.size(), 25u) << (reverse ? "reverse" : "forward");
    EXPECT_EQ(std::set<std::string>(kept.begin(), kept.end()).size(), 25u);
    EXPECT_EQ(reverse ? kept.front() : kept.back(), "G148");
    EXPECT_EQ(reverse ? kept.back() : kept.front(), "G100");
  }
}

TEST_F(StoreTest, PageTokensAreCheckedAgainstTheQuery) {
  Mutation m;
  for (int i = 0; i < 5; ++i) m.Insert(testing::ThingsTable(), Thing("P" + std::to_string(i), 1));
  ASSERT_TRUE(store_->Commit(m).ok());
  ScanOptions scan;
  scan.page_size = 2;
  std::vector<std::pair<v1::Area, uint64_t>> found;
  absl::StatusOr<std::string> token = ScanRecords(*store_, testing::ThingsTable(), scan, &found);
  ASSERT_TRUE(token.ok());
  ASSERT_FALSE(token->empty());

  ScanOptions other = scan;
  other.index = "status";
  other.prefix = KeyWriter().Uint32(1).Release();
  other.page_token = *token;
  absl::StatusOr<std::string> refused = ScanRecords(*store_, testing::ThingsTable(), other, &found);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(refused.status().message()), HasSubstr("page_token"));

  scan.page_token = "garbage!";
  EXPECT_EQ(ScanRecords(*store_, testing::ThingsTable(), scan, &found).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(StoreTest, ConcurrentReadModifyWriteLosesNoUpdate) {
  v1::Area counter = Thing("counter");
  counter.mutable_population()->set_count(0);
  ASSERT_TRUE(Insert(counter).ok());
  constexpr int kThreads = 8, kIncrements = 40;
  std::vector<std::thread> threads;
  std::atomic<int> conflicts{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kIncrements; ++i) {
        while (true) {
          auto read = Read("counter");
          ASSERT_TRUE(read.ok());
          v1::Area next = read->first;
          next.mutable_population()->set_count(next.population().count() + 1);
          Mutation m;
          m.Update(testing::ThingsTable(), next, read->second);
          absl::StatusOr<CommitResult> result = store_->Commit(m);
          if (result.ok()) break;
          ASSERT_EQ(result.status().code(), absl::StatusCode::kAborted);
          ++conflicts;
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  auto final = Read("counter");
  EXPECT_EQ(final->first.population().count(), kThreads * kIncrements);
  EXPECT_EQ(final->second, 1u + kThreads * kIncrements);
}

TEST_F(StoreTest, ConcurrentInsertsAllLand) {
  constexpr int kThreads = 8, kEach = 100;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        ASSERT_TRUE(
            Insert(Thing("C" + std::to_string(t) + "-" + std::to_string(i), 1 + t % 2)).ok());
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ScanAll("", "", false, 500).size(), static_cast<size_t>(kThreads * kEach));
  EXPECT_EQ(ScanAll("status", KeyWriter().Uint32(1).Release(), false, 500).size(),
            static_cast<size_t>(kThreads * kEach / 2));
}

TEST_F(StoreTest, RecordsAndMetadataSurviveReopen) {
  ASSERT_TRUE(Insert(Thing("A")).ok());
  Mutation m;
  m.PutMeta("loaded", "yes");
  ASSERT_TRUE(store_->Commit(m).ok());
  Reopen();
  EXPECT_EQ(Read("A")->first.name_en(), "Thing A");
  absl::StatusOr<std::optional<std::string>> meta = store_->GetMeta("loaded");
  ASSERT_TRUE(meta.ok());
  EXPECT_EQ(meta->value_or(""), "yes");
}

TEST_F(StoreTest, SecondOpenOfTheSameFolderIsRefusedWithAPlainReason) {
  StoreOptions options;
  options.path = dir_.Sub("db");
  absl::StatusOr<std::unique_ptr<Store>> second = Store::Open(options);
  EXPECT_FALSE(second.ok());
  EXPECT_THAT(std::string(second.status().message()), HasSubstr("another process"));
}

TEST_F(StoreTest, ReadOnlyStoreRefusesCommits) {
  ASSERT_TRUE(Insert(Thing("A")).ok());
  store_.reset();
  StoreOptions options;
  options.path = dir_.Sub("db");
  options.read_only = true;
  absl::StatusOr<std::unique_ptr<Store>> reader = Store::Open(options);
  ASSERT_TRUE(reader.ok()) << reader.status();
  Mutation m;
  m.Insert(testing::ThingsTable(), Thing("B"));
  EXPECT_EQ((*reader)->Commit(m).status().code(), absl::StatusCode::kFailedPrecondition);
  v1::Area a;
  EXPECT_TRUE(
      (*reader)->Get(testing::ThingsTable().schema(), KeyWriter().String("A").Release(), &a).ok());
}

// A release adds an index to a table that already holds records: the store
// builds it from the records once, and a listing over it finds them all.
TEST_F(StoreTest, AnIndexAddedLaterIsBuiltFromTheRecordsOnce) {
  auto by_name = [](const v1::Area& a) -> std::vector<std::string> {
    return {KeyWriter().String(a.name_en()).Release()};
  };
  storage::Table<v1::Area> before(
      {.name = "later", .noun = "thing", .key_field = "id"},
      [](const v1::Area& a) { return KeyWriter().String(a.id()).Release(); },
      [](const v1::Area& a) { return a.id(); });
  for (int i = 0; i < 2500; ++i) {
    Mutation m;
    m.Insert(before, Thing(absl::StrCat("T", 10000 + i)));
    ASSERT_TRUE(store_->Commit(m).ok());
  }
  storage::Table<v1::Area> after(
      {.name = "later", .noun = "thing", .key_field = "id"},
      [](const v1::Area& a) { return KeyWriter().String(a.id()).Release(); },
      [](const v1::Area& a) { return a.id(); });
  after.Index("name", by_name);

  std::vector<uint64_t> reported;
  ASSERT_TRUE(store_
                  ->BuildMissingIndexes(after.schema(),
                                        [&](const std::string& index, uint64_t records) {
                                          EXPECT_EQ(index, "name");
                                          reported.push_back(records);
                                        })
                  .ok());
  EXPECT_EQ(reported, (std::vector<uint64_t>{1000, 2000, 2500}));

  ScanOptions scan;
  scan.index = "name";
  scan.prefix = KeyWriter().String("Thing T11234").Release();
  std::vector<std::pair<v1::Area, uint64_t>> found;
  ASSERT_TRUE(ScanRecords(*store_, after, scan, &found).ok());
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].first.id(), "T11234");
  ScanOptions everything;
  everything.index = "name";
  everything.page_size = 5000;
  found.clear();
  ASSERT_TRUE(ScanRecords(*store_, after, everything, &found).ok());
  EXPECT_EQ(found.size(), 2500u);

  // Built once: later opens only read the marker; commits keep it current.
  Reopen();
  reported.clear();
  ASSERT_TRUE(store_
                  ->BuildMissingIndexes(after.schema(), [&](const std::string&,
                                                            uint64_t n) { reported.push_back(n); })
                  .ok());
  EXPECT_TRUE(reported.empty());
  Mutation m;
  m.Insert(after, Thing("T99999"));
  ASSERT_TRUE(store_->Commit(m).ok());
  found.clear();
  ASSERT_TRUE(ScanRecords(*store_, after, everything, &found).ok());
  EXPECT_EQ(found.size(), 2501u);
}

// CheckIndexes compares each index with what the records call for. The
// stored entries are read here through schemas that differ from the one
// that wrote them, which is what a lost or stray index write looks like.
TEST_F(StoreTest, CheckIndexesFindsMissingStrayAndMisdirectedEntries) {
  ASSERT_TRUE(store_->CheckIndexes(ThingsTable().schema()).ok());
  for (int i = 0; i < 60; ++i) {
    v1::Area a = Thing(absl::StrCat("T", 100 + i), 1 + i % 3);
    if (i % 4 == 0) a.add_alt_names(absl::StrCat("alt-", i));
    ASSERT_TRUE(Insert(a).ok());
  }
  ASSERT_TRUE(store_->CheckIndexes(ThingsTable().schema()).ok());

  auto things_with_status_index = [](std::function<std::vector<std::string>(const v1::Area&)> f) {
    auto table = std::make_unique<storage::Table<v1::Area>>(
        TableInfo{.name = "things", .noun = "thing", .key_field = "id"},
        [](const v1::Area& a) { return KeyWriter().String(a.id()).Release(); },
        [](const v1::Area& a) { return a.id(); });
    table->Index("status", std::move(f));
    return table;
  };
  // Status 3 left out: its stored entries are strays.
  auto stray = things_with_status_index([](const v1::Area& a) -> std::vector<std::string> {
    if (a.status() == 3) return {};
    return {KeyWriter().Uint32(a.status()).Release()};
  });
  absl::Status s = store_->CheckIndexes(stray->schema());
  EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(s.message(), HasSubstr("index status of things has an entry for thing key"));
  // A second term for every record: the stored index lacks them.
  auto missing = things_with_status_index([](const v1::Area& a) -> std::vector<std::string> {
    return {KeyWriter().Uint32(a.status()).Release(), KeyWriter().Uint32(9).Release()};
  });
  s = store_->CheckIndexes(missing->schema());
  EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(s.message(), HasSubstr("index status of things lacks the entry of thing key"));
  // Status 2 filed under 1: entries in the wrong place.
  auto moved = things_with_status_index([](const v1::Area& a) -> std::vector<std::string> {
    return {KeyWriter().Uint32(a.status() == 2 ? 1 : a.status()).Release()};
  });
  EXPECT_EQ(store_->CheckIndexes(moved->schema()).code(), absl::StatusCode::kDataLoss);
  // An update keeps the real schema's indexes whole.
  v1::Area changed = Thing("T101", 3);
  Mutation m;
  m.Update(ThingsTable(), changed, 1);
  ASSERT_TRUE(store_->Commit(m).ok());
  EXPECT_TRUE(store_->CheckIndexes(ThingsTable().schema()).ok());
}

// Every counter under `prefix`, by the rest of its key.
std::map<std::string, std::vector<int64_t>> CountersIn(const Store& store,
                                                       const std::string& prefix) {
  std::map<std::string, std::vector<int64_t>> out;
  absl::Status s = store.ScanCounters(
      prefix, "", "", [&](absl::string_view key, const std::vector<int64_t>& values) {
        out[std::string(key)] = values;
        return absl::OkStatus();
      });
  EXPECT_TRUE(s.ok()) << s;
  return out;
}

// The messages queued on `outbox` after `after`, with their numbers.
std::vector<std::pair<uint64_t, std::string>> QueuedIn(const Store& store,
                                                       const std::string& outbox,
                                                       uint64_t after = 0) {
  std::vector<std::pair<uint64_t, std::string>> out;
  absl::Status s =
      store.ReadOutbox(outbox, after, 1000, [&](uint64_t seq, absl::string_view message) {
        out.emplace_back(seq, std::string(message));
        return absl::OkStatus();
      });
  EXPECT_TRUE(s.ok()) << s;
  return out;
}

// Counters (Mutation::AddToCounter) and outboxes (Mutation::Enqueue) commit
// with the records or not at all.
TEST_F(StoreTest, CountersAddElementWiseAcrossCommitsAndSurviveReopen) {
  for (int i = 0; i < 5; ++i) {
    Mutation m;
    m.Insert(ThingsTable(), Thing("t" + std::to_string(i)));
    m.AddToCounter("c/a", {1, 10 * i});
    m.AddToCounter("c/b", {1});
    ASSERT_TRUE(store_->Commit(m).ok());
  }
  Mutation correction;
  correction.AddToCounter("c/a", {-1, -40});
  ASSERT_TRUE(store_->Commit(correction).ok());
  EXPECT_THAT(CountersIn(*store_, "c/"),
              ElementsAre(Pair("a", ElementsAre(4, 60)), Pair("b", ElementsAre(5))));
  Reopen();
  EXPECT_THAT(CountersIn(*store_, "c/"),
              ElementsAre(Pair("a", ElementsAre(4, 60)), Pair("b", ElementsAre(5))));
  // Bounds: from "b" on.
  std::vector<std::string> keys;
  ASSERT_TRUE(store_
                  ->ScanCounters("c/", "b", "",
                                 [&](absl::string_view key, const auto&) {
                                   keys.emplace_back(key);
                                   return absl::OkStatus();
                                 })
                  .ok());
  EXPECT_THAT(keys, ElementsAre("b"));
}

TEST_F(StoreTest, AFailedCommitAddsNothingAndEnqueuesNothing) {
  Mutation first;
  first.Insert(ThingsTable(), Thing("dup"));
  ASSERT_TRUE(store_->Commit(first).ok());
  Mutation refused;
  refused.Insert(ThingsTable(), Thing("dup"));  // ALREADY_EXISTS
  refused.AddToCounter("c/x", {1});
  refused.Enqueue("box", "never");
  EXPECT_TRUE(absl::IsAlreadyExists(store_->Commit(refused).status()));
  EXPECT_TRUE(CountersIn(*store_, "c/").empty());
  EXPECT_TRUE(QueuedIn(*store_, "box").empty());
}

TEST_F(StoreTest, ConcurrentCommitsToOneCounterLoseNoIncrement) {
  constexpr int kThreads = 8, kEach = 200;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        Mutation m;
        m.Insert(ThingsTable(), Thing(std::to_string(t) + "-" + std::to_string(i)));
        m.AddToCounter("hot", {1, 3});
        ASSERT_TRUE(store_->Commit(m).ok());
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_THAT(CountersIn(*store_, "hot"),
              ElementsAre(Pair("", ElementsAre(kThreads * kEach, 3 * kThreads * kEach))));
}

TEST_F(StoreTest, OutboxNumbersMessagesInCommitOrderPerOutbox) {
  for (int i = 1; i <= 3; ++i) {
    Mutation m;
    m.Insert(ThingsTable(), Thing("o" + std::to_string(i)));
    m.Enqueue("a", "a" + std::to_string(i));
    if (i == 2) m.Enqueue("b", "b1");
    ASSERT_TRUE(store_->Commit(m).ok());
  }
  EXPECT_THAT(QueuedIn(*store_, "a"), ElementsAre(Pair(1, "a1"), Pair(2, "a2"), Pair(3, "a3")));
  EXPECT_THAT(QueuedIn(*store_, "b"), ElementsAre(Pair(1, "b1")));
  EXPECT_THAT(QueuedIn(*store_, "a", 1), ElementsAre(Pair(2, "a2"), Pair(3, "a3")));

  // Delivered messages leave; one refused for good is kept aside, with why.
  ASSERT_TRUE(store_->RemoveFromOutbox("a", 1).ok());
  ASSERT_TRUE(store_->SetAside("a", 3, "INVALID_ARGUMENT: no such area").ok());
  EXPECT_THAT(QueuedIn(*store_, "a"), ElementsAre(Pair(2, "a2")));
  std::vector<std::string> aside;
  ASSERT_TRUE(
      store_
          ->ReadSetAside("a",
                         [&](uint64_t seq, absl::string_view message, absl::string_view reason) {
                           aside.push_back(absl::StrCat(seq, " ", message, " ", reason));
                           return absl::OkStatus();
                         })
          .ok());
  EXPECT_THAT(aside, ElementsAre("3 a3 INVALID_ARGUMENT: no such area"));

  // After a restart numbering continues past every number used, set aside
  // or not, so no message ever takes another's number.
  Reopen();
  Mutation next;
  next.Enqueue("a", "a4");
  ASSERT_TRUE(store_->Commit(next).ok());
  EXPECT_THAT(QueuedIn(*store_, "a"), ElementsAre(Pair(2, "a2"), Pair(4, "a4")));
}

// Found by the crash campaign (tests/fault): after a restart, a relay
// delivered and removed every queued message before the next enqueue, which
// then took number 1 again; the relay, already past 1, never read it.
TEST_F(StoreTest, OutboxNumbersAreNeverReusedOnceEveryMessageIsDelivered) {
  for (int i = 1; i <= 2; ++i) {
    Mutation m;
    m.Enqueue("a", "a" + std::to_string(i));
    ASSERT_TRUE(store_->Commit(m).ok());
  }
  Reopen();
  ASSERT_TRUE(store_->RemoveFromOutbox("a", 1).ok());
  ASSERT_TRUE(store_->RemoveFromOutbox("a", 2).ok());
  Mutation m;
  m.Enqueue("a", "a3");
  ASSERT_TRUE(store_->Commit(m).ok());
  EXPECT_THAT(QueuedIn(*store_, "a", 2), ElementsAre(Pair(3, "a3")));
  // And across a restart with the outbox empty.
  ASSERT_TRUE(store_->RemoveFromOutbox("a", 3).ok());
  Reopen();
  Mutation after;
  after.Enqueue("a", "a4");
  ASSERT_TRUE(store_->Commit(after).ok());
  EXPECT_THAT(QueuedIn(*store_, "a"), ElementsAre(Pair(4, "a4")));
}

TEST_F(StoreTest, WaitForOutboxWakesOnACommitThatEnqueues) {
  const uint64_t seen = store_->WaitForOutbox(0, absl::InfinitePast());
  std::thread writer([&] {
    absl::SleepFor(absl::Milliseconds(50));
    Mutation m;
    m.Enqueue("wake", "x");
    ASSERT_TRUE(store_->Commit(m).ok());
  });
  EXPECT_EQ(store_->WaitForOutbox(seen, absl::Now() + absl::Seconds(10)), seen + 1);
  writer.join();
  // A commit without messages does not count.
  Mutation quiet;
  quiet.Insert(ThingsTable(), Thing("quiet"));
  ASSERT_TRUE(store_->Commit(quiet).ok());
  EXPECT_EQ(store_->WaitForOutbox(seen + 1, absl::Now() + absl::Milliseconds(20)), seen + 1);
}

}  // namespace
}  // namespace corridor::storage
