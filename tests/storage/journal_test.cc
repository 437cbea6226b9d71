// The audit journal kept by the store: one entry per commit in the same
// write, attributed, numbered without gaps under concurrency, a tree that
// recovers after reopening, and stored records that match their entries.
#include <thread>

#include "corridor/v1/audit.pb.h"
#include "gtest/gtest.h"
#include "rocksdb/db.h"
#include "storage/journal_verifier.h"
#include "storage/key_codec.h"
#include "storage/store.h"
#include "tests/testing/temp_dir.h"
#include "tests/testing/test_table.h"

namespace corridor::storage {
namespace {

std::unique_ptr<Store> Open(const std::string& path, bool journal = true) {
  StoreOptions options;
  options.path = path;
  options.journal = journal;
  auto store = Store::Open(options);
  EXPECT_TRUE(store.ok()) << store.status();
  return *std::move(store);
}

Origin Caller(const std::string& name) {
  Origin origin;
  origin.principal.set_name(name);
  origin.principal.set_peer("ipv4:127.0.0.1:1");
  origin.rpc = "/test.Things/Put";
  return origin;
}

absl::Status Put(Store& store, const std::string& id, const std::string& who = "tester") {
  v1::Area a;
  a.set_id(id);
  a.set_status(v1::AREA_STATUS_BESIEGED);
  Mutation m;
  m.SetOrigin(Caller(who));
  m.Insert(testing::ThingsTable(), a);
  return store.Commit(m).status();
}

// Rebuilds the tree from the stored entries and checks every record.
absl::Status Verify(const Store& store) {
  JournalVerifier verifier;
  const JournalHead head = store.journal_head();
  if (absl::Status s = store.ReadJournal(
          0, head.size, [&](uint64_t i, absl::string_view e) { return verifier.AddEntry(i, e); });
      !s.ok()) {
    return s;
  }
  if (verifier.Root() != head.root) return absl::DataLossError("root differs");
  std::string token;
  do {
    auto next = store.ScanRecordDigests(
        token, 100, [&](const RecordDigest& r) { return verifier.CheckRecord(r); });
    if (!next.ok()) return next.status();
    token = *next;
  } while (!token.empty());
  return verifier.CheckNoRecordMissing();
}

TEST(JournalTest, EachCommitIsOneAttributedEntryInTheSameWrite) {
  testing::TempDir dir;
  auto store = Open(dir.path());
  EXPECT_EQ(store->journal_head().size, 0u);
  ASSERT_TRUE(Put(*store, "A", "alice").ok());
  ASSERT_TRUE(Put(*store, "B", "bob").ok());
  EXPECT_FALSE(Put(*store, "A", "mallory").ok());  // refused: no entry either
  EXPECT_EQ(store->journal_head().size, 2u);

  std::vector<v1::JournalEntry> entries;
  ASSERT_TRUE(store
                  ->ReadJournal(0, 2,
                                [&](uint64_t, absl::string_view bytes) {
                                  v1::JournalEntry entry;
                                  EXPECT_TRUE(entry.ParseFromArray(bytes.data(),
                                                                   static_cast<int>(bytes.size())));
                                  entries.push_back(entry);
                                  return absl::OkStatus();
                                })
                  .ok());
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[1].index(), 1u);
  EXPECT_EQ(entries[1].principal().name(), "bob");
  EXPECT_FALSE(entries[1].principal().authenticated());
  EXPECT_EQ(entries[1].rpc(), "/test.Things/Put");
  ASSERT_EQ(entries[1].changes_size(), 1);
  EXPECT_EQ(entries[1].changes(0).table(), "things");
  EXPECT_EQ(entries[1].changes(0).description(), "B");
  EXPECT_EQ(entries[1].changes(0).version(), 1u);
  EXPECT_TRUE(entries[1].has_time());
  EXPECT_TRUE(Verify(*store).ok());
}

TEST(JournalTest, ConcurrentCommitsGetGaplessIndexesAndTheTreeHoldsAfterReopening) {
  testing::TempDir dir;
  merkle::Hash root;
  {
    auto store = Open(dir.path());
    std::vector<std::thread> threads;
    for (int t = 0; t < 8; ++t) {
      threads.emplace_back([&, t] {
        for (int i = 0; i < 100; ++i) {
          ASSERT_TRUE(Put(*store, "T" + std::to_string(t) + "-" + std::to_string(i)).ok());
        }
      });
    }
    for (auto& t : threads) t.join();
    EXPECT_EQ(store->journal_head().size, 800u);
    ASSERT_TRUE(Verify(*store).ok()) << Verify(*store);
    root = store->journal_head().root;
  }
  auto store = Open(dir.path());
  EXPECT_EQ(store->journal_head().size, 800u);
  EXPECT_EQ(store->journal_head().root, root);
  ASSERT_TRUE(Put(*store, "after-reopen").ok());
  EXPECT_EQ(store->journal_head().size, 801u);
  EXPECT_TRUE(Verify(*store).ok()) << Verify(*store);
  // Proofs come from the stored nodes.
  auto proof = merkle::InclusionProof(store->journal_nodes(), 17, 801);
  ASSERT_TRUE(proof.ok());
  std::string entry17;
  ASSERT_TRUE(store
                  ->ReadJournal(17, 18,
                                [&](uint64_t, absl::string_view e) {
                                  entry17 = std::string(e);
                                  return absl::OkStatus();
                                })
                  .ok());
  EXPECT_TRUE(merkle::VerifyInclusion(merkle::LeafHash(entry17), 17, 801, *proof,
                                      store->journal_head().root)
                  .ok());
}

// Where a write landed, from the leaf hash its author was given.
std::vector<merkle::Hash> LeafHashes(const Store& store) {
  std::vector<merkle::Hash> leaves;
  EXPECT_TRUE(store
                  .ReadJournal(0, store.journal_head().size,
                               [&](uint64_t, absl::string_view entry) {
                                 leaves.push_back(merkle::LeafHash(entry));
                                 return absl::OkStatus();
                               })
                  .ok());
  return leaves;
}

TEST(JournalTest, AnEntryIsFoundByItsLeafHash) {
  testing::TempDir dir;
  auto store = Open(dir.path());
  for (const char* id : {"A", "B", "C"}) ASSERT_TRUE(Put(*store, id).ok());
  const std::vector<merkle::Hash> leaves = LeafHashes(*store);
  ASSERT_EQ(leaves.size(), 3u);
  for (uint64_t i = 0; i < leaves.size(); ++i) {
    auto found = store->FindJournalLeaf(leaves[i]);
    ASSERT_TRUE(found.ok()) << found.status();
    EXPECT_EQ(*found, i);
  }
  EXPECT_EQ(store->FindJournalLeaf(merkle::LeafHash("never written")).status().code(),
            absl::StatusCode::kNotFound);
}

// A journal begun before the leaf index existed is indexed when opened.
TEST(JournalTest, AnOlderJournalGetsItsLeavesIndexedOnOpening) {
  testing::TempDir dir;
  std::vector<merkle::Hash> leaves;
  {
    auto store = Open(dir.path());
    for (const char* id : {"A", "B", "C", "D"}) ASSERT_TRUE(Put(*store, id).ok());
    leaves = LeafHashes(*store);
  }
  {
    // Take the index away, as a journal written by an older release has it.
    std::vector<std::string> names;
    ASSERT_TRUE(rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), dir.path(), &names).ok());
    std::vector<rocksdb::ColumnFamilyDescriptor> families;
    for (const std::string& name : names)
      families.emplace_back(name, rocksdb::ColumnFamilyOptions());
    std::vector<rocksdb::ColumnFamilyHandle*> handles;
    rocksdb::DB* raw = nullptr;
    ASSERT_TRUE(rocksdb::DB::Open(rocksdb::DBOptions(), dir.path(), families, &handles, &raw).ok());
    std::unique_ptr<rocksdb::DB> db(raw);
    for (size_t i = 0; i < names.size(); ++i) {
      if (names[i] == "audit") {
        for (const merkle::Hash& leaf : leaves) {
          ASSERT_TRUE(
              db->Delete(rocksdb::WriteOptions(), handles[i], "l" + merkle::ToBytes(leaf)).ok());
        }
      }
      if (names[i] == rocksdb::kDefaultColumnFamilyName) {
        ASSERT_TRUE(
            db->Delete(rocksdb::WriteOptions(), handles[i], "journal-leaf-index-built").ok());
      }
    }
    for (rocksdb::ColumnFamilyHandle* handle : handles) db->DestroyColumnFamilyHandle(handle);
  }
  auto store = Open(dir.path());
  for (uint64_t i = 0; i < leaves.size(); ++i) {
    auto found = store->FindJournalLeaf(leaves[i]);
    ASSERT_TRUE(found.ok()) << found.status();
    EXPECT_EQ(*found, i);
  }
}

TEST(JournalTest, WithoutTheJournalNothingIsJournaled) {
  testing::TempDir dir;
  auto store = Open(dir.path(), /*journal=*/false);
  ASSERT_TRUE(Put(*store, "A").ok());
  EXPECT_EQ(store->journal_head().size, 0u);
}

}  // namespace
}  // namespace corridor::storage
