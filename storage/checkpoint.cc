#include "storage/checkpoint.h"

#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/status_macros.h"

namespace corridor::storage {
namespace {

constexpr char kEd25519 = 0x01;                                  // the signed-note signature type
constexpr absl::string_view kSignaturePrefix = "\xE2\x80\x94 ";  // "— "

// The first four bytes of SHA-256(name || "\n" || type || public key).
std::string KeyHash(absl::string_view name, absl::string_view public_key) {
  const merkle::Hash hash =
      merkle::Sha256(absl::StrCat(name, "\n", std::string(1, kEd25519), public_key));
  return std::string(reinterpret_cast<const char*>(hash.data()), 4);
}

bool IsValidKeyName(absl::string_view name) {
  if (name.empty()) return false;
  for (unsigned char c : name) {
    if (c <= ' ' || c == '+' || c >= 0x7f) return false;
  }
  return true;
}

}  // namespace

std::string CheckpointBody(absl::string_view origin, uint64_t tree_size, const merkle::Hash& root) {
  return absl::StrCat(origin, "\n", tree_size, "\n", absl::Base64Escape(merkle::ToBytes(root)),
                      "\n");
}

absl::StatusOr<Checkpoint> ParseCheckpoint(absl::string_view body) {
  const std::vector<absl::string_view> lines = absl::StrSplit(body, '\n');
  if (lines.size() < 4 || !lines.back().empty()) {
    return absl::InvalidArgumentError(
        "checkpoint: needs an origin line, a tree size line and a root hash line, each ending "
        "in a newline");
  }
  Checkpoint checkpoint;
  checkpoint.origin = std::string(lines[0]);
  if (checkpoint.origin.empty()) return absl::InvalidArgumentError("checkpoint: origin is empty");
  if (lines[1].empty() || (lines[1].size() > 1 && lines[1][0] == '0') ||
      !absl::SimpleAtoi(lines[1], &checkpoint.tree_size)) {
    return absl::InvalidArgumentError(
        absl::StrCat("checkpoint: line 2, \"", lines[1], "\", is not a decimal tree size"));
  }
  std::string root;
  if (!absl::Base64Unescape(lines[2], &root) || root.size() != 32) {
    return absl::InvalidArgumentError(
        "checkpoint: line 3 is not the base64 of a 32-byte root hash");
  }
  CORRIDOR_ASSIGN_OR_RETURN(checkpoint.root, merkle::FromBytes(root));
  return checkpoint;
}

std::string NoteVerifierKey(absl::string_view name, absl::string_view public_key) {
  return absl::StrCat(name, "+", absl::BytesToHexString(KeyHash(name, public_key)), "+",
                      absl::Base64Escape(absl::StrCat(std::string(1, kEd25519), public_key)));
}

absl::StatusOr<std::string> SignNote(absl::string_view body, absl::string_view name,
                                     const TreeSigner& signer) {
  if (!absl::EndsWith(body, "\n")) {
    return absl::InvalidArgumentError("note: the text must end in a newline");
  }
  if (!IsValidKeyName(name)) {
    return absl::InvalidArgumentError(
        absl::StrCat("note: \"", name, "\" is not a key name (no spaces, no '+')"));
  }
  CORRIDOR_ASSIGN_OR_RETURN(const std::string signature, signer.Sign(body));
  return absl::StrCat(
      body, "\n", kSignaturePrefix, name, " ",
      absl::Base64Escape(absl::StrCat(KeyHash(name, signer.public_key()), signature)), "\n");
}

absl::StatusOr<std::string> PublicKeyOfVerifierKey(absl::string_view verifier_key) {
  // The base64 key may hold '+' too: only the first two separate.
  const std::vector<absl::string_view> key = absl::StrSplit(verifier_key, absl::MaxSplits('+', 2));
  std::string typed_key;
  if (key.size() != 3 || !IsValidKeyName(key[0]) || key[1].size() != 8 ||
      !absl::Base64Unescape(key[2], &typed_key) || typed_key.size() != 33 ||
      typed_key[0] != kEd25519) {
    return absl::InvalidArgumentError(
        "verifier key: not NAME+KEYHASH+BASE64 of an Ed25519 key (as `corridorctl audit key` "
        "prints it)");
  }
  std::string public_key = typed_key.substr(1);
  if (KeyHash(key[0], public_key) != absl::HexStringToBytes(key[1])) {
    return absl::InvalidArgumentError("verifier key: its key hash does not match its key");
  }
  return public_key;
}

absl::StatusOr<std::string> OpenNote(absl::string_view note, absl::string_view verifier_key) {
  CORRIDOR_ASSIGN_OR_RETURN(const std::string public_key, PublicKeyOfVerifierKey(verifier_key));
  const std::vector<absl::string_view> key = absl::StrSplit(verifier_key, absl::MaxSplits('+', 2));
  const std::string key_hash = absl::HexStringToBytes(key[1]);
  const size_t split = note.rfind("\n\n");
  if (split == absl::string_view::npos || !absl::EndsWith(note, "\n")) {
    return absl::InvalidArgumentError("note: no blank line before its signatures");
  }
  const absl::string_view body = note.substr(0, split + 1);
  const absl::string_view signatures = note.substr(split + 2);
  for (absl::string_view line : absl::StrSplit(signatures, '\n', absl::SkipEmpty())) {
    if (!absl::ConsumePrefix(&line, kSignaturePrefix)) {
      return absl::InvalidArgumentError("note: a signature line does not start with \"— \"");
    }
    const std::vector<absl::string_view> parts = absl::StrSplit(line, ' ');
    std::string signature;
    if (parts.size() != 2 || !absl::Base64Unescape(parts[1], &signature) || signature.size() < 4) {
      return absl::InvalidArgumentError("note: a signature line is not NAME BASE64");
    }
    if (parts[0] != key[0] || signature.substr(0, 4) != key_hash) continue;  // another key
    if (VerifyEd25519(public_key, body, signature.substr(4)).ok()) return std::string(body);
    return absl::DataLossError(
        absl::StrCat("note: the signature by ", key[0],
                     " does not match the text: it was changed after it "
                     "was signed, or signed by another key of the same name"));
  }
  return absl::DataLossError(
      absl::StrCat("note: not signed by the key ", key[0], " (", key[1], ") given to check it"));
}

}  // namespace corridor::storage
