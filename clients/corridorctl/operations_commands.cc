#include "clients/corridorctl/operations_commands.h"

#include <grpcpp/generic/generic_stub.h>

#include <filesystem>
#include <future>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "clients/corridorctl/commands.h"
#include "common/service_catalog.h"
#include "corridor/v1/operations.grpc.pb.h"
#include "storage/backup.h"

namespace corridor::cli {
namespace {

namespace fs = std::filesystem;

std::string SizeText(uint64_t bytes) {
  if (bytes < 1024 * 1024) return absl::StrCat((bytes + 1023) / 1024, " KiB");
  return absl::StrCat(bytes / (1024 * 1024), " MiB");
}

int Backup(Session& session, Flags& flags, const Args& args) {
  absl::Status parsed = ExpectArgs(args, 0, "admin backup takes --service=NAME|all --to=FOLDER");
  std::string to;
  if (parsed.ok()) parsed = flags.TakeRequired("to", "2026-11-23", &to);
  const std::string service = flags.Take("service", "all");
  if (parsed.ok()) parsed = flags.CheckAllUsed("admin backup");
  if (!parsed.ok()) return session.UsageFailure(parsed.message());
  const bool all = service == "all";
  const std::vector<std::string> services =
      all ? ServiceNames() : std::vector<std::string>{service};
  int backed_up = 0;
  std::string written_under;  // the folder the server resolved --to to
  for (const std::string& name : services) {
    auto stub = v1::OperationsService::NewStub(session.ChannelFor(name));
    v1::CreateBackupRequest request;
    request.set_service(name);
    // The server resolves it under its --backup_root and refuses anything
    // outside.
    request.set_folder((fs::path(to) / name).string());
    session.err() << "backing up " << name << " into " << request.folder() << " ...\n";
    grpc::ClientContext context;
    // A large database takes longer than one call's usual deadline.
    session.PrepareStream(&context);
    v1::Backup backup;
    const grpc::Status status = stub->CreateBackup(&context, request, &backup);
    if (all && status.error_code() == grpc::StatusCode::INVALID_ARGUMENT &&
        status.error_message().find("not served here") != std::string::npos) {
      session.err() << "  " << name << " is not served by this process; skipped\n";
      continue;
    }
    if (!status.ok()) {
      const int code = session.Fail(status);
      if (status.error_code() == grpc::StatusCode::INVALID_ARGUMENT &&
          absl::StartsWith(status.error_message(), "folder:")) {
        session.err() << "--to names a folder under the server's --backup_root: relative to "
                         "it (e.g. --to=2026-11-23), or absolute inside it.\n";
      }
      return code;
    }
    ++backed_up;
    written_under = fs::path(backup.folder()).parent_path().string();
    session.out() << backup.service() << ": " << backup.journal_size() << " journal entries, "
                  << backup.files() << " files, " << SizeText(backup.bytes()) << " in "
                  << backup.folder() << "\n";
  }
  if (backed_up == 0) {
    session.err() << "corridorctl: the server hosts none of the services named\n";
    return kExitError;
  }
  session.err() << "Restore with the services stopped: corridorctl admin restore --from="
                << written_under << " --data-dir=<the services' --data_dir>\n";
  return kExitOk;
}

int Restore(Session& session, Flags& flags, const Args& args) {
  absl::Status parsed = ExpectArgs(
      args, 0, "admin restore takes --from=FOLDER --data-dir=FOLDER [--service=NAME|all]");
  std::string from, data_dir;
  if (parsed.ok()) parsed = flags.TakeRequired("from", "/backups/2026-11-23", &from);
  if (parsed.ok()) parsed = flags.TakeRequired("data-dir", "/var/lib/corridor", &data_dir);
  const std::string service = flags.Take("service", "all");
  if (parsed.ok()) parsed = flags.CheckAllUsed("admin restore");
  if (!parsed.ok()) return session.UsageFailure(parsed.message());

  std::vector<std::string> services;
  for (const std::string& name :
       service == "all" ? ServiceNames() : std::vector<std::string>{service}) {
    const std::string source = (fs::path(from) / name).string();
    const bool present = fs::exists(fs::path(source) / storage::kBackupManifestName);
    if (!present && service != "all") {
      session.err() << "corridorctl: " << source << " holds no finished backup of " << name << "\n";
      return kExitNotFound;
    }
    if (!present) continue;
    // Checked for every service before any is copied, so that a misplaced
    // backup leaves nothing half restored. RestoreBackup checks it again.
    absl::StatusOr<storage::BackupManifest> manifest = storage::ReadBackupManifest(source);
    if (manifest.ok() && manifest->service != name) {
      session.err() << "corridorctl: " << source << " holds a backup of the " << manifest->service
                    << " service, not of " << name << "; restoring it would put "
                    << manifest->service << " records in " << name
                    << "'s data folder. Nothing was restored: put each backup in --from under "
                       "the name of the service it was made from (the BACKUP manifest says "
                       "which).\n";
      return kExitUsage;
    }
    services.push_back(name);
  }
  if (services.empty()) {
    session.err() << "corridorctl: " << from
                  << " holds no finished backup (no <service>/BACKUP manifest)\n";
    return kExitNotFound;
  }
  for (const std::string& name : services) {
    const std::string source = (fs::path(from) / name).string();
    const std::string target = (fs::path(data_dir) / name).string();
    Progress progress(session, absl::StrCat("restore ", name));
    absl::StatusOr<storage::BackupManifest> restored =
        storage::RestoreBackup(source, target, name, [&](const storage::RestoreProgress& step) {
          progress.Update(step.total > 0 ? absl::StrCat(step.stage, " ", step.done, "/", step.total)
                                         : absl::StrCat(step.stage, " ", step.done));
        });
    if (!restored.ok()) {
      session.err() << "corridorctl: restoring " << name << ": " << restored.status().message()
                    << "\n";
      return absl::IsFailedPrecondition(restored.status()) ? kExitUsage : kExitError;
    }
    session.out() << name << ": restored into " << target
                  << " and verified: " << restored->head.size << " journal entries, root "
                  << storage::merkle::ToHex(restored->head.root) << ", as backed up at "
                  << absl::FormatTime("%Y-%m-%d %H:%M:%S UTC", restored->created,
                                      absl::UTCTimeZone())
                  << "; its records match its journal and its files the manifest (a manifest "
                     "rewritten with them is caught by audit verify with a pinned key or a saved "
                     "head)\n";
  }
  return kExitOk;
}

// grpc.health.v1.HealthCheckRequest{service} by hand: field 1, a string.
std::string HealthRequest(const std::string& service) {
  std::string out;
  if (service.empty()) return out;
  out.push_back(0x0a);
  size_t n = service.size();
  while (n >= 0x80) {
    out.push_back(static_cast<char>(0x80 | (n & 0x7f)));
    n >>= 7;
  }
  out.push_back(static_cast<char>(n));
  return out + service;
}

// `admin rotate-key`: a new journal signing key for one service.
int RotateKey(Session& session, Flags& flags, const Args& args) {
  absl::Status parsed = ExpectArgs(args, 0, "admin rotate-key takes --service=NAME --reason=TEXT");
  v1::RotateSigningKeyRequest request;
  std::string service, reason;
  if (parsed.ok()) parsed = flags.TakeRequired("service", "denials", &service);
  if (parsed.ok()) parsed = flags.TakeRequired("reason", "yearly rotation", &reason);
  if (parsed.ok()) parsed = flags.CheckAllUsed("admin rotate-key");
  if (!parsed.ok()) return session.UsageFailure(parsed.message());
  request.set_service(service);
  request.set_reason(reason);
  auto stub = v1::OperationsService::NewStub(session.ChannelFor(service));
  return session
      .Invoke<v1::OperationsService::Stub, v1::RotateSigningKeyRequest, v1::SigningKeyRotation>(
          *stub, request, &v1::OperationsService::Stub::RotateSigningKey,
          [&](const v1::SigningKeyRotation& rotation) {
            if (session.format() == OutputFormat::kJson) {
              PrintJson(rotation, session.out());
              return;
            }
            session.out() << rotation.service() << ": key rotation " << rotation.sequence()
                          << " at " << rotation.tree_size() << " journal entries, from "
                          << absl::BytesToHexString(rotation.previous_public_key().substr(0, 8))
                          << "… to " << absl::BytesToHexString(rotation.public_key().substr(0, 8))
                          << "…\nPublish the new verifier key (corridorctl audit key --service="
                          << rotation.service()
                          << "); verifiers who pinned the old one follow the rotation.\n";
          });
}

}  // namespace

int RunBackupCommand(Session& session, Flags& flags, const std::string& verb, const Args& args) {
  if (verb == "backup") return Backup(session, flags, args);
  if (verb == "restore") return Restore(session, flags, args);
  if (verb == "rotate-key") return RotateKey(session, flags, args);
  return session.UsageFailure(absl::StrCat("unknown command \"admin ", verb,
                                           "\"; it is token, backup, restore or rotate-key"));
}

int RunHealthCommand(Session& session, Flags& flags, const Args& args) {
  absl::Status parsed = ExpectArgs(args, 0, "health takes [--service=corridor.v1.AreaService]");
  const std::string service = flags.Take("service");
  if (parsed.ok()) parsed = flags.CheckAllUsed("health");
  if (!parsed.ok()) return session.UsageFailure(parsed.message());
  const std::string request = HealthRequest(service);
  grpc::Slice slice(request);
  grpc::ByteBuffer request_buffer(&slice, 1);
  grpc::ByteBuffer response_buffer;
  grpc::ClientContext context;
  session.Prepare(&context);
  grpc::GenericStub stub(session.channel());
  std::promise<grpc::Status> done;
  stub.UnaryCall(&context, "/grpc.health.v1.Health/Check", grpc::StubOptions(), &request_buffer,
                 &response_buffer, [&done](grpc::Status status) { done.set_value(status); });
  const grpc::Status status = done.get_future().get();
  if (!status.ok()) return session.Fail(status);
  std::vector<grpc::Slice> slices;
  std::string bytes;
  if (response_buffer.Dump(&slices).ok()) {
    for (const grpc::Slice& s : slices) {
      bytes.append(reinterpret_cast<const char*>(s.begin()), s.size());
    }
  }
  // HealthCheckResponse{status = 1 (enum)}: SERVING is 1, and proto3 leaves
  // out a zero (UNKNOWN).
  const bool serving = bytes.size() == 2 && bytes[0] == 0x08 && bytes[1] == 0x01;
  const std::string what = service.empty() ? "the server" : service;
  if (!serving) {
    session.err() << what << " is not serving (it may be starting or stopping)\n";
    return kExitUnavailable;
  }
  session.out() << what << " is serving\n";
  return kExitOk;
}

}  // namespace corridor::cli
