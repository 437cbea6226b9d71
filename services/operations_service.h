// corridor.v1.OperationsService for every service hosted in a process:
// online backups of their databases (storage/backup.h).
#ifndef CORRIDOR_SERVICES_OPERATIONS_SERVICE_H_
#define CORRIDOR_SERVICES_OPERATIONS_SERVICE_H_

#include "corridor/v1/operations.grpc.pb.h"
#include "services/module.h"

namespace corridor {

class OperationsService final : public v1::OperationsService::Service {
 public:
  // `hosted` and `access` must outlive this.
  OperationsService(HostedStorage hosted, const AccessControl* access)
      : hosted_(std::move(hosted)), access_(access) {}

  grpc::Status CreateBackup(grpc::ServerContext* context, const v1::CreateBackupRequest* request,
                            v1::Backup* response) override;

 private:
  HostedStorage hosted_;
  const AccessControl* access_;
};

}  // namespace corridor

#endif  // CORRIDOR_SERVICES_OPERATIONS_SERVICE_H_
