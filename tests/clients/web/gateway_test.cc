// corridor-web's HTTP side against a real corridord: the JSON gateway, its
// refusals (each naming what is wrong), the change feed as server-sent
// events, and exports.
#include <signal.h>

#include <memory>
#include <set>
#include <set>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "clients/web/web_server.h"
#include "common/credentials.h"
#include "gmock/gmock.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "httplib.h"
#include "tests/testing/subprocess.h"
#include "tests/testing/temp_dir.h"

namespace corridor::web {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class GatewayTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new corridor::testing::TempDir();
    auto server =
        corridor::testing::ServerProcess::Start(corridor::testing::BinaryPath("corridord"),
                                                {"--data_dir=" + dir_->Sub("data")}, dir_->path());
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = server->release();
    auto file = corridor::testing::CreateTokenFile(server_->address(), dir_->Sub("data"),
                                                   "coordinator", dir_->Sub("coordinator.token"));
    ASSERT_TRUE(file.ok()) << file.status();
    token_ = new std::string(*ReadTokenFile(*file));
    WebOptions options;
    options.listen_address = "127.0.0.1:0";
    options.target = server_->address();
    auto web = WebServer::Start(options);
    ASSERT_TRUE(web.ok()) << web.status();
    web_ = web->release();
  }

  static void TearDownTestSuite() {
    delete web_;
    delete server_;
    delete token_;
    delete dir_;
  }

  static httplib::Client Client() {
    httplib::Client client("127.0.0.1", web_->port());
    client.set_read_timeout(20, 0);
    return client;
  }

  static httplib::Headers Signed() { return {{"Authorization", "Bearer " + *token_}}; }

  static httplib::Result Post(const std::string& method, const std::string& body,
                              const httplib::Headers& headers = Signed()) {
    return Client().Post(("/api/v1/" + method).c_str(), headers, body, "application/json");
  }

  static inline corridor::testing::TempDir* dir_ = nullptr;
  static inline corridor::testing::ServerProcess* server_ = nullptr;
  static inline std::string* token_ = nullptr;
  static inline WebServer* web_ = nullptr;
};

TEST_F(GatewayTest, CallsAnRpcInProtobufJsonWithTheProtoFieldNames) {
  auto reply = Post("AreaService/GetArea", R"({"id": "EG-DUMA"})");
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 200);
  EXPECT_EQ(reply->get_header_value("Content-Type"), "application/json");
  EXPECT_THAT(reply->body, HasSubstr(R"("name_en":"Douma")"));
  EXPECT_THAT(reply->body, HasSubstr(R"("status":"AREA_STATUS_BESIEGED")"));
}

TEST_F(GatewayTest, PassesTheServicesRefusalsOnInTheirOwnWords) {
  // No token: the service's UNAUTHENTICATED, as 401.
  auto unsigned_call = Post("AreaService/ListAreas", "{}", {});
  ASSERT_TRUE(unsigned_call);
  EXPECT_EQ(unsigned_call->status, 401);
  EXPECT_THAT(unsigned_call->body, HasSubstr(R"("code":"UNAUTHENTICATED")"));
  // In HTTP's words: the header to send, and the scheme (RFC 6750).
  EXPECT_THAT(unsigned_call->body, HasSubstr("the HTTP Authorization header"));
  EXPECT_EQ(unsigned_call->get_header_value("WWW-Authenticate"), "Bearer");

  // A coordinator may not create areas: the service's PERMISSION_DENIED.
  auto forbidden = Post("AreaService/CreateArea", R"({"area": {"id": "X-1"}})");
  ASSERT_TRUE(forbidden);
  EXPECT_EQ(forbidden->status, 403);
  EXPECT_THAT(forbidden->body, HasSubstr("admin"));

  // A bad field: the service's INVALID_ARGUMENT naming it, as 400.
  auto invalid = Post("ConvoyService/SubmitConvoyRequest",
                      R"({"area_id": "EG-DUMA", "idempotency_key": "k1"})");
  ASSERT_TRUE(invalid);
  EXPECT_EQ(invalid->status, 400);
  EXPECT_THAT(invalid->body, HasSubstr("agency"));
  // The field as data, from the rich error model, for the form to mark it.
  EXPECT_THAT(invalid->body, HasSubstr(R"("reason":"INVALID_FIELD")"));
  EXPECT_THAT(invalid->body, HasSubstr(R"("fieldViolations":[{"field":"agency","description":)"));
  EXPECT_THAT(forbidden->body, HasSubstr(R"("reason":"ROLE_NOT_ALLOWED")"));

  auto missing = Post("AreaService/GetArea", R"({"id": "NO-SUCH"})");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);
}

TEST_F(GatewayTest, RefusesWhatItDoesNotServeNamingTheProblem) {
  auto unknown_field = Post("AreaService/GetArea", R"({"identifier": "EG-DUMA"})");
  ASSERT_TRUE(unknown_field);
  EXPECT_EQ(unknown_field->status, 400);
  // The field as data, as the services' own refusals give it.
  EXPECT_THAT(unknown_field->body, HasSubstr(R"("fieldViolations":[{"field":"identifier",)"));
  auto nested = Post("DenialService/ListDenials", R"({"page": {"page_size": "ten"}})");
  ASSERT_TRUE(nested);
  EXPECT_EQ(nested->status, 400);
  EXPECT_THAT(nested->body, HasSubstr(R"("fieldViolations":[{"field":"page.page_size",)"));
  auto nested_unknown = Post("DenialService/ListDenials", R"({"page": {"size": 10}})");
  ASSERT_TRUE(nested_unknown);
  EXPECT_THAT(nested_unknown->body, HasSubstr(R"("fieldViolations":[{"field":"page.size",)"));
  // A page token is the request's page.page_token, and named so.
  auto token = Post("DenialService/ListDenials", R"({"page": {"page_token": "zzz"}})");
  ASSERT_TRUE(token);
  EXPECT_EQ(token->status, 400);
  EXPECT_THAT(token->body, HasSubstr(R"("fieldViolations":[{"field":"page.page_token",)"));

  // An RPC's path with another method than POST: 405, saying how to call it.
  for (const char* method : {"GET", "PUT", "DELETE"}) {
    httplib::Request request;
    request.method = method;
    request.path = "/api/v1/AreaService/GetArea";
    request.headers = Signed();
    auto wrong = Client().send(request);
    ASSERT_TRUE(wrong) << method;
    EXPECT_EQ(wrong->status, 405) << method;
    EXPECT_EQ(wrong->get_header_value("Allow"), "POST") << method;
    EXPECT_THAT(wrong->body, HasSubstr("RPCs are called with POST")) << method;
  }

  auto not_a_message = Post("AreaService/ListAreas", "[1, 2]");
  ASSERT_TRUE(not_a_message);
  EXPECT_THAT(not_a_message->body, HasSubstr("ListAreasRequest: Root element must be a message"));

  auto not_json = Post("AreaService/GetArea", "id=EG-DUMA");
  ASSERT_TRUE(not_json);
  EXPECT_EQ(not_json->status, 400);
  EXPECT_THAT(not_json->body, HasSubstr("GetAreaRequest"));

  // Credentials are managed with corridorctl, never through a browser.
  auto tokens = Post("TokenService/CreateToken", R"({"role": "ROLE_ADMIN"})");
  ASSERT_TRUE(tokens);
  EXPECT_EQ(tokens->status, 404);
  auto no_such = Post("AreaService/Nope", "{}");
  ASSERT_TRUE(no_such);
  EXPECT_EQ(no_such->status, 404);

  // Only JSON bodies, which a page on another site cannot send unasked.
  auto form = Client().Post("/api/v1/AreaService/ListAreas", Signed(), "a=b",
                            "application/x-www-form-urlencoded");
  ASSERT_TRUE(form);
  EXPECT_EQ(form->status, 415);
}

TEST_F(GatewayTest, StreamsTheChangeFeedAsServerSentEvents) {
  std::string received;
  httplib::Client client = Client();
  auto reply = client.Get("/api/v1/changes?service=routes&start=0", Signed(),
                          [&](const char* data, size_t length) {
                            received.append(data, length);
                            // Enough once the first two changes are in.
                            return received.find("id: 1\n") == std::string::npos;
                          });
  EXPECT_THAT(received, HasSubstr("event: ready"));
  EXPECT_THAT(received, HasSubstr("id: 0\nevent: change\ndata: {"));
  // The first change says its index like every other (proto3 JSON would
  // leave out a zero).
  EXPECT_THAT(received, HasSubstr(R"("index":"0")"));
  EXPECT_THAT(received, HasSubstr(R"("service":"routes")"));

  // An EventSource reconnecting says the last id it received: the feed
  // resumes after it, whatever the URL says.
  std::string resumed;
  httplib::Headers reconnect = Signed();
  reconnect.emplace("Last-Event-ID", "0");
  Client().Get("/api/v1/changes?service=routes&start=0", reconnect,
               [&](const char* data, size_t length) {
                 resumed.append(data, length);
                 return resumed.find("event: change") == std::string::npos;
               });
  EXPECT_THAT(resumed, HasSubstr("id: 1\nevent: change"));
  EXPECT_THAT(resumed, ::testing::Not(HasSubstr("id: 0\n")));

  auto refused = Client().Get("/api/v1/changes?service=routes&start=x", Signed());
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 400);
  EXPECT_THAT(refused->body, HasSubstr(R"("fieldViolations":[{"field":"start",)"));

  // The service's refusals are plain HTTP errors, not a stream.
  auto unsigned_stream = Client().Get("/api/v1/changes?service=routes");
  ASSERT_TRUE(unsigned_stream);
  EXPECT_EQ(unsigned_stream->status, 401);
  auto credentials = Client().Get("/api/v1/changes?service=auth", Signed());
  ASSERT_TRUE(credentials);
  EXPECT_EQ(credentials->status, 400);
  EXPECT_THAT(credentials->body, HasSubstr("credentials"));
  auto beyond = Client().Get("/api/v1/changes?service=routes&start=999999", Signed());
  ASSERT_TRUE(beyond);
  EXPECT_EQ(beyond->status, 400);
  EXPECT_THAT(beyond->body, HasSubstr("start"));
}

TEST_F(GatewayTest, ExportsWhatCorridorctlWouldNeverOnTheServer) {
  auto csv = Client().Get("/api/v1/export/areas?format=hxl", Signed());
  ASSERT_TRUE(csv);
  EXPECT_EQ(csv->status, 200);
  EXPECT_THAT(csv->get_header_value("Content-Disposition"), HasSubstr("corridor-areas-hxl.csv"));
  EXPECT_THAT(csv->body, HasSubstr("EG-DUMA"));
  EXPECT_THAT(csv->body, HasSubstr("#loc+id"));

  auto to_disk = Client().Get("/api/v1/export/areas?out=/tmp/x.csv", Signed());
  ASSERT_TRUE(to_disk);
  EXPECT_EQ(to_disk->status, 400);
  EXPECT_THAT(to_disk->body, HasSubstr(R"("fieldViolations":[{"field":"out",)"));
  auto bad_flag = Client().Get("/api/v1/export/denials?colour=red", Signed());
  ASSERT_TRUE(bad_flag);
  EXPECT_EQ(bad_flag->status, 400);
  EXPECT_THAT(bad_flag->body, HasSubstr("colour"));
}

// The gateway's exports are corridorctl's: a cell a spreadsheet would run
// is neutralised there too.
TEST_F(GatewayTest, ExportsNeutraliseCellsThatWouldRunAsFormulas) {
  auto recorded = Post("DenialService/RecordDenial", R"json({
      "facts": {"party": "Syrian Government forces", "area_id": "EG-DUMA",
                "checkpoint": "@SUM(1+1)",
                "occurred_at": "2016-09-03T00:00:00Z",
                "category": "ACCESS_CONSTRAINT_INTERFERENCE",
                "description": "=HYPERLINK(\"http://example.org\",\"x\")",
                "source": {"citation": "-2+3+cmd|' /C calc'!A0"}},
      "idempotency_key": "gateway-csv-injection"})json");
  ASSERT_TRUE(recorded);
  ASSERT_EQ(recorded->status, 200) << recorded->body;
  auto csv = Client().Get("/api/v1/export/denials?format=csv", Signed());
  ASSERT_TRUE(csv);
  ASSERT_EQ(csv->status, 200) << csv->body;
  EXPECT_THAT(csv->body, HasSubstr(R"x(,"'@SUM(1+1)",)x"));
  EXPECT_THAT(csv->body, HasSubstr(R"x(,"'=HYPERLINK(""http://example.org"",""x"")",)x"));
  EXPECT_THAT(csv->body, HasSubstr(R"x(,"'-2+3+cmd|' /C calc'!A0",)x"));
  EXPECT_THAT(csv->body, Not(HasSubstr(",=HYPERLINK")));
}

// The review's finding: the URL-decoded path went into the log as it was,
// so a request could forge log lines or send terminal escapes. The real
// corridor-web binary, whose log is its stderr.
TEST_F(GatewayTest, ARequestPathCannotForgeALogLine) {
  corridor::testing::TempDir assets;
  auto web = corridor::testing::ServerProcess::Start(
      corridor::testing::BinaryPath("corridor-web"),
      {"--target=" + server_->address(), "--assets=" + assets.path()}, dir_->path());
  ASSERT_TRUE(web.ok()) << web.status();
  const std::string address = (*web)->address();
  httplib::Client client("127.0.0.1", std::stoi(address.substr(address.rfind(':') + 1)));
  const std::string forged = "2026-11-23T11:04:27.080Z ERROR corridor-web: forged";
  auto reply =
      client.Get("/x%0A2026-11-23T11:04:27.080Z%20ERROR%20corridor-web:%20forged%0D%1B%5B2J%7F");
  ASSERT_TRUE(reply);
  EXPECT_EQ((*web)->StopWith(SIGTERM), 0);
  const std::string logs = (*web)->Logs();
  EXPECT_THAT(logs, HasSubstr("http GET /x\\n" + forged + "\\r\\x1b[2J\\x7f 404"));
  for (absl::string_view line : absl::StrSplit(logs, '\n')) {
    EXPECT_FALSE(absl::StartsWith(line, forged)) << "a forged log line";
    EXPECT_FALSE(absl::StrContains(line, "\x1b")) << "a raw escape in the log";
  }
}

TEST_F(GatewayTest, ServesTheDashboardsEnumsFromTheContract) {
  auto reply = Client().Get("/api/v1/enums");
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 200);
  EXPECT_THAT(reply->body, HasSubstr(R"("RouteStatus":["ROUTE_STATUS_UNSPECIFIED")"));
  EXPECT_THAT(reply->body, HasSubstr("ACCESS_CONSTRAINT_VIOLENCE"));
  // The approval step form's answers, the violation list's states.
  EXPECT_THAT(reply->body, HasSubstr(R"("StepOutcome":["STEP_OUTCOME_UNSPECIFIED")"));
  EXPECT_THAT(reply->body, HasSubstr("VIOLATION_STATE_SUPERSEDED"));
}

// Every "$ref" in `value`, at any depth.
void CollectRefs(const google::protobuf::Value& value, std::set<std::string>* refs) {
  if (value.has_struct_value()) {
    for (const auto& [key, field] : value.struct_value().fields()) {
      if (key == "$ref") refs->insert(field.string_value());
      CollectRefs(field, refs);
    }
  } else if (value.has_list_value()) {
    for (const auto& item : value.list_value().values()) CollectRefs(item, refs);
  }
}

TEST_F(GatewayTest, DescribesWhatItServesInOpenApiFromTheContract) {
  auto reply = Client().Get("/api/v1/openapi.json");
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 200);
  google::protobuf::Value document;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(reply->body, &document).ok())
      << reply->body.substr(0, 300);
  const auto& root = document.struct_value().fields();
  EXPECT_EQ(root.at("openapi").string_value(), "3.0.3");
  const auto& paths = root.at("paths").struct_value().fields();
  ASSERT_TRUE(paths.contains("/api/v1/ConvoyService/ApproveConvoy"));
  const auto& approve =
      paths.at("/api/v1/ConvoyService/ApproveConvoy").struct_value().fields().at("post");
  const auto& operation = approve.struct_value().fields();
  std::vector<std::string> roles;
  for (const auto& role : operation.at("x-corridor-roles").list_value().values()) {
    roles.push_back(role.string_value());
  }
  EXPECT_THAT(roles, ::testing::ElementsAre("coordinator", "partner"));
  EXPECT_TRUE(operation.at("x-corridor-own-agency").bool_value());
  EXPECT_TRUE(operation.at("responses").struct_value().fields().contains("400"));
  // Streams are not the gateway's (the change feed has its own route).
  EXPECT_FALSE(paths.contains("/api/v1/AuditService/WatchChanges"));
  // Every schema a path or a schema refers to is described.
  std::set<std::string> refs;
  CollectRefs(document, &refs);
  const auto& schemas = root.at("components").struct_value().fields().at("schemas");
  for (const std::string& ref : refs) {
    const std::string name = ref.substr(ref.rfind('/') + 1);
    EXPECT_TRUE(schemas.struct_value().fields().contains(name)) << ref;
  }
  const auto& convoy = schemas.struct_value().fields().at("corridor.v1.Convoy");
  EXPECT_EQ(convoy.struct_value()
                .fields()
                .at("properties")
                .struct_value()
                .fields()
                .at("agency")
                .struct_value()
                .fields()
                .at("type")
                .string_value(),
            "string");
  // The limits the contract declares (limits.proto) are the schema's.
  const auto& submit = schemas.struct_value()
                           .fields()
                           .at("corridor.v1.SubmitConvoyRequestRequest")
                           .struct_value()
                           .fields()
                           .at("properties")
                           .struct_value()
                           .fields();
  const auto& note = submit.at("note").struct_value().fields();
  EXPECT_FALSE(note.contains("maxLength"));  // characters, not the contract's bytes
  EXPECT_EQ(note.at("x-corridor-max-bytes").number_value(), 4000);
  EXPECT_EQ(submit.at("manifest").struct_value().fields().at("maxItems").number_value(), 500);
}

}  // namespace
}  // namespace corridor::web
