#include "storage/checkpoint.h"

#include <fstream>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/status_macros.h"

namespace corridor::storage {
namespace {

constexpr uint8_t kEd25519 = 0x01;                               // the signed-note signature type
constexpr absl::string_view kSignaturePrefix = "\xE2\x80\x94 ";  // "— "

}  // namespace

bool IsValidKeyName(absl::string_view name) {
  if (name.empty()) return false;
  for (unsigned char c : name) {
    if (c <= ' ' || c == '+' || c >= 0x7f) return false;
  }
  return true;
}

std::string KeyId(absl::string_view name, uint8_t type, absl::string_view public_key) {
  const merkle::Hash hash =
      merkle::Sha256(absl::StrCat(name, "\n", std::string(1, static_cast<char>(type)), public_key));
  return std::string(reinterpret_cast<const char*>(hash.data()), 4);
}

std::string VerifierKeyOf(absl::string_view name, uint8_t type, absl::string_view public_key) {
  return absl::StrCat(
      name, "+", absl::BytesToHexString(KeyId(name, type, public_key)), "+",
      absl::Base64Escape(absl::StrCat(std::string(1, static_cast<char>(type)), public_key)));
}

absl::StatusOr<VerifierKey> ParseVerifierKey(absl::string_view text) {
  // The base64 key may hold '+' too: only the first two separate.
  const std::vector<absl::string_view> parts = absl::StrSplit(text, absl::MaxSplits('+', 2));
  std::string typed_key;
  if (parts.size() != 3 || !IsValidKeyName(parts[0]) || parts[1].size() != 8 ||
      !absl::Base64Unescape(parts[2], &typed_key) || typed_key.size() != 33 ||
      (typed_key[0] != kEd25519 && typed_key[0] != 0x04)) {
    return absl::InvalidArgumentError(
        "verifier key: not NAME+KEYHASH+BASE64 of an Ed25519 key (as `corridorctl audit key` "
        "prints it)");
  }
  VerifierKey key;
  key.name = std::string(parts[0]);
  key.type = static_cast<uint8_t>(typed_key[0]);
  key.public_key = typed_key.substr(1);
  key.key_id = KeyId(key.name, key.type, key.public_key);
  if (key.key_id != absl::HexStringToBytes(parts[1])) {
    return absl::InvalidArgumentError("verifier key: its key hash does not match its key");
  }
  return key;
}

absl::StatusOr<std::vector<std::string>> ReadVerifierKeyFile(const std::string& path) {
  std::ifstream file(path);
  if (!file) {
    return absl::NotFoundError(absl::StrCat("cannot read the key file ", path));
  }
  std::vector<std::string> keys;
  std::string line;
  for (int number = 1; std::getline(file, line); ++number) {
    const absl::string_view key = absl::StripAsciiWhitespace(line);
    if (key.empty() || key[0] == '#') continue;
    if (absl::Status valid = ParseVerifierKey(key).status(); !valid.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat(path, " line ", number, ": ", valid.message()));
    }
    keys.emplace_back(key);
  }
  return keys;
}

std::string SignatureLine(absl::string_view name, absl::string_view signature) {
  return absl::StrCat(kSignaturePrefix, name, " ", absl::Base64Escape(signature), "\n");
}

std::optional<std::string> ParsedNote::LineOf(absl::string_view verifier_key) const {
  absl::StatusOr<VerifierKey> key = ParseVerifierKey(verifier_key);
  if (!key.ok()) return std::nullopt;
  for (const NoteSignature& signature : signatures) {
    if (signature.name == key->name && signature.key_id == key->key_id) return signature.line;
  }
  return std::nullopt;
}

absl::StatusOr<ParsedNote> ParseNote(absl::string_view note) {
  const size_t split = note.rfind("\n\n");
  if (split == absl::string_view::npos || !absl::EndsWith(note, "\n")) {
    return absl::InvalidArgumentError("note: no blank line before its signatures");
  }
  ParsedNote parsed;
  parsed.body = std::string(note.substr(0, split + 1));
  for (absl::string_view line : absl::StrSplit(note.substr(split + 2), '\n', absl::SkipEmpty())) {
    NoteSignature signature;
    signature.line = absl::StrCat(line, "\n");
    if (!absl::ConsumePrefix(&line, kSignaturePrefix)) {
      return absl::InvalidArgumentError("note: a signature line does not start with \"— \"");
    }
    const std::vector<absl::string_view> parts = absl::StrSplit(line, ' ');
    std::string bytes;
    if (parts.size() != 2 || !absl::Base64Unescape(parts[1], &bytes) || bytes.size() < 4) {
      return absl::InvalidArgumentError("note: a signature line is not NAME BASE64");
    }
    signature.name = std::string(parts[0]);
    signature.key_id = bytes.substr(0, 4);
    signature.signature = bytes.substr(4);
    parsed.signatures.push_back(std::move(signature));
  }
  return parsed;
}

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
  return VerifierKeyOf(name, kEd25519, public_key);
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
      body, "\n",
      SignatureLine(name, absl::StrCat(KeyId(name, kEd25519, signer.public_key()), signature)));
}

absl::StatusOr<std::string> PublicKeyOfVerifierKey(absl::string_view verifier_key) {
  CORRIDOR_ASSIGN_OR_RETURN(const VerifierKey key, ParseVerifierKey(verifier_key));
  if (key.type != kEd25519) {
    return absl::InvalidArgumentError(
        "verifier key: a witness's cosigning key (type 0x04), not a log's signing key");
  }
  return key.public_key;
}

absl::StatusOr<std::string> OpenNote(absl::string_view note, absl::string_view verifier_key) {
  CORRIDOR_ASSIGN_OR_RETURN(const VerifierKey key, ParseVerifierKey(verifier_key));
  if (key.type != kEd25519) {
    return absl::InvalidArgumentError(
        "verifier key: a witness's cosigning key (type 0x04), not a log's signing key");
  }
  CORRIDOR_ASSIGN_OR_RETURN(const ParsedNote parsed, ParseNote(note));
  for (const NoteSignature& signature : parsed.signatures) {
    if (signature.name != key.name || signature.key_id != key.key_id) continue;  // another key
    if (VerifyEd25519(key.public_key, parsed.body, signature.signature).ok()) return parsed.body;
    return absl::DataLossError(
        absl::StrCat("note: the signature by ", key.name,
                     " does not match the text: it was changed after it "
                     "was signed, or signed by another key of the same name"));
  }
  return absl::DataLossError(absl::StrCat("note: not signed by the key ", key.name, " (",
                                          absl::BytesToHexString(key.key_id),
                                          ") given to check it"));
}

}  // namespace corridor::storage
