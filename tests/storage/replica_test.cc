// A mirror's store (StoreOptions::replica): it takes another journal's
// entries verbatim, so its roots and proofs are the other's, and it takes
// no write of its own.
#include <memory>
#include <string>
#include <vector>

#include "corridor/v1/areas.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "storage/key_codec.h"
#include "storage/store.h"
#include "tests/testing/temp_dir.h"
#include "tests/testing/test_table.h"

namespace corridor::storage {
namespace {

using ::corridor::testing::ThingsTable;
using ::testing::HasSubstr;

v1::Area Thing(const std::string& id, int status) {
  v1::Area a;
  a.set_id(id);
  a.set_name_en("Thing " + id);
  a.set_status(static_cast<v1::AreaStatus>(status));
  return a;
}

std::unique_ptr<Store> Open(const std::string& path, bool replica) {
  StoreOptions options;
  options.path = path;
  options.sync = false;
  options.replica = replica;
  absl::StatusOr<std::unique_ptr<Store>> store = Store::Open(options);
  EXPECT_TRUE(store.ok()) << store.status();
  return store.ok() ? *std::move(store) : nullptr;
}

std::vector<std::string> Entries(const Store& store, uint64_t start, uint64_t end) {
  std::vector<std::string> entries;
  EXPECT_TRUE(store
                  .ReadJournal(start, end,
                               [&](uint64_t, absl::string_view entry) {
                                 entries.emplace_back(entry);
                                 return absl::OkStatus();
                               })
                  .ok());
  return entries;
}

class ReplicaTest : public ::testing::Test {
 protected:
  void SetUp() override {
    primary_ = Open(dir_.Sub("primary"), false);
    replica_ = Open(dir_.Sub("replica"), true);
    ASSERT_NE(primary_, nullptr);
    ASSERT_NE(replica_, nullptr);
  }

  void Write(const v1::Area& thing, bool insert, uint64_t version = 0) {
    Mutation m;
    if (insert) {
      m.Insert(ThingsTable(), thing);
    } else {
      m.Update(ThingsTable(), thing, version);
    }
    ASSERT_TRUE(primary_->Commit(m).ok());
  }

  // Copies the primary's entries [start, end) with the records as they
  // stand at the primary.
  absl::Status Copy(uint64_t start, uint64_t end, const std::vector<std::string>& ids) {
    Mutation records;
    for (const std::string& id : ids) {
      const std::string key = KeyWriter().String(id).Release();
      absl::StatusOr<RawRecord> raw = primary_->Get(ThingsTable().schema(), key);
      if (!raw.ok()) return raw.status();
      v1::Area thing;
      thing.ParseFromString(raw->payload);
      records.Replicate(ThingsTable().schema(), thing, raw->payload, raw->version);
    }
    return replica_->AppendReplicated(Entries(*primary_, start, end), records);
  }

  corridor::testing::TempDir dir_;
  std::unique_ptr<Store> primary_;
  std::unique_ptr<Store> replica_;
};

TEST_F(ReplicaTest, TheCopyHasThePrimarysRootsRecordsVersionsAndIndexes) {
  Write(Thing("a", 1), true);
  Write(Thing("b", 1), true);
  Write(Thing("a", 2), false, 1);
  ASSERT_TRUE(Copy(0, 3, {"a", "b"}).ok());
  EXPECT_EQ(replica_->journal_head().size, 3u);
  EXPECT_EQ(replica_->journal_head().root, primary_->journal_head().root);
  EXPECT_EQ(Entries(*replica_, 0, 3), Entries(*primary_, 0, 3));

  v1::Area a;
  absl::StatusOr<uint64_t> version =
      replica_->Get(ThingsTable().schema(), KeyWriter().String("a").Release(), &a);
  ASSERT_TRUE(version.ok()) << version.status();
  EXPECT_EQ(*version, 2u);
  EXPECT_EQ(a.status(), 2);
  // The index follows the copied record: "a" is under status 2 only.
  ScanOptions by_status;
  by_status.index = "status";
  by_status.prefix = KeyWriter().Uint32(2).Release();
  std::vector<std::string> found;
  ASSERT_TRUE(replica_
                  ->Scan(ThingsTable().schema(), by_status,
                         [&](const RawRecord& raw) -> absl::StatusOr<bool> {
                           v1::Area t;
                           t.ParseFromString(raw.payload);
                           found.push_back(t.id());
                           return true;
                         })
                  .ok());
  EXPECT_EQ(found, std::vector<std::string>{"a"});
  // And it survives a reopen, as any journal does.
  replica_.reset();
  replica_ = Open(dir_.Sub("replica"), true);
  EXPECT_EQ(replica_->journal_head().root, primary_->journal_head().root);
  EXPECT_EQ(*replica_->FindJournalLeaf(merkle::LeafHash(Entries(*primary_, 1, 2)[0])), 1u);
}

TEST_F(ReplicaTest, EntriesThatDoNotFollowTheCopyAreRefusedWithNothingStored) {
  Write(Thing("a", 1), true);
  Write(Thing("b", 1), true);
  absl::Status skipped = replica_->AppendReplicated(Entries(*primary_, 1, 2), Mutation());
  EXPECT_TRUE(absl::IsFailedPrecondition(skipped)) << skipped;
  EXPECT_THAT(skipped.message(), HasSubstr("entry 1 does not follow"));
  EXPECT_EQ(replica_->journal_head().size, 0u);
  EXPECT_TRUE(absl::IsNotFound(
      replica_->Get(ThingsTable().schema(), KeyWriter().String("a").Release()).status()));
  EXPECT_TRUE(absl::IsInvalidArgument(replica_->AppendReplicated({"not an entry"}, Mutation())));
}

TEST_F(ReplicaTest, AnOlderVersionNeverReplacesANewerOne) {
  Write(Thing("a", 1), true);
  Write(Thing("a", 3), false, 1);
  ASSERT_TRUE(Copy(0, 2, {"a"}).ok());
  Mutation older;
  const v1::Area stale = Thing("a", 1);
  older.Replicate(ThingsTable().schema(), stale, stale.SerializeAsString(), 1);
  Write(Thing("c", 1), true);
  ASSERT_TRUE(replica_->AppendReplicated(Entries(*primary_, 2, 3), older).ok());
  v1::Area a;
  EXPECT_EQ(*replica_->Get(ThingsTable().schema(), KeyWriter().String("a").Release(), &a), 2u);
  EXPECT_EQ(a.status(), 3);
}

TEST_F(ReplicaTest, AReplicaTakesNoWriteOfItsOwn) {
  Mutation own;
  own.Insert(ThingsTable(), Thing("x", 1));
  absl::Status refused = replica_->Commit(own).status();
  EXPECT_TRUE(absl::IsFailedPrecondition(refused)) << refused;
  EXPECT_THAT(refused.message(), HasSubstr("mirror"));
  EXPECT_EQ(replica_->journal_head().size, 0u);
}

}  // namespace
}  // namespace corridor::storage
