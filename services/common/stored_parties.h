// Party ids for what a service stored before the party registry existed
// (corridor/v1/parties.proto), or before an admin added a spelling: after
// start, once the registry can be read, each record whose party text names
// a party gets the party's id beside its text. Text that names none stays
// as it is, and is logged with what to do.
//
//   StoredPartyResolution resolution("denials", &references,
//       [&](const std::vector<v1::Party>& parties) {
//         return denials.ResolveStoredParties(parties);
//       });
//   resolution.Start();  // in the module's Start()
#ifndef CORRIDOR_SERVICES_COMMON_STORED_PARTIES_H_
#define CORRIDOR_SERVICES_COMMON_STORED_PARTIES_H_

#include <functional>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "corridor/v1/parties.pb.h"
#include "services/common/party_names.h"
#include "services/common/references.h"
#include "storage/records.h"
#include "storage/store.h"

namespace corridor {

// What one pass over a service's records did.
struct PartyResolution {
  int resolved = 0;
  // Texts that name no party, and how many records give each.
  std::map<std::string, int> unresolved;
};

// Logs what a pass did, for `service`: how many records got an id, and the
// texts that name no party, with what to do about them.
void LogPartyResolution(absl::string_view service, const PartyResolution& resolution);

// Sets `*id` to the id of the party `text` names, if it is empty and the
// text names one; counts the text as unresolved if it names none. Returns
// whether it set the id.
bool FillPartyId(const std::vector<v1::Party>& parties, const std::string& text, std::string* id,
                 PartyResolution* resolution);

// One pass over `table`: each record that `fill` changes (it sets party ids
// with FillPartyId and returns whether it set any) is updated, with what
// `also` adds to the same batch (e.g. statistics counters). Committed in
// batches; ABORTED if a record changed meanwhile (run the pass again: what
// was resolved is skipped).
template <typename T>
absl::Status ResolvePartiesOfTable(
    storage::Store* store, const storage::Table<T>& table, const storage::Origin& origin,
    const std::function<bool(T* record, PartyResolution* resolution)>& fill,
    PartyResolution* resolution,
    const std::function<void(const T& before, const T& after, storage::Mutation*)>& also =
        nullptr) {
  constexpr int kBatch = 500;
  storage::Mutation batch;
  batch.SetOrigin(origin);
  int in_batch = 0;
  auto commit = [&]() -> absl::Status {
    if (in_batch == 0) return absl::OkStatus();
    CORRIDOR_RETURN_IF_ERROR(store->Commit(batch).status());
    batch = storage::Mutation();
    batch.SetOrigin(origin);
    in_batch = 0;
    return absl::OkStatus();
  };
  storage::ScanOptions scan;
  scan.page_size = kBatch;
  CORRIDOR_RETURN_IF_ERROR(storage::ForEachRecord<T>(
      *store, table, scan, [&](T& record, uint64_t version) -> absl::Status {
        const T before = record;
        if (!fill(&record, resolution)) return absl::OkStatus();
        batch.Update(table, record, version);
        if (also) also(before, record, &batch);
        ++resolution->resolved;
        if (++in_batch >= kBatch) return commit();
        return absl::OkStatus();
      }));
  return commit();
}

// The origin the journal records for these updates.
storage::Origin PartyResolutionOrigin();

// Runs `pass` with the registry, on its own thread, as soon as
// `references` can read it (retrying every few seconds while the areas
// service is unreachable, or while the pass meets concurrent writes), and
// again whenever the registry changes (looked at every 30 seconds), so that
// a spelling an admin adds reaches what was stored under it. Started with
// the module (ServiceModule::Start), once its server serves.
class StoredPartyResolution {
 public:
  using Pass = std::function<absl::StatusOr<PartyResolution>(const std::vector<v1::Party>&)>;

  // `references` must outlive this object.
  StoredPartyResolution(std::string service, const References* references, Pass pass);
  // Stops retrying; waits for a pass under way.
  ~StoredPartyResolution();

  // Starts the thread; once only.
  void Start();

  // Whether a first pass completed within `timeout` (for tests).
  bool WaitUntilDone(absl::Duration timeout) const;

 private:
  void Run();

  const std::string service_;
  const References* references_;
  const Pass pass_;
  absl::Notification stop_;
  absl::Notification done_;
  std::thread thread_;
};

}  // namespace corridor

#endif  // CORRIDOR_SERVICES_COMMON_STORED_PARTIES_H_
