#include "services/common/runtime.h"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <functional>
#include <memory>
#include <optional>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/log.h"
#include "common/metrics.h"
#include "common/metrics_server.h"
#include "common/service_catalog.h"
#include "common/status.h"
#include "services/agreements/agreements_module.h"
#include "services/areas/areas_module.h"
#include "services/audit/audit_service.h"
#include "services/auth/auth_module.h"
#include "services/auth/remote_authenticator.h"
#include "services/common/access.h"
#include "services/common/module.h"
#include "services/convoys/convoys_module.h"
#include "services/denials/denials_module.h"
#include "services/incidents/incidents_module.h"
#include "services/operations/operations_service.h"
#include "services/routes/routes_module.h"
#include "storage/backup.h"

namespace corridor {
namespace {

// How each service of the catalogue (common/service_catalog.h) is opened,
// keyed by its name. Auth is not here: SetUpCredentials opens it first,
// since every other service checks its callers' tokens with it.
const absl::flat_hash_map<std::string, ServiceOpener>& Openers() {
  static const auto* openers = new absl::flat_hash_map<std::string, ServiceOpener>{
      {"areas", areas::OpenAreasModule},
      {"routes", routes::OpenRoutesModule},
      {"convoys", convoys::OpenConvoysModule},
      {"denials", denials::OpenDenialsModule},
      {"incidents", incidents::OpenIncidentsModule},
      {"agreements", agreements::OpenAgreementsModule},
  };
  return *openers;
}

// The folder of the journal signing keys, if the keys are kept apart from
// the data: created 0700 if missing, refused inside the data folder.
absl::Status PrepareSigningKeyDir(const RuntimeOptions& options) {
  if (options.signing_key_dir.empty()) return absl::OkStatus();
  absl::StatusOr<std::string> folder =
      storage::PrivateFolderOutside(options.signing_key_dir, options.data_root);
  if (folder.ok() && !options.backup_root.empty()) {
    // Keys on the backup volume would travel with every copy of it.
    folder = storage::PrivateFolderOutside(options.signing_key_dir, options.backup_root);
  }
  if (!folder.ok()) {
    return absl::Status(
        folder.status().code(),
        absl::StrCat("--signing_key_dir=", options.signing_key_dir, ": ", folder.status().message(),
                     "; choose a folder outside ", "--data_dir and --backup_root"));
  }
  CORRIDOR_LOG(INFO) << "journal signing keys are kept in " << *folder
                     << ", apart from the data: backups do not copy them";
  return absl::OkStatus();
}

ModuleOptions ModuleOptionsFor(const RuntimeOptions& options, const std::string& name) {
  ModuleOptions module_options;
  module_options.data_dir = absl::StrCat(options.data_root, "/", name);
  module_options.load_reference_data = options.load_reference_data;
  module_options.outbox_max_rate = options.outbox_max_rate;
  if (!options.signing_key_dir.empty()) {
    module_options.signing_key_path = absl::StrCat(options.signing_key_dir, "/", name, ".pem");
  }
  module_options.allow_new_signing_key = options.allow_new_signing_key;
  if (options.mirror && name != kAuthService) {
    module_options.mirror = true;  // the mirror's own tokens are its own
    module_options.load_reference_data = false;
  }
  return module_options;
}

// Opens the auth service if this process hosts it, and settles how this
// process authenticates its callers and proves itself to other services.
struct Credentials {
  std::unique_ptr<auth::AuthModule> auth_module;  // if hosted here
  std::unique_ptr<Authenticator> remote;          // if not
  const Authenticator* authenticator = nullptr;
};

absl::StatusOr<Credentials> SetUpCredentials(const RuntimeOptions& options,
                                             ServiceDirectory* peers) {
  Credentials credentials;
  std::string service_token;
  const bool hosts_auth = std::find(options.services.begin(), options.services.end(),
                                    kAuthService) != options.services.end();
  if (hosts_auth) {
    absl::StatusOr<std::unique_ptr<auth::AuthModule>> module =
        auth::AuthModule::Open(ModuleOptionsFor(options, kAuthService));
    if (!module.ok()) {
      return absl::Status(module.status().code(),
                          absl::StrCat("starting auth: ", module.status().message()));
    }
    absl::StatusOr<std::string> token = (*module)->PrepareCredentials(
        AdminTokenPath(options.data_root), options.service_token_file.empty()
                                               ? ServiceTokenPath(options.data_root)
                                               : options.service_token_file);
    if (!token.ok()) return token.status();
    service_token = *token;
    credentials.authenticator = (*module)->authenticator();
    credentials.auth_module = *std::move(module);
  } else {
    if (options.service_token_file.empty() || peers->AddressOf(kAuthService).empty()) {
      return absl::InvalidArgumentError(
          "this process does not host the auth service, so it needs --peers=auth=HOST:PORT "
          "(to check its callers' tokens) and --service_token_file=FILE (a token of role "
          "service; the auth service saves one in <its data_dir>/credentials/service.token)");
    }
    absl::StatusOr<std::string> token = ReadTokenFile(options.service_token_file);
    if (!token.ok()) return token.status();
    service_token = *token;
    credentials.remote = std::make_unique<auth::RemoteAuthenticator>(peers);
    credentials.authenticator = credentials.remote.get();
  }
  CORRIDOR_RETURN_IF_ERROR(peers->SetCredentials(service_token, options.peer_tls));
  return credentials;
}

// Opens each service of options.services in order (auth's module is
// already open, in `credentials`), adding its gRPC services to `hosted`.
absl::Status OpenModules(const RuntimeOptions& options, const ServiceDirectory* peers,
                         const AccessControl* access, Credentials* credentials,
                         std::vector<std::unique_ptr<ServiceModule>>* modules,
                         std::vector<HostedService>* hosted) {
  for (const std::string& name : options.services) {
    if (name != kAuthService && !Openers().contains(name)) {
      return absl::InternalError(absl::StrCat("the service catalogue names ", name,
                                              " but services/common/runtime.cc cannot open it"));
    }
    ModuleOptions module_options = ModuleOptionsFor(options, name);
    module_options.peers = peers;
    module_options.access = access;
    absl::StatusOr<std::unique_ptr<ServiceModule>> module =
        name == kAuthService ? std::unique_ptr<ServiceModule>(std::move(credentials->auth_module))
                             : Openers().at(name)(module_options);
    if (!module.ok()) {
      return absl::Status(module.status().code(),
                          absl::StrCat("starting ", name, ": ", module.status().message()));
    }
    for (const HostedService& service : (*module)->Services()) {
      hosted->push_back(service);
    }
    CORRIDOR_LOG(INFO) << name << ": database at " << module_options.data_dir;
    modules->push_back(*std::move(module));
  }
  return absl::OkStatus();
}

// The folder backups are written under, or nullopt if backups are off.
absl::StatusOr<std::optional<storage::BackupRoot>> OpenBackupRoot(const RuntimeOptions& options) {
  if (options.backup_root.empty()) {
    CORRIDOR_LOG(INFO) << "backups are off: no --backup_root";
    return std::nullopt;
  }
  absl::StatusOr<storage::BackupRoot> opened =
      storage::BackupRoot::Open(options.backup_root, options.data_root);
  if (!opened.ok()) {
    return absl::Status(
        opened.status().code(),
        absl::StrCat("--backup_root=", options.backup_root, ": ", opened.status().message(),
                     absl::IsFailedPrecondition(opened.status())
                         ? absl::StrCat("; choose a folder outside --data_dir=", options.data_root)
                         : ""));
  }
  CORRIDOR_LOG(INFO) << "backups are written under " << opened->path();
  return std::optional<storage::BackupRoot>(*std::move(opened));
}

// The exposition of GET /metrics: calls, then each service's database and
// outboxes, then the process.
std::string RenderMetrics(const RpcMetrics& rpcs, const HostedStorage& hosted,
                          const MirrorFollower* mirror, absl::Time started) {
  MetricsText text;
  rpcs.Write(&text);
  if (mirror != nullptr) mirror->WriteMetrics(&text);
  for (const auto& [name, storage] : hosted) {
    absl::StatusOr<storage::StoreStats> stats = storage->store->Stats();
    if (!stats.ok()) {
      CORRIDOR_LOG(WARNING) << name << ": metrics: cannot read the database's figures: "
                            << stats.status().message();
      continue;
    }
    const MetricLabels service = {{"service", name}};
    text.Gauge("corridor_rocksdb_live_sst_bytes", "Bytes of table files the database uses.",
               service, stats->live_sst_bytes);
    text.Gauge("corridor_rocksdb_memtable_bytes", "Bytes written but not yet flushed to tables.",
               service, stats->memtable_bytes);
    text.Gauge("corridor_rocksdb_estimated_keys", "Keys in the database (RocksDB's estimate).",
               service, stats->estimated_keys);
    text.Gauge("corridor_rocksdb_pending_compaction_bytes",
               "Bytes compaction still has to rewrite (RocksDB's estimate).", service,
               stats->pending_compaction_bytes);
    text.Gauge("corridor_rocksdb_delayed_write_rate_bytes",
               "While RocksDB slows writes down, the rate it allows; 0 otherwise.", service,
               stats->delayed_write_rate);
    text.Gauge("corridor_rocksdb_writes_stopped", "1 while RocksDB has stopped writes.", service,
               stats->writes_stopped ? 1 : 0);
    text.Counter("corridor_rocksdb_write_stalls_total",
                 "Times RocksDB slowed or stopped writes since the process started.",
                 {{"service", name}, {"kind", "slowdown"}}, stats->stall_slowdowns);
    text.Sample("corridor_rocksdb_write_stalls_total", {{"service", name}, {"kind", "stop"}},
                stats->stall_stops);
    text.Gauge("corridor_journal_entries", "Entries in the service's audit journal.", service,
               stats->journal_size);
    text.Gauge("corridor_outbox_backlog", "Messages waiting in the service's outboxes.", service,
               stats->outbox_queued);
    text.Gauge("corridor_outbox_set_aside", "Messages a receiver refused for good, kept aside.",
               service, stats->outbox_set_aside);
  }
  text.Gauge("corridor_process_resident_memory_bytes", "Resident memory of the process.", {},
             ResidentMemoryBytes());
  text.Gauge("corridor_process_start_time_seconds", "When the process started (Unix time).", {},
             absl::ToUnixSeconds(started));
  return text.Release();
}

// Says at start which witnesses' cosignatures are collected.
void LogWitnessing(const CheckpointOptions& checkpoints) {
  if (checkpoints.witness_keys.empty()) {
    CORRIDOR_LOG(INFO) << "no witnesses listed (--witness_keys_file): checkpoints carry no "
                          "cosignatures (docs/VERIFICATION.md)";
    return;
  }
  std::vector<std::string> witnesses;
  for (const std::string& key : checkpoints.witness_keys) {
    witnesses.push_back(key.substr(0, key.find('+')));
  }
  CORRIDOR_LOG(INFO) << "collecting the cosignatures of " << witnesses.size()
                     << " witnesses: " << absl::StrJoin(witnesses, ", ")
                     << "; a checkpoint is published at most every "
                     << absl::FormatDuration(checkpoints.interval);
}

// A mirror's follower of its copies (every hosted service but auth), whose
// heads `audit` serves; null for a primary.
absl::StatusOr<std::unique_ptr<MirrorFollower>> FollowPrimary(const RuntimeOptions& options,
                                                              const HostedStorage& storages,
                                                              AuditService* audit) {
  if (!options.mirror) {
    LogWitnessing(options.checkpoints);
    return nullptr;
  }
  HostedStorage copies = storages;
  copies.erase(kAuthService);
  CORRIDOR_ASSIGN_OR_RETURN(std::unique_ptr<MirrorFollower> mirror, options.mirror(copies));
  audit->ServeVerifiedHeads(mirror.get());
  return mirror;
}

// The Prometheus endpoint, if options.metrics_listen asks for one.
absl::StatusOr<std::unique_ptr<MetricsServer>> StartMetrics(const RuntimeOptions& options,
                                                            std::function<std::string()> render) {
  if (options.metrics_listen.empty()) return nullptr;
  CORRIDOR_ASSIGN_OR_RETURN(
      std::unique_ptr<MetricsServer> server,
      MetricsServer::Start(options.metrics_listen, std::move(render), options.metrics_limits));
  CORRIDOR_LOG(INFO) << "Prometheus metrics on http://" << server->address() << "/metrics";
  WriteAddressFile(options.metrics_port_file, server->address());
  return server;
}

}  // namespace

std::string AdminTokenPath(const std::string& data_root) {
  return absl::StrCat(data_root, "/credentials/admin.token");
}

std::string ServiceTokenPath(const std::string& data_root) {
  return absl::StrCat(data_root, "/credentials/service.token");
}

std::vector<std::string> ServicesWithOpeners() {
  std::vector<std::string> names = {kAuthService};
  for (const auto& [name, open] : Openers()) names.push_back(name);
  return names;
}

absl::StatusOr<std::vector<std::string>> ParseServiceList(absl::string_view list) {
  std::vector<std::string> names;
  absl::flat_hash_set<std::string> seen;
  for (absl::string_view name : absl::StrSplit(list, ',', absl::SkipWhitespace())) {
    const auto& known = ServiceNames();
    if (std::find(known.begin(), known.end(), name) == known.end()) {
      return absl::InvalidArgumentError(
          absl::StrCat("--services: unknown service \"", name,
                       "\"; this build has: ", absl::StrJoin(known, ",")));
    }
    if (!seen.insert(std::string(name)).second) {
      return absl::InvalidArgumentError(absl::StrCat("--services: \"", name, "\" is listed twice"));
    }
    names.emplace_back(name);
  }
  if (names.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--services: name at least one of ", absl::StrJoin(ServiceNames(), ",")));
  }
  return names;
}

absl::Status RunServices(const RuntimeOptions& options) {
  CORRIDOR_RETURN_IF_ERROR(CheckRulesCoverCatalog());
  CORRIDOR_RETURN_IF_ERROR(PrepareSigningKeyDir(options));
  ServiceDirectory peers;
  CORRIDOR_RETURN_IF_ERROR(peers.AddPeers(options.peers));
  absl::StatusOr<Credentials> credentials = SetUpCredentials(options, &peers);
  if (!credentials.ok()) return credentials.status();
  AccessControl access(credentials->authenticator, options.max_streams_per_token);
  if (options.mirror) access.ServeAsMirrorOf(options.mirror_of);

  std::vector<std::unique_ptr<ServiceModule>> modules;
  std::vector<HostedService> hosted;
  CORRIDOR_RETURN_IF_ERROR(OpenModules(options, &peers, &access, &*credentials, &modules, &hosted));
  CORRIDOR_ASSIGN_OR_RETURN(std::optional<storage::BackupRoot> backup_root,
                            OpenBackupRoot(options));

  // One audit service and one operations service answer for every
  // database in this process.
  HostedStorage storages;
  for (size_t i = 0; i < modules.size(); ++i) {
    storages[options.services[i]] = &modules[i]->storage();
  }
  CORRIDOR_ASSIGN_OR_RETURN(std::unique_ptr<CheckpointPublisher> checkpoints,
                            CheckpointPublisher::Create(options.checkpoints));
  AuditService audit(storages, &access, checkpoints.get());
  CORRIDOR_ASSIGN_OR_RETURN(std::unique_ptr<MirrorFollower> mirror,
                            FollowPrimary(options, storages, &audit));

  hosted.push_back({&audit, v1::AuditService::service_full_name()});
  OperationsService operations(storages, &access, backup_root ? &*backup_root : nullptr);
  hosted.push_back({&operations, v1::OperationsService::service_full_name()});

  const absl::Time started = absl::Now();
  RpcMetrics rpc_metrics;
  CORRIDOR_ASSIGN_OR_RETURN(std::unique_ptr<MetricsServer> metrics_server,
                            StartMetrics(options, [&] {
                              return RenderMetrics(rpc_metrics, storages, mirror.get(), started);
                            }));

  ServerOptions server_options = options.server;
  server_options.rpc_metrics = &rpc_metrics;
  absl::StatusOr<std::unique_ptr<ServiceHost>> host = ServiceHost::Start(server_options, hosted);
  if (!host.ok()) return host.status();
  const std::string address = (*host)->address();
  // Services in this process call each other through the same address, like
  // any client on this machine.
  peers.SetLocalAddress((*host)->local_address(), options.services);
  for (size_t i = 0; i < modules.size(); ++i) {
    // A mirror's copies do no work of their own: they hold what the
    // primary's did.
    if (!mirror || options.services[i] == kAuthService) modules[i]->Start();
  }
  if (mirror) mirror->Start();
  for (const HostedService& service : hosted) {
    CORRIDOR_LOG(INFO) << "serving " << service.full_name << " on " << address;
  }
  CORRIDOR_LOG(INFO) << "health and reflection on " << address << "; stop with SIGTERM or Ctrl-C";
  WriteAddressFile(options.port_file, address);

  const std::string signal_name = WaitForTerminationSignal();
  CORRIDOR_LOG(INFO) << signal_name << " received: draining calls, then closing databases";
  if (mirror) mirror->Stop();
  for (const auto& module : modules) module->BeginShutdown();
  audit.EndStreams();
  (*host)->Shutdown();
  host->reset();
  metrics_server.reset();
  mirror.reset();
  modules.clear();  // closes each RocksDB after the server has stopped
  CORRIDOR_LOG(INFO) << "stopped cleanly";
  return absl::OkStatus();
}

}  // namespace corridor
