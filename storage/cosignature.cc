#include "storage/cosignature.h"

#include "absl/base/internal/endian.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "storage/checkpoint.h"

namespace corridor::storage {
namespace {

constexpr uint8_t kCosignatureV1 = 0x04;  // the key ID's signature type

std::string SignedMessage(absl::string_view body, int64_t timestamp) {
  return absl::StrCat("cosignature/v1\ntime ", timestamp, "\n", body);
}

}  // namespace

std::string CosignerVerifierKey(absl::string_view name, absl::string_view public_key) {
  return VerifierKeyOf(name, kCosignatureV1, public_key);
}

absl::StatusOr<std::string> CosignatureLine(absl::string_view body, absl::string_view name,
                                            int64_t timestamp, const TreeSigner& signer) {
  if (!IsValidKeyName(name)) {
    return absl::InvalidArgumentError(
        absl::StrCat("cosignature: \"", name, "\" is not a key name (no spaces, no '+')"));
  }
  if (timestamp < 0) return absl::InvalidArgumentError("cosignature: the time is before 1970");
  CORRIDOR_ASSIGN_OR_RETURN(const std::string signature,
                            signer.Sign(SignedMessage(body, timestamp)));
  char time_bytes[8];
  absl::big_endian::Store64(time_bytes, static_cast<uint64_t>(timestamp));
  return SignatureLine(name, absl::StrCat(KeyId(name, kCosignatureV1, signer.public_key()),
                                          absl::string_view(time_bytes, 8), signature));
}

absl::StatusOr<int64_t> VerifyCosignature(absl::string_view note, absl::string_view cosigner_key) {
  CORRIDOR_ASSIGN_OR_RETURN(const VerifierKey key, ParseVerifierKey(cosigner_key));
  if (key.type != kCosignatureV1) {
    return absl::InvalidArgumentError(
        absl::StrCat("witness key ", key.name,
                     ": not a cosigner's key (signature type 0x04); a witness prints its key "
                     "in its log at start"));
  }
  CORRIDOR_ASSIGN_OR_RETURN(const ParsedNote parsed, ParseNote(note));
  for (const NoteSignature& line : parsed.signatures) {
    if (line.name != key.name || line.key_id != key.key_id) continue;
    if (line.signature.size() != 8 + 64) {
      return absl::DataLossError(
          absl::StrCat("cosignature by ", key.name, ": not a timestamp and an Ed25519 signature"));
    }
    const uint64_t timestamp = absl::big_endian::Load64(line.signature.data());
    if (timestamp > static_cast<uint64_t>(INT64_MAX)) {
      return absl::DataLossError(absl::StrCat("cosignature by ", key.name, ": bad timestamp"));
    }
    absl::Status verified =
        VerifyEd25519(key.public_key, SignedMessage(parsed.body, static_cast<int64_t>(timestamp)),
                      line.signature.substr(8));
    if (!verified.ok()) {
      return absl::DataLossError(
          absl::StrCat("the cosignature line of ", key.name,
                       " does not verify: it is not that witness's cosignature of this "
                       "checkpoint (forged, moved from another checkpoint, or the checkpoint "
                       "was changed)"));
    }
    return static_cast<int64_t>(timestamp);
  }
  return absl::NotFoundError(absl::StrCat("the checkpoint carries no cosignature by ", key.name,
                                          " (", absl::BytesToHexString(key.key_id), ")"));
}

}  // namespace corridor::storage
