#include "services/operations/operations_service.h"

#include "absl/strings/str_cat.h"
#include "common/log.h"
#include "common/status.h"
#include "common/validation.h"
#include "google/protobuf/util/time_util.h"
#include "storage/backup.h"

namespace corridor {

grpc::Status OperationsService::CreateBackup(grpc::ServerContext* context,
                                             const v1::CreateBackupRequest* request,
                                             v1::Backup* response) {
  absl::StatusOr<storage::Origin> origin =
      access_->Admit(*context, v1::OperationsService::service_full_name(), "CreateBackup");
  if (!origin.ok()) return ToGrpc(origin.status());
  std::string name;
  absl::StatusOr<const ServiceStorage*> storage = FindHostedStorage(hosted_, request->service(),
                                                                    &name);
  if (!storage.ok()) return ToGrpc(storage.status());
  if (backup_root_ == nullptr) {
    return ToGrpc(absl::FailedPreconditionError(
        "this server takes no backups: it was started without --backup_root. Restart it with "
        "--backup_root=DIR, a folder outside its --data_dir, and back up to folders under DIR"));
  }
  absl::StatusOr<std::string> folder = backup_root_->Resolve(request->folder());
  if (!folder.ok()) {
    return ToGrpc(absl::IsInvalidArgument(folder.status())
                      ? InvalidField("folder", folder.status().message())
                      : folder.status());
  }
  CORRIDOR_LOG(INFO) << name << ": backup to " << *folder << " started by "
                     << "token " << origin->principal.token_id();
  const absl::Time started = absl::Now();
  absl::StatusOr<storage::BackupManifest> made =
      storage::CreateBackup(*(*storage)->store, name, (*storage)->files_beside_store, *folder);
  if (!made.ok()) {
    CORRIDOR_LOG(WARNING) << name << ": backup to " << *folder
                          << " failed: " << made.status().message();
    return ToGrpc(made.status());
  }
  CORRIDOR_LOG(INFO) << name << ": backup to " << *folder << " done in "
                     << absl::FormatDuration(absl::Now() - started) << ": " << made->head.size
                     << " journal entries, " << made->files << " files, " << made->bytes
                     << " bytes";
  response->set_service(name);
  response->set_folder(*folder);
  *response->mutable_created() = google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(
      absl::ToUnixMicros(made->created));
  response->set_journal_size(made->head.size);
  response->set_journal_root(storage::merkle::ToBytes(made->head.root));
  response->set_files(made->files);
  response->set_bytes(made->bytes);
  return grpc::Status::OK;
}

}  // namespace corridor
