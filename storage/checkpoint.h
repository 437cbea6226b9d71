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
#include <string>

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
