#include "storage/key_chain.h"

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "storage/tree_signer.h"

namespace corridor::storage {
namespace {

std::string Short(const std::string& key) { return absl::BytesToHexString(key.substr(0, 8)); }

}  // namespace

absl::StatusOr<int> FollowKeyRotations(const std::string& service, const std::string& pinned,
                                       const std::string& current,
                                       const std::vector<v1::SigningKeyRotation>& rotations) {
  std::string key = pinned;
  int followed = 0;
  for (const v1::SigningKeyRotation& rotation : rotations) {
    if (key == current) break;
    if (rotation.previous_public_key() != key) continue;  // a rotation before the pinned key
    const std::string signed_bytes = KeyRotationSigningInput(
        service, static_cast<uint64_t>(rotation.sequence()), rotation.previous_public_key(),
        rotation.public_key(), rotation.tree_size());
    if (!VerifyEd25519(key, signed_bytes, rotation.previous_key_signature()).ok()) {
      return absl::DataLossError(absl::StrCat("key rotation ", rotation.sequence(), " of ", service,
                                              " is not signed by the key ", Short(key),
                                              "… it claims to replace: it cannot be followed"));
    }
    if (!VerifyEd25519(rotation.public_key(), signed_bytes, rotation.new_key_signature()).ok()) {
      return absl::DataLossError(absl::StrCat("key rotation ", rotation.sequence(), " of ", service,
                                              " is not signed by its new key"));
    }
    key = rotation.public_key();
    ++followed;
  }
  if (key != current) {
    return absl::DataLossError(
        absl::StrCat("no chain of rotations, each signed by the key before it, leads from the key ",
                     Short(pinned), "… to the key ", Short(current), "…"));
  }
  return followed;
}

absl::Status CheckKeyNotRetired(const std::string& service, const std::string& key,
                                uint64_t tree_size,
                                const std::vector<v1::SigningKeyRotation>& rotations) {
  for (const v1::SigningKeyRotation& rotation : rotations) {
    if (rotation.previous_public_key() == key && tree_size > rotation.tree_size() + 1) {
      return absl::DataLossError(absl::StrCat(
          "it is signed by the key ", Short(key), "… that key rotation ", rotation.sequence(),
          " of ", service, " retired at ", rotation.tree_size(),
          " entries, and covers more: whoever signed it is not the service (a copy of the old "
          "key, or an older backup run on)"));
    }
  }
  return absl::OkStatus();
}

}  // namespace corridor::storage
