// Where exports read their records from: every record of a kind that
// matches a list request, all pages followed. An interface, so that the
// command line, the dashboard's gateway, a read-only mirror and tests can
// each hand over records their own way.
#ifndef CORRIDOR_CLIENTS_EXPORTS_RECORD_SOURCE_H_
#define CORRIDOR_CLIENTS_EXPORTS_RECORD_SOURCE_H_

#include <grpcpp/grpcpp.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "corridor/v1/areas.pb.h"
#include "corridor/v1/convoys.pb.h"
#include "corridor/v1/denials.pb.h"
#include "corridor/v1/incidents.pb.h"

namespace corridor::exports {

class RecordSource {
 public:
  virtual ~RecordSource() = default;

  // Every record the request's filters select, in the service's order; the
  // request's page is ignored. A failed call's status as the service gave
  // it (code and message).
  virtual absl::StatusOr<std::vector<v1::Area>> Areas() = 0;
  virtual absl::StatusOr<std::vector<v1::Denial>> Denials(const v1::ListDenialsRequest& filter) = 0;
  virtual absl::StatusOr<std::vector<v1::Convoy>> Convoys(const v1::ListConvoysRequest& filter) = 0;
  virtual absl::StatusOr<std::vector<v1::Incident>> Incidents(
      const v1::ListIncidentsRequest& filter) = 0;
};

// How a gRPC source reaches the services.
struct GrpcSourceOptions {
  // The channel to a Corridor service ("areas", "denials", "convoys",
  // "incidents").
  std::function<std::shared_ptr<grpc::Channel>(const std::string& service)> channel_for;
  // Readies each call: its deadline and bearer token.
  std::function<void(grpc::ClientContext*)> prepare;
  // Optional: told after each page how many records of `what` ("denials")
  // were read so far.
  std::function<void(const std::string& what, size_t read)> progress;
};

// A source that calls the services' List RPCs, pages of 500.
std::unique_ptr<RecordSource> NewGrpcRecordSource(GrpcSourceOptions options);

}  // namespace corridor::exports

#endif  // CORRIDOR_CLIENTS_EXPORTS_RECORD_SOURCE_H_
