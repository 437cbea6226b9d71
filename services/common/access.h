// Who may call what. Every handler of every service starts by admitting its
// call here: the bearer token is authenticated, and the caller's role is
// checked against the rule of the method (access_policy.cc). The result is
// the origin the journal and the records carry, so a client can never
// claim to be someone else.
#ifndef CORRIDOR_SERVICES_COMMON_ACCESS_H_
#define CORRIDOR_SERVICES_COMMON_ACCESS_H_

#include <grpcpp/server_context.h>

#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "common/status.h"
#include "corridor/v1/auth.pb.h"
#include "google/protobuf/message.h"
#include "storage/mutation.h"

namespace corridor {

// Turns a bearer token into what it stands for.
class Authenticator {
 public:
  virtual ~Authenticator() = default;
  // UNAUTHENTICATED if the token is malformed, unknown or revoked (the
  // message says which, never repeating the token); UNAVAILABLE if it cannot
  // be checked right now. A check that needs another service gives up by
  // `deadline` (the deadline of the call being admitted) at the latest.
  virtual absl::StatusOr<v1::TokenInfo> Authenticate(
      absl::string_view token, absl::Time deadline = absl::InfiniteFuture()) const = 0;
};

// The roles that may call `full_method` ("/corridor.v1.ConvoyService/
// GetConvoy"), as its (corridor.v1.access) option in the contract says;
// empty if the method has no rule, which admits nobody.
std::vector<v1::Role> RolesAllowed(absl::string_view full_method);

// True if `role` may call `full_method`; what every call checks.
bool RoleMayCall(v1::Role role, absl::string_view full_method);

// Whether a mirror (corridor-mirror, a verified copy of another
// deployment's record) serves `full_method`: every method whose access
// option does not say it `writes` the record (reads, and the mirror's own
// tokens and backups). Writes of the record are the primary's.
bool MirrorServes(absl::string_view full_method);

// Every method that has a rule, for tests and documentation.
std::vector<std::string> MethodsWithRules();

// Every method of every gRPC service in the service catalogue
// (common/service_catalog.h): the methods that need a rule.
std::vector<std::string> CatalogMethods();

// FAILED_PRECONDITION naming each catalogued method whose access option is
// missing or names no role; the runtime will not start without OK.
absl::Status CheckRulesCoverCatalog();

// "coordinator" for v1::ROLE_COORDINATOR, and so on.
std::string RoleName(v1::Role role);

// A server stream held open for one token; the token's count drops when it
// is destroyed. Move-only.
class StreamSlot {
 public:
  StreamSlot() = default;
  StreamSlot(StreamSlot&& other) noexcept;
  StreamSlot& operator=(StreamSlot&& other) noexcept;
  ~StreamSlot();

 private:
  friend class AccessControl;
  StreamSlot(const class AccessControl* owner, std::string token_id)
      : owner_(owner), token_id_(std::move(token_id)) {}
  const class AccessControl* owner_ = nullptr;
  std::string token_id_;
};

class AccessControl {
 public:
  // Server streams (WatchChanges, WatchRouteStatus) one token may hold open
  // at once in this process, unless set otherwise.
  static constexpr int kDefaultMaxStreamsPerToken = 16;

  // `authenticator` must outlive this object.
  explicit AccessControl(const Authenticator* authenticator,
                         int max_streams_per_token = kDefaultMaxStreamsPerToken)
      : authenticator_(authenticator), max_streams_per_token_(max_streams_per_token) {}

  // Admits a call of `method` of `service` (its full name, e.g.
  // "corridor.v1.ConvoyService"), or says why not: UNAUTHENTICATED without
  // a valid bearer token, PERMISSION_DENIED if the caller's role may not
  // make this call.
  absl::StatusOr<storage::Origin> Admit(const grpc::ServerContext& context,
                                        absl::string_view service, absl::string_view method) const;

  // Admit for a server stream, which also takes one of the caller's token's
  // stream slots: RESOURCE_EXHAUSTED, saying how many are open, when the
  // token already holds max_streams_per_token. Keep `slot` while streaming.
  // From now on refuse, with FAILED_PRECONDITION naming `primary`, every
  // call a mirror does not serve (MirrorServes). Call before serving.
  void ServeAsMirrorOf(std::string primary) { mirror_of_ = std::move(primary); }

  absl::StatusOr<storage::Origin> AdmitStream(const grpc::ServerContext& context,
                                              absl::string_view service, absl::string_view method,
                                              StreamSlot* slot) const;

 private:
  friend class StreamSlot;
  void ReleaseStream(const std::string& token_id) const;

  const Authenticator* authenticator_;
  const int max_streams_per_token_;
  std::string mirror_of_;  // empty unless this process is a mirror
  mutable absl::Mutex streams_mu_;
  mutable absl::flat_hash_map<std::string, int> open_streams_ ABSL_GUARDED_BY(streams_mu_);
};

// The principal a verified token stands for. Its network address is not
// part of it: records and journal entries are read (and their hashes
// checked) by partners, and in a conflict staff addresses are sensitive.
v1::Principal PrincipalFor(const v1::TokenInfo& token);

// Whether `viewer` sees every principal as recorded: oversight bodies,
// admins and services do.
bool SeesEveryPrincipal(const v1::Principal& viewer);

// Removes from `message` what `viewer` may not see of the principals in it
// (every Principal field at any depth, inside google.protobuf.Any too): a
// coordinator sees no network address (kept in records written before
// addresses were left out); a partner sees no address either, and of a
// person of another agency (or of none) only the role and agency; services
// and the reference-data loader are no one's staff, and stay named.
// Returns true if anything was removed.
bool RedactPrincipals(const v1::Principal& viewer, google::protobuf::Message* message);

// `message` as `viewer` may see it: RedactPrincipals, unless the viewer
// sees every principal.
inline void RedactFor(const v1::Principal& viewer, google::protobuf::Message* message) {
  if (!SeesEveryPrincipal(viewer)) RedactPrincipals(viewer, message);
}

// A handler's answer as `caller` may see it (RedactFor): the result into
// `response`, or its error mapped once.
template <typename T>
grpc::Status RespondTo(const storage::Origin& caller, absl::StatusOr<T> result, T* response) {
  grpc::Status status = Respond(std::move(result), response);
  if (status.ok()) RedactFor(caller.principal, response);
  return status;
}

}  // namespace corridor

#endif  // CORRIDOR_SERVICES_COMMON_ACCESS_H_
