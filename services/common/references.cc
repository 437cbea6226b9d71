#include "services/common/references.h"

#include <algorithm>
#include <optional>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/status.h"
#include "corridor/v1/areas.grpc.pb.h"
#include "corridor/v1/convoys.grpc.pb.h"
#include "corridor/v1/parties.grpc.pb.h"
#include "corridor/v1/routes.grpc.pb.h"
#include "services/common/party_names.h"

namespace corridor {
namespace {

// How long a copy of the party registry is used before it is read again.
constexpr absl::Duration kPartiesFresh = absl::Seconds(30);

void Prepare(const ServiceDirectory& peers, grpc::ClientContext* context, absl::Time deadline) {
  context->set_deadline(absl::ToChronoTime(deadline));
  peers.AttachCredentials(context);
}

// Turns the callee's answer into ours: a missing record is the caller's
// bad input; an unreachable service is UNAVAILABLE, saying nothing was
// written, unless it was the caller's own deadline that ran out.
absl::Status Explain(const grpc::Status& status, absl::string_view service,
                     const ServiceDirectory& peers, absl::string_view field, absl::string_view noun,
                     absl::string_view id, absl::Time caller_deadline) {
  if (status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED &&
      absl::Now() >= caller_deadline) {
    return absl::DeadlineExceededError(
        absl::StrCat("the call's deadline passed while ", field, " was being checked with the ",
                     service, " service; nothing was written. Allow more time, or try again"));
  }
  switch (status.error_code()) {
    case grpc::StatusCode::OK:
      return absl::OkStatus();
    case grpc::StatusCode::NOT_FOUND:
    case grpc::StatusCode::INVALID_ARGUMENT:
      return absl::InvalidArgumentError(absl::StrCat(field, ": the ", service, " service has no ",
                                                     noun, " \"", id, "\"; list ", noun,
                                                     "s to see the ids in use"));
    case grpc::StatusCode::UNAUTHENTICATED:
    case grpc::StatusCode::PERMISSION_DENIED:
      return absl::UnavailableError(absl::StrCat(
          field, " could not be checked: the ", service,
          " service refused this service's own credential (", status.error_message(),
          "); nothing was written. The operator must give this service a live service token "
          "(--service_token_file)"));
    case grpc::StatusCode::UNAVAILABLE:
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return absl::UnavailableError(absl::StrCat(
          field, " could not be checked: the ", service, " service at ",
          peers.AddressOf(std::string(service)), " did not answer (", status.error_message(),
          "); nothing was written, try again once it is back"));
    default:
      return absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                          absl::StrCat("checking ", field, " with the ", service,
                                       " service: ", status.error_message()));
  }
}

// Reads one record by id from `service` (e.g. AreaService::GetArea).
template <typename Service, typename Request, typename Record>
absl::StatusOr<Record> GetById(
    const ServiceDirectory& peers, absl::Time deadline, absl::Time caller_deadline,
    const std::string& service,
    grpc::Status (Service::Stub::*get)(grpc::ClientContext*, const Request&, Record*),
    absl::string_view field, absl::string_view noun, const std::string& id) {
  absl::StatusOr<std::shared_ptr<grpc::Channel>> channel = peers.ChannelTo(service);
  if (!channel.ok()) return channel.status();
  auto stub = Service::NewStub(*channel);
  grpc::ClientContext context;
  Prepare(peers, &context, deadline);
  Request request;
  request.set_id(id);
  Record record;
  CORRIDOR_RETURN_IF_ERROR(
      Explain(((*stub).*get)(&context, request, &record), service, peers, field, noun, id,
              caller_deadline));
  return record;
}

}  // namespace

absl::StatusOr<v1::Area> References::GetArea(absl::string_view field, const std::string& id,
                                             absl::Time caller_deadline) const {
  return GetById<v1::AreaService>(*peers_, DeadlineOf(caller_deadline), caller_deadline, "areas",
                                  &v1::AreaService::Stub::GetArea, field, "area", id);
}

absl::StatusOr<v1::Route> References::GetRoute(absl::string_view field, const std::string& id,
                                               absl::Time caller_deadline) const {
  return GetById<v1::RouteService>(*peers_, DeadlineOf(caller_deadline), caller_deadline, "routes",
                                   &v1::RouteService::Stub::GetRoute, field, "route", id);
}

absl::Status References::CheckAreaAndRoute(const std::string& area_id, const std::string& route_id,
                                           absl::Time caller_deadline) const {
  bool area_known = false;
  std::optional<std::vector<std::string>> served;
  {
    absl::MutexLock lock(&mu_);
    area_known = known_areas_.contains(area_id);
    if (auto it = known_routes_.find(route_id); it != known_routes_.end()) served = it->second;
  }
  if (!area_known) {
    absl::StatusOr<v1::Area> area = GetArea("area_id", area_id, caller_deadline);
    if (!area.ok()) return area.status();
    absl::MutexLock lock(&mu_);
    known_areas_.insert(area_id);
  }
  if (route_id.empty()) return absl::OkStatus();
  if (!served.has_value()) {
    absl::StatusOr<v1::Route> route = GetRoute("route_id", route_id, caller_deadline);
    if (!route.ok()) return route.status();
    served.emplace(route->serves_area_ids().begin(), route->serves_area_ids().end());
    absl::MutexLock lock(&mu_);
    known_routes_[route_id] = *served;
  }
  if (!served->empty() && std::find(served->begin(), served->end(), area_id) == served->end()) {
    return absl::InvalidArgumentError(absl::StrCat("route_id: route ", route_id, " leads to ",
                                                   absl::StrJoin(*served, ", "), ", not to ",
                                                   area_id));
  }
  return absl::OkStatus();
}

absl::Status References::CheckConvoy(absl::string_view field, const std::string& convoy_id,
                                     absl::Time caller_deadline) const {
  {
    absl::MutexLock lock(&mu_);
    if (known_convoys_.contains(convoy_id)) return absl::OkStatus();
  }
  absl::StatusOr<v1::Convoy> convoy =
      GetById<v1::ConvoyService>(*peers_, DeadlineOf(caller_deadline), caller_deadline, "convoys",
                                 &v1::ConvoyService::Stub::GetConvoy, field, "convoy", convoy_id);
  if (!convoy.ok()) return convoy.status();
  absl::MutexLock lock(&mu_);
  known_convoys_.insert(convoy_id);
  return absl::OkStatus();
}

absl::StatusOr<std::vector<v1::Area>> References::ListAreas(absl::Time caller_deadline) const {
  absl::StatusOr<std::shared_ptr<grpc::Channel>> channel = peers_->ChannelTo("areas");
  if (!channel.ok()) return channel.status();
  auto stub = v1::AreaService::NewStub(*channel);
  std::vector<v1::Area> areas;
  v1::ListAreasRequest request;
  request.mutable_page()->set_page_size(500);
  do {
    grpc::ClientContext context;
    Prepare(*peers_, &context, DeadlineOf(caller_deadline));
    v1::ListAreasResponse response;
    CORRIDOR_RETURN_IF_ERROR(Explain(stub->ListAreas(&context, request, &response), "areas",
                                     *peers_, "area_ids", "area", "(all)", caller_deadline));
    for (v1::Area& area : *response.mutable_areas()) areas.push_back(std::move(area));
    request.mutable_page()->set_page_token(response.next_page_token());
  } while (!request.page().page_token().empty());
  return areas;
}

absl::StatusOr<std::vector<v1::StatusChange>> References::AreaHistory(
    const std::string& area_id, absl::Time caller_deadline) const {
  absl::StatusOr<std::shared_ptr<grpc::Channel>> channel = peers_->ChannelTo("areas");
  if (!channel.ok()) return channel.status();
  auto stub = v1::AreaService::NewStub(*channel);
  std::vector<v1::StatusChange> changes;
  v1::GetAreaHistoryRequest request;
  request.set_area_id(area_id);
  request.mutable_page()->set_page_size(500);
  do {
    grpc::ClientContext context;
    Prepare(*peers_, &context, DeadlineOf(caller_deadline));
    v1::GetAreaHistoryResponse response;
    CORRIDOR_RETURN_IF_ERROR(Explain(stub->GetAreaHistory(&context, request, &response), "areas",
                                     *peers_, "area_ids", "area", area_id, caller_deadline));
    for (v1::StatusChange& change : *response.mutable_changes()) {
      changes.push_back(std::move(change));
    }
    request.mutable_page()->set_page_token(response.next_page_token());
  } while (!request.page().page_token().empty());
  return changes;
}

absl::StatusOr<References::PartyList> References::ReadParties(absl::Time caller_deadline) const {
  absl::StatusOr<std::shared_ptr<grpc::Channel>> channel = peers_->ChannelTo("areas");
  if (!channel.ok()) return channel.status();
  auto stub = v1::PartyService::NewStub(*channel);
  std::vector<v1::Party> parties;
  v1::ListPartiesRequest request;
  request.mutable_page()->set_page_size(500);
  do {
    grpc::ClientContext context;
    Prepare(*peers_, &context, DeadlineOf(caller_deadline));
    v1::ListPartiesResponse response;
    CORRIDOR_RETURN_IF_ERROR(Explain(stub->ListParties(&context, request, &response), "areas",
                                     *peers_, "party", "party registry", "(all)", caller_deadline));
    for (v1::Party& party : *response.mutable_parties()) parties.push_back(std::move(party));
    request.mutable_page()->set_page_token(response.next_page_token());
  } while (!request.page().page_token().empty());
  auto shared = std::make_shared<const std::vector<v1::Party>>(std::move(parties));
  absl::MutexLock lock(&mu_);
  parties_ = shared;
  parties_read_at_ = absl::Now();
  return shared;
}

absl::StatusOr<References::PartyList> References::Parties(absl::Time caller_deadline) const {
  {
    absl::MutexLock lock(&mu_);
    if (absl::Now() - parties_read_at_ < kPartiesFresh) return parties_;
  }
  return ReadParties(caller_deadline);
}

absl::StatusOr<v1::Party> References::ResolveParty(absl::string_view field, const std::string& text,
                                                   absl::Time caller_deadline) const {
  if (text.empty()) return v1::Party();
  CORRIDOR_ASSIGN_OR_RETURN(const PartyList parties, Parties(caller_deadline));
  if (const v1::Party* party = FindParty(*parties, text)) return *party;
  // Not in the copy kept: the registry itself decides, so that a spelling
  // an admin has just added counts at once.
  absl::StatusOr<std::shared_ptr<grpc::Channel>> channel = peers_->ChannelTo("areas");
  if (!channel.ok()) return channel.status();
  auto stub = v1::PartyService::NewStub(*channel);
  grpc::ClientContext context;
  Prepare(*peers_, &context, DeadlineOf(caller_deadline));
  v1::ResolvePartyRequest request;
  request.set_text(text);
  v1::ResolvePartyResponse response;
  CORRIDOR_RETURN_IF_ERROR(Explain(stub->ResolveParty(&context, request, &response), "areas",
                                   *peers_, field, "party", text, caller_deadline));
  if (response.has_party()) {
    absl::MutexLock lock(&mu_);
    parties_read_at_ = absl::InfinitePast();  // read the registry again next time
    return response.party();
  }
  std::vector<const v1::Party*> closest;
  for (const v1::Party& party : response.closest()) {
    if (closest.size() < 3) closest.push_back(&party);
  }
  return absl::InvalidArgumentError(UnknownPartyMessage(field, text, closest));
}

References::PartyFilter References::PartyFilterOf(const std::string& text,
                                                  absl::Time caller_deadline) const {
  if (text.empty()) return {};
  absl::StatusOr<v1::Party> named = ResolveParty("party", text, caller_deadline);
  if (named.ok()) return {named->id(), absl::OkStatus()};
  if (absl::IsInvalidArgument(named.status())) return {text, named.status()};
  return {text, absl::OkStatus()};
}

}  // namespace corridor
