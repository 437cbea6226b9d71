// End to end: `corridorctl audit` against a running corridord. It passes
// after a realistic workload, and fails, saying why, after each kind of
// tampering done to the stopped service's RocksDB behind its back: a record
// edited, a journal entry edited, the newest entries deleted.
#include <signal.h>

#include <fstream>
#include <functional>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "corridor/v1/audit.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rocksdb/db.h"
#include "storage/key_codec.h"
#include "tests/testing/subprocess.h"
#include "tests/testing/temp_dir.h"

namespace corridor::cli {
namespace {

using ::corridor::testing::BinaryPath;
using ::corridor::testing::CommandResult;
using ::corridor::testing::RunCorridorctl;
using ::corridor::testing::ServerProcess;
using ::testing::HasSubstr;

// Opens a stopped service's database directly, as an intruder with access
// to the disk would, and lets `tamper` change it.
void Tamper(const std::string& path,
            const std::function<void(rocksdb::DB*, rocksdb::ColumnFamilyHandle* records,
                                     rocksdb::ColumnFamilyHandle* audit)>& tamper) {
  std::vector<rocksdb::ColumnFamilyDescriptor> families = {{rocksdb::kDefaultColumnFamilyName, {}},
                                                           {"records", {}},
                                                           {"indexes", {}},
                                                           {"audit", {}},
                                                           {"counters", {}},
                                                           {"outbox", {}}};
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* db = nullptr;
  ASSERT_TRUE(rocksdb::DB::Open(rocksdb::DBOptions(), path, families, &handles, &db).ok());
  tamper(db, handles[1], handles[3]);
  for (auto* handle : handles) db->DestroyColumnFamilyHandle(handle);
  delete db;
}

class AuditCommandTest : public ::testing::Test {
 protected:
  // Coordinators write; an oversight body audits.
  void SetUp() override {
    Start();
    for (const char* role : {"coordinator", "oversight"}) {
      auto token = corridor::testing::CreateTokenFile(server_->address(), dir_.Sub("data"), role,
                                                      dir_.Sub(std::string(role) + ".token"));
      ASSERT_TRUE(token.ok()) << token.status();
    }
  }

  void Start() {
    auto server = ServerProcess::Start(BinaryPath("corridord"), {"--data_dir=" + dir_.Sub("data")},
                                       dir_.path());
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
  }
  void Stop() { ASSERT_EQ(server_->StopWith(SIGTERM), 0); }

  CommandResult Ctl(std::vector<std::string> args) {
    return RunCorridorctl(server_->address(), std::move(args), dir_.Sub("coordinator.token"));
  }
  CommandResult Audit(std::vector<std::string> args) {
    return RunCorridorctl(server_->address(), std::move(args), dir_.Sub("oversight.token"));
  }

  // Convoys through several steps, and road reports.
  void Workload(const std::string& tag) {
    for (int i = 0; i < 3; ++i) {
      const std::string key = tag + std::to_string(i);
      CommandResult submitted =
          Ctl({"--output=csv", "convoys", "submit", "--agency=WFP", "--area=ALP-EAST",
               "--planned=2016-10-0" + std::to_string(i + 1), "--requested=2015-12-01",
               "--beneficiaries=1000", "--cargo=flour:food:10:tonnes", "--key=" + key});
      ASSERT_EQ(submitted.exit_code, 0) << submitted.err;
      const std::string id = submitted.out.substr(submitted.out.find('\n') + 1, 19);
      ASSERT_EQ(Ctl({"convoys", "approve", id, "--beneficiaries=900"}).exit_code, 0);
      ASSERT_EQ(Ctl({"convoys", "dispatch", id}).exit_code, 0);
    }
    ASSERT_EQ(Ctl({"routes", "report", "castello-road", "--status=closed", "--source=t"}).exit_code,
              0);
  }

  void SaveHead(const std::string& service, const std::string& file) {
    CommandResult head = Audit({"audit", "head", "--service=" + service});
    ASSERT_EQ(head.exit_code, 0) << head.err;
    std::ofstream(dir_.Sub(file)) << head.out;
  }

  // The service's verifier key, as an oversight body pins it.
  std::string Key(const std::string& service) {
    CommandResult key = Audit({"audit", "key", "--service=" + service});
    EXPECT_EQ(key.exit_code, 0) << key.err;
    return std::string(absl::StripTrailingAsciiWhitespace(key.out));
  }

  // With a saved head (which pins its key), else with the key pinned.
  CommandResult Verify(const std::string& service, const std::string& since = "") {
    std::vector<std::string> args = {"audit", "verify", "--service=" + service};
    args.push_back(since.empty() ? "--key=" + Key(service) : "--since=" + dir_.Sub(since));
    return Audit(args);
  }

  corridor::testing::TempDir dir_;
  std::unique_ptr<ServerProcess> server_;
};

TEST_F(AuditCommandTest, VerifyPassesAfterAWorkloadAndCatchesEachKindOfTampering) {
  SaveHead("convoys", "empty.json");
  Workload("a");
  SaveHead("convoys", "middle.json");
  Workload("b");
  for (const char* service : {"areas", "routes", "convoys"}) {
    CommandResult ok = Verify(service);
    EXPECT_EQ(ok.exit_code, 0) << service << ": " << ok.err;
    EXPECT_THAT(ok.out, HasSubstr("OK"));
  }
  CommandResult since = Verify("convoys", "middle.json");
  ASSERT_EQ(since.exit_code, 0) << since.err;
  EXPECT_THAT(since.out, HasSubstr("consistent with the saved head of 9 entries"));
  EXPECT_EQ(Verify("convoys", "empty.json").exit_code, 0);
  SaveHead("convoys", "latest.json");
  Stop();
  const std::string convoys_db = dir_.Sub("data") + "/convoys";

  // 1. A stored convoy is edited behind the service's back.
  std::string key, original;
  Tamper(convoys_db,
         [&](rocksdb::DB* db, rocksdb::ColumnFamilyHandle* records, rocksdb::ColumnFamilyHandle*) {
           std::unique_ptr<rocksdb::Iterator> it(db->NewIterator({}, records));
           for (it->SeekToFirst(); it->Valid(); it->Next()) {
             if (absl::StartsWith(it->key().ToString(), "convoys")) break;
           }
           ASSERT_TRUE(it->Valid());
           key = it->key().ToString();
           original = it->value().ToString();
           std::string edited = original;
           edited.back() ^= 0x01;
           ASSERT_TRUE(db->Put({}, records, key, edited).ok());
         });
  Start();
  CommandResult edited_record = Verify("convoys");
  EXPECT_EQ(edited_record.exit_code, 6);
  EXPECT_THAT(edited_record.err, HasSubstr("does not match journal entry"));
  EXPECT_THAT(edited_record.err, HasSubstr("changed outside the service"));
  Stop();
  Tamper(convoys_db,
         [&](rocksdb::DB* db, rocksdb::ColumnFamilyHandle* records, rocksdb::ColumnFamilyHandle*) {
           ASSERT_TRUE(db->Put({}, records, key, original).ok());
         });

  // 2. A journal entry is rewritten: someone else made change #4.
  const std::string entry_key = storage::KeyWriter().Raw("e").Uint64(4).Release();
  Tamper(convoys_db,
         [&](rocksdb::DB* db, rocksdb::ColumnFamilyHandle*, rocksdb::ColumnFamilyHandle* audit) {
           ASSERT_TRUE(db->Get({}, audit, entry_key, &original).ok());
           v1::JournalEntry entry;
           ASSERT_TRUE(entry.ParseFromString(original));
           entry.mutable_principal()->set_name("someone-else");
           ASSERT_TRUE(db->Put({}, audit, entry_key, entry.SerializeAsString()).ok());
         });
  Start();
  CommandResult edited_entry = Verify("convoys");
  EXPECT_EQ(edited_entry.exit_code, 6);
  EXPECT_THAT(edited_entry.err, HasSubstr("do not hash to the signed root"));
  CommandResult edited_before_saved = Verify("convoys", "middle.json");
  EXPECT_EQ(edited_before_saved.exit_code, 6);
  EXPECT_THAT(edited_before_saved.err, HasSubstr("no longer hash to the root of the saved head"));
  Stop();
  Tamper(convoys_db,
         [&](rocksdb::DB* db, rocksdb::ColumnFamilyHandle*, rocksdb::ColumnFamilyHandle* audit) {
           ASSERT_TRUE(db->Put({}, audit, entry_key, original).ok());
         });
  Start();
  ASSERT_EQ(Verify("convoys", "latest.json").exit_code, 0);  // restored: all holds again
  Stop();

  // 3. The newest two entries are deleted, as if those changes never happened.
  Tamper(convoys_db,
         [&](rocksdb::DB* db, rocksdb::ColumnFamilyHandle*, rocksdb::ColumnFamilyHandle* audit) {
           for (uint64_t index : {17, 16}) {
             ASSERT_TRUE(
                 db->Delete({}, audit, storage::KeyWriter().Raw("e").Uint64(index).Release()).ok());
           }
         });
  Start();
  CommandResult truncated = Verify("convoys", "latest.json");
  EXPECT_EQ(truncated.exit_code, 6);
  EXPECT_THAT(truncated.err,
              HasSubstr("fewer than the 18 of the saved head: entries were deleted"));
}

// Every altered record is listed, not only the first: three convoys edited
// behind the service's back are three findings, with their total, and
// --limit caps how many are listed.
TEST_F(AuditCommandTest, VerifyListsEveryAlteredRecordUpToTheLimit) {
  Workload("a");
  ASSERT_EQ(Verify("convoys").exit_code, 0);
  Stop();
  const std::string convoys_prefix = storage::KeyWriter().String("convoys").Release();
  int edited = 0;
  Tamper(dir_.Sub("data") + "/convoys",
         [&](rocksdb::DB* db, rocksdb::ColumnFamilyHandle* records, rocksdb::ColumnFamilyHandle*) {
           std::unique_ptr<rocksdb::Iterator> it(db->NewIterator({}, records));
           std::vector<std::pair<std::string, std::string>> convoys;
           for (it->Seek(convoys_prefix); it->Valid() && it->key().starts_with(convoys_prefix);
                it->Next()) {
             convoys.emplace_back(it->key().ToString(), it->value().ToString());
           }
           for (auto& [key, value] : convoys) {
             value.back() ^= 0x01;
             ASSERT_TRUE(db->Put({}, records, key, value).ok());
             ++edited;
           }
         });
  ASSERT_EQ(edited, 3);
  Start();
  CommandResult all = Verify("convoys");
  EXPECT_EQ(all.exit_code, 6);
  EXPECT_THAT(all.err, HasSubstr("audit verify convoys: FAILED: 3 findings"));
  size_t listed = 0;
  for (size_t at = all.err.find("changed outside the service"); at != std::string::npos;
       at = all.err.find("changed outside the service", at + 1)) {
    ++listed;
  }
  EXPECT_EQ(listed, 3u) << all.err;

  CommandResult limited =
      Audit({"audit", "verify", "--service=convoys", "--trust-on-first-use", "--limit=2"});
  EXPECT_EQ(limited.exit_code, 6);
  EXPECT_THAT(limited.err, HasSubstr("FAILED: 3 findings"));
  EXPECT_THAT(limited.err, HasSubstr("and 1 more; --limit=N lists more"));
  listed = 0;
  for (size_t at = limited.err.find("changed outside the service"); at != std::string::npos;
       at = limited.err.find("changed outside the service", at + 1)) {
    ++listed;
  }
  EXPECT_EQ(listed, 2u) << limited.err;
  CommandResult bad_limit =
      Audit({"audit", "verify", "--service=convoys", "--trust-on-first-use", "--limit=0"});
  EXPECT_EQ(bad_limit.exit_code, 2);
  EXPECT_THAT(bad_limit.err, HasSubstr("--limit"));
}

// Verification trusts the key it is given, not the one the server sends: a
// head signed by another key fails; no key at all is a usage error; trust on
// first use is possible, and said aloud.
TEST_F(AuditCommandTest, ThePinnedKeyDecidesWhichJournalIsTrusted) {
  EXPECT_EQ(Verify("convoys").exit_code, 0);
  CommandResult other = Audit({"audit", "verify", "--service=convoys", "--key=" + Key("routes")});
  EXPECT_EQ(other.exit_code, 6) << other.err;
  EXPECT_THAT(other.err, HasSubstr("not the pinned key"));
  CommandResult unpinned = Audit({"audit", "verify", "--service=convoys"});
  EXPECT_EQ(unpinned.exit_code, 2);
  EXPECT_THAT(unpinned.err, HasSubstr("--key"));
  CommandResult malformed = Audit({"audit", "verify", "--service=convoys", "--key=convoys+1+x"});
  EXPECT_EQ(malformed.exit_code, 2);
  EXPECT_THAT(malformed.err, HasSubstr("--key: verifier key"));
  const std::string key_file = dir_.Sub("convoys.key");
  std::ofstream(key_file) << Key("convoys") << "\n";
  EXPECT_EQ(Audit({"audit", "verify", "--service=convoys", "--key-file=" + key_file}).exit_code, 0);
  CommandResult tofu = Audit({"audit", "verify", "--service=convoys", "--trust-on-first-use"});
  EXPECT_EQ(tofu.exit_code, 0) << tofu.err;
  EXPECT_THAT(tofu.err, HasSubstr("trusting the key the server sends"));
}

// A key rotated by an admin: a verifier who pinned the old key follows the
// rotation, signed by both keys and kept in the journal, to the new key;
// after a restart the new key signs. A saved head signed by the old key
// still anchors verification.
TEST_F(AuditCommandTest, AVerifierFollowsAKeyRotationFromThePinnedKey) {
  const std::string old_key = Key("routes");
  const std::string old_key_file = dir_.Sub("routes-old.key");
  std::ofstream(old_key_file) << old_key << "\n";
  CommandResult head = Audit({"audit", "head", "--service=routes"});
  ASSERT_EQ(head.exit_code, 0);
  std::ofstream(dir_.Sub("routes-head.json")) << head.out;
  const std::string admin = corridor::testing::AdminTokenFile(dir_.Sub("data"));
  CommandResult by_oversight =
      Audit({"admin", "rotate-key", "--service=routes", "--reason=not mine to do"});
  EXPECT_NE(by_oversight.exit_code, 0);
  CommandResult no_reason =
      RunCorridorctl(server_->address(), {"admin", "rotate-key", "--service=routes"}, admin);
  EXPECT_EQ(no_reason.exit_code, 2);
  CommandResult rotated = RunCorridorctl(
      server_->address(), {"admin", "rotate-key", "--service=routes", "--reason=yearly rotation"},
      admin);
  ASSERT_EQ(rotated.exit_code, 0) << rotated.err;
  EXPECT_THAT(rotated.out, HasSubstr("routes: key rotation 1 at "));
  const std::string new_key = Key("routes");
  EXPECT_NE(new_key, old_key);

  CommandResult verified =
      Audit({"audit", "verify", "--service=routes", "--key-file=" + old_key_file});
  EXPECT_EQ(verified.exit_code, 0) << verified.err;
  EXPECT_THAT(verified.out, HasSubstr("the key was rotated 1 time since"));
  EXPECT_EQ(Verify("routes", "routes-head.json").exit_code, 0);
  CommandResult checkpoint =
      Audit({"audit", "checkpoint", "--service=routes", "--key-file=" + old_key_file});
  EXPECT_EQ(checkpoint.exit_code, 0) << checkpoint.err;
  EXPECT_THAT(checkpoint.err, HasSubstr("rotated 1 time since"));
  CommandResult listed = Audit({"audit", "rotations", "--service=routes"});
  EXPECT_THAT(listed.out, HasSubstr("yearly rotation"));
  // No rotation leads from another service's key.
  CommandResult other = Audit({"audit", "verify", "--service=routes", "--key=" + Key("convoys")});
  EXPECT_EQ(other.exit_code, 6);
  EXPECT_THAT(other.err, HasSubstr("no chain of rotations"));

  Stop();
  Start();
  EXPECT_EQ(Key("routes"), new_key);
  EXPECT_EQ(Audit({"audit", "verify", "--service=routes", "--key-file=" + old_key_file}).exit_code,
            0);
}

// A database damaged on disk: a block of the convoys' records that fails
// RocksDB's checksum is reported as that service's unreadable records, each
// named, with the exit code of tampering, and the advice to restore.
TEST_F(AuditCommandTest, ACorruptedBlockIsReportedAsTheRecordsItMakesUnreadable) {
  Workload("a");
  CommandResult before = Verify("convoys");
  ASSERT_EQ(before.exit_code, 0) << before.err;
  Stop();
  std::string table_file;
  Tamper(dir_.Sub("data") + "/convoys",
         [&](rocksdb::DB* db, rocksdb::ColumnFamilyHandle* records, rocksdb::ColumnFamilyHandle*) {
           ASSERT_TRUE(db->CompactRange({}, records, nullptr, nullptr).ok());
           std::vector<rocksdb::LiveFileMetaData> files;
           db->GetLiveFilesMetaData(&files);
           for (const rocksdb::LiveFileMetaData& file : files) {
             if (file.column_family_name == "records") table_file = file.db_path + file.name;
           }
         });
  ASSERT_FALSE(table_file.empty());
  {
    // Bytes inside the first data block, as a failing disk would flip them.
    std::fstream sst(table_file, std::ios::in | std::ios::out | std::ios::binary);
    ASSERT_TRUE(sst.is_open()) << table_file;
    for (std::streamoff at = 16; at < 24; ++at) {
      sst.seekg(at);
      const char byte = static_cast<char>(sst.get());
      sst.seekp(at);
      sst.put(static_cast<char>(byte ^ 0x5a));
    }
  }
  Start();
  CommandResult damaged = Verify("convoys");
  EXPECT_EQ(damaged.exit_code, 6) << damaged.err;
  EXPECT_THAT(damaged.err, HasSubstr("audit verify convoys: FAILED:"));
  EXPECT_THAT(damaged.err, HasSubstr("of them records that cannot be read"));
  EXPECT_THAT(damaged.err, HasSubstr("stored convoys record \"cv-"));
  EXPECT_THAT(damaged.err, HasSubstr("failed RocksDB's checksum"));
  EXPECT_THAT(damaged.err, HasSubstr("restore it from a backup"));
  // The other services are untouched.
  EXPECT_EQ(Verify("routes").exit_code, 0);
}

}  // namespace
}  // namespace corridor::cli
