// Tree heads in the formats transparency logs share, so that tools written
// for Certificate Transparency and the Go checksum database can check a
// Corridor journal: a C2SP tlog-checkpoint body
// (https://c2sp.org/tlog-checkpoint) signed as a C2SP signed note
// (https://c2sp.org/signed-note) with the service's Ed25519 key.
//
//   example.org/corridor/denials       <- origin
//   1042                               <- tree size, decimal
//   qJ8...=                            <- root hash, base64
//
//   — example.org/corridor/denials Ab3x...=
//
// The key's name is the origin; its verifier key is
// "<name>+<key hash, 8 hex digits>+<base64(0x01 || public key)>".
#ifndef CORRIDOR_STORAGE_CHECKPOINT_H_
#define CORRIDOR_STORAGE_CHECKPOINT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "storage/merkle.h"
#include "storage/tree_signer.h"

namespace corridor::storage {

// "<origin>\n<tree size>\n<base64 root>\n".
std::string CheckpointBody(absl::string_view origin, uint64_t tree_size, const merkle::Hash& root);

struct Checkpoint {
  std::string origin;
  uint64_t tree_size = 0;
  merkle::Hash root{};
};

// The first three lines of a checkpoint body (extension lines after them
// are allowed and ignored). INVALID_ARGUMENT saying which line is wrong.
absl::StatusOr<Checkpoint> ParseCheckpoint(absl::string_view body);

// The signed-note verifier key of an Ed25519 `public_key` (32 raw bytes)
// named `name`.
std::string NoteVerifierKey(absl::string_view name, absl::string_view public_key);

// What the signed-note format shares between signature types (0x01:
// Ed25519 note signatures; 0x04: cosignature/v1, storage/cosignature.h).

// A key name: not empty, no spaces, no '+'.
bool IsValidKeyName(absl::string_view name);
// The 4-byte key ID: SHA-256(name || "\n" || type || public key)[:4].
std::string KeyId(absl::string_view name, uint8_t type, absl::string_view public_key);
// "<name>+<key ID hex>+<base64(type || public key)>".
std::string VerifierKeyOf(absl::string_view name, uint8_t type, absl::string_view public_key);

struct VerifierKey {
  std::string name;
  std::string key_id;  // 4 bytes
  uint8_t type = 0;
  std::string public_key;
};
// INVALID_ARGUMENT unless `text` is a verifier key of an Ed25519 key (type
// 0x01 or 0x04) whose key ID matches.
absl::StatusOr<VerifierKey> ParseVerifierKey(absl::string_view text);

// The verifier keys listed in the file at `path`, one per line; blank lines
// and lines starting with '#' are skipped. INVALID_ARGUMENT naming the file
// and line of a malformed key; NOT_FOUND if the file cannot be read.
absl::StatusOr<std::vector<std::string>> ReadVerifierKeyFile(const std::string& path);

// "— <name> <base64(signature)>\n", `signature` starting with the key ID.
std::string SignatureLine(absl::string_view name, absl::string_view signature);

// One signature line of a note, not checked.
struct NoteSignature {
  std::string name;
  std::string key_id;     // the first 4 bytes
  std::string signature;  // the bytes after the key ID
  std::string line;       // as it appears, "— ...\n"
};

// A signed note split into its text and its signature lines.
struct ParsedNote {
  std::string body;  // up to the blank line, with its final newline
  std::vector<NoteSignature> signatures;
  // The signature line with the name and key ID of `verifier_key`, if any.
  std::optional<std::string> LineOf(absl::string_view verifier_key) const;
};
// INVALID_ARGUMENT if `note` has no blank line before its signatures or a
// signature line is not "— NAME BASE64".
absl::StatusOr<ParsedNote> ParseNote(absl::string_view note);

// `body` (ending in a newline) signed by `signer` under `name`: the body, a
// blank line and one signature line.
absl::StatusOr<std::string> SignNote(absl::string_view body, absl::string_view name,
                                     const TreeSigner& signer);

// The Ed25519 public key (32 raw bytes) of a verifier key;
// INVALID_ARGUMENT if it is not one, or its key hash does not match.
absl::StatusOr<std::string> PublicKeyOfVerifierKey(absl::string_view verifier_key);

// The body of `note` if one of its signature lines is a valid signature by
// `verifier_key`; DATA_LOSS if none is (a line of another key is ignored,
// as the signed-note spec says); INVALID_ARGUMENT if the note or the key is
// malformed.
absl::StatusOr<std::string> OpenNote(absl::string_view note, absl::string_view verifier_key);

}  // namespace corridor::storage

#endif  // CORRIDOR_STORAGE_CHECKPOINT_H_
