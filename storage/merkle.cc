#include "storage/merkle.h"

#include <openssl/sha.h>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"

namespace corridor::storage::merkle {
namespace {

// The largest power of two strictly smaller than n (n > 1).
uint64_t SplitPoint(uint64_t n) {
  uint64_t k = 1;
  while (k << 1 < n) k <<= 1;
  return k;
}

bool IsPowerOfTwo(uint64_t n) { return n != 0 && (n & (n - 1)) == 0; }

int Log2(uint64_t n) {
  int level = 0;
  while ((uint64_t{1} << level) < n) ++level;
  return level;
}

absl::Status Path(const NodeSource& nodes, uint64_t leaf, uint64_t start, uint64_t end,
                  std::vector<Hash>* proof) {
  const uint64_t n = end - start;
  if (n == 1) return absl::OkStatus();
  const uint64_t k = SplitPoint(n);
  if (leaf < start + k) {
    CORRIDOR_RETURN_IF_ERROR(Path(nodes, leaf, start, start + k, proof));
    CORRIDOR_ASSIGN_OR_RETURN(const Hash right, SubtreeHash(nodes, start + k, end));
    proof->push_back(right);
  } else {
    CORRIDOR_RETURN_IF_ERROR(Path(nodes, leaf, start + k, end, proof));
    CORRIDOR_ASSIGN_OR_RETURN(const Hash left, SubtreeHash(nodes, start, start + k));
    proof->push_back(left);
  }
  return absl::OkStatus();
}

// RFC 6962 SUBPROOF(m, D[start:end], b).
absl::Status SubProof(const NodeSource& nodes, uint64_t m, uint64_t start, uint64_t end, bool whole,
                      std::vector<Hash>* proof) {
  const uint64_t n = end - start;
  if (m == n) {
    if (whole) return absl::OkStatus();
    CORRIDOR_ASSIGN_OR_RETURN(const Hash hash, SubtreeHash(nodes, start, end));
    proof->push_back(hash);
    return absl::OkStatus();
  }
  const uint64_t k = SplitPoint(n);
  if (m <= k) {
    CORRIDOR_RETURN_IF_ERROR(SubProof(nodes, m, start, start + k, whole, proof));
    CORRIDOR_ASSIGN_OR_RETURN(const Hash right, SubtreeHash(nodes, start + k, end));
    proof->push_back(right);
  } else {
    CORRIDOR_RETURN_IF_ERROR(SubProof(nodes, m - k, start + k, end, false, proof));
    CORRIDOR_ASSIGN_OR_RETURN(const Hash left, SubtreeHash(nodes, start, start + k));
    proof->push_back(left);
  }
  return absl::OkStatus();
}

absl::Status ProofError(absl::string_view what) { return absl::DataLossError(what); }

}  // namespace

Hash Sha256(absl::string_view data) {
  Hash hash;
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), hash.data());
  return hash;
}

Hash LeafHash(absl::string_view entry) {
  std::string input(1, '\x00');
  input.append(entry.data(), entry.size());
  return Sha256(input);
}

Hash NodeHash(const Hash& left, const Hash& right) {
  std::string input(1, '\x01');
  input.append(reinterpret_cast<const char*>(left.data()), left.size());
  input.append(reinterpret_cast<const char*>(right.data()), right.size());
  return Sha256(input);
}

Hash EmptyRoot() { return Sha256(""); }

std::string ToHex(const Hash& hash) { return absl::BytesToHexString(ToBytes(hash)); }

absl::StatusOr<Hash> FromBytes(absl::string_view bytes) {
  if (bytes.size() != 32) {
    return absl::InvalidArgumentError(
        absl::StrCat("a SHA-256 hash is 32 bytes, not ", bytes.size()));
  }
  Hash hash;
  std::copy(bytes.begin(), bytes.end(), hash.begin());
  return hash;
}

absl::StatusOr<Hash> SubtreeHash(const NodeSource& nodes, uint64_t start, uint64_t end) {
  const uint64_t n = end - start;
  if (n == 0) return EmptyRoot();
  if (IsPowerOfTwo(n) && start % n == 0) {
    const int level = Log2(n);
    return nodes(level, start >> level);
  }
  const uint64_t k = SplitPoint(n);
  CORRIDOR_ASSIGN_OR_RETURN(const Hash left, SubtreeHash(nodes, start, start + k));
  CORRIDOR_ASSIGN_OR_RETURN(const Hash right, SubtreeHash(nodes, start + k, end));
  return NodeHash(left, right);
}

absl::StatusOr<Hash> RootHash(const NodeSource& nodes, uint64_t size) {
  return SubtreeHash(nodes, 0, size);
}

absl::StatusOr<std::vector<Hash>> InclusionProof(const NodeSource& nodes, uint64_t leaf,
                                                 uint64_t size) {
  if (leaf >= size) {
    return absl::InvalidArgumentError(
        absl::StrCat("leaf_index: ", leaf, " is not in a tree of ", size, " entries"));
  }
  std::vector<Hash> proof;
  CORRIDOR_RETURN_IF_ERROR(Path(nodes, leaf, 0, size, &proof));
  return proof;
}

absl::StatusOr<std::vector<Hash>> ConsistencyProof(const NodeSource& nodes, uint64_t first,
                                                   uint64_t size) {
  if (first > size) {
    return absl::InvalidArgumentError(
        absl::StrCat("first_size: ", first, " must be at most the second size (", size, ")"));
  }
  std::vector<Hash> proof;
  // Every tree extends the empty one: its proof is empty (C2SP
  // tlog-witness), as between two trees of the same size.
  if (first == 0 || first == size) return proof;
  CORRIDOR_RETURN_IF_ERROR(SubProof(nodes, first, 0, size, true, &proof));
  return proof;
}

absl::Status VerifyInclusion(const Hash& leaf_hash, uint64_t leaf, uint64_t size,
                             const std::vector<Hash>& proof, const Hash& root) {
  if (leaf >= size) return ProofError("the leaf index is not inside the tree");
  uint64_t fn = leaf, sn = size - 1;
  Hash r = leaf_hash;
  for (const Hash& p : proof) {
    if (sn == 0) return ProofError("the inclusion proof is longer than the tree is deep");
    if ((fn & 1) == 1 || fn == sn) {
      r = NodeHash(p, r);
      if ((fn & 1) == 0) {
        while ((fn & 1) == 0 && fn != 0) {
          fn >>= 1;
          sn >>= 1;
        }
      }
    } else {
      r = NodeHash(r, p);
    }
    fn >>= 1;
    sn >>= 1;
  }
  if (sn != 0) return ProofError("the inclusion proof is shorter than the tree is deep");
  if (r != root) return ProofError("the inclusion proof does not lead to the root hash");
  return absl::OkStatus();
}

absl::Status VerifyConsistency(uint64_t first, uint64_t size, const Hash& first_root,
                               const Hash& root, const std::vector<Hash>& proof) {
  if (first > size) return ProofError("the first size is not within the tree");
  if (first == 0) {
    if (!proof.empty()) return ProofError("a proof from the empty tree must be empty");
    if (first_root != EmptyRoot()) return ProofError("the empty tree's root hash is wrong");
    return absl::OkStatus();
  }
  if (first == size) {
    if (!proof.empty()) return ProofError("a proof between equal sizes must be empty");
    if (first_root != root) return ProofError("the two roots of the same size differ");
    return absl::OkStatus();
  }
  std::vector<Hash> path = proof;
  if (IsPowerOfTwo(first)) path.insert(path.begin(), first_root);
  if (path.empty()) return ProofError("the consistency proof is empty");
  uint64_t fn = first - 1, sn = size - 1;
  while ((fn & 1) == 1) {
    fn >>= 1;
    sn >>= 1;
  }
  Hash fr = path[0], sr = path[0];
  for (size_t i = 1; i < path.size(); ++i) {
    const Hash& c = path[i];
    if (sn == 0) return ProofError("the consistency proof is longer than the tree is deep");
    if ((fn & 1) == 1 || fn == sn) {
      fr = NodeHash(c, fr);
      sr = NodeHash(c, sr);
      if ((fn & 1) == 0) {
        while ((fn & 1) == 0 && fn != 0) {
          fn >>= 1;
          sn >>= 1;
        }
      }
    } else {
      sr = NodeHash(sr, c);
    }
    fn >>= 1;
    sn >>= 1;
  }
  if (sn != 0) return ProofError("the consistency proof is shorter than the tree is deep");
  if (fr != first_root) {
    return ProofError(
        "the consistency proof does not lead to the earlier root: the earlier "
        "tree is not a prefix of this one");
  }
  if (sr != root) return ProofError("the consistency proof does not lead to the current root");
  return absl::OkStatus();
}

absl::StatusOr<Frontier> Frontier::Load(const NodeSource& nodes, uint64_t size) {
  Frontier frontier;
  frontier.size_ = size;
  uint64_t start = 0;
  for (int level = 63; level >= 0; --level) {
    if ((size >> level & 1) == 0) continue;
    if (frontier.by_level_.size() <= static_cast<size_t>(level)) {
      frontier.by_level_.resize(level + 1);
    }
    CORRIDOR_ASSIGN_OR_RETURN(frontier.by_level_[level], nodes(level, start >> level));
    start += uint64_t{1} << level;
  }
  return frontier;
}

std::vector<Frontier::Node> Frontier::Append(const Hash& leaf_hash) {
  std::vector<Node> created = {{0, size_, leaf_hash}};
  Hash carry = leaf_hash;
  int level = 0;
  // Like binary addition: each set low bit merges with the carry.
  while ((size_ >> level & 1) == 1) {
    carry = NodeHash(by_level_[level], carry);
    ++level;
    created.push_back({level, size_ >> level, carry});
  }
  if (by_level_.size() <= static_cast<size_t>(level)) by_level_.resize(level + 1);
  by_level_[level] = carry;
  ++size_;
  return created;
}

Hash Frontier::Root() const {
  if (size_ == 0) return EmptyRoot();
  bool have = false;
  Hash root;
  // Fold from the smallest subtree (rightmost) up: MTH is right-associated.
  for (size_t level = 0; level < by_level_.size(); ++level) {
    if ((size_ >> level & 1) == 0) continue;
    root = have ? NodeHash(by_level_[level], root) : by_level_[level];
    have = true;
  }
  return root;
}

}  // namespace corridor::storage::merkle
