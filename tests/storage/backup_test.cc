// Online backups of a real RocksDB while writers keep committing, and their
// restore: the copy holds every write acknowledged before the backup began,
// its journal head is the manifest's, and a damaged or misplaced restore is
// refused without touching anything. Backups stay under their root, out of
// the data folder, and readable by their owner only.
#include "storage/backup.h"

#include <sys/stat.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <optional>
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

using ::testing::AllOf;
using ::testing::HasSubstr;

namespace fs = std::filesystem;

// The permission bits of `path`, e.g. 0600.
int Mode(const std::string& path) {
  struct stat info;
  if (::stat(path.c_str(), &info) != 0) return -1;
  return static_cast<int>(info.st_mode & 07777);
}

// The real path of an existing folder (the temp folder may be reached
// through a symlink).
std::string Real(const std::string& path) { return fs::canonical(path).string(); }

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
      RestoreBackup(dir_.Sub("backups/things"), dir_.Sub("restored"), "things",
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
  absl::StatusOr<BackupManifest> restored =
      RestoreBackup(dir_.Sub("backup"), dir_.Sub("live"), "things");
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
  absl::StatusOr<BackupManifest> restored =
      RestoreBackup(dir_.Sub("backup"), dir_.Sub("to"), "things");
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
  absl::StatusOr<BackupManifest> restored =
      RestoreBackup(dir_.Sub("backup"), dir_.Sub("to"), "things");
  EXPECT_EQ(restored.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(restored.status().message(), HasSubstr("does not match its backup"));
  EXPECT_THAT(restored.status().message(), HasSubstr("left there for inspection"));
}

// Counters and index entries are not in the journal: an insider who opened
// the backup's database and changed them added and rewrote files.
TEST_F(BackupTest, ABackupWhoseFilesChangedSinceItWasMadeIsRefused) {
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(InsertThing(*store_, absl::StrCat("t", i)).ok());
  ASSERT_TRUE(Backup(dir_.Sub("backup")).ok());
  std::ofstream(dir_.Sub("backup/000099.log")) << "a write made after the backup";
  absl::StatusOr<BackupManifest> restored =
      RestoreBackup(dir_.Sub("backup"), dir_.Sub("to"), "things");
  EXPECT_EQ(restored.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(restored.status().message(),
              HasSubstr("files were added, removed or changed since the backup was made"));
  EXPECT_THAT(restored.status().message(), HasSubstr("do not start a service on it"));

  // A file changed in place, its size kept (a signing key swapped for
  // another of the same length, a byte of a table file).
  std::filesystem::remove(dir_.Sub("backup/000099.log"));
  std::filesystem::remove_all(dir_.Sub("to"));
  std::string options_file;
  for (const auto& item : std::filesystem::directory_iterator(dir_.Sub("backup"))) {
    if (item.path().filename().string().rfind("OPTIONS", 0) == 0) options_file = item.path();
  }
  ASSERT_FALSE(options_file.empty());
  std::fstream edit(options_file, std::ios::in | std::ios::out | std::ios::binary);
  edit.seekp(0);
  edit.put('X');  // it begins "# This is a RocksDB option file"
  edit.close();
  restored = RestoreBackup(dir_.Sub("backup"), dir_.Sub("to"), "things");
  EXPECT_EQ(restored.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(restored.status().message(), HasSubstr("is not the one the backup wrote"));
}

TEST_F(BackupTest, ADamagedManifestNamesTheField) {
  ASSERT_TRUE(Backup(dir_.Sub("backup")).ok());
  std::ofstream(dir_.Sub("backup/BACKUP")) << "corridor-backup: 1\nservice: things\n";
  absl::StatusOr<BackupManifest> manifest = ReadBackupManifest(dir_.Sub("backup"));
  EXPECT_EQ(manifest.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(manifest.status().message(), HasSubstr("\"created\""));
}

TEST_F(BackupTest, RestoreRefusesABackupOfAnotherServiceNamingBoth) {
  ASSERT_TRUE(InsertThing(*store_, "a").ok());
  ASSERT_TRUE(CreateBackup(*store_, "denials", {}, dir_.Sub("backup")).ok());
  absl::StatusOr<BackupManifest> restored =
      RestoreBackup(dir_.Sub("backup"), dir_.Sub("data/convoys"), "convoys");
  EXPECT_EQ(restored.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(
      restored.status().message(),
      AllOf(HasSubstr("of the denials service, not of convoys"), HasSubstr("Nothing was copied")));
  EXPECT_FALSE(fs::exists(dir_.Sub("data/convoys")));
}

TEST_F(BackupTest, BackupsAndRestoredCopiesAreReadableByTheirOwnerOnlyWhateverTheUmask) {
  ASSERT_TRUE(InsertThing(*store_, "a").ok());
  const mode_t old_mask = ::umask(022);
  absl::StatusOr<BackupManifest> made = Backup(dir_.Sub("new/parent/backup"));
  absl::StatusOr<BackupManifest> restored =
      RestoreBackup(dir_.Sub("new/parent/backup"), dir_.Sub("restored"), "things");
  ::umask(old_mask);
  ASSERT_TRUE(made.ok()) << made.status();
  ASSERT_TRUE(restored.ok()) << restored.status();
  for (const char* folder : {"new", "new/parent", "new/parent/backup", "restored"}) {
    EXPECT_EQ(Mode(dir_.Sub(folder)), 0700) << folder;
  }
  int files = 0;
  for (const char* folder : {"new/parent/backup", "restored"}) {
    for (const auto& item : fs::recursive_directory_iterator(dir_.Sub(folder))) {
      ++files;
      EXPECT_EQ(Mode(item.path().string()), item.is_directory() ? 0700 : 0600) << item.path();
    }
  }
  EXPECT_GT(files, 6);
  EXPECT_EQ(Mode(dir_.Sub("new/parent/backup/BACKUP")), 0600);
  EXPECT_EQ(Mode(dir_.Sub("new/parent/backup/journal-signing-key.pem")), 0600);
}

TEST(DataFolderTest, ANewDataFolderAndItsParentsAre0700) {
  testing::TempDir dir;
  const mode_t old_mask = ::umask(022);
  StoreOptions options;
  options.path = dir.Sub("var/data/areas");
  absl::StatusOr<std::unique_ptr<Store>> store = Store::Open(options);
  ::umask(old_mask);
  ASSERT_TRUE(store.ok()) << store.status();
  EXPECT_EQ(Mode(dir.Sub("var")), 0700);
  EXPECT_EQ(Mode(dir.Sub("var/data")), 0700);
  EXPECT_EQ(Mode(dir.Sub("var/data/areas")), 0700);
}

class BackupRootTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::create_directories(dir_.Sub("data/areas"));
    fs::create_directories(dir_.Sub("outside"));
    absl::StatusOr<BackupRoot> root = BackupRoot::Open(dir_.Sub("backups"), dir_.Sub("data"));
    ASSERT_TRUE(root.ok()) << root.status();
    root_ = *root;
  }

  // The refusal of `requested`: INVALID_ARGUMENT, and nothing created.
  std::string Refusal(const std::string& requested) {
    absl::StatusOr<std::string> folder = root_->Resolve(requested);
    EXPECT_EQ(folder.status().code(), absl::StatusCode::kInvalidArgument)
        << requested << " resolved to " << folder.value_or("");
    return std::string(folder.status().message());
  }

  testing::TempDir dir_;
  std::optional<BackupRoot> root_;
};

TEST_F(BackupRootTest, TheRootIsCreated0700AndTakesFoldersRelativeToItOrAbsoluteInsideIt) {
  EXPECT_EQ(Mode(dir_.Sub("backups")), 0700);
  const std::string real = Real(dir_.Sub("backups"));
  EXPECT_EQ(root_->path(), real);
  EXPECT_EQ(root_->Resolve("2026-11-23/areas").value_or(""), real + "/2026-11-23/areas");
  EXPECT_EQ(root_->Resolve(dir_.Sub("backups/2026-11-23/areas")).value_or(""),
            real + "/2026-11-23/areas");
  EXPECT_EQ(root_->Resolve("a/./b/../c/").value_or(""), real + "/a/c");
  // A symlink inside the root that stays inside it is followed.
  fs::create_directories(dir_.Sub("backups/monthly"));
  fs::create_directory_symlink(dir_.Sub("backups/monthly"), dir_.Sub("backups/latest"));
  EXPECT_EQ(root_->Resolve("latest/areas").value_or(""), real + "/monthly/areas");
  EXPECT_FALSE(fs::exists(dir_.Sub("backups/2026-11-23"))) << "resolving creates nothing";
}

TEST_F(BackupRootTest, FoldersThatLeaveTheRootAreRefused) {
  EXPECT_THAT(Refusal("../outside/areas"), HasSubstr("outside the backup root"));
  EXPECT_THAT(Refusal("a/../../outside"), HasSubstr("outside the backup root"));
  EXPECT_THAT(Refusal("/etc/corridor"), HasSubstr("outside the backup root"));
  EXPECT_THAT(Refusal(dir_.Sub("outside/areas")), HasSubstr("outside the backup root"));
  // A sibling whose name starts with the root's.
  EXPECT_THAT(Refusal(dir_.Sub("backups-old/areas")), HasSubstr("outside the backup root"));
  // A symlink inside the root that points out of it.
  fs::create_directory_symlink(dir_.Sub("outside"), dir_.Sub("backups/escape"));
  EXPECT_THAT(Refusal("escape/areas"), HasSubstr("outside the backup root"));
  // Also when `..` after a folder that does not exist brings it in.
  EXPECT_THAT(Refusal("nothing/../escape/areas"), HasSubstr("outside the backup root"));
  fs::create_directory_symlink("/etc", dir_.Sub("backups/etc"));
  EXPECT_THAT(Refusal("etc/cron.d"), HasSubstr("outside the backup root"));
  // One that points nowhere cannot be checked, so it is refused too.
  fs::create_directory_symlink(dir_.Sub("nowhere"), dir_.Sub("backups/dangling"));
  EXPECT_THAT(Refusal("dangling/areas"), HasSubstr("cannot be resolved"));
  EXPECT_THAT(Refusal(""), HasSubstr("is empty"));
  EXPECT_THAT(Refusal(std::string("ok\0/../../outside", 17)), HasSubstr("NUL"));
  EXPECT_THAT(Refusal("."), HasSubstr("the backup root itself"));
  EXPECT_TRUE(fs::is_empty(dir_.Sub("outside")));
}

TEST_F(BackupRootTest, TheDataFolderIsRefusedEvenWhenTheRootHoldsIt) {
  absl::StatusOr<BackupRoot> wide = BackupRoot::Open(dir_.path(), dir_.Sub("data"));
  ASSERT_TRUE(wide.ok()) << wide.status();
  for (const std::string& requested :
       {std::string("data/areas"), std::string("data/new"), dir_.Sub("data/areas/x"),
        std::string("backups/../data/x"), std::string("data")}) {
    absl::StatusOr<std::string> folder = wide->Resolve(requested);
    EXPECT_EQ(folder.status().code(), absl::StatusCode::kInvalidArgument) << requested;
    EXPECT_THAT(folder.status().message(), HasSubstr("data folder")) << requested;
  }
  // Through a symlink too.
  fs::create_directory_symlink(dir_.Sub("data"), dir_.Sub("live"));
  EXPECT_THAT(wide->Resolve("live/areas").status().message(), HasSubstr("data folder"));
  EXPECT_TRUE(wide->Resolve("backups/2026-11-23").ok());
}

TEST_F(BackupRootTest, ARootInsideTheDataFolderIsRefusedAtOpen) {
  absl::StatusOr<BackupRoot> inside = BackupRoot::Open(dir_.Sub("data/backups"), dir_.Sub("data"));
  EXPECT_EQ(inside.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(inside.status().message(), HasSubstr("lies inside the data folder"));
}

}  // namespace
}  // namespace corridor::storage
