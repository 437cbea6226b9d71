// The JSON gateway: HTTP requests in protobuf's JSON mapping, turned into
// gRPC calls to Corridor's services with the caller's own bearer token.
//
// The gateway holds no credentials and decides nothing about access: each
// call reaches the service with the browser's token, and the service's
// roles decide, exactly as for corridorctl. Field names are the .proto's
// (preserve_proto_field_names), enums are their value names.
//
//   Gateway gateway(&channels, absl::Seconds(30));
//   HttpReply reply = gateway.Call("AreaService/ListAreas", "{}", token);
#ifndef CORRIDOR_CLIENTS_WEB_GATEWAY_H_
#define CORRIDOR_CLIENTS_WEB_GATEWAY_H_

#include <map>
#include <memory>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/service_channels.h"
#include "grpcpp/channel.h"
#include "grpcpp/support/status.h"

namespace corridor::web {

struct HttpReply {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  // Extra headers, e.g. Content-Disposition for a download.
  std::map<std::string, std::string> headers;
};

// The HTTP status a gRPC status code becomes.
int HttpStatusOf(grpc::StatusCode code);

// {"error":{"code":"INVALID_ARGUMENT","message":"..."}}: the service's own
// words, for the page to show as they are.
HttpReply ErrorReply(int http_status, absl::string_view code, absl::string_view message);
HttpReply ErrorReply(const grpc::Status& status);
// A 400 INVALID_ARGUMENT for a refusal worded "<field>: <problem>" (e.g.
// "start: must be a journal index"), with the field as data in
// "fieldViolations" as the services' own refusals have it.
HttpReply InvalidFieldReply(absl::string_view message);

class Gateway {
 public:
  // `channels` reach the services: corridord at their default address, and
  // services run apart at their own; it must outlive the gateway. Calls
  // time out after `timeout`.
  Gateway(ServiceChannels* channels, absl::Duration timeout);

  // POST /api/v1/<Service>/<Method>: `method` is e.g. "AreaService/ListAreas",
  // `json` the request in protobuf's JSON mapping ("" is an empty request).
  // Only the unary RPCs of the domain services, the audit service and
  // TokenService/WhoAmI are exposed: tokens are managed with corridorctl,
  // never from a browser.
  HttpReply Call(absl::string_view method, absl::string_view json, const std::string& token) const;

  // The value names of every enum the dashboard offers in its forms, e.g.
  // {"ConvoyStatus":["CONVOY_STATUS_REQUESTED",...],...}, from the .proto
  // descriptors so that the page never falls behind the contract.
  std::string EnumsJson() const;

  // The OpenAPI 3.0 description of what Call serves (clients/web/openapi.h).
  std::string OpenApi() const;

  absl::Duration timeout() const { return timeout_; }

 private:
  ServiceChannels* channels_;
  absl::Duration timeout_;
};

}  // namespace corridor::web

#endif  // CORRIDOR_CLIENTS_WEB_GATEWAY_H_
