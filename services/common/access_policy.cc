// The rule of every RPC: which roles may call it. One table, so that an
// oversight body can read in one place who may do what. The methods it must
// cover are those of the service catalogue (common/service_catalog.h): a
// method missing here admits nobody, and the server refuses to start
// (CheckRulesCoverCatalog).
//
// Partners may call the convoy writes, but only for convoys of their own
// agency; the convoys service checks the agency (convoy_service.cc).
#include <algorithm>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/service_catalog.h"
#include "google/protobuf/descriptor.h"
#include "services/common/access.h"

namespace corridor {
namespace {

using Roles = std::vector<v1::Role>;

// The sets of roles the rules name.
struct RoleSets {
  Roles admin = {v1::ROLE_ADMIN};
  Roles coordinator = {v1::ROLE_COORDINATOR};
  Roles convoy_writers = {v1::ROLE_COORDINATOR, v1::ROLE_PARTNER};
  // The convoys service relays its convoys' denials and corrections.
  Roles denial_writers = {v1::ROLE_COORDINATOR, v1::ROLE_SERVICE};
  Roles auditors = {v1::ROLE_OVERSIGHT, v1::ROLE_ADMIN};
  // Everything but the audit journal and credentials is open to every role.
  Roles readers = {v1::ROLE_COORDINATOR, v1::ROLE_PARTNER, v1::ROLE_OVERSIGHT, v1::ROLE_ADMIN,
                   v1::ROLE_SERVICE};
};

using RuleTable = absl::flat_hash_map<std::string, Roles>;

// The journal, credentials and operations.
void AddRecordKeepingRules(RuleTable* rules) {
  const auto [admin, coordinator, convoy_writers, denial_writers, auditors, readers] = RoleSets();
  rules->insert({
      // Tree heads and proofs are hashes only: everyone who follows the
      // change feed checks what it receives against them.
      {"/corridor.v1.AuditService/GetTreeHead", readers},
      {"/corridor.v1.AuditService/GetCheckpoint", readers},
      {"/corridor.v1.AuditService/AddCosignature", readers},
      {"/corridor.v1.AuditService/GetInclusionProof", readers},
      {"/corridor.v1.AuditService/GetInclusionProofByHash", readers},
      {"/corridor.v1.AuditService/GetConsistencyProof", readers},
      {"/corridor.v1.AuditService/ListSigningKeyRotations", readers},
      {"/corridor.v1.AuditService/GetEntries", auditors},
      {"/corridor.v1.AuditService/ListRecordDigests", auditors},
      // The change feed, redacted like every answer (access.h): an entry
      // comes with its bytes only when the caller may see its principal.
      {"/corridor.v1.AuditService/WatchChanges", readers},

      {"/corridor.v1.TokenService/CreateToken", admin},
      {"/corridor.v1.TokenService/ListTokens", admin},
      {"/corridor.v1.TokenService/RevokeToken", admin},
      {"/corridor.v1.TokenService/WhoAmI", readers},
      {"/corridor.v1.TokenService/Authenticate", {v1::ROLE_SERVICE}},
      // A backup holds token hashes and signing keys: operators only.
      {"/corridor.v1.OperationsService/CreateBackup", admin},
      {"/corridor.v1.OperationsService/RotateSigningKey", admin},
  });
}

const RuleTable& Rules() {
  static const auto* rules = [] {
    const auto [admin, coordinator, convoy_writers, denial_writers, auditors, readers] = RoleSets();
    auto* table = new RuleTable{
        {"/corridor.v1.AreaService/ListAreas", readers},
        {"/corridor.v1.AreaService/GetArea", readers},
        {"/corridor.v1.AreaService/GetAreaHistory", readers},
        {"/corridor.v1.AreaService/CreateArea", admin},
        {"/corridor.v1.AreaService/UpdateArea", admin},
        {"/corridor.v1.AreaService/RecordStatusChange", admin},

        {"/corridor.v1.PartyService/ListParties", readers},
        {"/corridor.v1.PartyService/GetParty", readers},
        {"/corridor.v1.PartyService/ResolveParty", readers},
        {"/corridor.v1.PartyService/CreateParty", admin},
        {"/corridor.v1.PartyService/AddPartyAliases", admin},

        {"/corridor.v1.RouteService/ListRoutes", readers},
        {"/corridor.v1.RouteService/GetRoute", readers},
        {"/corridor.v1.RouteService/GetRouteHistory", readers},
        {"/corridor.v1.RouteService/WatchRouteStatus", readers},
        {"/corridor.v1.RouteService/CreateRoute", admin},
        {"/corridor.v1.RouteService/ReportRouteStatus", coordinator},
        {"/corridor.v1.RouteService/CorrectRouteReport", coordinator},

        {"/corridor.v1.ConvoyService/SubmitConvoyRequest", convoy_writers},
        {"/corridor.v1.ConvoyService/ApproveConvoy", convoy_writers},
        {"/corridor.v1.ConvoyService/DenyConvoy", convoy_writers},
        {"/corridor.v1.ConvoyService/DispatchConvoy", convoy_writers},
        {"/corridor.v1.ConvoyService/RecordConvoyOutcome", convoy_writers},
        {"/corridor.v1.ConvoyService/RecordApprovalStep", convoy_writers},
        {"/corridor.v1.ConvoyService/CorrectConvoy", convoy_writers},
        {"/corridor.v1.ConvoyService/ImportConvoy", convoy_writers},
        {"/corridor.v1.ConvoyService/GetConvoy", readers},
        {"/corridor.v1.ConvoyService/ListConvoys", readers},
        {"/corridor.v1.ConvoyService/GetConvoyHistory", readers},
        {"/corridor.v1.ConvoyService/GetAccessReport", readers},

        {"/corridor.v1.DenialService/RecordDenial", denial_writers},
        {"/corridor.v1.DenialService/CorrectDenial", denial_writers},
        {"/corridor.v1.DenialService/GetDenial", readers},
        {"/corridor.v1.DenialService/ListDenials", readers},
        {"/corridor.v1.DenialService/GetDenialHistory", readers},
        {"/corridor.v1.DenialService/DenialStats", readers},

        // Oversight bodies and admins register what the parties agreed;
        // everyone may read the agreements and who broke them.
        {"/corridor.v1.AgreementService/CreateAgreement", {v1::ROLE_OVERSIGHT, v1::ROLE_ADMIN}},
        {"/corridor.v1.AgreementService/GetAgreement", readers},
        {"/corridor.v1.AgreementService/ListAgreements", readers},
        {"/corridor.v1.AgreementService/ListViolations", readers},
        {"/corridor.v1.AgreementService/GetComplianceReport", readers},

    };
    AddRecordKeepingRules(table);
    return table;
  }();
  return *rules;
}

}  // namespace

std::vector<v1::Role> RolesAllowed(absl::string_view full_method) {
  auto it = Rules().find(full_method);
  return it == Rules().end() ? std::vector<v1::Role>{} : it->second;
}

bool RoleMayCall(v1::Role role, absl::string_view full_method) {
  auto it = Rules().find(full_method);
  return it != Rules().end() &&
         std::find(it->second.begin(), it->second.end(), role) != it->second.end();
}

bool MirrorServes(absl::string_view full_method) {
  const size_t slash = full_method.rfind('/');
  const absl::string_view service = full_method.substr(0, slash);
  const absl::string_view method = full_method.substr(slash + 1);
  if (service == "/corridor.v1.TokenService") return true;  // the mirror's own tokens
  if (full_method == "/corridor.v1.OperationsService/CreateBackup") return true;
  // Named so by every read of the contract, and by none of its writes.
  return absl::StartsWith(method, "Get") || absl::StartsWith(method, "List") ||
         absl::StartsWith(method, "Watch") || method == "ResolveParty" || method == "DenialStats";
}

std::vector<std::string> MethodsWithRules() {
  std::vector<std::string> methods;
  for (const auto& [method, roles] : Rules()) methods.push_back(method);
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
  const std::vector<std::string> catalogued = CatalogMethods();
  for (const std::string& method : catalogued) {
    if (!Rules().contains(method)) problems.push_back(absl::StrCat(method, " has no rule"));
  }
  for (const auto& [method, roles] : Rules()) {
    if (std::find(catalogued.begin(), catalogued.end(), method) == catalogued.end()) {
      problems.push_back(
          absl::StrCat(method, " has a rule but is no method of a catalogued service"));
    }
  }
  if (problems.empty()) return absl::OkStatus();
  std::sort(problems.begin(), problems.end());
  return absl::FailedPreconditionError(
      absl::StrCat("the access policy (services/common/access_policy.cc) and the service "
                   "catalogue (common/service_catalog.cc) disagree: ",
                   absl::StrJoin(problems, "; ")));
}

}  // namespace corridor
