// RFC 6962 hashing and proofs: against the Certificate Transparency test
// vectors, and against a from-scratch computation for every tree size up to
// 70 and every leaf and pair of sizes in them.
#include "storage/merkle.h"

#include <map>

#include "absl/strings/escaping.h"
#include "gtest/gtest.h"

namespace corridor::storage::merkle {
namespace {

// The leaves of the RFC 6962 reference tests (certificate-transparency,
// merkle_tree_test: "sLeafData").
const std::vector<std::string>& Leaves() {
  static const auto* leaves = new std::vector<std::string>{
      "",
      std::string("\x00", 1),
      "\x10",
      "\x20\x21",
      "\x30\x31",
      "\x40\x41\x42\x43",
      "\x50\x51\x52\x53\x54\x55\x56\x57",
      "\x60\x61\x62\x63\x64\x65\x66\x67\x68\x69\x6a\x6b\x6c\x6d\x6e\x6f",
  };
  return *leaves;
}

// A tree built by appending, its perfect-subtree nodes kept in a map.
class MemoryTree {
 public:
  void Append(const std::string& entry) {
    for (const Frontier::Node& node : frontier_.Append(LeafHash(entry))) {
      nodes_[{node.level, node.index}] = node.hash;
    }
  }
  NodeSource nodes() const {
    return [this](int level, uint64_t index) -> absl::StatusOr<Hash> {
      auto it = nodes_.find({level, index});
      if (it == nodes_.end()) return absl::NotFoundError("no such node");
      return it->second;
    };
  }
  const Frontier& frontier() const { return frontier_; }

 private:
  Frontier frontier_;
  std::map<std::pair<int, uint64_t>, Hash> nodes_;
};

// The definitions of RFC 6962 section 2.1, computed from the leaves alone.
uint64_t Split(uint64_t n) {
  uint64_t k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}
Hash ReferenceRoot(const std::vector<Hash>& leaves, uint64_t start, uint64_t end) {
  if (end - start == 1) return leaves[start];
  const uint64_t k = Split(end - start);
  return NodeHash(ReferenceRoot(leaves, start, start + k), ReferenceRoot(leaves, start + k, end));
}
void ReferencePath(const std::vector<Hash>& leaves, uint64_t m, uint64_t start, uint64_t end,
                   std::vector<Hash>* out) {
  const uint64_t n = end - start;
  if (n == 1) return;
  const uint64_t k = Split(n);
  if (m < k) {
    ReferencePath(leaves, m, start, start + k, out);
    out->push_back(ReferenceRoot(leaves, start + k, end));
  } else {
    ReferencePath(leaves, m - k, start + k, end, out);
    out->push_back(ReferenceRoot(leaves, start, start + k));
  }
}
void ReferenceSubproof(const std::vector<Hash>& leaves, uint64_t m, uint64_t start, uint64_t end,
                       bool b, std::vector<Hash>* out) {
  const uint64_t n = end - start;
  if (m == n) {
    if (!b) out->push_back(ReferenceRoot(leaves, start, end));
    return;
  }
  const uint64_t k = Split(n);
  if (m <= k) {
    ReferenceSubproof(leaves, m, start, start + k, b, out);
    out->push_back(ReferenceRoot(leaves, start + k, end));
  } else {
    ReferenceSubproof(leaves, m - k, start + k, end, false, out);
    out->push_back(ReferenceRoot(leaves, start, start + k));
  }
}

TEST(MerkleTest, RootsMatchTheRfc6962TestVectors) {
  const std::vector<std::string> roots = {
      "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
      "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
      "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
      "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
      "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
      "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
      "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
  };
  EXPECT_EQ(ToHex(EmptyRoot()), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  MemoryTree tree;
  for (size_t i = 0; i < Leaves().size(); ++i) {
    tree.Append(Leaves()[i]);
    EXPECT_EQ(ToHex(tree.frontier().Root()), roots[i]) << "size " << i + 1;
    EXPECT_EQ(ToHex(*RootHash(tree.nodes(), i + 1)), roots[i]) << "size " << i + 1;
  }
}

TEST(MerkleTest, ProofsMatchTheRfc6962TestVectors) {
  MemoryTree tree;
  for (const std::string& leaf : Leaves()) tree.Append(leaf);
  auto inclusion = InclusionProof(tree.nodes(), 0, 8);
  ASSERT_TRUE(inclusion.ok());
  ASSERT_EQ(inclusion->size(), 3u);
  EXPECT_EQ(ToHex((*inclusion)[0]),
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7");
  EXPECT_EQ(ToHex((*inclusion)[1]),
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e");
  EXPECT_EQ(ToHex((*inclusion)[2]),
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4");

  auto one_to_eight = ConsistencyProof(tree.nodes(), 1, 8);
  ASSERT_TRUE(one_to_eight.ok());
  EXPECT_EQ(*one_to_eight, *inclusion);
  auto six_to_eight = ConsistencyProof(tree.nodes(), 6, 8);
  ASSERT_TRUE(six_to_eight.ok());
  ASSERT_EQ(six_to_eight->size(), 3u);
  EXPECT_EQ(ToHex((*six_to_eight)[0]),
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a");
  EXPECT_EQ(ToHex((*six_to_eight)[1]),
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0");
  EXPECT_EQ(ToHex((*six_to_eight)[2]),
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7");
  auto two_to_five = ConsistencyProof(tree.nodes(), 2, 5);
  ASSERT_TRUE(two_to_five.ok());
  ASSERT_EQ(two_to_five->size(), 2u);
  EXPECT_EQ(ToHex((*two_to_five)[0]),
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e");
  EXPECT_EQ(ToHex((*two_to_five)[1]),
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b");
}

TEST(MerkleTest, EveryProofInEveryTreeUpTo70MatchesTheDefinitionAndVerifies) {
  constexpr uint64_t kMax = 70;
  MemoryTree tree;
  std::vector<Hash> leaves;
  std::vector<Hash> roots;  // roots[n] for a tree of n leaves
  roots.push_back(EmptyRoot());
  for (uint64_t i = 0; i < kMax; ++i) {
    const std::string entry = "entry " + std::to_string(i);
    tree.Append(entry);
    leaves.push_back(LeafHash(entry));
    roots.push_back(ReferenceRoot(leaves, 0, leaves.size()));
    ASSERT_EQ(tree.frontier().Root(), roots.back());
  }
  for (uint64_t n = 1; n <= kMax; ++n) {
    ASSERT_EQ(*RootHash(tree.nodes(), n), roots[n]);
    for (uint64_t m = 0; m < n; ++m) {
      auto proof = InclusionProof(tree.nodes(), m, n);
      ASSERT_TRUE(proof.ok()) << proof.status();
      std::vector<Hash> expected;
      ReferencePath(leaves, m, 0, n, &expected);
      ASSERT_EQ(*proof, expected) << "leaf " << m << " of " << n;
      ASSERT_TRUE(VerifyInclusion(leaves[m], m, n, *proof, roots[n]).ok());
      if (n > 1) {
        EXPECT_FALSE(VerifyInclusion(leaves[(m + 1) % n], m, n, *proof, roots[n]).ok());
      }
    }
    for (uint64_t m = 1; m <= n; ++m) {
      auto proof = ConsistencyProof(tree.nodes(), m, n);
      ASSERT_TRUE(proof.ok()) << proof.status();
      std::vector<Hash> expected;
      if (m < n) ReferenceSubproof(leaves, m, 0, n, true, &expected);
      ASSERT_EQ(*proof, expected) << m << " to " << n;
      ASSERT_TRUE(VerifyConsistency(m, n, roots[m], roots[n], *proof).ok()) << m << " to " << n;
      if (m < n) {
        // Another history for the first m entries does not pass.
        Hash forged = roots[m];
        forged[0] ^= 1;
        EXPECT_FALSE(VerifyConsistency(m, n, forged, roots[n], *proof).ok()) << m << " to " << n;
      }
    }
  }
}

// A witness or mirror that first saw a journal empty asks for the proof
// from size 0 once entries arrive: every tree extends the empty one.
TEST(MerkleTest, EveryTreeExtendsTheEmptyOneWithAnEmptyProof) {
  MemoryTree tree;
  for (int i = 0; i < 8; ++i) tree.Append("entry " + std::to_string(i));
  const Hash root = tree.frontier().Root();
  for (uint64_t n : {0, 1, 8}) {
    auto proof = ConsistencyProof(tree.nodes(), 0, n);
    ASSERT_TRUE(proof.ok()) << proof.status();
    EXPECT_TRUE(proof->empty());
  }
  EXPECT_TRUE(VerifyConsistency(0, 8, EmptyRoot(), root, {}).ok());
  EXPECT_TRUE(VerifyConsistency(0, 0, EmptyRoot(), EmptyRoot(), {}).ok());
  // The empty tree has one root, and its proof carries no hashes.
  Hash forged = EmptyRoot();
  forged[0] ^= 1;
  EXPECT_FALSE(VerifyConsistency(0, 8, forged, root, {}).ok());
  EXPECT_FALSE(VerifyConsistency(0, 8, EmptyRoot(), root, {root}).ok());
  auto beyond = ConsistencyProof(tree.nodes(), 9, 8);
  ASSERT_FALSE(beyond.ok());
  EXPECT_EQ(beyond.status().message(), "first_size: 9 must be at most the second size (8)");
}

TEST(MerkleTest, AFrontierLoadedFromStoredNodesContinuesTheSameTree) {
  MemoryTree tree;
  for (int i = 0; i < 37; ++i) tree.Append("x" + std::to_string(i));
  auto loaded = Frontier::Load(tree.nodes(), 37);
  ASSERT_TRUE(loaded.ok());
  EXPECT_EQ(loaded->Root(), tree.frontier().Root());
  Frontier copy = *loaded;
  tree.Append("next");
  copy.Append(LeafHash("next"));
  EXPECT_EQ(copy.Root(), tree.frontier().Root());
}

}  // namespace
}  // namespace corridor::storage::merkle
