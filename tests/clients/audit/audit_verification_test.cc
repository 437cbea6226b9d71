// The audit verification library against a real corridord: a journal that
// holds verifies; a store tampered with behind the service's back, or a
// service that answers with altered entries, is reported as a finding; a
// call that fails is an error, never a finding.
#include "clients/audit/audit_verification.h"

#include <signal.h>

#include <functional>

#include "absl/strings/match.h"
#include "absl/strings/str_join.h"
#include "common/credentials.h"
#include "gmock/gmock.h"
#include "grpcpp/create_channel.h"
#include "gtest/gtest.h"
#include "rocksdb/db.h"
#include "rocksdb/merge_operator.h"
#include "tests/testing/subprocess.h"
#include "tests/testing/temp_dir.h"

namespace corridor::audit {
namespace {

using ::corridor::testing::BinaryPath;
using ::corridor::testing::CommandResult;
using ::corridor::testing::RunCorridorctl;
using ::corridor::testing::ServerProcess;
using ::testing::HasSubstr;

// Passes everything through, but lets a test alter what the service sent.
class AlteringLog final : public AuditLog {
 public:
  explicit AlteringLog(AuditLog& real) : real_(real) {}

  std::function<void(v1::GetEntriesResponse*)> alter_entries = [](v1::GetEntriesResponse*) {};

  absl::StatusOr<v1::SignedTreeHead> Head(const std::string& service) override {
    return real_.Head(service);
  }
  absl::StatusOr<v1::GetEntriesResponse> Entries(const std::string& service, uint64_t start,
                                                 uint64_t end) override {
    absl::StatusOr<v1::GetEntriesResponse> entries = real_.Entries(service, start, end);
    if (entries.ok()) alter_entries(&*entries);
    return entries;
  }
  absl::StatusOr<v1::ConsistencyProof> ConsistencyProof(const std::string& service,
                                                        uint64_t first_size,
                                                        uint64_t second_size) override {
    return real_.ConsistencyProof(service, first_size, second_size);
  }
  absl::StatusOr<v1::ListRecordDigestsResponse> RecordDigests(
      const std::string& service, const std::string& page_token) override {
    return real_.RecordDigests(service, page_token);
  }
  absl::StatusOr<v1::ListSigningKeyRotationsResponse> SigningKeyRotations(
      const std::string& service) override {
    return real_.SigningKeyRotations(service);
  }
  absl::StatusOr<v1::CheckDerivedDataResponse> DerivedData(const std::string& service) override {
    return real_.DerivedData(service);
  }

 private:
  AuditLog& real_;
};

// Every finding of a report, one a line.
std::string Findings(const AuditReport& report) { return absl::StrJoin(report.findings, "\n"); }

class AuditVerificationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Start();
    for (const char* role : {"coordinator", "oversight"}) {
      auto token = corridor::testing::CreateTokenFile(server_->address(), dir_.Sub("data"), role,
                                                      dir_.Sub(std::string(role) + ".token"));
      ASSERT_TRUE(token.ok()) << token.status();
    }
    for (int i = 0; i < 2; ++i) {
      auto submitted =
          RunCorridorctl(server_->address(),
                         {"convoys", "submit", "--agency=WFP", "--area=ALP-EAST",
                          "--planned=2016-10-01", "--requested=2015-12-01", "--beneficiaries=1000",
                          "--cargo=flour:food:10:tonnes", "--key=k" + std::to_string(i)},
                         dir_.Sub("coordinator.token"));
      ASSERT_EQ(submitted.exit_code, 0) << submitted.err;
    }
  }

  void Start() {
    auto server = ServerProcess::Start(BinaryPath("corridord"), {"--data_dir=" + dir_.Sub("data")},
                                       dir_.path());
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
  }

  std::unique_ptr<AuditLog> Log(const std::string& role) {
    const std::string token = *ReadTokenFile(dir_.Sub(role + ".token"));
    return NewGrpcAuditLog(
        grpc::CreateChannel(server_->address(), grpc::InsecureChannelCredentials()),
        [token](grpc::ClientContext* context) { AttachBearerToken(context, token); });
  }

  corridor::testing::TempDir dir_;
  std::unique_ptr<ServerProcess> server_;
};

TEST_F(AuditVerificationTest, AJournalThatHoldsVerifiesFromTheStartAndFromASavedHead) {
  std::unique_ptr<AuditLog> log = Log("oversight");
  int heads = 0;
  VerifyOptions options;
  options.on_head = [&](const v1::SignedTreeHead&) { ++heads; };
  absl::StatusOr<AuditReport> report = VerifyAudit(*log, "convoys", std::nullopt, options);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_TRUE(report->verified()) << Findings(*report);
  EXPECT_EQ(report->service, "convoys");
  EXPECT_GE(report->records, 2);  // the convoys, and what their keys store
  EXPECT_EQ(heads, 1);

  absl::StatusOr<v1::SignedTreeHead> saved = log->Head("convoys");
  ASSERT_TRUE(saved.ok());
  absl::StatusOr<AuditReport> since = VerifyAudit(*log, "convoys", *saved);
  ASSERT_TRUE(since.ok()) << since.status();
  EXPECT_TRUE(since->verified()) << Findings(*since);
  ASSERT_TRUE(since->saved.has_value());
}

TEST_F(AuditVerificationTest, AlteredEntriesAndAShorterJournalAreFindings) {
  std::unique_ptr<AuditLog> real = Log("oversight");
  AlteringLog altered(*real);
  altered.alter_entries = [](v1::GetEntriesResponse* response) {
    std::string& entry = *response->mutable_entries(0);
    v1::JournalEntry parsed;
    ASSERT_TRUE(parsed.ParseFromString(entry));
    parsed.mutable_principal()->set_name("someone-else");
    entry = parsed.SerializeAsString();
  };
  absl::StatusOr<AuditReport> report = VerifyAudit(altered, "convoys", std::nullopt);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_FALSE(report->verified());
  EXPECT_THAT(Findings(*report), HasSubstr("do not hash to the signed root"));

  absl::StatusOr<v1::SignedTreeHead> head = real->Head("convoys");
  ASSERT_TRUE(head.ok());
  v1::SignedTreeHead from_the_future = *head;
  from_the_future.set_tree_size(head->tree_size() + 5);
  absl::StatusOr<AuditReport> shorter = VerifyAudit(*real, "convoys", from_the_future);
  ASSERT_TRUE(shorter.ok()) << shorter.status();
  EXPECT_FALSE(shorter->verified());
  // The forged size breaks the saved head's signature before anything else.
  EXPECT_THAT(Findings(*shorter), HasSubstr("the saved head"));
}

// Any merge operator lets the counters be read; which does not matter here.
class KeepLast : public rocksdb::AssociativeMergeOperator {
 public:
  bool Merge(const rocksdb::Slice&, const rocksdb::Slice*, const rocksdb::Slice& value,
             std::string* merged, rocksdb::Logger*) const override {
    merged->assign(value.data(), value.size());
    return true;
  }
  const char* Name() const override { return "corridor.Int64Add"; }
};

// Opens the stopped `service`'s RocksDB as an insider with file access
// would, and hands `edit` its column families (records 1, indexes 2,
// counters 4).
void EditStoppedStore(
    const std::string& path,
    const std::function<void(rocksdb::DB*, const std::vector<rocksdb::ColumnFamilyHandle*>&)>&
        edit) {
  rocksdb::ColumnFamilyOptions counters;
  counters.merge_operator = std::make_shared<KeepLast>();
  std::vector<rocksdb::ColumnFamilyDescriptor> families = {{rocksdb::kDefaultColumnFamilyName, {}},
                                                           {"records", {}},
                                                           {"indexes", {}},
                                                           {"audit", {}},
                                                           {"counters", counters},
                                                           {"outbox", {}}};
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* db = nullptr;
  ASSERT_TRUE(rocksdb::DB::Open(rocksdb::DBOptions(), path, families, &handles, &db).ok());
  edit(db, handles);
  for (auto* handle : handles) db->DestroyColumnFamilyHandle(handle);
  delete db;
}

// The first key of `family` that starts with `prefix`.
std::string FirstKey(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* family,
                     absl::string_view prefix) {
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator({}, family));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    if (absl::StartsWith(it->key().ToString(), prefix)) return it->key().ToString();
  }
  return "";
}

TEST_F(AuditVerificationTest, ARecordEditedInTheStoppedStoreIsAFinding) {
  ASSERT_EQ(server_->StopWith(SIGTERM), 0);
  EditStoppedStore(dir_.Sub("data") + "/convoys",
                   [](rocksdb::DB* db, const std::vector<rocksdb::ColumnFamilyHandle*>& families) {
                     const std::string key = FirstKey(db, families[1], "convoys");
                     ASSERT_FALSE(key.empty());
                     std::string edited;
                     ASSERT_TRUE(db->Get({}, families[1], key, &edited).ok());
                     edited.back() ^= 0x01;
                     ASSERT_TRUE(db->Put({}, families[1], key, edited).ok());
                   });
  Start();
  absl::StatusOr<AuditReport> report = VerifyAudit(*Log("oversight"), "convoys", std::nullopt);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_FALSE(report->verified());
  EXPECT_THAT(Findings(*report), HasSubstr("does not match journal entry"));
  EXPECT_EQ(report->finding_count, 1);
  EXPECT_EQ(report->unreadable_records, 0);
}

// Records the journal vouches for, and what readers are shown of them
// changed behind the service: statistics (counters) and a filtered list
// (an index) no longer match the records.
TEST_F(AuditVerificationTest, StatisticsAndIndexesChangedInTheStoppedStoreAreFindings) {
  for (const char* party : {"Syrian government and affiliated militias", "ISIL"}) {
    CommandResult recorded =
        RunCorridorctl(server_->address(),
                       {"denials", "record", std::string("--party=") + party, "--area=EG-DUMA",
                        "--category=movement-restriction", "--at=2016-09-03", "--people=1000",
                        "--description=held at checkpoint", "--source=OCHA sitrep"},
                       dir_.Sub("coordinator.token"));
    ASSERT_EQ(recorded.exit_code, 0) << recorded.err;
  }
  absl::StatusOr<AuditReport> before = VerifyAudit(*Log("oversight"), "denials", std::nullopt);
  ASSERT_TRUE(before.ok()) << before.status();
  EXPECT_TRUE(before->verified()) << Findings(*before);
  EXPECT_TRUE(before->derived_checked);
  EXPECT_GE(before->indexes_checked, 10);
  EXPECT_GE(before->counters_checked, 10);

  ASSERT_EQ(server_->StopWith(SIGTERM), 0);
  EditStoppedStore(dir_.Sub("data") + "/denials",
                   [](rocksdb::DB* db, const std::vector<rocksdb::ColumnFamilyHandle*>& families) {
                     // One party's count for the month, lowered; one entry of an index,
                     // deleted, so that the denial is missing from that filter's lists.
                     const std::string counter = FirstKey(db, families[4], "p");
                     ASSERT_FALSE(counter.empty());
                     ASSERT_TRUE(db->Put({}, families[4], counter, std::string(40, '\0')).ok());
                     const std::string entry = FirstKey(db, families[2], "denials");
                     ASSERT_FALSE(entry.empty());
                     ASSERT_TRUE(db->Delete({}, families[2], entry).ok());
                   });
  Start();
  absl::StatusOr<AuditReport> report = VerifyAudit(*Log("oversight"), "denials", std::nullopt);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_FALSE(report->verified());
  EXPECT_EQ(report->derived_findings, 2) << Findings(*report);
  EXPECT_THAT(Findings(*report), HasSubstr("lacks the entry of denial"));
  // Named as a person reads it: the dimension, the month, the party.
  EXPECT_THAT(Findings(*report), HasSubstr("statistics counter \"p\" 201609 \""));
  EXPECT_THAT(Findings(*report), HasSubstr("holds [0, 0, 0, 0, 0] where the stored records add "
                                           "up to [1, 1000, 1, 0, 0]"));

  // corridorctl says what it means and what to do.
  CommandResult verify = RunCorridorctl(
      server_->address(), {"audit", "verify", "--service=denials", "--trust-on-first-use"},
      dir_.Sub("oversight.token"));
  EXPECT_EQ(verify.exit_code, 6) << verify.err;
  EXPECT_THAT(verify.err, HasSubstr("filtered lists, exports or statistics it serves are wrong"));
}

TEST_F(AuditVerificationTest, AFailedCallIsAnErrorNotAFinding) {
  const std::string token = "not-a-token";
  std::unique_ptr<AuditLog> log =
      NewGrpcAuditLog(grpc::CreateChannel(server_->address(), grpc::InsecureChannelCredentials()),
                      [token](grpc::ClientContext* context) { AttachBearerToken(context, token); });
  absl::StatusOr<AuditReport> report = VerifyAudit(*log, "convoys", std::nullopt);
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.status().code(), absl::StatusCode::kUnauthenticated);
}

}  // namespace
}  // namespace corridor::audit
