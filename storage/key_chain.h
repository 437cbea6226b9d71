// Following a journal's signing-key rotations (v1::SigningKeyRotation) from
// a key a verifier pinned to the key that signs today. Pure: what every
// verifier (corridorctl, a witness) runs on what the service hands it.
#ifndef CORRIDOR_STORAGE_KEY_CHAIN_H_
#define CORRIDOR_STORAGE_KEY_CHAIN_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "corridor/v1/audit.pb.h"

namespace corridor::storage {

// From `pinned` (a raw Ed25519 public key) along `rotations` (oldest
// first), each checked against both of its signatures, to `current`.
// Returns how many rotations were followed (0 if pinned is current);
// DATA_LOSS saying where the chain breaks if it does not reach `current`.
absl::StatusOr<int> FollowKeyRotations(const std::string& service, const std::string& pinned,
                                       const std::string& current,
                                       const std::vector<v1::SigningKeyRotation>& rotations);

// DATA_LOSS if one of `rotations` retired `key` before the journal reached
// `tree_size` entries: a head or checkpoint of that size signed by it is not
// the service's, whoever holds the old key. (The rotation's own entry may
// still be signed by the old key: the new one signs from the entry after.)
absl::Status CheckKeyNotRetired(const std::string& service, const std::string& key,
                                uint64_t tree_size,
                                const std::vector<v1::SigningKeyRotation>& rotations);

}  // namespace corridor::storage

#endif  // CORRIDOR_STORAGE_KEY_CHAIN_H_
