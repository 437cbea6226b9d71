// What a mirror stores for a batch of the primary's changes (the change
// feed's v1::Change): the entries as the primary hashed them, and each
// record a change carries as CURRENT, checked against the digest its entry
// commits to, with the derived data (counters) the service adds beside it.
#ifndef CORRIDOR_SERVICES_MIRROR_REPLICATED_BATCH_H_
#define CORRIDOR_SERVICES_MIRROR_REPLICATED_BATCH_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "corridor/v1/audit.pb.h"
#include "services/common/module.h"
#include "storage/mutation.h"

namespace corridor::mirror {

struct ReplicatedBatch {
  std::vector<std::string> entries;  // for storage::Store::AppendReplicated
  storage::Mutation records;
};

// DATA_LOSS naming the entry if a record is not what its entry says it
// wrote (its digest, its key) or an entry cannot be parsed: the primary
// serves something other than its journal. PERMISSION_DENIED if a record
// was redacted for the mirror's token; FAILED_PRECONDITION for a table
// this build does not know (a newer primary: upgrade the mirror).
absl::StatusOr<ReplicatedBatch> BuildReplicatedBatch(const ServiceStorage& copy,
                                                     const std::vector<v1::Change>& changes);

}  // namespace corridor::mirror

#endif  // CORRIDOR_SERVICES_MIRROR_REPLICATED_BATCH_H_
