#include "services/runtime.h"

#include <cstdio>
#include <fstream>
#include <functional>
#include <memory>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/log.h"
#include "common/status.h"
#include "services/areas/areas_module.h"
#include "services/audit_service.h"
#include "services/convoys/convoys_module.h"
#include "services/denials/denials_module.h"
#include "services/module.h"
#include "services/routes/routes_module.h"

namespace corridor {
namespace {

using Opener = std::function<absl::StatusOr<std::unique_ptr<ServiceModule>>(const ModuleOptions&)>;

struct Registration {
  std::string name;
  Opener open;
};

const std::vector<Registration>& Registry() {
  static const auto* registry = new std::vector<Registration>{
      {"areas", areas::OpenAreasModule},
      {"routes", routes::OpenRoutesModule},
      {"convoys", convoys::OpenConvoysModule},
      {"denials", denials::OpenDenialsModule},
  };
  return *registry;
}

}  // namespace

const std::vector<std::string>& KnownServices() {
  static const auto* names = [] {
    auto* v = new std::vector<std::string>();
    for (const Registration& r : Registry()) v->push_back(r.name);
    return v;
  }();
  return *names;
}

absl::StatusOr<std::vector<std::string>> ParseServiceList(absl::string_view list) {
  std::vector<std::string> names;
  absl::flat_hash_set<std::string> seen;
  for (absl::string_view name : absl::StrSplit(list, ',', absl::SkipWhitespace())) {
    const auto& known = KnownServices();
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
        absl::StrCat("--services: name at least one of ", absl::StrJoin(KnownServices(), ",")));
  }
  return names;
}

absl::Status RunServices(const RuntimeOptions& options) {
  ServiceDirectory peers;
  CORRIDOR_RETURN_IF_ERROR(peers.AddPeers(options.peers));
  std::vector<std::unique_ptr<ServiceModule>> modules;
  std::vector<HostedService> hosted;
  for (const std::string& name : options.services) {
    for (const Registration& registration : Registry()) {
      if (registration.name != name) continue;
      ModuleOptions module_options;
      module_options.data_dir = absl::StrCat(options.data_root, "/", name);
      module_options.load_reference_data = options.load_reference_data;
      module_options.peers = &peers;
      module_options.outbox_max_rate = options.outbox_max_rate;
      absl::StatusOr<std::unique_ptr<ServiceModule>> module = registration.open(module_options);
      if (!module.ok()) {
        return absl::Status(module.status().code(),
                            absl::StrCat("starting ", name, ": ", module.status().message()));
      }
      for (const HostedService& service : (*module)->Services()) {
        hosted.push_back(service);
      }
      CORRIDOR_LOG(INFO) << name << ": database at " << module_options.data_dir;
      modules.push_back(*std::move(module));
    }
  }

  // One audit service answers for every journal in this process.
  std::map<std::string, const ServiceStorage*> audited;
  for (size_t i = 0; i < modules.size(); ++i) {
    audited[options.services[i]] = &modules[i]->storage();
  }
  AuditService audit(std::move(audited));
  hosted.push_back({&audit, v1::AuditService::service_full_name()});

  absl::StatusOr<std::unique_ptr<ServiceHost>> host = ServiceHost::Start(options.server, hosted);
  if (!host.ok()) return host.status();
  std::string host_part =
      options.server.listen_address.substr(0, options.server.listen_address.rfind(':'));
  const std::string address = absl::StrCat(host_part, ":", (*host)->port());
  // Services in this process call each other over loopback like any client.
  peers.SetLocalAddress(
      absl::StrCat(host_part == "0.0.0.0" || host_part == "[::]" ? "127.0.0.1" : host_part, ":",
                   (*host)->port()),
      options.services);
  for (const auto& module : modules) module->Start();
  for (const HostedService& service : hosted) {
    CORRIDOR_LOG(INFO) << "serving " << service.full_name << " on " << address;
  }
  CORRIDOR_LOG(INFO) << "health and reflection on " << address << "; stop with SIGTERM or Ctrl-C";
  if (!options.port_file.empty()) {
    // Written whole, then renamed, so that a reader never sees half an address.
    const std::string partial = options.port_file + ".partial";
    std::ofstream(partial) << address << "\n";
    std::rename(partial.c_str(), options.port_file.c_str());
  }

  const std::string signal_name = WaitForTerminationSignal();
  CORRIDOR_LOG(INFO) << signal_name << " received: draining calls, then closing databases";
  for (const auto& module : modules) module->BeginShutdown();
  (*host)->Shutdown();
  host->reset();
  modules.clear();  // closes each RocksDB after the server has stopped
  CORRIDOR_LOG(INFO) << "stopped cleanly";
  return absl::OkStatus();
}

}  // namespace corridor
