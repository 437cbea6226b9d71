// What a handler knows about the caller.
#ifndef CORRIDOR_COMMON_REQUEST_CONTEXT_H_
#define CORRIDOR_COMMON_REQUEST_CONTEXT_H_

#include <grpcpp/server_context.h>

#include "corridor/v1/common.pb.h"

namespace corridor {

// Metadata header in which a client declares who it is, until bearer-token
// authentication replaces it. The value is recorded but marked
// unauthenticated.
inline constexpr char kPrincipalHeader[] = "x-corridor-principal";

// The principal of a call: the declared name (or "anonymous"), marked
// unauthenticated, and the transport peer.
v1::Principal PrincipalOf(const grpc::ServerContext& context);

}  // namespace corridor

#endif  // CORRIDOR_COMMON_REQUEST_CONTEXT_H_
