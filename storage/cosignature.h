// Witness cosignatures in the C2SP tlog-cosignature format
// (https://c2sp.org/tlog-cosignature), cosignature/v1 with Ed25519: a
// signed-note signature line that a witness adds to a log's checkpoint,
//
//   — <witness name> base64(key ID || timestamp (8 bytes, big-endian) ||
//                           Ed25519 signature)
//
// over "cosignature/v1\ntime <timestamp>\n" followed by the checkpoint's
// body. The key ID is SHA-256(name || "\n" || 0x04 || public key)[:4], and
// the verifier key "<name>+<key ID hex>+<base64(0x04 || public key)>".
#ifndef CORRIDOR_STORAGE_COSIGNATURE_H_
#define CORRIDOR_STORAGE_COSIGNATURE_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "storage/tree_signer.h"

namespace corridor::storage {

// The verifier key of a cosigner's Ed25519 `public_key` (32 raw bytes).
std::string CosignerVerifierKey(absl::string_view name, absl::string_view public_key);

// The signature line ("— <name> <base64>\n") of `signer`'s cosignature of
// the checkpoint `body` at `timestamp` (seconds since the Unix epoch).
absl::StatusOr<std::string> CosignatureLine(absl::string_view body, absl::string_view name,
                                            int64_t timestamp, const TreeSigner& signer);

// The timestamp of the cosignature on `note` by the cosigner whose
// verifier key is `cosigner_key`. NOT_FOUND if the note holds no line of
// that key; DATA_LOSS if the line does not verify; INVALID_ARGUMENT if the
// note or the key is malformed.
absl::StatusOr<int64_t> VerifyCosignature(absl::string_view note, absl::string_view cosigner_key);

}  // namespace corridor::storage

#endif  // CORRIDOR_STORAGE_COSIGNATURE_H_
