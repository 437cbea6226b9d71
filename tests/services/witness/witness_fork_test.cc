// Two independent witnesses (the real corridor-witness binary, each with its
// own key and RocksDB) follow a real corridord. Its checkpoints come back
// cosigned by both, so a client can require 2 of 2. Then the operator forks
// the record: restores an older backup, with the same signing key, and
// writes other entries. Both witnesses refuse every checkpoint of the fork
// and keep the evidence: the checkpoint they cosigned and the one the fork
// presented, both signed by the log's key. Before that the operator rotates
// the key, and the witnesses follow the rotation.
#include <filesystem>
#include <fstream>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/credentials.h"
#include "corridor/v1/audit.grpc.pb.h"
#include "corridor/v1/witness.grpc.pb.h"
#include "gmock/gmock.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "storage/checkpoint.h"
#include "storage/cosignature.h"
#include "storage/tree_signer.h"
#include "tests/testing/subprocess.h"
#include "tests/testing/temp_dir.h"

namespace corridor::witness {
namespace {

using ::corridor::testing::BinaryPath;
using ::corridor::testing::CommandResult;
using ::corridor::testing::RunCommand;
using ::corridor::testing::RunCorridorctl;
using ::corridor::testing::ServerProcess;
using ::testing::HasSubstr;

constexpr char kOrigin[] = "test.example.org/corridor/areas";

class WitnessForkTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // Each witness's key, made here so that the deployment can list it.
    std::ofstream listed(dir_.Sub("witness_keys.txt"));
    for (const std::string name : {"w1", "w2"}) {
      std::filesystem::create_directories(dir_.Sub("keys-" + name));
      auto signer = storage::TreeSigner::LoadOrCreate(dir_.Sub("keys-" + name + "/witness.pem"));
      ASSERT_TRUE(signer.ok()) << signer.status();
      witness_keys_.push_back(
          storage::CosignerVerifierKey(name + ".example.org", (*signer)->public_key()));
      listed << witness_keys_.back() << "\n";
    }
  }

  std::unique_ptr<ServerProcess> StartCorridord(const std::string& data,
                                                const std::string& listen) {
    auto server =
        ServerProcess::Start(BinaryPath("corridord"),
                             {"--data_dir=" + data, "--backup_root=" + dir_.Sub("backups"),
                              "--signing_key_dir=" + dir_.Sub("log-keys"),
                              "--checkpoint_origin=test.example.org/corridor",
                              "--witness_keys_file=" + dir_.Sub("witness_keys.txt"),
                              "--checkpoint_interval_seconds=0", "--listen=" + listen},
                             dir_.path());
    EXPECT_TRUE(server.ok()) << server.status();
    return server.ok() ? *std::move(server) : nullptr;
  }

  std::unique_ptr<ServerProcess> StartWitness(const std::string& name, const std::string& target) {
    auto witness = ServerProcess::Start(
        BinaryPath("corridor-witness"),
        {"--name=" + name + ".example.org",
         "--key_file=" + dir_.Sub("keys-" + name + "/witness.pem"),
         "--data_dir=" + dir_.Sub("data-" + name), "--log_keys_file=" + dir_.Sub("log_keys.txt"),
         "--target=" + target, "--token_file=" + admin_token_, "--interval_seconds=1"},
        dir_.path());
    EXPECT_TRUE(witness.ok()) << witness.status();
    return witness.ok() ? *std::move(witness) : nullptr;
  }

  void AddParties(const ServerProcess& server, const std::string& prefix, int count) {
    for (int i = 0; i < count; ++i) {
      CommandResult created =
          RunCorridorctl(server.address(),
                         {"parties", "create", absl::StrCat("--id=", prefix, "-", i),
                          absl::StrCat("--name=", prefix, " party ", i), "--note=witness test"},
                         admin_token_);
      ASSERT_EQ(created.exit_code, 0) << created.err;
    }
  }

  // The witness's latest cosigned size of the areas log, 0 if none.
  uint64_t CosignedSize(const ServerProcess& witness) {
    auto stub = v1::WitnessService::NewStub(
        grpc::CreateChannel(witness.address(), grpc::InsecureChannelCredentials()));
    grpc::ClientContext context;
    v1::ListWitnessedCheckpointsResponse response;
    if (!stub->ListWitnessedCheckpoints(&context, {}, &response).ok()) return 0;
    for (const auto& checkpoint : response.checkpoints()) {
      if (checkpoint.origin() == kOrigin) return checkpoint.tree_size();
    }
    return 0;
  }

  std::vector<v1::ForkEvidence> Evidence(const ServerProcess& witness) {
    auto stub = v1::WitnessService::NewStub(
        grpc::CreateChannel(witness.address(), grpc::InsecureChannelCredentials()));
    grpc::ClientContext context;
    v1::ListEvidenceResponse response;
    EXPECT_TRUE(stub->ListEvidence(&context, {}, &response).ok());
    return {response.evidence().begin(), response.evidence().end()};
  }

  template <typename Condition>
  bool WaitFor(Condition condition) {
    const absl::Time deadline = absl::Now() + absl::Seconds(60);
    while (absl::Now() < deadline) {
      if (condition()) return true;
      absl::SleepFor(absl::Milliseconds(100));
    }
    return false;
  }

  corridor::testing::TempDir dir_;
  std::vector<std::string> witness_keys_;
  std::string admin_token_;
};

TEST_F(WitnessForkTest, BothWitnessesCosignTheLogAndRefuseAForkOfIt) {
  std::unique_ptr<ServerProcess> server = StartCorridord(dir_.Sub("data"), "127.0.0.1:0");
  ASSERT_NE(server, nullptr);
  const std::string address = server->address();
  admin_token_ = corridor::testing::AdminTokenFile(dir_.Sub("data"));
  CommandResult log_key =
      RunCorridorctl(address, {"audit", "key", "--service=areas"}, admin_token_);
  ASSERT_EQ(log_key.exit_code, 0) << log_key.err;
  std::ofstream(dir_.Sub("log_keys.txt")) << "# the areas log\n" << log_key.out;

  AddParties(*server, "before", 2);
  ASSERT_EQ(RunCorridorctl(address, {"admin", "backup", "--to=older"}, admin_token_).exit_code, 0);
  AddParties(*server, "after", 3);

  std::unique_ptr<ServerProcess> w1 = StartWitness("w1", address);
  std::unique_ptr<ServerProcess> w2 = StartWitness("w2", address);
  ASSERT_NE(w1, nullptr);
  ASSERT_NE(w2, nullptr);
  auto areas =
      v1::AuditService::NewStub(grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));
  v1::Checkpoint witnessed;
  // 2 of 2: the checkpoint comes back with both cosignatures.
  ASSERT_TRUE(WaitFor([&] {
    grpc::ClientContext context;
    AttachBearerToken(&context, *ReadTokenFile(admin_token_));
    v1::GetCheckpointRequest request;
    request.set_service("areas");
    request.set_min_cosignatures(2);
    return areas->GetCheckpoint(&context, request, &witnessed).ok();
  })) << w1->Logs()
      << w2->Logs();
  EXPECT_EQ(witnessed.cosigned_by_size(), 2);
  EXPECT_TRUE(
      storage::OpenNote(witnessed.note(), log_key.out.substr(0, log_key.out.size() - 1)).ok());
  for (const std::string& key : witness_keys_) {
    EXPECT_TRUE(storage::VerifyCosignature(witnessed.note(), key).ok()) << key;
  }
  ASSERT_TRUE(WaitFor([&] {
    return CosignedSize(*w1) == witnessed.tree_size() && CosignedSize(*w2) == witnessed.tree_size();
  }));

  // The operator rotates the key: the witnesses follow the rotation, signed
  // by the key they trust, and go on cosigning under the new key.
  CommandResult rotated = RunCorridorctl(
      address, {"admin", "rotate-key", "--service=areas", "--reason=witness test"}, admin_token_);
  ASSERT_EQ(rotated.exit_code, 0) << rotated.err;
  const uint64_t cosigned = witnessed.tree_size() + 1;  // the rotation's own entry
  ASSERT_TRUE(WaitFor([&] {
    return CosignedSize(*w1) == cosigned && CosignedSize(*w2) == cosigned;
  })) << w1->Logs()
      << w2->Logs();
  EXPECT_THAT(w1->Logs(), HasSubstr("rotated its key 1 time, each"));

  // The fork: the older backup, restored and started with the same key on
  // the same address, then made to grow past what the witnesses cosigned.
  ASSERT_EQ(server->StopWith(SIGTERM), 0);
  CommandResult restored =
      RunCommand({BinaryPath("corridorctl"), "admin", "restore",
                  "--from=" + dir_.Sub("backups/older"), "--data-dir=" + dir_.Sub("forked")});
  ASSERT_EQ(restored.exit_code, 0) << restored.err;
  std::unique_ptr<ServerProcess> fork = StartCorridord(dir_.Sub("forked"), address);
  ASSERT_NE(fork, nullptr);
  AddParties(*fork, "rewritten", 6);

  for (ServerProcess* witness : {w1.get(), w2.get()}) {
    ASSERT_TRUE(WaitFor([&] { return !Evidence(*witness).empty(); })) << witness->Logs();
    const v1::ForkEvidence evidence = Evidence(*witness)[0];
    EXPECT_EQ(evidence.origin(), kOrigin);
    EXPECT_THAT(evidence.cosigned_note(), HasSubstr(absl::StrCat("\n", cosigned, "\n")));
    // Both checkpoints are the log's own word, under its rotated key.
    CommandResult rotated_key =
        RunCorridorctl(fork->address(), {"audit", "key", "--service=areas"}, admin_token_);
    const std::string key = rotated_key.out.substr(0, rotated_key.out.size() - 1);
    EXPECT_TRUE(storage::OpenNote(evidence.cosigned_note(), key).ok());
    EXPECT_TRUE(storage::OpenNote(evidence.presented_note(), key).ok());
    EXPECT_NE(evidence.presented_note(), evidence.cosigned_note());
    // Nothing of the fork was cosigned.
    EXPECT_EQ(CosignedSize(*witness), cosigned);
  }
  // And no client finds the fork cosigned.
  grpc::ClientContext context;
  AttachBearerToken(&context, *ReadTokenFile(admin_token_));
  v1::GetCheckpointRequest request;
  request.set_service("areas");
  request.set_min_cosignatures(1);
  v1::Checkpoint forked;
  EXPECT_EQ(areas->GetCheckpoint(&context, request, &forked).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(w1->StopWith(SIGTERM), 0);
  EXPECT_THAT(w1->Logs(), HasSubstr("refused to cosign " + std::string(kOrigin)));
}

}  // namespace
}  // namespace corridor::witness
