#include "services/operations/operations_service.h"

#include "absl/strings/str_cat.h"
#include "common/log.h"
#include "common/status_macros.h"
#include "common/validation.h"
#include "google/protobuf/util/time_util.h"
#include "services/common/key_rotation.h"
#include "storage/backup.h"

namespace corridor {

absl::StatusOr<std::string> OperationsService::BackupFolder(const std::string& folder) const {
  if (backup_root_ == nullptr) {
    return absl::FailedPreconditionError(
        "this server takes no backups: it was started without --backup_root. Restart it with "
        "--backup_root=DIR, a folder outside its --data_dir, and back up to folders under DIR");
  }
  absl::StatusOr<std::string> resolved = backup_root_->Resolve(folder);
  if (absl::IsInvalidArgument(resolved.status())) {
    return InvalidField("folder", resolved.status().message());
  }
  return resolved;
}

absl::StatusOr<v1::Backup> OperationsService::Backup(const storage::Origin& origin,
                                                     const v1::CreateBackupRequest& request) const {
  std::string name;
  CORRIDOR_ASSIGN_OR_RETURN(const ServiceStorage* storage,
                            FindHostedStorage(hosted_, request.service(), &name));
  CORRIDOR_ASSIGN_OR_RETURN(const std::string folder, BackupFolder(request.folder()));
  CORRIDOR_LOG(INFO) << name << ": backup to " << folder << " started by "
                     << "token " << origin.principal.token_id();
  const absl::Time started = absl::Now();
  absl::StatusOr<storage::BackupManifest> made =
      storage::CreateBackup(*storage->store, name, storage->files_beside_store, folder);
  if (!made.ok()) {
    CORRIDOR_LOG(WARNING) << name << ": backup to " << folder
                          << " failed: " << made.status().message();
    return made.status();
  }
  CORRIDOR_LOG(INFO) << name << ": backup to " << folder << " done in "
                     << absl::FormatDuration(absl::Now() - started) << ": " << made->head.size
                     << " journal entries, " << made->files << " files, " << made->bytes
                     << " bytes";
  v1::Backup backup;
  backup.set_service(name);
  backup.set_folder(folder);
  *backup.mutable_created() =
      google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(made->created));
  backup.set_journal_size(made->head.size);
  backup.set_journal_root(storage::merkle::ToBytes(made->head.root));
  backup.set_files(made->files);
  backup.set_bytes(made->bytes);
  return backup;
}

grpc::Status OperationsService::CreateBackup(grpc::ServerContext* context,
                                             const v1::CreateBackupRequest* request,
                                             v1::Backup* response) {
  return Serve(context, "CreateBackup", response,
               [&](const storage::Origin& origin) { return Backup(origin, *request); });
}

grpc::Status OperationsService::RotateSigningKey(grpc::ServerContext* context,
                                                 const v1::RotateSigningKeyRequest* request,
                                                 v1::SigningKeyRotation* response) {
  auto store_of = [&](const storage::Origin&) -> absl::StatusOr<storage::Store*> {
    std::string name;
    CORRIDOR_ASSIGN_OR_RETURN(const ServiceStorage* storage,
                              FindHostedStorage(hosted_, request->service(), &name));
    return storage->store.get();
  };
  return ServeWriteTo(
      context, "RotateSigningKey", store_of, *request, response,
      [&](const storage::Origin& origin) -> absl::StatusOr<v1::SigningKeyRotation> {
        std::string name;
        CORRIDOR_ASSIGN_OR_RETURN(const ServiceStorage* storage,
                                  FindHostedStorage(hosted_, request->service(), &name));
        return corridor::RotateSigningKey(name, *storage, origin, request->reason());
      });
}

}  // namespace corridor
