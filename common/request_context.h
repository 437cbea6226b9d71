// What a handler knows about the caller.
#ifndef CORRIDOR_COMMON_REQUEST_CONTEXT_H_
#define CORRIDOR_COMMON_REQUEST_CONTEXT_H_

#include <grpcpp/server_context.h>

#include "absl/strings/string_view.h"
#include "corridor/v1/common.pb.h"
#include "storage/mutation.h"

namespace corridor {

// Metadata header in which a client declares who it is, until bearer-token
// authentication replaces it. The value is recorded but marked
// unauthenticated.
inline constexpr char kPrincipalHeader[] = "x-corridor-principal";

// The principal of a call: the declared name (or "anonymous"), marked
// unauthenticated, and the transport peer.
v1::Principal PrincipalOf(const grpc::ServerContext& context);

// The principal and the call ("/<service>/<method>"), as the audit journal
// records them with every change.
storage::Origin OriginOf(const grpc::ServerContext& context, absl::string_view service,
                         absl::string_view method);

}  // namespace corridor

#endif  // CORRIDOR_COMMON_REQUEST_CONTEXT_H_
