// Audit proof verification (storage/merkle), as an oversight body's copy of
// corridorctl runs it: for a tree built from the input, the real inclusion
// and consistency proofs verify, and no tampered proof does (a changed
// byte, a hash dropped or added, another leaf). Proofs made up entirely of
// input bytes are answered OK or DATA_LOSS, never a crash.
#include <map>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "storage/merkle.h"
#include "tests/fuzz/fuzz_input.h"

namespace merkle = corridor::storage::merkle;

namespace {

merkle::Hash HashFrom(corridor::fuzz::FuzzInput& in) {
  merkle::Hash h{};
  for (auto& b : h) b = in.Byte();
  return h;
}

void CheckAnswer(const absl::Status& s, const char* what) {
  FUZZ_CHECK(s.ok() || s.code() == absl::StatusCode::kDataLoss, absl::StrCat(what, ": ", s.ToString()));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  corridor::fuzz::FuzzInput in(data, size);
  const uint64_t leaves = 1 + in.Byte() % 200;
  const std::string seed = in.String();
  std::map<std::pair<int, uint64_t>, merkle::Hash> stored;
  merkle::Frontier frontier;
  std::vector<merkle::Hash> roots = {merkle::EmptyRoot()};  // roots[n]: root of n leaves
  std::vector<merkle::Hash> leaf_hashes;
  for (uint64_t i = 0; i < leaves; ++i) {
    leaf_hashes.push_back(merkle::LeafHash(absl::StrCat(seed, "/entry/", i)));
    for (const merkle::Frontier::Node& node : frontier.Append(leaf_hashes.back())) {
      stored[{node.level, node.index}] = node.hash;
    }
    roots.push_back(frontier.Root());
  }
  const merkle::NodeSource nodes = [&](int level, uint64_t index) -> absl::StatusOr<merkle::Hash> {
    auto it = stored.find({level, index});
    if (it == stored.end()) return absl::NotFoundError("no such node");
    return it->second;
  };
  const uint64_t tree = 1 + in.Byte() % leaves;  // a size the tree passed through
  const uint64_t leaf = in.Byte() % tree;
  const uint64_t first = 1 + in.Byte() % tree;
  const uint8_t flip = 1 | in.Byte();  // never 0
  const uint8_t where = in.Byte();

  absl::StatusOr<merkle::Hash> root = merkle::RootHash(nodes, tree);
  FUZZ_CHECK(root.ok() && *root == roots[tree], "the root from stored nodes differs");

  absl::StatusOr<std::vector<merkle::Hash>> path = merkle::InclusionProof(nodes, leaf, tree);
  FUZZ_CHECK(path.ok(), path.status().ToString());
  FUZZ_CHECK(merkle::VerifyInclusion(leaf_hashes[leaf], leaf, tree, *path, roots[tree]).ok(),
             absl::StrCat("a real inclusion proof fails: leaf ", leaf, " of ", tree));
  merkle::Hash other_leaf = leaf_hashes[leaf];
  other_leaf[where % other_leaf.size()] ^= flip;
  FUZZ_CHECK(!merkle::VerifyInclusion(other_leaf, leaf, tree, *path, roots[tree]).ok(),
             "a changed leaf verified");
  if (!path->empty()) {
    std::vector<merkle::Hash> tampered = *path;
    tampered[where % tampered.size()][flip % 32] ^= flip;
    FUZZ_CHECK(!merkle::VerifyInclusion(leaf_hashes[leaf], leaf, tree, tampered, roots[tree]).ok(),
               "a tampered inclusion proof verified");
    tampered = *path;
    tampered.pop_back();
    FUZZ_CHECK(!merkle::VerifyInclusion(leaf_hashes[leaf], leaf, tree, tampered, roots[tree]).ok(),
               "a shortened inclusion proof verified");
  }
  std::vector<merkle::Hash> longer = *path;
  longer.push_back(roots[tree]);
  FUZZ_CHECK(!merkle::VerifyInclusion(leaf_hashes[leaf], leaf, tree, longer, roots[tree]).ok(),
             "a lengthened inclusion proof verified");

  absl::StatusOr<std::vector<merkle::Hash>> consistency =
      merkle::ConsistencyProof(nodes, first, tree);
  FUZZ_CHECK(consistency.ok(), consistency.status().ToString());
  FUZZ_CHECK(merkle::VerifyConsistency(first, tree, roots[first], roots[tree], *consistency).ok(),
             absl::StrCat("a real consistency proof fails: ", first, " to ", tree));
  if (!consistency->empty()) {
    std::vector<merkle::Hash> tampered = *consistency;
    tampered[where % tampered.size()][flip % 32] ^= flip;
    FUZZ_CHECK(
        !merkle::VerifyConsistency(first, tree, roots[first], roots[tree], tampered).ok(),
        "a tampered consistency proof verified");
  }
  if (first < tree) {
    merkle::Hash rewritten = roots[first];
    rewritten[where % rewritten.size()] ^= flip;
    FUZZ_CHECK(
        !merkle::VerifyConsistency(first, tree, rewritten, roots[tree], *consistency).ok(),
        "a rewritten earlier tree was proved consistent");
  }

  // Made-up proofs: any sizes, any hashes.
  const uint64_t any_leaf = in.Uint64(), any_size = in.Uint64(), any_first = in.Uint64();
  const merkle::Hash any_root = HashFrom(in), any_first_root = HashFrom(in);
  std::vector<merkle::Hash> any_proof(in.Byte() % 80);
  for (merkle::Hash& h : any_proof) h = HashFrom(in);
  CheckAnswer(merkle::VerifyInclusion(any_root, any_leaf, any_size, any_proof, any_root),
              "made-up inclusion proof");
  CheckAnswer(merkle::VerifyConsistency(any_first, any_size, any_first_root, any_root, any_proof),
              "made-up consistency proof");
  return 0;
}
