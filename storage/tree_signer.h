// Signed tree heads: an Ed25519 key per service, generated at first start
// and kept in the service's data folder (readable by its owner only), and
// the exact bytes a tree head signature covers (see proto/corridor/v1/
// audit.proto).
#ifndef CORRIDOR_STORAGE_TREE_SIGNER_H_
#define CORRIDOR_STORAGE_TREE_SIGNER_H_

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "storage/merkle.h"

namespace corridor::storage {

// "corridor-tree-head-v1" 0x00 service 0x00 size(8, BE) micros(8, BE) root.
std::string TreeHeadSigningInput(absl::string_view service, uint64_t tree_size,
                                 int64_t timestamp_micros, const merkle::Hash& root);

// OK if `signature` is `public_key`'s Ed25519 signature of `message`;
// DATA_LOSS otherwise.
absl::Status VerifyEd25519(absl::string_view public_key, absl::string_view message,
                           absl::string_view signature);

class TreeSigner {
 public:
  // Reads the key at `path` (PEM, PKCS #8), or creates it there with mode
  // 0600 if the file does not exist.
  static absl::StatusOr<std::unique_ptr<TreeSigner>> LoadOrCreate(const std::string& path);
  ~TreeSigner();

  absl::StatusOr<std::string> Sign(absl::string_view message) const;
  // The 32-byte raw public key.
  std::string public_key() const;
  // Signs with `next`'s key from now on (a key rotation); `next` is left
  // without a key. Thread-safe with Sign.
  void Replace(TreeSigner&& next);

 private:
  TreeSigner() = default;
  struct Key;
  mutable absl::Mutex mu_;
  std::shared_ptr<const Key> key_ ABSL_GUARDED_BY(mu_);
  std::string public_key_ ABSL_GUARDED_BY(mu_);
};

// "corridor-key-rotation-v1" 0x00 service 0x00 sequence (8, BE)
// previous key (32) next key (32) tree size (8, BE): what both keys sign
// when a service's key is rotated (v1::SigningKeyRotation).
std::string KeyRotationSigningInput(absl::string_view service, uint64_t sequence,
                                    absl::string_view previous_key, absl::string_view next_key,
                                    uint64_t tree_size);

}  // namespace corridor::storage

#endif  // CORRIDOR_STORAGE_TREE_SIGNER_H_
