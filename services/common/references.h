// What a service needs to know about areas, routes and convoys, asked of
// their services over gRPC (never their databases).
#ifndef CORRIDOR_SERVICES_COMMON_REFERENCES_H_
#define CORRIDOR_SERVICES_COMMON_REFERENCES_H_

#include <algorithm>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/service_channels.h"
#include "corridor/v1/areas.pb.h"
#include "corridor/v1/convoys.pb.h"
#include "corridor/v1/parties.pb.h"
#include "corridor/v1/routes.pb.h"

namespace corridor {

class References {
 public:
  // `peers` must outlive this object. Each call waits at most `timeout`,
  // and never past `caller_deadline` (the deadline of the call being
  // served, if it has one: a caller that gave up frees the thread sooner).
  References(const ServiceDirectory* peers, absl::Duration timeout)
      : peers_(peers), timeout_(timeout) {}

  // INVALID_ARGUMENT naming `field` if there is no such area or route;
  // UNAVAILABLE if the service cannot be reached in time.
  absl::StatusOr<v1::Area> GetArea(absl::string_view field, const std::string& id,
                                   absl::Time caller_deadline = absl::InfiniteFuture()) const;
  absl::StatusOr<v1::Route> GetRoute(absl::string_view field, const std::string& id,
                                     absl::Time caller_deadline = absl::InfiniteFuture()) const;
  // The area must exist; the route, if named, must exist and lead to the
  // area (when it says which areas it serves). Errors name area_id or
  // route_id.
  //
  // Areas and routes are never deleted and a route's areas never change,
  // so what one check found stays true: ids found once are remembered, and
  // later checks of them make no call (a write for a known area goes
  // through even while the areas service is down).
  absl::Status CheckAreaAndRoute(const std::string& area_id, const std::string& route_id,
                                 absl::Time caller_deadline = absl::InfiniteFuture()) const;
  // The area's status history (GetAreaHistory, every page), newest
  // effective date first.
  absl::StatusOr<std::vector<v1::StatusChange>> AreaHistory(
      const std::string& area_id, absl::Time caller_deadline = absl::InfiniteFuture()) const;
  // The convoy must exist in the convoys service: INVALID_ARGUMENT naming
  // `field` if it does not, UNAVAILABLE if that service cannot be reached
  // in time. Convoys are never deleted, so ids found once are remembered.
  absl::Status CheckConvoy(absl::string_view field, const std::string& convoy_id,
                           absl::Time caller_deadline = absl::InfiniteFuture()) const;
  // Every area, in id order.
  absl::StatusOr<std::vector<v1::Area>> ListAreas(
      absl::Time caller_deadline = absl::InfiniteFuture()) const;

  // Every party of the registry (parties.proto, hosted by the areas
  // service), shared rather than copied: every denial a service records
  // looks its party up here. Read again when the copy kept is older than
  // 30 seconds.
  using PartyList = std::shared_ptr<const std::vector<v1::Party>>;
  absl::StatusOr<PartyList> Parties(absl::Time caller_deadline = absl::InfiniteFuture()) const;
  // The party `text` names (an empty Party for empty text). Text that names
  // none in the copy kept is asked of the registry itself (an alias an
  // admin just added resolves at once), then refused: INVALID_ARGUMENT
  // naming `field`, with the closest names. UNAVAILABLE if the registry
  // cannot be reached.
  absl::StatusOr<v1::Party> ResolveParty(absl::string_view field, const std::string& text,
                                         absl::Time caller_deadline = absl::InfiniteFuture()) const;

  // A `party` filter of a list or statistics, as the key records are kept
  // under: the id of the party the text names, else the text itself
  // (records whose text names no party; or a party's id while the registry
  // is out of reach: a read does not fail for want of it). `unknown` is why
  // the text names no party, if it names none: the answer to give when
  // nothing is stored under the text either, since "none" would read as
  // "this party did nothing".
  struct PartyFilter {
    std::string key;
    absl::Status unknown;
  };
  PartyFilter PartyFilterOf(const std::string& text,
                            absl::Time caller_deadline = absl::InfiniteFuture()) const;

 private:
  const ServiceDirectory* peers_;
  absl::Duration timeout_;

  absl::Time DeadlineOf(absl::Time caller_deadline) const {
    return std::min(absl::Now() + timeout_, caller_deadline);
  }

  mutable absl::Mutex mu_;
  mutable absl::flat_hash_set<std::string> known_areas_ ABSL_GUARDED_BY(mu_);
  // Route id -> the areas it serves (empty: not stated).
  mutable absl::flat_hash_map<std::string, std::vector<std::string>> known_routes_
      ABSL_GUARDED_BY(mu_);
  mutable absl::flat_hash_set<std::string> known_convoys_ ABSL_GUARDED_BY(mu_);
  // The registry as last read, and when (InfinitePast: never).
  mutable PartyList parties_ ABSL_GUARDED_BY(mu_);
  mutable absl::Time parties_read_at_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();

  absl::StatusOr<PartyList> ReadParties(absl::Time caller_deadline) const;
};

}  // namespace corridor

#endif  // CORRIDOR_SERVICES_COMMON_REFERENCES_H_
