#include "clients/exports/record_source.h"

#include <utility>

#include "common/status.h"
#include "corridor/v1/areas.grpc.pb.h"
#include "corridor/v1/convoys.grpc.pb.h"
#include "corridor/v1/denials.grpc.pb.h"
#include "corridor/v1/incidents.grpc.pb.h"

namespace corridor::exports {
namespace {

constexpr int kPageSize = 500;

class GrpcRecordSource final : public RecordSource {
 public:
  explicit GrpcRecordSource(GrpcSourceOptions options) : options_(std::move(options)) {}

  absl::StatusOr<std::vector<v1::Area>> Areas() override {
    auto stub = v1::AreaService::NewStub(options_.channel_for("areas"));
    return ReadAll(*stub, &v1::AreaService::Stub::ListAreas, v1::ListAreasRequest(),
                   &v1::ListAreasResponse::mutable_areas, "areas");
  }

  absl::StatusOr<std::vector<v1::Denial>> Denials(const v1::ListDenialsRequest& filter) override {
    auto stub = v1::DenialService::NewStub(options_.channel_for("denials"));
    return ReadAll(*stub, &v1::DenialService::Stub::ListDenials, filter,
                   &v1::ListDenialsResponse::mutable_denials, "denials");
  }

  absl::StatusOr<std::vector<v1::Convoy>> Convoys(const v1::ListConvoysRequest& filter) override {
    auto stub = v1::ConvoyService::NewStub(options_.channel_for("convoys"));
    return ReadAll(*stub, &v1::ConvoyService::Stub::ListConvoys, filter,
                   &v1::ListConvoysResponse::mutable_convoys, "convoys");
  }

  absl::StatusOr<std::vector<v1::Incident>> Incidents(
      const v1::ListIncidentsRequest& filter) override {
    auto stub = v1::IncidentService::NewStub(options_.channel_for("incidents"));
    return ReadAll(*stub, &v1::IncidentService::Stub::ListIncidents, filter,
                   &v1::ListIncidentsResponse::mutable_incidents, "incidents");
  }

 private:
  // Follows page tokens from the first page to the last.
  template <typename Stub, typename Request, typename Response, typename Item>
  absl::StatusOr<std::vector<Item>> ReadAll(
      Stub& stub, grpc::Status (Stub::*rpc)(grpc::ClientContext*, const Request&, Response*),
      Request request, google::protobuf::RepeatedPtrField<Item>* (Response::*items)(),
      const std::string& what) {
    std::vector<Item> all;
    request.mutable_page()->set_page_size(kPageSize);
    request.mutable_page()->clear_page_token();
    while (true) {
      grpc::ClientContext context;
      if (options_.prepare) options_.prepare(&context);
      Response page;
      CORRIDOR_RETURN_IF_ERROR(FromGrpc((stub.*rpc)(&context, request, &page)));
      for (Item& item : *(page.*items)()) all.push_back(std::move(item));
      if (options_.progress) options_.progress(what, all.size());
      if (page.next_page_token().empty()) return all;
      request.mutable_page()->set_page_token(page.next_page_token());
    }
  }

  const GrpcSourceOptions options_;
};

}  // namespace

std::unique_ptr<RecordSource> NewGrpcRecordSource(GrpcSourceOptions options) {
  return std::make_unique<GrpcRecordSource>(std::move(options));
}

}  // namespace corridor::exports
