// The rule of every RPC: which roles may call it, read from the contract
// itself. Every method of proto/corridor/v1 carries an `access` option
// (proto/corridor/v1/access.proto), so that a partner reads who may do what
// where it reads the method, and the contract and the enforcement cannot
// drift. The methods that need a rule are those of the service catalogue
// (common/service_catalog.h): a method without one admits nobody, and the
// server refuses to start (CheckRulesCoverCatalog).
//
// Partners may call the convoy writes (own_agency), but only for convoys of
// their own agency; the convoys service checks the agency
// (convoy_service.cc).
#include <algorithm>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/service_catalog.h"
#include "corridor/v1/access.pb.h"
#include "google/protobuf/descriptor.h"
#include "services/common/access.h"

namespace corridor {
namespace {

using RuleTable = absl::flat_hash_map<std::string, v1::AccessRule>;

// The `access` option of every method of every catalogued service, by the
// method's full name ("/corridor.v1.ConvoyService/GetConvoy").
const RuleTable& Rules() {
  static const auto* rules = [] {
    auto* table = new RuleTable;
    for (const GrpcServiceEntry* service : AllGrpcServices()) {
      if (service->descriptor == nullptr) continue;
      for (int i = 0; i < service->descriptor->method_count(); ++i) {
        const google::protobuf::MethodDescriptor* method = service->descriptor->method(i);
        if (!method->options().HasExtension(v1::access)) continue;
        (*table)[absl::StrCat("/", service->full_name, "/", method->name())] =
            method->options().GetExtension(v1::access);
      }
    }
    return table;
  }();
  return *rules;
}

}  // namespace

std::vector<v1::Role> RolesAllowed(absl::string_view full_method) {
  auto it = Rules().find(full_method);
  if (it == Rules().end()) return {};
  std::vector<v1::Role> roles;
  for (int role : it->second.roles()) roles.push_back(static_cast<v1::Role>(role));
  return roles;
}

bool RoleMayCall(v1::Role role, absl::string_view full_method) {
  auto it = Rules().find(full_method);
  return it != Rules().end() && std::find(it->second.roles().begin(), it->second.roles().end(),
                                          role) != it->second.roles().end();
}

bool MirrorServes(absl::string_view full_method) {
  auto it = Rules().find(full_method);
  return it != Rules().end() && !it->second.writes();
}

std::vector<std::string> MethodsWithRules() {
  std::vector<std::string> methods;
  for (const auto& [method, rule] : Rules()) {
    if (!rule.roles().empty()) methods.push_back(method);
  }
  return methods;
}

std::vector<std::string> CatalogMethods() {
  std::vector<std::string> methods;
  for (const GrpcServiceEntry* service : AllGrpcServices()) {
    if (service->descriptor == nullptr) continue;
    for (int i = 0; i < service->descriptor->method_count(); ++i) {
      methods.push_back(
          absl::StrCat("/", service->full_name, "/", service->descriptor->method(i)->name()));
    }
  }
  return methods;
}

absl::Status CheckRulesCoverCatalog() {
  std::vector<std::string> problems;
  for (const GrpcServiceEntry* service : AllGrpcServices()) {
    if (service->descriptor == nullptr) {
      problems.push_back(absl::StrCat(service->full_name, " is not in the generated protos"));
    }
  }
  for (const std::string& method : CatalogMethods()) {
    auto it = Rules().find(method);
    if (it == Rules().end()) {
      problems.push_back(absl::StrCat(method, " has no (corridor.v1.access) option"));
    } else if (it->second.roles().empty()) {
      problems.push_back(absl::StrCat(method, "'s (corridor.v1.access) option names no role"));
    }
  }
  if (problems.empty()) return absl::OkStatus();
  std::sort(problems.begin(), problems.end());
  return absl::FailedPreconditionError(
      absl::StrCat("the contract (proto/corridor/v1) does not say who may call every method "
                   "of the service catalogue (common/service_catalog.cc): ",
                   absl::StrJoin(problems, "; ")));
}

}  // namespace corridor
