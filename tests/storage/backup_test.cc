// Online backups of a real RocksDB while writers keep committing, and their
// restore: the copy holds every write acknowledged before the backup began,
// its journal head is the manifest's, and a damaged or misplaced restore is
// refused without touching anything.
#include "storage/backup.h"

#include <atomic>
#include <filesystem>
#include <fstream>
#include <set>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "storage/mutation.h"
#include "tests/testing/temp_dir.h"
#include "tests/testing/temp_store.h"
#include "tests/testing/test_table.h"

namespace corridor::storage {
namespace {

using ::testing::HasSubstr;

absl::Status InsertThing(Store& store, const std::string& id) {
  v1::Area thing;
  thing.set_id(id);
  thing.set_name_en("thing " + id);
  Mutation m;
  m.Insert(testing::ThingsTable(), thing);
  m.Enqueue("to-elsewhere", id);
  return store.Commit(m).status();
}

std::set<std::string> StoredIds(const Store& store) {
  std::set<std::string> ids;
  ScanOptions options;
  options.page_size = 500;
  EXPECT_TRUE(ForEachRecord<v1::Area>(store, testing::ThingsTable(), options,
                                      [&](v1::Area& thing, uint64_t) {
                                        ids.insert(thing.id());
                                        return absl::OkStatus();
                                      })
                  .ok());
  return ids;
}

class BackupTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = testing::OpenTestStore(dir_.Sub("db"), /*sync=*/true);
    ASSERT_NE(store_, nullptr);
    std::ofstream(dir_.Sub("db/journal-signing-key.pem")) << "key bytes";
  }

  absl::StatusOr<BackupManifest> Backup(const std::string& folder) {
    return CreateBackup(*store_, "things", {dir_.Sub("db/journal-signing-key.pem")}, folder);
  }

  testing::TempDir dir_;
  std::unique_ptr<Store> store_;
};

TEST_F(BackupTest, ABackupTakenDuringWritesHoldsEverythingAcknowledgedBeforeIt) {
  for (int i = 0; i < 200; ++i) ASSERT_TRUE(InsertThing(*store_, absl::StrCat("before-", i)).ok());

  // Writers carry on through the backup; what they had acknowledged when it
  // returned may or may not be in it, but what was acknowledged before it
  // began must be.
  std::atomic<bool> stop{false};
  std::atomic<int> written{0};
  std::vector<std::thread> writers;
  for (int w = 0; w < 2; ++w) {
    writers.emplace_back([&, w] {
      for (int i = 0; !stop; ++i) {
        if (InsertThing(*store_, absl::StrCat("during-", w, "-", i)).ok()) ++written;
      }
    });
  }
  while (written < 20) std::this_thread::yield();
  absl::StatusOr<BackupManifest> made = Backup(dir_.Sub("backups/things"));
  const int acknowledged_after = written.load();
  stop = true;
  for (std::thread& t : writers) t.join();
  ASSERT_TRUE(made.ok()) << made.status();
  EXPECT_EQ(made->service, "things");
  EXPECT_GE(made->head.size, 200u + 20u);
  EXPECT_GT(made->files, 2u);
  EXPECT_TRUE(std::filesystem::exists(dir_.Sub("backups/things/journal-signing-key.pem")));

  std::vector<RestoreProgress> steps;
  absl::StatusOr<BackupManifest> restored =
      RestoreBackup(dir_.Sub("backups/things"), dir_.Sub("restored"),
                    [&](const RestoreProgress& step) { steps.push_back(step); });
  ASSERT_TRUE(restored.ok()) << restored.status();
  EXPECT_EQ(restored->head.size, made->head.size);
  EXPECT_EQ(restored->head.root, made->head.root);
  EXPECT_FALSE(steps.empty());
  EXPECT_EQ(steps.back().stage, "verifying records");

  StoreOptions options;
  options.path = dir_.Sub("restored");
  absl::StatusOr<std::unique_ptr<Store>> copy = Store::Open(options);
  ASSERT_TRUE(copy.ok()) << copy.status();
  EXPECT_EQ((*copy)->journal_head().root, made->head.root);
  const std::set<std::string> ids = StoredIds(**copy);
  for (int i = 0; i < 200; ++i) EXPECT_TRUE(ids.count(absl::StrCat("before-", i))) << i;
  // One journal entry per commit: the copy's records are exactly the
  // commits its journal holds.
  EXPECT_EQ(ids.size(), made->head.size);
  EXPECT_LT(ids.size(), 200u + acknowledged_after + 1);
  // The outbox travelled too: its messages are still to be delivered.
  int queued = 0;
  ASSERT_TRUE((*copy)
                  ->ReadOutbox("to-elsewhere", 0, 100000,
                               [&](uint64_t, absl::string_view) {
                                 ++queued;
                                 return absl::OkStatus();
                               })
                  .ok());
  EXPECT_EQ(queued, static_cast<int>(ids.size()));
  // And the restored store takes new writes after the last journaled one.
  ASSERT_TRUE(InsertThing(**copy, "after-restore").ok());
  EXPECT_EQ((*copy)->journal_head().size, made->head.size + 1);
}

TEST_F(BackupTest, AnExistingFolderIsRefusedAndLeftAsItWas) {
  std::filesystem::create_directories(dir_.Sub("taken"));
  std::ofstream(dir_.Sub("taken/mine.txt")) << "keep me";
  absl::StatusOr<BackupManifest> made = Backup(dir_.Sub("taken"));
  EXPECT_EQ(made.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_THAT(made.status().message(), HasSubstr("already exists"));
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir_.Sub("taken")), {}), 1);
}

TEST_F(BackupTest, RestoreRefusesAFolderThatIsNotEmpty) {
  ASSERT_TRUE(InsertThing(*store_, "a").ok());
  ASSERT_TRUE(Backup(dir_.Sub("backup")).ok());
  std::filesystem::create_directories(dir_.Sub("live"));
  std::ofstream(dir_.Sub("live/CURRENT")) << "someone's database";
  absl::StatusOr<BackupManifest> restored = RestoreBackup(dir_.Sub("backup"), dir_.Sub("live"));
  EXPECT_EQ(restored.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(restored.status().message(), HasSubstr("is not empty"));
  std::ifstream kept(dir_.Sub("live/CURRENT"));
  std::string text;
  std::getline(kept, text);
  EXPECT_EQ(text, "someone's database");
}

TEST_F(BackupTest, AnUnfinishedBackupHasNoManifestAndIsNotRestored) {
  ASSERT_TRUE(InsertThing(*store_, "a").ok());
  ASSERT_TRUE(Backup(dir_.Sub("backup")).ok());
  std::filesystem::remove(dir_.Sub("backup/BACKUP"));
  absl::StatusOr<BackupManifest> restored = RestoreBackup(dir_.Sub("backup"), dir_.Sub("to"));
  EXPECT_EQ(restored.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(restored.status().message(), HasSubstr("did not finish"));
  EXPECT_FALSE(std::filesystem::exists(dir_.Sub("to")));
}

TEST_F(BackupTest, ACopyThatDoesNotMatchItsManifestIsReported) {
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(InsertThing(*store_, absl::StrCat("t", i)).ok());
  absl::StatusOr<BackupManifest> made = Backup(dir_.Sub("backup"));
  ASSERT_TRUE(made.ok());
  // The manifest claims a journal the copy does not hold (as if the folder
  // had been mixed with another backup's).
  std::ifstream in(dir_.Sub("backup/BACKUP"));
  std::string text((std::istreambuf_iterator<char>(in)), {});
  in.close();
  std::ofstream(dir_.Sub("backup/BACKUP"))
      << absl::StrReplaceAll(text, {{absl::StrCat("journal_size: ", made->head.size),
                                     absl::StrCat("journal_size: ", made->head.size + 1)}});
  absl::StatusOr<BackupManifest> restored = RestoreBackup(dir_.Sub("backup"), dir_.Sub("to"));
  EXPECT_EQ(restored.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(restored.status().message(), HasSubstr("does not match its backup"));
  EXPECT_THAT(restored.status().message(), HasSubstr("left there for inspection"));
}

TEST_F(BackupTest, ADamagedManifestNamesTheField) {
  ASSERT_TRUE(Backup(dir_.Sub("backup")).ok());
  std::ofstream(dir_.Sub("backup/BACKUP")) << "corridor-backup: 1\nservice: things\n";
  absl::StatusOr<BackupManifest> manifest = ReadBackupManifest(dir_.Sub("backup"));
  EXPECT_EQ(manifest.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(manifest.status().message(), HasSubstr("\"created\""));
}

}  // namespace
}  // namespace corridor::storage
