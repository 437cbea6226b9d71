#include "services/agreements/agreements_module.h"

#include "services/agreements/agreement_service.h"
#include "services/agreements/agreement_store.h"
#include "services/agreements/agreement_tables.h"
#include "services/agreements/feed_evaluator.h"
#include "services/common/references.h"
#include "services/common/stored_parties.h"

namespace corridor::agreements {
namespace {

// How long a call to the areas or routes service may take.
constexpr absl::Duration kReferenceTimeout = absl::Seconds(3);

class AgreementsModule final : public ServiceModule {
 public:
  AgreementsModule(ServiceStorage storage, const ServiceDirectory* peers,
                   const AccessControl* access)
      : storage_(std::move(storage)),
        agreements_(storage_.store.get()),
        references_(peers, kReferenceTimeout),
        evaluator_(&agreements_, peers, &references_),
        service_(&agreements_, &evaluator_, &references_, access),
        stored_parties_("agreements", &references_, [this](const std::vector<v1::Party>& parties) {
          return agreements_.ResolveStoredParties(parties);
        }) {}

  std::vector<HostedService> Services() override {
    return {{&service_, v1::AgreementService::service_full_name()}};
  }
  const ServiceStorage& storage() const override { return storage_; }
  void Start() override {
    evaluator_.Start();
    stored_parties_.Start();
  }
  void BeginShutdown() override { evaluator_.Stop(); }

 private:
  ServiceStorage storage_;
  AgreementStore agreements_;
  References references_;
  FeedEvaluator evaluator_;  // stopped before the store closes
  AgreementService service_;
  StoredPartyResolution stored_parties_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<ServiceModule>> OpenAgreementsModule(const ModuleOptions& options) {
  absl::StatusOr<ServiceStorage> storage =
      OpenServiceStorage(options, {&AgreementsTable().schema(), &ViolationsTable().schema(),
                                   &ConvoyCopiesTable().schema(), &ConsequencesTable().schema()});
  if (!storage.ok()) return storage.status();
  return std::unique_ptr<ServiceModule>(
      new AgreementsModule(*std::move(storage), options.peers, options.access));
}

}  // namespace corridor::agreements
