// Who may do what, checked against a real corridord: every RPC of every
// service is called with no token, a malformed one, a revoked one, and a
// token of each role. The expected answer of each cell is written out below,
// independently of the policy it checks (each RPC's access option in
// proto/corridor/v1, which services/common/access_policy.cc reads):
// UNAUTHENTICATED, PERMISSION_DENIED, or success. A refused call must leave
// every journal as it was.
#include <grpcpp/grpcpp.h>
#include <grpcpp/impl/codegen/client_unary_call.h>
#include <grpcpp/impl/codegen/proto_utils.h>
#include <grpcpp/impl/codegen/rpc_method.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/time/clock.h"
#include "common/credentials.h"
#include "common/service_catalog.h"
#include "corridor/v1/agreements.grpc.pb.h"
#include "corridor/v1/areas.grpc.pb.h"
#include "corridor/v1/audit.grpc.pb.h"
#include "corridor/v1/auth.grpc.pb.h"
#include "corridor/v1/convoys.grpc.pb.h"
#include "corridor/v1/denials.grpc.pb.h"
#include "corridor/v1/incidents.grpc.pb.h"
#include "corridor/v1/operations.grpc.pb.h"
#include "corridor/v1/parties.grpc.pb.h"
#include "corridor/v1/routes.grpc.pb.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/dynamic_message.h"
#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"
#include "services/common/access.h"
#include "storage/checkpoint.h"
#include "storage/cosignature.h"
#include "storage/tree_signer.h"
#include "tests/testing/subprocess.h"
#include "tests/testing/temp_dir.h"

namespace corridor {
namespace {

using ::corridor::testing::ServerProcess;
using google::protobuf::Message;

// Who calls, in the matrix's columns.
enum Caller {
  kNoToken,
  kMalformed,
  kRevoked,
  kCoordinator,
  kPartner,
  kOversight,
  kAdmin,
  kService
};
const Caller kCallers[] = {kNoToken, kMalformed, kRevoked, kCoordinator,
                           kPartner, kOversight, kAdmin,   kService};
const char* const kCallerNames[] = {"no token", "malformed", "revoked", "coordinator",
                                    "partner",  "oversight", "admin",   "service"};

// One row: the method, a request in text format, and the roles that may
// call it, as letters: C coordinator, P partner (of the convoy's agency),
// O oversight, A admin, S service. In requests, $KEY is unique per call,
// and $CONVOY, $APPROVED, $DISPATCHED, $DENIAL, $REPORT (a road report's
// position), $AREA and $TOKEN are made fresh for each call by a coordinator
// or admin.
struct Row {
  const char* method;
  const char* request;
  const char* allowed;
};

constexpr char kReaders[] = "CPOAS";
const Row kMatrix[] = {
    {"AreaService/ListAreas", "", kReaders},
    {"AreaService/GetArea", R"(id: "EG-DUMA")", kReaders},
    {"AreaService/GetAreaHistory", R"(area_id: "EG-DUMA")", kReaders},
    {"AreaService/CreateArea",
     R"(area { id: "M-$KEY" name_en: "Matrix town" governorate { pcode: "SY03" }
               status: AREA_STATUS_BESIEGED } status_source { citation: "matrix" })",
     "A"},
    {"AreaService/UpdateArea",
     R"(area { id: "$AREA" name_en: "Renamed" governorate { pcode: "SY03" }
               status: AREA_STATUS_BESIEGED version: 1 })",
     "A"},
    {"AreaService/RecordStatusChange",
     R"(area_id: "$AREA" status: AREA_STATUS_SIEGE_BROKEN
        effective_date { year: 2017 month: 1 day: 2 } source { citation: "matrix" })",
     "A"},

    {"PartyService/ListParties", "", kReaders},
    {"PartyService/GetParty", R"(id: "syrian-government")", kReaders},
    {"PartyService/ResolveParty", R"(text: "Syrian Government forces")", kReaders},
    {"PartyService/CreateParty", R"(party { id: "m-$KEY" name: "Matrix party $KEY" })", "A"},
    {"PartyService/AddPartyAliases", R"(id: "isis" aliases: "Matrix spelling $KEY")", "A"},

    {"RouteService/ListRoutes", "", kReaders},
    {"RouteService/GetRoute", R"(id: "castello-road")", kReaders},
    {"RouteService/GetRouteHistory", R"(route_id: "castello-road")", kReaders},
    {"RouteService/WatchRouteStatus", R"(route_ids: "castello-road" after_position: 0)", kReaders},
    {"RouteService/CreateRoute",
     R"(route { id: "m-$KEY" name: "Matrix road" serves_area_ids: "EG-DUMA"
                sources { citation: "matrix" } })",
     "A"},
    {"RouteService/ReportRouteStatus",
     R"(route_id: "castello-road" status: ROUTE_STATUS_OPEN observed_at { seconds: 1473379200 }
        source { citation: "matrix" })",
     "C"},
    {"RouteService/CorrectRouteReport",
     R"(position: $REPORT withdraw: true reason: "filed in error")", "C"},

    {"ConvoyService/SubmitConvoyRequest",
     R"(agency: "UNICEF" area_id: "EG-DUMA" planned_date { year: 2016 month: 10 day: 1 }
        requested_on { year: 2016 month: 9 day: 1 }
        manifest { item: "flour" category: CARGO_CATEGORY_FOOD quantity: 10 unit: "tonnes" }
        beneficiaries_requested: 100 idempotency_key: "$KEY")",
     "CP"},
    {"ConvoyService/ApproveConvoy", R"(convoy_id: "$CONVOY" beneficiaries_approved: 100)", "CP"},
    {"ConvoyService/DenyConvoy",
     R"(convoy_id: "$CONVOY" denying_party: "ISIS" reason: "no letter"
        category: ACCESS_CONSTRAINT_MOVEMENT_RESTRICTION)",
     "CP"},
    {"ConvoyService/DispatchConvoy", R"(convoy_id: "$APPROVED")", "CP"},
    {"ConvoyService/RecordConvoyOutcome",
     R"(convoy_id: "$DISPATCHED" outcome: CONVOY_STATUS_DELIVERED beneficiaries_reached: 90)",
     "CP"},
    {"ConvoyService/RecordApprovalStep",
     R"(convoy_id: "$CONVOY" step { step: "facilitation letter" authority: "Matrix ministry"
        requested_on { year: 2016 month: 9 day: 1 } outcome: STEP_OUTCOME_PENDING })",
     "CP"},
    {"ConvoyService/CorrectConvoy",
     R"(convoy_id: "$CONVOY" reason: "typed wrong" correction { beneficiaries_requested: 90 })",
     "CP"},
    {"ConvoyService/ImportConvoy",
     R"(submit { agency: "UNICEF" area_id: "EG-DUMA" planned_date { year: 2016 month: 10 day: 1 }
          requested_on { year: 2016 month: 9 day: 1 }
          manifest { item: "flour" category: CARGO_CATEGORY_FOOD quantity: 10 unit: "tonnes" }
          beneficiaries_requested: 100 idempotency_key: "$KEY" }
        approve { beneficiaries_approved: 100 occurred_on { year: 2016 month: 9 day: 20 } })",
     "CP"},
    {"ConvoyService/ImportConvoys",
     R"(rows { line: 2 convoy { submit { agency: "UNICEF" area_id: "EG-DUMA"
          planned_date { year: 2016 month: 10 day: 1 } requested_on { year: 2016 month: 9 day: 1 }
          manifest { item: "flour" category: CARGO_CATEGORY_FOOD quantity: 10 unit: "tonnes" }
          beneficiaries_requested: 100 idempotency_key: "$KEY" } } })",
     "CP"},
    {"ConvoyService/GetConvoy", R"(id: "$CONVOY")", kReaders},
    {"ConvoyService/ListConvoys", "", kReaders},
    {"ConvoyService/GetConvoyHistory", R"(convoy_id: "$CONVOY")", kReaders},
    {"ConvoyService/GetAccessReport",
     R"(from { year: 2016 month: 1 day: 1 } to { year: 2016 month: 12 day: 31 })", kReaders},

    {"DenialService/RecordDenial",
     R"(facts { party: "ISIS" area_id: "EG-DUMA" occurred_at { seconds: 1473379200 }
               category: ACCESS_CONSTRAINT_INTERFERENCE description: "searched"
               source { citation: "matrix" } }
        idempotency_key: "$KEY")",
     "CS"},
    {"DenialService/ImportDenials",
     R"(rows { line: 2 denial {
          facts { party: "ISIS" area_id: "EG-DUMA" occurred_at { seconds: 1473379200 }
                  category: ACCESS_CONSTRAINT_INTERFERENCE description: "searched"
                  source { citation: "matrix" } }
          idempotency_key: "$KEY" } })",
     "CS"},
    {"DenialService/CorrectDenial",
     R"(denial_id: "$DENIAL" reason: "recorded in error" withdraw: true)", "CS"},
    {"DenialService/GetDenial", R"(id: "$DENIAL")", kReaders},
    {"DenialService/ListDenials", "", kReaders},
    {"DenialService/GetDenialHistory", R"(denial_id: "$DENIAL")", kReaders},
    {"DenialService/DenialStats",
     R"(from { year: 2016 month: 1 } to { year: 2016 month: 12 } group_by: STATS_DIMENSION_PARTY)",
     kReaders},

    {"IncidentService/RecordIncident",
     R"(facts { occurred_at { seconds: 1473379200 } precision: TIME_PRECISION_DAY
               area_id: "EG-DUMA" type: INCIDENT_TYPE_SHELLING description: "shelled"
               sources { source { citation: "matrix" } } }
        idempotency_key: "$KEY")",
     "CS"},
    {"IncidentService/CorrectIncident",
     R"(incident_id: "$INCIDENT" reason: "recorded in error" withdraw: true)", "CS"},
    {"IncidentService/GetIncident", R"(id: "$INCIDENT")", kReaders},
    {"IncidentService/ListIncidents", "", kReaders},
    {"IncidentService/GetIncidentHistory", R"(incident_id: "$INCIDENT")", kReaders},
    {"IncidentService/IncidentStats",
     R"(from { year: 2016 month: 1 } to { year: 2016 month: 12 }
        group_by: INCIDENT_STATS_DIMENSION_WEAPON)",
     kReaders},

    {"AuditService/GetTreeHead", R"(service: "areas")", kReaders},
    {"AuditService/GetCheckpoint", R"(service: "areas")", kReaders},
    {"AuditService/AddCosignature", R"(service: "areas" cosigned_note: "$COSIGNED")", kReaders},
    {"AuditService/GetEntries", R"(service: "areas" start: 0 end: 1)", "OA"},
    {"AuditService/GetInclusionProof", R"(service: "areas" leaf_index: 0 tree_size: 1)", kReaders},
    {"AuditService/GetInclusionProofByHash", R"(service: "areas" leaf_hash: "$LEAF" tree_size: 1)",
     kReaders},
    {"AuditService/GetConsistencyProof", R"(service: "areas" first_size: 1 second_size: 1)",
     kReaders},
    {"AuditService/ListRecordDigests", R"(service: "areas")", "OA"},
    {"AuditService/CheckDerivedData", R"(service: "areas")", "OA"},
    {"AuditService/ListSigningKeyRotations", R"(service: "areas")", kReaders},
    {"AuditService/WatchChanges", R"(service: "areas" start: 0)", kReaders},

    {"TokenService/CreateToken", R"(role: ROLE_OVERSIGHT name: "matrix")", "A"},
    {"TokenService/ListTokens", "", "A"},
    {"TokenService/RevokeToken", R"(id: "$TOKEN" reason: "matrix")", "A"},
    {"TokenService/WhoAmI", "", kReaders},
    {"TokenService/Authenticate", R"(token: "$LIVE_TOKEN")", "S"},

    {"AgreementService/CreateAgreement",
     R"(agreement { id: "m-$KEY" name: "Matrix arrangement" parties: "ISIS"
                    in_force_from { year: 2016 month: 9 day: 12 }
                    terms { id: "open" consequence: "matrix" route_kept_open { route_id: "castello-road" } }
                    sources { citation: "matrix" } })",
     "OA"},
    {"AgreementService/GetAgreement", R"(id: "$AGREEMENT")", kReaders},
    {"AgreementService/ListAgreements", "", kReaders},
    {"AgreementService/ListViolations", "", kReaders},
    {"AgreementService/GetComplianceReport", R"(agreement_id: "$AGREEMENT")", kReaders},
    {"AgreementService/RecordConsequence",
     R"(consequence { violation_id: "$VIOLATION" applied: true what: "referred" applied_by: "task force"
                      decided_on { year: 2016 month: 10 day: 1 } source { citation: "matrix" } })",
     "OA"},

    {"OperationsService/CreateBackup", R"(service: "areas" folder: "$BACKUP")", "A"},
    {"OperationsService/RotateSigningKey", R"(service: "routes" reason: "matrix")", "A"},
};

// The .proto files of every service; referring to their messages links
// their descriptors into this binary.
std::vector<const google::protobuf::FileDescriptor*> ServiceFiles() {
  return {v1::ListAreasRequest::descriptor()->file(),
          v1::ListRoutesRequest::descriptor()->file(),
          v1::ListConvoysRequest::descriptor()->file(),
          v1::ListDenialsRequest::descriptor()->file(),
          v1::GetTreeHeadRequest::descriptor()->file(),
          v1::ListTokensRequest::descriptor()->file(),
          v1::CreateBackupRequest::descriptor()->file(),
          v1::Agreement::descriptor()->file(),
          v1::ListPartiesRequest::descriptor()->file(),
          v1::ListIncidentsRequest::descriptor()->file()};
}

// The request text of `method`'s row.
std::string RequestOf(const std::string& method) {
  for (const Row& row : kMatrix) {
    if (method == row.method) return row.request;
  }
  ADD_FAILURE() << "no row for " << method;
  return "";
}

const google::protobuf::MethodDescriptor* Describe(const std::string& method) {
  const size_t slash = method.find('/');
  for (const google::protobuf::FileDescriptor* file : ServiceFiles()) {
    const auto* service = file->FindServiceByName(method.substr(0, slash));
    if (service != nullptr) return service->FindMethodByName(method.substr(slash + 1));
  }
  return nullptr;
}

class AccessMatrixTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new corridor::testing::TempDir();
    // A witness the deployment lists, whose cosignatures AddCosignature takes.
    auto witness = storage::TreeSigner::LoadOrCreate(dir_->Sub("witness.pem"));
    ASSERT_TRUE(witness.ok()) << witness.status();
    witness_ = witness->release();
    std::ofstream(dir_->Sub("witnesses.txt"))
        << storage::CosignerVerifierKey(kWitnessName, witness_->public_key()) << "\n";
    auto server = ServerProcess::Start(
        testing::BinaryPath("corridord"),
        {"--data_dir=" + dir_->Sub("data"), "--backup_root=" + dir_->Sub("backups"),
         "--witness_keys_file=" + dir_->Sub("witnesses.txt")},
        dir_->path());
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = server->release();
    channel_ = new std::shared_ptr<grpc::Channel>(
        grpc::CreateChannel(server_->address(), grpc::InsecureChannelCredentials()));
    tokens_ = new std::map<Caller, std::string>();
    auto admin = ReadTokenFile(testing::AdminTokenFile(dir_->Sub("data")));
    ASSERT_TRUE(admin.ok()) << admin.status();
    (*tokens_)[kAdmin] = *admin;
    (*tokens_)[kCoordinator] = NewToken("role: ROLE_COORDINATOR");
    (*tokens_)[kPartner] = NewToken(R"(role: ROLE_PARTNER agency: "UNICEF")");
    (*tokens_)[kOversight] = NewToken("role: ROLE_OVERSIGHT");
    (*tokens_)[kService] = NewToken("role: ROLE_SERVICE");
    const std::string revoked = NewToken("role: ROLE_COORDINATOR");
    std::unique_ptr<Message> info = CallOk("TokenService/WhoAmI", "", revoked);
    ASSERT_NE(info, nullptr);
    CallOk("TokenService/RevokeToken",
           absl::StrCat(R"(id: ")", Field(*info, "id"), R"(" reason: "matrix")"), Admin());
    (*tokens_)[kRevoked] = revoked;
    // Not the shape of a Corridor token at all.
    (*tokens_)[kMalformed] = "ctk_0123456789abcdef_not-hex";
    (*tokens_)[kNoToken] = "";
  }

  static void TearDownTestSuite() {
    delete tokens_;
    delete channel_;
    delete server_;
    delete dir_;
  }

  static const std::string& Admin() { return tokens_->at(kAdmin); }
  static const std::string& Coordinator() { return tokens_->at(kCoordinator); }

  // Calls `method` ("Service/Method") with a text-format request.
  static grpc::Status Call(const std::string& method, const std::string& request_text,
                           const std::string& token, std::unique_ptr<Message>* response) {
    const google::protobuf::MethodDescriptor* descriptor = Describe(method);
    EXPECT_NE(descriptor, nullptr) << method;
    if (descriptor == nullptr) return grpc::Status(grpc::StatusCode::INTERNAL, "no such method");
    auto* factory = google::protobuf::MessageFactory::generated_factory();
    std::unique_ptr<Message> request(factory->GetPrototype(descriptor->input_type())->New());
    EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(request_text, request.get()))
        << method << ": " << request_text;
    response->reset(factory->GetPrototype(descriptor->output_type())->New());
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(10)));
    AttachBearerToken(&context, token);
    const std::string path = "/corridor.v1." + method;
    if (descriptor->client_streaming()) {
      // An import stream is admitted if it answers its first request.
      const grpc::internal::RpcMethod rpc(path.c_str(), grpc::internal::RpcMethod::BIDI_STREAMING);
      std::unique_ptr<grpc::ClientReaderWriter<Message, Message>> stream(
          grpc::internal::ClientReaderWriterFactory<Message, Message>::Create(channel_->get(), rpc,
                                                                              &context));
      stream->Write(*request);
      stream->WritesDone();
      const bool answered = stream->Read(response->get());
      grpc::Status status = stream->Finish();
      if (answered && status.ok() && RefusedEveryRow(**response)) {
        return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, (*response)->DebugString());
      }
      return status;
    }
    if (descriptor->server_streaming()) {
      // A stream is admitted if it delivers its first message.
      const grpc::internal::RpcMethod rpc(path.c_str(),
                                          grpc::internal::RpcMethod::SERVER_STREAMING);
      std::unique_ptr<grpc::ClientReader<Message>> reader(
          grpc::internal::ClientReaderFactory<Message>::Create(channel_->get(), rpc, &context,
                                                               *request));
      if (reader->Read(response->get())) {
        context.TryCancel();
        reader->Finish();
        return grpc::Status::OK;
      }
      return reader->Finish();
    }
    const grpc::internal::RpcMethod rpc(path.c_str(), grpc::internal::RpcMethod::NORMAL_RPC);
    return grpc::internal::BlockingUnaryCall<Message, Message>(channel_->get(), rpc, &context,
                                                               *request, response->get());
  }

  // Whether an import's answer refused its rows (e.g. a row the caller's
  // agency may not import): the call was admitted, the row was not.
  static bool RefusedEveryRow(const Message& answer) {
    const auto* refused = answer.GetDescriptor()->FindFieldByName("refused");
    return refused != nullptr && answer.GetReflection()->FieldSize(answer, refused) > 0;
  }

  static std::unique_ptr<Message> CallOk(const std::string& method, const std::string& request,
                                         const std::string& token) {
    std::unique_ptr<Message> response;
    grpc::Status status = Call(method, request, token, &response);
    EXPECT_TRUE(status.ok()) << method << ": " << status.error_message();
    return status.ok() ? std::move(response) : nullptr;
  }

  static std::string Field(const Message& message, const std::string& name) {
    const auto* field = message.GetDescriptor()->FindFieldByName(name);
    return field == nullptr ? "" : message.GetReflection()->GetString(message, field);
  }

  static std::string NewToken(const std::string& request) {
    std::unique_ptr<Message> created = CallOk("TokenService/CreateToken", request, Admin());
    return created == nullptr ? "" : Field(*created, "token");
  }

  // A new UNICEF convoy, taken through `steps` of approve and dispatch.
  static std::string NewConvoy(int steps) {
    std::unique_ptr<Message> convoy = CallOk(
        "ConvoyService/SubmitConvoyRequest",
        absl::StrReplaceAll(RequestOf("ConvoyService/SubmitConvoyRequest"), {{"$KEY", NextKey()}}),
        Coordinator());
    if (convoy == nullptr) return "";
    const std::string id = Field(*convoy, "id");
    if (steps >= 1) {
      CallOk("ConvoyService/ApproveConvoy",
             absl::StrCat(R"(convoy_id: ")", id, R"(" beneficiaries_approved: 100)"),
             Coordinator());
    }
    if (steps >= 2) {
      CallOk("ConvoyService/DispatchConvoy", absl::StrCat(R"(convoy_id: ")", id, R"(")"),
             Coordinator());
    }
    return id;
  }

  static std::string NextKey() { return absl::StrCat(++keys_); }

  // The request of `row`, with fresh records for its placeholders.
  static std::string RequestFor(const Row& row) {
    std::string text = row.request;
    auto fill = [&](const std::string& name, const std::function<std::string()>& make) {
      if (text.find(name) != std::string::npos) text = absl::StrReplaceAll(text, {{name, make()}});
    };
    fill("$KEY", NextKey);
    fill("$CONVOY", [] { return NewConvoy(0); });
    fill("$APPROVED", [] { return NewConvoy(1); });
    fill("$DISPATCHED", [] { return NewConvoy(2); });
    fill("$DENIAL", [] {
      std::unique_ptr<Message> denial = CallOk(
          "DenialService/RecordDenial",
          absl::StrReplaceAll(RequestOf("DenialService/RecordDenial"), {{"$KEY", NextKey()}}),
          Coordinator());
      return denial == nullptr ? "" : Field(*denial, "id");
    });
    fill("$INCIDENT", [] {
      std::unique_ptr<Message> incident = CallOk(
          "IncidentService/RecordIncident",
          absl::StrReplaceAll(RequestOf("IncidentService/RecordIncident"), {{"$KEY", NextKey()}}),
          Coordinator());
      return incident == nullptr ? "" : Field(*incident, "id");
    });
    fill("$REPORT", [] {
      std::unique_ptr<Message> filed =
          CallOk("RouteService/ReportRouteStatus", RequestOf("RouteService/ReportRouteStatus"),
                 Coordinator());
      if (filed == nullptr) return std::string();
      const auto* report = filed->GetDescriptor()->FindFieldByName("report");
      const Message& inner = filed->GetReflection()->GetMessage(*filed, report);
      return absl::StrCat(inner.GetReflection()->GetInt64(
          inner, inner.GetDescriptor()->FindFieldByName("position")));
    });
    fill("$AREA", [] {
      const std::string id = "M-" + NextKey();
      CallOk("AreaService/CreateArea",
             absl::StrReplaceAll(RequestOf("AreaService/CreateArea"), {{"M-$KEY", id}}), Admin());
      return id;
    });
    fill("$TOKEN", [] {
      const std::string token = NewToken("role: ROLE_OVERSIGHT");
      std::unique_ptr<Message> info = CallOk("TokenService/WhoAmI", "", token);
      return info == nullptr ? "" : Field(*info, "id");
    });
    fill("$LIVE_TOKEN", [] { return Coordinator(); });
    fill("$LEAF", [] {
      std::unique_ptr<Message> entries =
          CallOk("AuditService/GetEntries", R"(service: "areas" start: 0 end: 1)", Admin());
      if (entries == nullptr) return std::string();
      const auto* field = entries->GetDescriptor()->FindFieldByName("entries");
      const std::string entry = entries->GetReflection()->GetRepeatedString(*entries, field, 0);
      return absl::CEscape(storage::merkle::ToBytes(storage::merkle::LeafHash(entry)));
    });
    fill("$COSIGNED", [] {
      std::unique_ptr<Message> checkpoint =
          CallOk("AuditService/GetCheckpoint", R"(service: "areas")", Admin());
      if (checkpoint == nullptr) return std::string();
      const std::string note = Field(*checkpoint, "note");
      auto line = storage::CosignatureLine(storage::ParseNote(note)->body, kWitnessName,
                                           absl::ToUnixSeconds(absl::Now()), *witness_);
      return absl::CEscape(note + *line);
    });
    fill("$BACKUP", [] { return dir_->Sub("backups/" + NextKey()); });
    fill("$VIOLATION", [] {
      // An agreement against air strikes, an air strike, and the violation
      // the evaluation finds (it follows the incidents feed: wait for it).
      const std::string id = "m-" + NextKey();
      CallOk("AgreementService/CreateAgreement",
             absl::StrCat(R"(agreement { id: ")", id,
                          R"(" name: "Matrix no-fly" parties: "ISIS"
                    in_force_from { year: 2016 month: 9 day: 1 }
                    terms { id: "no-fly" consequence: "matrix" no_air_strikes {} }
                    sources { citation: "matrix" } })"),
             Admin());
      CallOk("IncidentService/RecordIncident",
             absl::StrCat(R"(facts { occurred_at { seconds: 1473379200 } area_id: "EG-DUMA"
                   type: INCIDENT_TYPE_AIR_STRIKE description: "strike" party: "ISIS"
                   attribution_confidence: ATTRIBUTION_CONFIDENCE_HIGH attribution_basis: "matrix"
                   sources { source { citation: "matrix" } } } idempotency_key: "strike-)",
                          NextKey(), R"(")"),
             Coordinator());
      const absl::Time give_up = absl::Now() + absl::Seconds(30);
      while (absl::Now() < give_up) {
        std::unique_ptr<Message> list =
            CallOk("AgreementService/ListViolations",
                   absl::StrCat(R"(agreement_id: ")", id, R"(")"), Admin());
        if (list == nullptr) return std::string();
        const auto* field = list->GetDescriptor()->FindFieldByName("violations");
        if (list->GetReflection()->FieldSize(*list, field) > 0) {
          return Field(list->GetReflection()->GetRepeatedMessage(*list, field, 0), "id");
        }
        absl::SleepFor(absl::Milliseconds(50));
      }
      ADD_FAILURE() << "no violation was found for the matrix's air strike";
      return std::string();
    });
    fill("$AGREEMENT", [] {
      const std::string id = "m-" + NextKey();
      CallOk("AgreementService/CreateAgreement",
             absl::StrReplaceAll(RequestOf("AgreementService/CreateAgreement"), {{"m-$KEY", id}}),
             Admin());
      return id;
    });
    return text;
  }

  // The size of every journal, as the oversight token reads it.
  static std::map<std::string, uint64_t> JournalSizes() {
    std::map<std::string, uint64_t> sizes;
    for (const char* service : {"auth", "areas", "routes", "convoys", "denials"}) {
      std::unique_ptr<Message> head =
          CallOk("AuditService/GetTreeHead", absl::StrCat(R"(service: ")", service, R"(")"),
                 tokens_->at(kOversight));
      if (head == nullptr) continue;
      const auto* field = head->GetDescriptor()->FindFieldByName("tree_size");
      sizes[service] = head->GetReflection()->GetUInt64(*head, field);
    }
    return sizes;
  }

  // Waits until no journal grows for 300 ms (the convoys service relays
  // denials to the denials service in the background).
  static std::map<std::string, uint64_t> SettledJournalSizes() {
    std::map<std::string, uint64_t> sizes = JournalSizes();
    for (int i = 0; i < 50; ++i) {
      absl::SleepFor(absl::Milliseconds(300));
      std::map<std::string, uint64_t> again = JournalSizes();
      if (again == sizes) break;
      sizes = again;
    }
    return sizes;
  }

  static corridor::testing::TempDir* dir_;
  static ServerProcess* server_;
  static storage::TreeSigner* witness_;
  static constexpr char kWitnessName[] = "matrix.witness.example";
  static std::shared_ptr<grpc::Channel>* channel_;
  static std::map<Caller, std::string>* tokens_;
  static int keys_;
};

corridor::testing::TempDir* AccessMatrixTest::dir_ = nullptr;
ServerProcess* AccessMatrixTest::server_ = nullptr;
storage::TreeSigner* AccessMatrixTest::witness_ = nullptr;
std::shared_ptr<grpc::Channel>* AccessMatrixTest::channel_ = nullptr;
std::map<Caller, std::string>* AccessMatrixTest::tokens_ = nullptr;
int AccessMatrixTest::keys_ = 0;

bool Allowed(const Row& row, Caller caller) {
  const char letter[] = {0, 0, 0, 'C', 'P', 'O', 'A', 'S'};
  return letter[caller] != 0 && std::string(row.allowed).find(letter[caller]) != std::string::npos;
}

TEST_F(AccessMatrixTest, EveryRpcOfEveryServiceIsInTheMatrixAndHasARule) {
  std::set<std::string> in_matrix;
  for (const Row& row : kMatrix) {
    EXPECT_NE(Describe(row.method), nullptr) << row.method << " is not a method";
    EXPECT_TRUE(in_matrix.insert(absl::StrCat("/corridor.v1.", row.method)).second) << row.method;
  }
  const std::vector<std::string> catalogued = CatalogMethods();
  const std::set<std::string> methods(catalogued.begin(), catalogued.end());
  EXPECT_EQ(methods, in_matrix) << "a new RPC needs a row in the matrix and a rule";
  for (const google::protobuf::FileDescriptor* file : ServiceFiles()) {
    for (int s = 0; s < file->service_count(); ++s) {
      EXPECT_NE(FindGrpcService(file->service(s)->full_name()), nullptr)
          << file->service(s)->full_name() << " is missing from common/service_catalog.cc";
    }
  }
  const std::vector<std::string> rules = MethodsWithRules();
  EXPECT_EQ(std::set<std::string>(rules.begin(), rules.end()), in_matrix);
}

TEST_F(AccessMatrixTest, EachCallerGetsExactlyWhatItsRoleAllows) {
  std::map<std::string, uint64_t> sizes;
  int refused = 0, served = 0;
  // A denied convoy reaches the denials service in the background; wait for
  // that before measuring what a refused call changes.
  bool relaying = true;
  for (const Row& row : kMatrix) {
    for (Caller caller : kCallers) {
      SCOPED_TRACE(absl::StrCat(row.method, " as ", kCallerNames[caller]));
      const std::string request = RequestFor(row);
      const bool allowed = Allowed(row, caller);
      if (!allowed) {
        sizes = relaying ? SettledJournalSizes() : JournalSizes();
        relaying = false;
      }
      std::unique_ptr<Message> response;
      grpc::Status status = Call(row.method, request, tokens_->at(caller), &response);
      if (allowed && std::string(row.method) == "ConvoyService/DenyConvoy") relaying = true;
      if (caller == kNoToken || caller == kMalformed || caller == kRevoked) {
        EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED) << status.error_message();
      } else if (allowed) {
        EXPECT_TRUE(status.ok()) << status.error_code() << ": " << status.error_message();
        ++served;
      } else {
        EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED)
            << status.error_message();
        EXPECT_NE(status.error_message().find(RoleName(static_cast<v1::Role>(caller - 2))),
                  std::string::npos)
            << "the refusal names the caller's role: " << status.error_message();
      }
      if (!allowed) {
        EXPECT_EQ(JournalSizes(), sizes) << "a refused call changed a journal";
        // The agreements journal also grows as the service evaluates the
        // record in the background; what a refused registration must not
        // change is the agreements.
        if (std::string(row.method) == "AgreementService/CreateAgreement") {
          grpc::Status found = Call("AgreementService/GetAgreement",
                                    absl::StrCat(R"(id: "m-)", keys_, R"(")"), Admin(), &response);
          EXPECT_EQ(found.error_code(), grpc::StatusCode::NOT_FOUND) << "a refused call registered";
        }
        if (std::string(row.method) == "OperationsService/CreateBackup") {
          EXPECT_FALSE(std::filesystem::exists(dir_->Sub("backups/" + std::to_string(keys_))))
              << "a refused backup wrote its folder";
        }
        ++refused;
      }
    }
  }
  EXPECT_GT(served, 100);
  EXPECT_GT(refused, 150);
}

TEST_F(AccessMatrixTest, TheMessagesSayWhatIsWrongWithoutRepeatingTheToken) {
  std::unique_ptr<Message> response;
  grpc::Status none = Call("AreaService/ListAreas", "", "", &response);
  EXPECT_NE(none.error_message().find("needs a bearer token"), std::string::npos);
  const std::string malformed = "ctk_secret-looking-text";
  grpc::Status bad = Call("AreaService/ListAreas", "", malformed, &response);
  EXPECT_NE(bad.error_message().find("malformed"), std::string::npos);
  EXPECT_EQ(bad.error_message().find(malformed), std::string::npos);
  grpc::Status revoked = Call("AreaService/ListAreas", "", tokens_->at(kRevoked), &response);
  EXPECT_NE(revoked.error_message().find("was revoked"), std::string::npos);
  EXPECT_EQ(server_->Logs().find(Coordinator()), std::string::npos) << "a token was logged";
}

}  // namespace
}  // namespace corridor
