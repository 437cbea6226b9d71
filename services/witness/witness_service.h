// corridor.v1.WitnessService over a Witness: public, no token (its answers
// are signed, and what it is shown must be signed by a log it trusts).
#ifndef CORRIDOR_SERVICES_WITNESS_WITNESS_SERVICE_H_
#define CORRIDOR_SERVICES_WITNESS_WITNESS_SERVICE_H_

#include "corridor/v1/witness.grpc.pb.h"
#include "services/witness/witness.h"

namespace corridor::witness {

class WitnessService final : public v1::WitnessService::Service {
 public:
  // `witness` must outlive the service.
  explicit WitnessService(Witness* witness) : witness_(witness) {}

  static constexpr int kMaxProofHashes = 64;

  grpc::Status AddCheckpoint(grpc::ServerContext* context, const v1::AddCheckpointRequest* request,
                             v1::AddCheckpointResponse* response) override;
  grpc::Status ListWitnessedCheckpoints(grpc::ServerContext* context,
                                        const v1::ListWitnessedCheckpointsRequest* request,
                                        v1::ListWitnessedCheckpointsResponse* response) override;
  grpc::Status ListEvidence(grpc::ServerContext* context, const v1::ListEvidenceRequest* request,
                            v1::ListEvidenceResponse* response) override;

 private:
  Witness* witness_;
};

}  // namespace corridor::witness

#endif  // CORRIDOR_SERVICES_WITNESS_WITNESS_SERVICE_H_
