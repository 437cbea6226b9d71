// corridor.v1.OperationsService for every service hosted in a process:
// online backups of their databases (storage/backup.h), written only under
// the process's backup root.
#ifndef CORRIDOR_SERVICES_OPERATIONS_OPERATIONS_SERVICE_H_
#define CORRIDOR_SERVICES_OPERATIONS_OPERATIONS_SERVICE_H_

#include "corridor/v1/operations.grpc.pb.h"
#include "services/common/admitted_service.h"
#include "services/common/module.h"
#include "storage/backup.h"

namespace corridor {

class OperationsService final : public AdmittedService<v1::OperationsService> {
 public:
  // `hosted`, `access` and `backup_root` must outlive this. Without a
  // backup root (nullptr) every backup is refused with FAILED_PRECONDITION.
  OperationsService(HostedStorage hosted, const AccessControl* access,
                    const storage::BackupRoot* backup_root)
      : AdmittedService(access), hosted_(std::move(hosted)), backup_root_(backup_root) {}

  grpc::Status CreateBackup(grpc::ServerContext* context, const v1::CreateBackupRequest* request,
                            v1::Backup* response) override;
  grpc::Status RotateSigningKey(grpc::ServerContext* context,
                                const v1::RotateSigningKeyRequest* request,
                                v1::SigningKeyRotation* response) override;

 private:
  // The folder under the backup root that `folder` names.
  absl::StatusOr<std::string> BackupFolder(const std::string& folder) const;
  absl::StatusOr<v1::Backup> Backup(const storage::Origin& origin,
                                    const v1::CreateBackupRequest& request) const;

  HostedStorage hosted_;
  const storage::BackupRoot* backup_root_;
};

}  // namespace corridor

#endif  // CORRIDOR_SERVICES_OPERATIONS_OPERATIONS_SERVICE_H_
