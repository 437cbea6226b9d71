// Rotating the key that signs a service's journal, so that no key has to
// live forever and a verifier who pinned an old key still gets to today's.
//
// A rotation is a record of the table "signing_keys" in the service's own
// journal (v1::SigningKeyRotation), signed by the old key (it hands over)
// and by the new one (it accepts). A verifier walks the chain from the key
// it pinned: storage::FollowKeyRotations (storage/key_chain.h).
#ifndef CORRIDOR_SERVICES_COMMON_KEY_ROTATION_H_
#define CORRIDOR_SERVICES_COMMON_KEY_ROTATION_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "corridor/v1/audit.pb.h"
#include "storage/mutation.h"
#include "storage/store.h"
#include "storage/table.h"

namespace corridor {

struct ServiceStorage;

// Rotations, by sequence number: every service keeps this table.
const storage::Table<v1::SigningKeyRotation>& SigningKeyRotationsTable();

// Every rotation of `store`'s key, oldest first.
absl::StatusOr<std::vector<v1::SigningKeyRotation>> SigningKeyRotations(
    const storage::Store& store);

// Makes a new key, journals the rotation signed by both keys, puts the new
// key in place of the old one's file (ServiceStorage::signing_key_path) and
// signs with it from then on. A crash before the file is replaced leaves
// the new key at <path>.next, which FinishKeyRotation puts in place.
// INVALID_ARGUMENT naming `reason` if it is empty.
absl::StatusOr<v1::SigningKeyRotation> RotateSigningKey(const std::string& service,
                                                        const ServiceStorage& storage,
                                                        const storage::Origin& origin,
                                                        const std::string& reason);

// At start, before the key at `key_path` is loaded: a key left at
// <key_path>.next by a rotation that was journaled takes the old key's
// place; one left by a rotation that never committed is removed.
absl::Status FinishKeyRotation(const storage::Store& store, const std::string& key_path);

}  // namespace corridor

#endif  // CORRIDOR_SERVICES_COMMON_KEY_ROTATION_H_
