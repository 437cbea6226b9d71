#include "tests/testing/standard_services.h"

#include <grpcpp/impl/codegen/client_unary_call.h>
#include <grpcpp/impl/codegen/proto_utils.h>
#include <grpcpp/impl/codegen/rpc_method.h>
#include <grpcpp/impl/codegen/sync_stream.h>

#include "common/status.h"
#include "corridor/testing/grpc_wire.pb.h"

namespace corridor::testing {
namespace {

void SetDeadline(grpc::ClientContext* context) {
  context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
}

}  // namespace

absl::StatusOr<std::string> CheckHealth(grpc::Channel* channel, const std::string& service) {
  // The same call the generated stub would make, with wire-compatible types.
  const grpc::internal::RpcMethod method("/grpc.health.v1.Health/Check",
                                         grpc::internal::RpcMethod::NORMAL_RPC);
  grpc::ClientContext context;
  SetDeadline(&context);
  HealthCheckRequest request;
  request.set_service(service);
  HealthCheckResponse response;
  grpc::Status status =
      grpc::internal::BlockingUnaryCall<HealthCheckRequest, HealthCheckResponse>(
          channel, method, &context, request, &response);
  if (!status.ok()) return FromGrpc(status);
  return HealthCheckResponse::ServingStatus_Name(response.status());
}

absl::StatusOr<std::set<std::string>> ListServicesByReflection(grpc::Channel* channel) {
  const grpc::internal::RpcMethod method(
      "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo",
      grpc::internal::RpcMethod::BIDI_STREAMING);
  grpc::ClientContext context;
  SetDeadline(&context);
  std::unique_ptr<grpc::ClientReaderWriter<ServerReflectionRequest, ServerReflectionResponse>>
      stream(grpc::internal::ClientReaderWriterFactory<
             ServerReflectionRequest, ServerReflectionResponse>::Create(channel, method,
                                                                        &context));
  ServerReflectionRequest request;
  request.set_list_services("");
  stream->Write(request);
  stream->WritesDone();
  std::set<std::string> names;
  ServerReflectionResponse response;
  while (stream->Read(&response)) {
    for (const ServiceResponse& service : response.list_services_response().service()) {
      names.insert(service.name());
    }
  }
  grpc::Status status = stream->Finish();
  if (!status.ok()) return FromGrpc(status);
  return names;
}

}  // namespace corridor::testing
