// The witness's judgement against a log simulated with the storage layer's
// own Merkle code, and its state in a real RocksDB that outlives a restart.
#include "services/witness/witness.h"

#include <map>
#include <utility>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "storage/checkpoint.h"
#include "storage/cosignature.h"
#include "storage/merkle.h"
#include "tests/testing/temp_dir.h"

namespace corridor::witness {
namespace {

using storage::merkle::Hash;
using ::testing::HasSubstr;

constexpr char kOrigin[] = "monitor.example.org/corridor/denials";
constexpr char kFromLog[] = "fetched from the log at 127.0.0.1:7400";

// A log: its leaves' perfect subtrees, checkpoints signed with its key.
class FakeLog {
 public:
  explicit FakeLog(const storage::TreeSigner* signer) : signer_(signer) {}

  void Append(const std::string& entry) {
    for (const auto& node : frontier_.Append(storage::merkle::LeafHash(entry))) {
      nodes_[{node.level, node.index}] = node.hash;
    }
  }
  uint64_t size() const { return frontier_.size(); }
  std::string Note() const {
    return *storage::SignNote(storage::CheckpointBody(kOrigin, size(), frontier_.Root()), kOrigin,
                              *signer_);
  }
  std::vector<std::string> ProofFrom(uint64_t first) const {
    auto proof = storage::merkle::ConsistencyProof(Nodes(), first, size());
    std::vector<std::string> out;
    for (const Hash& hash : *proof) out.push_back(storage::merkle::ToBytes(hash));
    return out;
  }
  std::string Key() const { return storage::NoteVerifierKey(kOrigin, signer_->public_key()); }

 private:
  storage::merkle::NodeSource Nodes() const {
    return [this](int level, uint64_t index) -> absl::StatusOr<Hash> {
      auto found = nodes_.find({level, index});
      if (found == nodes_.end()) return absl::NotFoundError("node");
      return found->second;
    };
  }
  const storage::TreeSigner* signer_;
  storage::merkle::Frontier frontier_;
  std::map<std::pair<int, uint64_t>, Hash> nodes_;
};

class WitnessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    log_signer_ = *storage::TreeSigner::LoadOrCreate(dir_.Sub("log.pem"));
    witness_signer_ = *storage::TreeSigner::LoadOrCreate(dir_.Sub("witness.pem"));
    log_ = std::make_unique<FakeLog>(log_signer_.get());
    fork_ = std::make_unique<FakeLog>(log_signer_.get());
    for (int i = 0; i < 5; ++i) {
      log_->Append(absl::StrCat("entry ", i));
      fork_->Append(absl::StrCat("entry ", i));
    }
    Reopen();
  }

  void Reopen() {
    witness_.reset();
    store_.reset();
    storage::StoreOptions options;
    options.path = dir_.Sub("witness-data");
    store_ = *storage::Store::Open(options);
    auto witness = Witness::Create(store_.get(), witness_signer_.get(),
                                   {.name = "witness.example.org", .log_keys = {log_->Key()}});
    ASSERT_TRUE(witness.ok()) << witness.status();
    witness_ = *std::move(witness);
  }

  absl::StatusOr<v1::AddCheckpointResponse> Add(uint64_t old_size, const FakeLog& log,
                                                absl::string_view source = "") {
    return witness_->AddCheckpoint(old_size,
                                   old_size == 0 || old_size >= log.size()
                                       ? std::vector<std::string>{}
                                       : log.ProofFrom(old_size),
                                   log.Note(), source);
  }

  testing::TempDir dir_;
  std::unique_ptr<storage::TreeSigner> log_signer_, witness_signer_;
  std::unique_ptr<FakeLog> log_, fork_;
  std::unique_ptr<storage::Store> store_;
  std::unique_ptr<Witness> witness_;
};

TEST_F(WitnessTest, CosignsAGrowingLogInTheTlogCosignatureFormat) {
  auto first = Add(0, *log_);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_THAT(first->cosignature(), HasSubstr("\xE2\x80\x94 witness.example.org "));
  auto time = storage::VerifyCosignature(first->cosigned_note(), witness_->verifier_key());
  ASSERT_TRUE(time.ok()) << time.status();
  EXPECT_GT(*time, 1700000000);
  // The log's own signature is still there, for any signed-note reader.
  EXPECT_TRUE(storage::OpenNote(first->cosigned_note(), log_->Key()).ok());

  log_->Append("entry 5");
  log_->Append("entry 6");
  auto grown = Add(5, *log_);
  ASSERT_TRUE(grown.ok()) << grown.status();
  EXPECT_TRUE(storage::VerifyCosignature(grown->cosigned_note(), witness_->verifier_key()).ok());
  auto latest = witness_->Latest(kOrigin);
  ASSERT_TRUE(latest.ok() && latest->has_value());
  EXPECT_EQ((*latest)->tree_size(), 7u);
  // The same checkpoint again is cosigned again (tlog-witness).
  EXPECT_TRUE(Add(7, *log_).ok());
}

// A deployment's journals start empty, and a witness started with it
// cosigns them at 0 entries first; it used to refuse every later checkpoint
// of that journal, asking for a proof from size 0 the log would not give.
TEST_F(WitnessTest, ALogCosignedWhileEmptyIsCosignedAsItGrows) {
  FakeLog empty(log_signer_.get());
  auto at_zero = witness_->AddCheckpoint(0, {}, empty.Note(), "");
  ASSERT_TRUE(at_zero.ok()) << at_zero.status();
  empty.Append("entry 0");
  empty.Append("entry 1");
  empty.Append("entry 2");
  auto grown = witness_->AddCheckpoint(0, empty.ProofFrom(0), empty.Note(), "fetched from the log");
  ASSERT_TRUE(grown.ok()) << grown.status();
  auto latest = witness_->Latest(kOrigin);
  ASSERT_TRUE(latest.ok() && latest->has_value());
  EXPECT_EQ((*latest)->tree_size(), 3u);
}

TEST_F(WitnessTest, ACosignatureOfAChangedCheckpointDoesNotVerify) {
  auto first = Add(0, *log_);
  ASSERT_TRUE(first.ok());
  std::string changed = first->cosigned_note();
  changed.replace(changed.find("\n5\n"), 3, "\n6\n");
  EXPECT_EQ(storage::VerifyCosignature(changed, witness_->verifier_key()).status().code(),
            absl::StatusCode::kDataLoss);
  // A log's key is not a cosigner's key.
  EXPECT_EQ(storage::VerifyCosignature(first->cosigned_note(), log_->Key()).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(WitnessTest, RefusesAShrunkTreeAndKeepsBothCheckpoints) {
  log_->Append("entry 5");
  ASSERT_TRUE(Add(0, *log_).ok());
  // fork_ has 5 entries. Anyone may show an older checkpoint: no evidence.
  EXPECT_EQ(Add(6, *fork_).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(witness_->Evidence()->empty());
  // The log showing it as its current one is a rollback.
  auto shrunk = Add(6, *fork_, kFromLog);
  EXPECT_EQ(shrunk.status().code(), absl::StatusCode::kAborted);
  EXPECT_THAT(shrunk.status().message(), HasSubstr("shrank from 6 to 5"));
  auto evidence = witness_->Evidence();
  ASSERT_TRUE(evidence.ok());
  ASSERT_EQ(evidence->size(), 1u);
  EXPECT_EQ((*evidence)[0].id(), "ev-000001");
  EXPECT_TRUE(storage::OpenNote((*evidence)[0].cosigned_note(), log_->Key()).ok());
  EXPECT_TRUE(storage::OpenNote((*evidence)[0].presented_note(), log_->Key()).ok());
  EXPECT_THAT((*evidence)[0].presented_note(), HasSubstr("\n5\n"));
  EXPECT_EQ(witness_->refusals(), 1u);
  // Shown again, it is refused again and recorded once.
  EXPECT_EQ(Add(6, *fork_, kFromLog).status().code(), absl::StatusCode::kAborted);
  EXPECT_EQ(witness_->Evidence()->size(), 1u);
}

TEST_F(WitnessTest, RefusesAnotherRootAtTheSameSize) {
  ASSERT_TRUE(Add(0, *log_).ok());
  log_->Append("entry 5");
  fork_->Append("another entry 5");
  ASSERT_TRUE(Add(5, *log_).ok());
  auto other = witness_->AddCheckpoint(6, {}, fork_->Note(), "");
  EXPECT_EQ(other.status().code(), absl::StatusCode::kAborted);
  EXPECT_THAT(other.status().message(), HasSubstr("two different root hashes"));
  EXPECT_EQ(witness_->Evidence()->size(), 1u);
}

TEST_F(WitnessTest, AFailingProofIsTheCallersErrorUnlessTheLogGaveIt) {
  ASSERT_TRUE(Add(0, *log_).ok());
  log_->Append("entry 5");
  ASSERT_TRUE(Add(5, *log_).ok());
  fork_->Append("another entry 5");
  fork_->Append("entry 6");
  // The fork's own proof cannot link it to the 6 entries cosigned.
  auto from_caller = witness_->AddCheckpoint(6, fork_->ProofFrom(6), fork_->Note(), "");
  EXPECT_EQ(from_caller.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(from_caller.status().message(), HasSubstr("consistency_proof"));
  EXPECT_TRUE(witness_->Evidence()->empty());
  auto from_log = Add(6, *fork_, kFromLog);
  EXPECT_EQ(from_log.status().code(), absl::StatusCode::kAborted);
  auto evidence = witness_->Evidence();
  ASSERT_EQ(evidence->size(), 1u);
  EXPECT_THAT((*evidence)[0].reason(), HasSubstr("rewritten"));
  EXPECT_EQ((*evidence)[0].proof_source(), kFromLog);
  // The true log still grows, and is still cosigned.
  log_->Append("entry 6");
  EXPECT_TRUE(Add(6, *log_).ok());
}

TEST_F(WitnessTest, RefusesWhatItCannotCheck) {
  auto other_signer = *storage::TreeSigner::LoadOrCreate(dir_.Sub("other.pem"));
  FakeLog impostor(other_signer.get());
  impostor.Append("x");
  EXPECT_EQ(witness_->AddCheckpoint(0, {}, impostor.Note(), "").status().code(),
            absl::StatusCode::kUnauthenticated);
  const std::string unknown = *storage::SignNote(
      storage::CheckpointBody("elsewhere.org/log", 1, storage::merkle::LeafHash("x")),
      "elsewhere.org/log", *log_signer_);
  EXPECT_EQ(witness_->AddCheckpoint(0, {}, unknown, "").status().code(),
            absl::StatusCode::kNotFound);
  ASSERT_TRUE(Add(0, *log_).ok());
  log_->Append("entry 5");
  auto stale = Add(3, *log_);
  EXPECT_EQ(stale.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(stale.status().message(), HasSubstr("at 5 entries, not 3"));
  EXPECT_EQ(witness_->AddCheckpoint(5, {"short"}, log_->Note(), "").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_FALSE(witness_->AddCheckpoint(5, {}, "no blank line", "").ok());
}

TEST_F(WitnessTest, ARestartedWitnessRemembersWhatItCosignedAndRefused) {
  log_->Append("entry 5");
  ASSERT_TRUE(Add(0, *log_).ok());
  ASSERT_EQ(Add(6, *fork_, kFromLog).status().code(), absl::StatusCode::kAborted);
  Reopen();
  EXPECT_EQ(Add(6, *fork_, kFromLog).status().code(), absl::StatusCode::kAborted);
  EXPECT_EQ(witness_->Evidence()->size(), 1u);
  auto latest = witness_->Latest(kOrigin);
  ASSERT_TRUE(latest.ok() && latest->has_value());
  EXPECT_EQ((*latest)->tree_size(), 6u);
}

TEST_F(WitnessTest, FollowsTheLogsKeyRotationsAndNothingElse) {
  ASSERT_TRUE(Add(0, *log_).ok());
  auto next = *storage::TreeSigner::LoadOrCreate(dir_.Sub("log-next.pem"));
  FakeLog rotated(next.get());
  for (int i = 0; i < 5; ++i) rotated.Append(absl::StrCat("entry ", i));
  v1::SigningKeyRotation rotation;
  rotation.set_sequence(1);
  rotation.set_service("denials");
  rotation.set_previous_public_key(log_signer_->public_key());
  rotation.set_public_key(next->public_key());
  rotation.set_tree_size(5);
  const std::string signed_bytes = storage::KeyRotationSigningInput(
      "denials", 1, rotation.previous_public_key(), rotation.public_key(), 5);
  rotation.set_previous_key_signature(*log_signer_->Sign(signed_bytes));
  rotation.set_new_key_signature(*next->Sign(signed_bytes));
  const std::string new_key = storage::NoteVerifierKey(kOrigin, next->public_key());

  EXPECT_EQ(witness_->AddCheckpoint(5, {}, rotated.Note(), "").status().code(),
            absl::StatusCode::kUnauthenticated);
  v1::SigningKeyRotation forged = rotation;
  forged.mutable_new_key_signature()->back() ^= 1;
  EXPECT_EQ(witness_->FollowKeyRotations(kOrigin, new_key, {forged}).code(),
            absl::StatusCode::kDataLoss);
  EXPECT_EQ(witness_->AddCheckpoint(5, {}, rotated.Note(), "").status().code(),
            absl::StatusCode::kUnauthenticated);
  ASSERT_TRUE(witness_->FollowKeyRotations(kOrigin, new_key, {rotation}).ok());
  EXPECT_TRUE(witness_->AddCheckpoint(5, {}, rotated.Note(), "").ok());
  EXPECT_EQ(witness_->logs().at(kOrigin), new_key);
  // Restarted, it still trusts the new key, not the retired one of its file.
  Reopen();
  EXPECT_EQ(witness_->logs().at(kOrigin), new_key);
  EXPECT_EQ(witness_->AddCheckpoint(5, {}, log_->Note(), "").status().code(),
            absl::StatusCode::kUnauthenticated);
}

TEST(WitnessOptionsTest, NamesWhatIsWrong) {
  testing::TempDir dir;
  auto signer = *storage::TreeSigner::LoadOrCreate(dir.Sub("w.pem"));
  storage::StoreOptions options;
  options.path = dir.Sub("data");
  auto store = *storage::Store::Open(options);
  EXPECT_THAT(Witness::Create(store.get(), signer.get(), {.name = "w", .log_keys = {"nonsense"}})
                  .status()
                  .message(),
              HasSubstr("log key \"nonsense\""));
  EXPECT_THAT(
      Witness::Create(store.get(), signer.get(), {.name = "w", .log_keys = {}}).status().message(),
      HasSubstr("at least one log"));
  const std::string key = storage::NoteVerifierKey("o", signer->public_key());
  EXPECT_THAT(Witness::Create(store.get(), signer.get(), {.name = "has space", .log_keys = {key}})
                  .status()
                  .message(),
              HasSubstr("name:"));
}

}  // namespace
}  // namespace corridor::witness
