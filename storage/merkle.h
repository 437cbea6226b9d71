// Merkle tree hashing and proofs exactly as RFC 6962 (Certificate
// Transparency) section 2.1 defines them:
//
//   leaf hash  = SHA-256(0x00 || entry)
//   node hash  = SHA-256(0x01 || left || right)
//   MTH(D[n])  = MTH(D[0:k]) and MTH(D[k:n]) combined, k the largest power
//                of two smaller than n
//
// The tree is never rebuilt. Its stored form is the hash of every perfect
// subtree (2^level leaves starting at a multiple of 2^level), which appends
// produce in O(log n) and from which any subtree hash, root or proof is read
// in O(log n) lookups. Verification needs nothing but the functions below.
#ifndef CORRIDOR_STORAGE_MERKLE_H_
#define CORRIDOR_STORAGE_MERKLE_H_

#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace corridor::storage::merkle {

using Hash = std::array<uint8_t, 32>;

Hash Sha256(absl::string_view data);
Hash LeafHash(absl::string_view entry);
Hash NodeHash(const Hash& left, const Hash& right);
// The root of an empty tree: SHA-256 of nothing.
Hash EmptyRoot();

std::string ToHex(const Hash& hash);
// INVALID_ARGUMENT unless `bytes` is 32 bytes long.
absl::StatusOr<Hash> FromBytes(absl::string_view bytes);
inline std::string ToBytes(const Hash& hash) {
  return std::string(reinterpret_cast<const char*>(hash.data()), hash.size());
}

// A perfect subtree's hash, looked up by (level, index): the subtree of the
// 2^level leaves from index * 2^level.
using NodeSource = std::function<absl::StatusOr<Hash>(int level, uint64_t index)>;

// MTH of leaves [start, end); `start` must be a multiple of the largest
// power of two not above end - start (true of every subtree in a proof).
absl::StatusOr<Hash> SubtreeHash(const NodeSource& nodes, uint64_t start, uint64_t end);
absl::StatusOr<Hash> RootHash(const NodeSource& nodes, uint64_t size);

// RFC 6962 section 2.1.1 PATH(leaf, D[size]) and 2.1.2 PROOF(first, D[size]).
// A proof from size 0 (the empty tree) is empty, as C2SP tlog-witness has it.
absl::StatusOr<std::vector<Hash>> InclusionProof(const NodeSource& nodes, uint64_t leaf,
                                                 uint64_t size);
absl::StatusOr<std::vector<Hash>> ConsistencyProof(const NodeSource& nodes, uint64_t first,
                                                   uint64_t size);

// Proof checks, as RFC 9162 sections 2.1.3.2 and 2.1.4.2 give them. OK, or
// DATA_LOSS saying what does not hold.
absl::Status VerifyInclusion(const Hash& leaf_hash, uint64_t leaf, uint64_t size,
                             const std::vector<Hash>& proof, const Hash& root);
absl::Status VerifyConsistency(uint64_t first, uint64_t size, const Hash& first_root,
                               const Hash& root, const std::vector<Hash>& proof);

// The right edge of a growing tree: the roots of its perfect subtrees, one
// per set bit of the size. Appending a leaf returns the perfect subtrees it
// completes, to be stored.
class Frontier {
 public:
  struct Node {
    int level;
    uint64_t index;
    Hash hash;
  };

  // Rebuilds the frontier of a tree of `size` leaves from stored nodes.
  static absl::StatusOr<Frontier> Load(const NodeSource& nodes, uint64_t size);

  uint64_t size() const { return size_; }
  // Adds a leaf; returns the new perfect-subtree nodes, the leaf first.
  std::vector<Node> Append(const Hash& leaf_hash);
  Hash Root() const;

 private:
  uint64_t size_ = 0;
  std::vector<Hash> by_level_;  // by_level_[l] valid when bit l of size_ is set
};

}  // namespace corridor::storage::merkle

#endif  // CORRIDOR_STORAGE_MERKLE_H_
