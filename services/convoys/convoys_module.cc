#include "services/convoys/convoys_module.h"

#include "absl/strings/str_cat.h"
#include "common/status.h"
#include "corridor/v1/denials.grpc.pb.h"
#include "corridor/v1/incidents.grpc.pb.h"
#include "services/common/outbox_relay.h"
#include "services/common/references.h"
#include "services/common/stored_parties.h"
#include "services/convoys/convoy_service.h"
#include "services/convoys/convoy_store.h"
#include "services/convoys/convoy_tables.h"

namespace corridor::convoys {
namespace {

// How long a call to the areas or routes service may take before the
// caller's request fails with UNAVAILABLE.
constexpr absl::Duration kReferenceTimeout = absl::Seconds(3);
// How long the relay waits for the denials or incidents service to take
// one message.
constexpr absl::Duration kDeliveryTimeout = absl::Seconds(5);

// Sends one queued request to `service` (denials or incidents): calls
// `method` of its `Service` stub with the `message` parsed as a `Request`.
template <typename Service, typename Request, typename Response, typename Method>
absl::Status Deliver(const ServiceDirectory& peers, const char* service, absl::string_view message,
                     Method method) {
  Request request;
  if (!request.ParseFromString(std::string(message))) {
    return absl::DataLossError(
        absl::StrCat("a queued message for the ", service, " service could not be parsed"));
  }
  absl::StatusOr<std::shared_ptr<grpc::Channel>> channel = peers.ChannelTo(service);
  if (!channel.ok()) return channel.status();
  auto stub = Service::NewStub(*channel);
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + kDeliveryTimeout));
  peers.AttachCredentials(&context);
  Response response;
  return FromGrpc(((*stub).*method)(&context, request, &response));
}

// The denials service refused the message itself: sending it again cannot
// help. Anything else (down, slow, overloaded, misrouted) is retried.
bool IsRefusal(const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kAlreadyExists:
    case absl::StatusCode::kFailedPrecondition:
    case absl::StatusCode::kOutOfRange:
    case absl::StatusCode::kDataLoss:
      return true;
    default:
      return false;
  }
}

class ConvoysModule final : public ServiceModule {
 public:
  ConvoysModule(ServiceStorage storage, const ServiceDirectory* peers, const AccessControl* access,
                RelayOptions relay_options)
      : storage_(std::move(storage)),
        convoys_(storage_.store.get()),
        references_(peers, kReferenceTimeout),
        service_(&convoys_, &references_, access),
        stored_parties_("convoys", &references_,
                        [this](const std::vector<v1::Party>& parties) {
                          return convoys_.ResolveStoredParties(parties);
                        }),
        relay_(
            storage_.store.get(), kDenialsOutbox,
            [peers](uint64_t, absl::string_view message) {
              return Deliver<v1::DenialService, v1::RecordDenialRequest, v1::Denial>(
                  *peers, "denials", message, &v1::DenialService::Stub::RecordDenial);
            },
            IsRefusal, relay_options),
        // A correction that overtakes its denial gets NOT_FOUND, which is
        // retried until the denial has arrived.
        corrections_relay_(
            storage_.store.get(), kDenialCorrectionsOutbox,
            [peers](uint64_t, absl::string_view message) {
              return Deliver<v1::DenialService, v1::CorrectDenialRequest, v1::Denial>(
                  *peers, "denials", message, &v1::DenialService::Stub::CorrectDenial);
            },
            IsRefusal, relay_options),
        incidents_relay_(
            storage_.store.get(), kIncidentsOutbox,
            [peers](uint64_t, absl::string_view message) {
              return Deliver<v1::IncidentService, v1::RecordIncidentRequest, v1::Incident>(
                  *peers, "incidents", message, &v1::IncidentService::Stub::RecordIncident);
            },
            IsRefusal, relay_options),
        // A withdrawal that overtakes its incident gets NOT_FOUND: retried.
        incident_corrections_relay_(
            storage_.store.get(), kIncidentCorrectionsOutbox,
            [peers](uint64_t, absl::string_view message) {
              return Deliver<v1::IncidentService, v1::CorrectIncidentRequest, v1::Incident>(
                  *peers, "incidents", message, &v1::IncidentService::Stub::CorrectIncident);
            },
            IsRefusal, relay_options) {}

  std::vector<HostedService> Services() override {
    return {{&service_, v1::ConvoyService::service_full_name()}};
  }
  const ServiceStorage& storage() const override { return storage_; }
  void Start() override {
    relay_.Start();
    corrections_relay_.Start();
    incidents_relay_.Start();
    incident_corrections_relay_.Start();
    stored_parties_.Start();
  }
  void BeginShutdown() override {
    relay_.Stop();
    corrections_relay_.Stop();
    incidents_relay_.Stop();
    incident_corrections_relay_.Stop();
  }

 private:
  ServiceStorage storage_;
  ConvoyStore convoys_;
  References references_;
  ConvoyService service_;
  StoredPartyResolution stored_parties_;
  // Declared last: stopped before the store closes.
  OutboxRelay relay_;
  OutboxRelay corrections_relay_;
  OutboxRelay incidents_relay_;
  OutboxRelay incident_corrections_relay_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<ServiceModule>> OpenConvoysModule(const ModuleOptions& options) {
  if (options.peers == nullptr) {
    return absl::InternalError("the convoys service needs a service directory");
  }
  absl::StatusOr<ServiceStorage> storage =
      OpenServiceStorage(options, {&ConvoysTable().schema(), &ConvoyEventsTable().schema()});
  if (!storage.ok()) return storage.status();
  RelayOptions relay;
  relay.max_rate = options.outbox_max_rate;
  return std::unique_ptr<ServiceModule>(
      new ConvoysModule(*std::move(storage), options.peers, options.access, relay));
}

}  // namespace corridor::convoys
