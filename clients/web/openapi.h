// The OpenAPI 3.0 description of the JSON gateway (GET /api/v1/openapi.json),
// generated from the same descriptors the gateway calls with, so that it
// never falls behind the contract: one POST path per RPC the gateway serves,
// its request and response schemas in protobuf's JSON mapping (the .proto's
// field names; 64-bit integers and Timestamps as strings), the roles that
// may call it (x-corridor-roles, from its access option), and its errors
// with their body (reason and fieldViolations, common/error_details.h).
#ifndef CORRIDOR_CLIENTS_WEB_OPENAPI_H_
#define CORRIDOR_CLIENTS_WEB_OPENAPI_H_

#include <functional>
#include <string>
#include <vector>

#include "google/protobuf/descriptor.h"

namespace corridor::web {

std::string OpenApiJson(const std::vector<const google::protobuf::MethodDescriptor*>& methods);

}  // namespace corridor::web

#endif  // CORRIDOR_CLIENTS_WEB_OPENAPI_H_
