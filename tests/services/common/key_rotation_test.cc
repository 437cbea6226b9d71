// Key rotation on a real store: the rotation is a journal entry signed by
// both keys, the new key replaces the old one's file, a verifier follows the
// chain from the key it pinned, and a rotation a crash interrupted is
// finished (or undone) at the next start.
#include "services/common/key_rotation.h"

#include <sys/stat.h>

#include <filesystem>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/module.h"
#include "storage/key_chain.h"
#include "tests/testing/temp_dir.h"

namespace corridor {
namespace {

using ::testing::HasSubstr;

bool Exists(const std::string& path) {
  struct stat info;
  return stat(path.c_str(), &info) == 0;
}

storage::Origin Admin() {
  storage::Origin origin;
  origin.principal.set_name("admin");
  origin.rpc = "/corridor.v1.OperationsService/RotateSigningKey";
  return origin;
}

class KeyRotationTest : public ::testing::Test {
 protected:
  void SetUp() { Open(); }

  void Open() {
    storage_ = ServiceStorage();
    ModuleOptions options;
    options.data_dir = dir_.Sub("data");
    options.signing_key_path = dir_.Sub("keys/routes.pem");
    ::mkdir(dir_.Sub("keys").c_str(), 0700);
    auto opened = OpenServiceStorage(options, {});
    ASSERT_TRUE(opened.ok()) << opened.status();
    storage_ = *std::move(opened);
  }

  testing::TempDir dir_;
  ServiceStorage storage_;
};

TEST_F(KeyRotationTest, ARotationIsAJournalEntrySignedByBothKeys) {
  const std::string first = storage_.signer->public_key();
  const uint64_t before = storage_.store->journal_head().size;
  auto rotated = RotateSigningKey("routes", storage_, Admin(), "yearly rotation");
  ASSERT_TRUE(rotated.ok()) << rotated.status();
  EXPECT_EQ(rotated->sequence(), 1);
  EXPECT_EQ(rotated->previous_public_key(), first);
  EXPECT_EQ(rotated->public_key(), storage_.signer->public_key());
  EXPECT_NE(first, storage_.signer->public_key());
  EXPECT_EQ(storage_.store->journal_head().size, before + 1);
  EXPECT_FALSE(Exists(dir_.Sub("keys/routes.pem.next")));

  auto second = RotateSigningKey("routes", storage_, Admin(), "the host was replaced");
  ASSERT_TRUE(second.ok()) << second.status();
  auto rotations = SigningKeyRotations(*storage_.store);
  ASSERT_TRUE(rotations.ok());
  ASSERT_EQ(rotations->size(), 2u);
  auto followed =
      storage::FollowKeyRotations("routes", first, storage_.signer->public_key(), *rotations);
  ASSERT_TRUE(followed.ok()) << followed.status();
  EXPECT_EQ(*followed, 2);
  // The chain is bound to its service and to its signatures.
  EXPECT_FALSE(
      storage::FollowKeyRotations("convoys", first, storage_.signer->public_key(), *rotations)
          .ok());
  std::vector<v1::SigningKeyRotation> forged = *rotations;
  forged[1].mutable_previous_key_signature()->back() ^= 1;
  auto broken = storage::FollowKeyRotations("routes", first, storage_.signer->public_key(), forged);
  EXPECT_EQ(broken.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(broken.status().message(), HasSubstr("key rotation 2"));
  EXPECT_EQ(RotateSigningKey("routes", storage_, Admin(), "").status().code(),
            absl::StatusCode::kInvalidArgument);

  // Reopened, the service signs with the last key.
  const std::string last = storage_.signer->public_key();
  Open();
  EXPECT_EQ(storage_.signer->public_key(), last);
}

// A copy of the old key, from a backup made before the rotation, signs
// nothing for the service any more.
TEST_F(KeyRotationTest, ARetiredKeyIsRefused) {
  const std::string key_path = dir_.Sub("keys/routes.pem");
  std::filesystem::copy_file(key_path, dir_.Sub("old.pem"));
  const std::string first = storage_.signer->public_key();
  const uint64_t at = storage_.store->journal_head().size;
  ASSERT_TRUE(RotateSigningKey("routes", storage_, Admin(), "yearly rotation").ok());
  auto rotations = SigningKeyRotations(*storage_.store);
  ASSERT_TRUE(rotations.ok());
  // Heads up to the rotation's own entry may carry the old key; none after.
  EXPECT_TRUE(storage::CheckKeyNotRetired("routes", first, at + 1, *rotations).ok());
  auto retired = storage::CheckKeyNotRetired("routes", first, at + 2, *rotations);
  EXPECT_EQ(retired.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(retired.message(), HasSubstr("retired at"));
  EXPECT_TRUE(
      storage::CheckKeyNotRetired("routes", storage_.signer->public_key(), at + 100, *rotations)
          .ok());

  // The service refuses to start with the old key put back.
  storage_ = ServiceStorage();
  std::filesystem::copy_file(dir_.Sub("old.pem"), key_path,
                             std::filesystem::copy_options::overwrite_existing);
  ModuleOptions options;
  options.data_dir = dir_.Sub("data");
  options.signing_key_path = key_path;
  auto refused = OpenServiceStorage(options, {});
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(refused.status().message(), HasSubstr("retired key"));
}

TEST_F(KeyRotationTest, ARotationACrashInterruptedIsFinishedOrUndoneAtStart) {
  const std::string key_path = dir_.Sub("keys/routes.pem");
  auto rotated = RotateSigningKey("routes", storage_, Admin(), "interrupted");
  ASSERT_TRUE(rotated.ok()) << rotated.status();
  const std::string rotated_key = storage_.signer->public_key();
  // Journaled, but the new key never replaced the old file: the new key
  // back at <path>.next, another at the path.
  ASSERT_EQ(std::rename(key_path.c_str(), (key_path + ".next").c_str()), 0);
  auto stale = storage::TreeSigner::LoadOrCreate(key_path);
  ASSERT_TRUE(stale.ok());
  storage_ = ServiceStorage();
  Open();
  EXPECT_EQ(storage_.signer->public_key(), rotated_key) << "the journaled key was put in place";
  EXPECT_FALSE(Exists(key_path + ".next"));

  // A new key left by a rotation that never committed is thrown away.
  auto never = storage::TreeSigner::LoadOrCreate(key_path + ".next");
  ASSERT_TRUE(never.ok());
  storage_ = ServiceStorage();
  Open();
  EXPECT_EQ(storage_.signer->public_key(), rotated_key);
  EXPECT_FALSE(Exists(key_path + ".next"));
}

}  // namespace
}  // namespace corridor
