// Calls to the standard gRPC health and reflection services, as a load
// balancer or grpcurl makes them.
#ifndef CORRIDOR_TESTS_TESTING_STANDARD_SERVICES_H_
#define CORRIDOR_TESTS_TESTING_STANDARD_SERVICES_H_

#include <set>
#include <string>

#include <grpcpp/grpcpp.h>

#include "absl/status/statusor.h"

namespace corridor::testing {

// grpc.health.v1.Health/Check: "SERVING", "NOT_SERVING", ... or an error.
absl::StatusOr<std::string> CheckHealth(grpc::Channel* channel, const std::string& service);

// The services grpc.reflection.v1alpha.ServerReflection lists.
absl::StatusOr<std::set<std::string>> ListServicesByReflection(grpc::Channel* channel);

}  // namespace corridor::testing

#endif  // CORRIDOR_TESTS_TESTING_STANDARD_SERVICES_H_
