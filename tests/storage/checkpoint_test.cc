// Checkpoints and signed notes as the C2SP specs write them; the same bytes
// are checked by Go's own implementation in
// tests/interop/checkpoint_interop_test.cc.
#include "storage/checkpoint.h"

#include "absl/strings/str_replace.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/temp_dir.h"

namespace corridor::storage {
namespace {

using ::testing::HasSubstr;
using ::testing::MatchesRegex;

class CheckpointTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto signer = TreeSigner::LoadOrCreate(dir_.Sub("key.pem"));
    ASSERT_TRUE(signer.ok()) << signer.status();
    signer_ = *std::move(signer);
    auto other = TreeSigner::LoadOrCreate(dir_.Sub("other.pem"));
    ASSERT_TRUE(other.ok()) << other.status();
    other_ = *std::move(other);
    root_ = merkle::LeafHash("entry");
  }

  testing::TempDir dir_;
  std::unique_ptr<TreeSigner> signer_, other_;
  merkle::Hash root_;
};

TEST_F(CheckpointTest, TheBodyIsOriginSizeAndRootAndParsesBack) {
  const std::string body = CheckpointBody("example.org/corridor/denials", 1042, root_);
  EXPECT_THAT(body, MatchesRegex("example.org/corridor/denials\n1042\n[A-Za-z0-9+/]{43}=\n"));
  auto parsed = ParseCheckpoint(body);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->origin, "example.org/corridor/denials");
  EXPECT_EQ(parsed->tree_size, 1042u);
  EXPECT_EQ(parsed->root, root_);
  // Extension lines after the three are allowed.
  EXPECT_TRUE(ParseCheckpoint(body + "extension\n").ok());
}

TEST_F(CheckpointTest, AMalformedBodyNamesTheLine) {
  const std::string body = CheckpointBody("o", 7, root_);
  EXPECT_THAT(ParseCheckpoint("o\n07\n" + body.substr(4)).status().message(), HasSubstr("line 2"));
  EXPECT_THAT(ParseCheckpoint("o\nseven\n" + body.substr(4)).status().message(),
              HasSubstr("line 2"));
  EXPECT_THAT(ParseCheckpoint("o\n7\nAAAA\n").status().message(), HasSubstr("line 3"));
  EXPECT_FALSE(ParseCheckpoint("o\n7").ok());
  EXPECT_FALSE(ParseCheckpoint("\n7\n" + body.substr(4)).ok());
}

TEST_F(CheckpointTest, ASignedNoteOpensWithItsKeyOnly) {
  const std::string body = CheckpointBody("example.org/a", 3, root_);
  auto note = SignNote(body, "example.org/a", *signer_);
  ASSERT_TRUE(note.ok()) << note.status();
  EXPECT_THAT(*note, HasSubstr("\n\n\xE2\x80\x94 example.org/a "));
  const std::string key = NoteVerifierKey("example.org/a", signer_->public_key());
  EXPECT_THAT(key, MatchesRegex("example.org/a\\+[0-9a-f]{8}\\+[A-Za-z0-9+/]{43}[A-Za-z0-9+/=]"));
  auto opened = OpenNote(*note, key);
  ASSERT_TRUE(opened.ok()) << opened.status();
  EXPECT_EQ(*opened, body);

  // Changed after signing.
  const std::string forged = absl::StrReplaceAll(*note, {{"\n3\n", "\n4\n"}});
  EXPECT_TRUE(absl::IsDataLoss(OpenNote(forged, key).status()));
  // Another key of another name: not signed by it.
  const std::string other_key = NoteVerifierKey("example.org/b", other_->public_key());
  EXPECT_TRUE(absl::IsDataLoss(OpenNote(*note, other_key).status()));
  // Another key under the same name: the key hash tells them apart.
  EXPECT_TRUE(absl::IsDataLoss(
      OpenNote(*note, NoteVerifierKey("example.org/a", other_->public_key())).status()));
  // A second signature (a witness's) beside it does not stop it opening.
  auto cosigned = SignNote(body, "witness.example", *other_);
  ASSERT_TRUE(cosigned.ok());
  const std::string both = *note + cosigned->substr(cosigned->find("\xE2\x80\x94"));
  EXPECT_TRUE(OpenNote(both, key).ok());
  EXPECT_TRUE(OpenNote(both, NoteVerifierKey("witness.example", other_->public_key())).ok());
}

// A base64 key may hold '+', the verifier key's separator: every key opens
// its notes (20 keys: some hold a '+', all but certainly).
TEST_F(CheckpointTest, KeysWhoseBase64HoldsAPlusOpenToo) {
  const std::string body = CheckpointBody("example.org/a", 1, root_);
  int with_plus = 0;
  for (int i = 0; i < 20; ++i) {
    auto signer = TreeSigner::LoadOrCreate(dir_.Sub("key-" + std::to_string(i) + ".pem"));
    ASSERT_TRUE(signer.ok()) << signer.status();
    const std::string key = NoteVerifierKey("example.org/a", (*signer)->public_key());
    // "example.org/a+" and 8 hex digits and "+", then the base64 key.
    with_plus += key.substr(23).find('+') != std::string::npos;
    auto note = SignNote(body, "example.org/a", **signer);
    ASSERT_TRUE(note.ok());
    EXPECT_TRUE(OpenNote(*note, key).ok()) << key;
  }
  EXPECT_GT(with_plus, 0);
}

TEST_F(CheckpointTest, MalformedNotesAndKeysAreRefusedAsSuch) {
  const std::string body = CheckpointBody("example.org/a", 3, root_);
  const std::string key = NoteVerifierKey("example.org/a", signer_->public_key());
  EXPECT_TRUE(absl::IsInvalidArgument(OpenNote(body, key).status()));  // no signatures
  EXPECT_TRUE(absl::IsInvalidArgument(
      OpenNote(*SignNote(body, "example.org/a", *signer_), "example.org/a+00000000+AAAA")
          .status()));
  EXPECT_TRUE(absl::IsInvalidArgument(SignNote("no newline", "n", *signer_).status()));
  EXPECT_TRUE(absl::IsInvalidArgument(SignNote(body, "has space", *signer_).status()));
  EXPECT_TRUE(absl::IsInvalidArgument(SignNote(body, "has+plus", *signer_).status()));
}

}  // namespace
}  // namespace corridor::storage
