// What a mirror makes of the primary's change feed before storing it: the
// records the entries commit to, checked against their digests.
#include "services/mirror/replicated_batch.h"

#include <memory>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "storage/key_codec.h"
#include "storage/merkle.h"
#include "tests/testing/temp_dir.h"
#include "tests/testing/test_table.h"

namespace corridor::mirror {
namespace {

using ::corridor::testing::ThingsTable;
using ::testing::HasSubstr;

v1::Area Thing(const std::string& id, int status) {
  v1::Area a;
  a.set_id(id);
  a.set_status(static_cast<v1::AreaStatus>(status));
  return a;
}

class ReplicatedBatchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const std::string name : {"primary", "copy"}) {
      storage::StoreOptions options;
      options.path = dir_.Sub(name);
      options.sync = false;
      options.replica = name == "copy";
      auto store = storage::Store::Open(options);
      ASSERT_TRUE(store.ok()) << store.status();
      (name == "copy" ? copy_.store : primary_) = *std::move(store);
    }
    copy_.tables = {&ThingsTable().schema()};
  }

  // The change feed's message for the primary's entry `index`, with
  // `record` given as the record the entry wrote.
  v1::Change ChangeOf(uint64_t index, const v1::Area& record) {
    v1::Change change;
    change.set_index(index);
    EXPECT_TRUE(primary_
                    ->ReadJournal(index, index + 1,
                                  [&](uint64_t, absl::string_view bytes) {
                                    change.set_entry_bytes(std::string(bytes));
                                    return absl::OkStatus();
                                  })
                    .ok());
    v1::JournalEntry entry;
    entry.ParseFromString(change.entry_bytes());
    v1::ChangedRecord* changed = change.add_records();
    changed->set_table(entry.changes(0).table());
    changed->set_version(entry.changes(0).version());
    changed->set_state(v1::ChangedRecord::CURRENT);
    changed->mutable_record()->set_value(storage::SerializeDeterministic(record));
    return change;
  }

  void Write(const v1::Area& thing, uint64_t version) {
    storage::Mutation m;
    if (version == 0) {
      m.Insert(ThingsTable(), thing);
    } else {
      m.Update(ThingsTable(), thing, version);
    }
    ASSERT_TRUE(primary_->Commit(m).ok());
  }

  corridor::testing::TempDir dir_;
  std::unique_ptr<storage::Store> primary_;
  ServiceStorage copy_;
};

TEST_F(ReplicatedBatchTest, KeepsTheNewestVersionOfEachRecordAndDerivesFromTheHeldOne) {
  Write(Thing("a", 1), 0);
  Write(Thing("a", 2), 1);
  std::vector<std::string> derived;
  copy_.derive_for_mirror = [&](const std::string& table, const google::protobuf::Message* before,
                                const google::protobuf::Message& after, storage::Mutation*) {
    derived.push_back(table + (before == nullptr ? " new " : " over ") +
                      std::to_string(static_cast<const v1::Area&>(after).status()));
  };
  absl::StatusOr<ReplicatedBatch> batch =
      BuildReplicatedBatch(copy_, {ChangeOf(0, Thing("a", 1)), ChangeOf(1, Thing("a", 2))});
  ASSERT_TRUE(batch.ok()) << batch.status();
  EXPECT_EQ(batch->entries.size(), 2u);
  ASSERT_EQ(batch->records.records().size(), 1u);
  EXPECT_EQ(batch->records.records()[0].replicated_version, 2u);
  EXPECT_EQ(derived, std::vector<std::string>{"things new 2"});
  ASSERT_TRUE(copy_.store->AppendReplicated(batch->entries, batch->records).ok());
  EXPECT_EQ(copy_.store->journal_head().root, primary_->journal_head().root);
}

TEST_F(ReplicatedBatchTest, ARecordOtherThanTheEntryCommitsToIsDataLoss) {
  Write(Thing("a", 1), 0);
  absl::StatusOr<ReplicatedBatch> batch = BuildReplicatedBatch(copy_, {ChangeOf(0, Thing("a", 7))});
  EXPECT_TRUE(absl::IsDataLoss(batch.status())) << batch.status();
  EXPECT_THAT(batch.status().message(), HasSubstr("entry 0, things a version 1"));
  EXPECT_THAT(batch.status().message(), HasSubstr("another digest"));
}

TEST_F(ReplicatedBatchTest, ARedactedRecordAsksForAnOversightToken) {
  Write(Thing("a", 1), 0);
  v1::Change change = ChangeOf(0, Thing("a", 1));
  change.mutable_records(0)->set_state(v1::ChangedRecord::REDACTED);
  absl::StatusOr<ReplicatedBatch> batch = BuildReplicatedBatch(copy_, {change});
  EXPECT_TRUE(absl::IsPermissionDenied(batch.status())) << batch.status();
  EXPECT_THAT(batch.status().message(), HasSubstr("oversight"));
}

TEST_F(ReplicatedBatchTest, SupersededRecordsComeWithTheirLaterEntry) {
  Write(Thing("a", 1), 0);
  v1::Change change = ChangeOf(0, Thing("a", 1));
  change.mutable_records(0)->set_state(v1::ChangedRecord::SUPERSEDED);
  change.mutable_records(0)->clear_record();
  absl::StatusOr<ReplicatedBatch> batch = BuildReplicatedBatch(copy_, {change});
  ASSERT_TRUE(batch.ok()) << batch.status();
  EXPECT_EQ(batch->entries.size(), 1u);
  EXPECT_TRUE(batch->records.records().empty());
}

}  // namespace
}  // namespace corridor::mirror
