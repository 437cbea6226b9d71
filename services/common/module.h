// A service module: one service's database and gRPC handlers, opened
// together. corridord hosts any set of modules in one process; each
// service's own binary hosts one. A service's module is opened by the opener
// runtime.cc keys by its catalogue name (docs/DESIGN.md, "Adding a service").
#ifndef CORRIDOR_SERVICES_COMMON_MODULE_H_
#define CORRIDOR_SERVICES_COMMON_MODULE_H_

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/server.h"
#include "common/service_channels.h"
#include "services/common/access.h"
#include "storage/mutation.h"
#include "storage/store.h"
#include "storage/tree_signer.h"

namespace corridor {

struct ModuleOptions {
  // Folder of this service's RocksDB, e.g. "data/areas".
  std::string data_dir;
  // Load the service's reference data if it has not been loaded yet.
  bool load_reference_data = true;
  // Sync every commit (the default; off only for benchmarks).
  bool sync = true;
  // How to reach the other services; valid for the module's lifetime.
  const ServiceDirectory* peers = nullptr;
  // Outbox messages per second a service relays to another at most (0: no
  // limit).
  double outbox_max_rate = 0;
  // Admits every call (bearer token and role); valid for the module's
  // lifetime. Required.
  const AccessControl* access = nullptr;
  // Where the key that signs the journal's tree heads is kept. Empty: in
  // data_dir (journal-signing-key.pem), copied by every backup. Elsewhere
  // (a mounted secret, a folder the backups do not reach), a copy of the
  // data alone cannot sign.
  std::string signing_key_path;
  // Make a new signing key for a journal that has entries but no key
  // (otherwise refused): every verifier's pinned key stops verifying.
  bool allow_new_signing_key = false;
  // A read-only copy of another deployment's service (corridor-mirror):
  // the store takes only replicated writes, there is no signing key (the
  // primary's heads are served), no reference data, no background work.
  bool mirror = false;
};

// A service's database and the key that signs its journal's tree heads
// (generated at first start, next to the database unless
// ModuleOptions::signing_key_path puts it elsewhere).
struct ServiceStorage {
  std::unique_ptr<storage::Store> store;
  std::unique_ptr<storage::TreeSigner> signer;
  // Every table the service keeps, for the change feed to find the records
  // a journal entry names.
  std::vector<const storage::TableSchema*> tables;
  // Whether partners may follow the service's changes (WatchChanges). Off
  // for the auth service: its records are credentials.
  bool change_feed = true;
  // Files the service keeps beside its database (its signing key), which a
  // backup copies with it.
  std::vector<std::string> files_beside_store;
  // Where the signing key is kept (RotateSigningKey replaces it there).
  std::string signing_key_path;
  // What a mirror adds to `mutation` when it stores `after` (a record of
  // table `table`) as the primary wrote it, over `before` (null if it held
  // none): the derived data (counters) the service's own writes add beside
  // the record. Unset: nothing.
  using MirrorDerivation =
      std::function<void(const std::string& table, const google::protobuf::Message* before,
                         const google::protobuf::Message& after, storage::Mutation* mutation)>;
  MirrorDerivation derive_for_mirror;
};

// Opens both in options.data_dir, and builds any index of `tables` that a
// new release added (storage::Store::BuildMissingIndexes), logging progress.
absl::StatusOr<ServiceStorage> OpenServiceStorage(
    const ModuleOptions& options, const std::vector<const storage::TableSchema*>& tables);

// The table of `storage` named `name` ("convoys"), or null if the service
// keeps none by that name.
const storage::TableSchema* FindTable(const ServiceStorage& storage, absl::string_view name);

// The services a process hosts, by name ("areas"), for the services that
// answer for all of them (audit, operations).
using HostedStorage = std::map<std::string, const ServiceStorage*>;

// The storage of the service a request names in its field `service`; an
// empty name is accepted when the process hosts one service. Sets `name`.
// INVALID_ARGUMENT naming `service` and listing the hosted services
// otherwise.
absl::StatusOr<const ServiceStorage*> FindHostedStorage(const HostedStorage& hosted,
                                                        const std::string& service,
                                                        std::string* name);

// The origin the audit journal records for built-in reference data.
inline storage::Origin ReferenceDataOrigin() {
  storage::Origin origin;
  origin.principal.set_name("reference-data-loader");
  origin.rpc = "reference-data";
  return origin;
}

class ServiceModule {
 public:
  virtual ~ServiceModule() = default;
  // The gRPC services to host, valid for the module's lifetime.
  virtual std::vector<HostedService> Services() = 0;
  // Its database and signing key, for the audit service.
  virtual const ServiceStorage& storage() const = 0;
  // Called once the server listens and every peer address is known: start
  // background work that calls other services.
  virtual void Start() {}
  // Called once when the process is told to stop, before calls are drained:
  // end long-lived streams and background work so that they do not hold
  // the shutdown up.
  virtual void BeginShutdown() {}
};

}  // namespace corridor

#endif  // CORRIDOR_SERVICES_COMMON_MODULE_H_
