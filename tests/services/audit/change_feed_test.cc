// AuditService.WatchChanges, the partner change feed, against a real
// corridord: every change in order, resumable without gaps or repeats,
// each record matching its journal entry and each entry proven by the
// signed tree head.
#include <csignal>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/credentials.h"
#include "corridor/v1/audit.grpc.pb.h"
#include "corridor/v1/routes.grpc.pb.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/time_util.h"
#include "grpcpp/create_channel.h"
#include "gtest/gtest.h"
#include "storage/merkle.h"
#include "tests/testing/subprocess.h"
#include "tests/testing/temp_dir.h"

namespace corridor {
namespace {

using ::testing::HasSubstr;
using testing::ServerProcess;
namespace merkle = storage::merkle;

class ChangeFeedTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto server = ServerProcess::Start(testing::BinaryPath("corridord"),
                                       {"--data_dir=" + dir_.Sub("data")}, dir_.path());
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    channel_ = grpc::CreateChannel(server_->address(), grpc::InsecureChannelCredentials());
    // Partners and oversight follow the feed; a coordinator files the
    // reports.
    for (const auto& [role, agency, token] :
         {std::tuple<std::string, std::string, std::string*>{"partner", "WFP", &partner_},
          {"coordinator", "", &coordinator_},
          {"oversight", "", &oversight_}}) {
      auto file = testing::CreateTokenFile(server_->address(), dir_.Sub("data"), role,
                                           dir_.Sub(role + ".token"), agency);
      ASSERT_TRUE(file.ok()) << file.status();
      auto read = ReadTokenFile(*file);
      ASSERT_TRUE(read.ok()) << read.status();
      *token = *read;
    }
    audit_ = v1::AuditService::NewStub(channel_);
    routes_ = v1::RouteService::NewStub(channel_);
  }

  // Follows `request` as the partner (or the holder of `token`) until
  // `count` changes have arrived.
  std::vector<v1::Change> Read(const v1::WatchChangesRequest& request, size_t count,
                               grpc::Status* status = nullptr, const std::string* token = nullptr) {
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(20)));
    AttachBearerToken(&context, token != nullptr ? *token : partner_);
    auto reader = audit_->WatchChanges(&context, request);
    std::vector<v1::Change> changes;
    v1::Change change;
    while (changes.size() < count && reader->Read(&change)) changes.push_back(change);
    if (changes.size() == count) context.TryCancel();  // the stream would go on
    grpc::Status finished = reader->Finish();
    if (status != nullptr) *status = finished;
    return changes;
  }

  v1::SignedTreeHead Head(const std::string& service) {
    grpc::ClientContext context;
    AttachBearerToken(&context, partner_);
    v1::GetTreeHeadRequest request;
    request.set_service(service);
    v1::SignedTreeHead head;
    EXPECT_TRUE(audit_->GetTreeHead(&context, request, &head).ok());
    return head;
  }

  void Report(v1::RouteStatus status, int day) {
    grpc::ClientContext context;
    AttachBearerToken(&context, coordinator_);
    v1::ReportRouteStatusRequest request;
    request.set_route_id("castello-road");
    request.set_status(status);
    *request.mutable_observed_at() =
        google::protobuf::util::TimeUtil::SecondsToTimestamp(1480000000 + day * 86400);
    request.mutable_source()->set_citation("change feed test");
    v1::ReportRouteStatusResponse response;
    grpc::Status s = routes_->ReportRouteStatus(&context, request, &response);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }

  static v1::WatchChangesRequest From(uint64_t start, const std::string& service = "routes") {
    v1::WatchChangesRequest request;
    request.set_service(service);
    request.set_start(start);
    return request;
  }

  testing::TempDir dir_;
  std::unique_ptr<ServerProcess> server_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::AuditService::Stub> audit_;
  std::unique_ptr<v1::RouteService::Stub> routes_;
  std::string partner_, coordinator_, oversight_;
};

TEST_F(ChangeFeedTest, DeliversEveryEntryInOrderThenNewOnesAsTheyCommit) {
  const uint64_t size = Head("routes").tree_size();
  ASSERT_GT(size, 0u) << "the reference data is journaled";
  std::vector<v1::Change> history = Read(From(0), size);
  ASSERT_EQ(history.size(), size);
  for (uint64_t i = 0; i < size; ++i) {
    EXPECT_EQ(history[i].index(), i);
    EXPECT_EQ(history[i].entry().index(), i);
    EXPECT_EQ(history[i].service(), "routes");
    EXPECT_EQ(history[i].records_size(), history[i].entry().changes_size());
  }

  Report(v1::ROUTE_STATUS_CLOSED, 1);
  Report(v1::ROUTE_STATUS_OPEN, 2);
  // The partner gets the coordinator's reports without the coordinator's
  // name or token id, and so without the entries' bytes; each entry's leaf
  // hash still comes (issue 20).
  std::vector<v1::Change> redacted = Read(From(size), 2);
  ASSERT_EQ(redacted.size(), 2u);
  for (const v1::Change& change : redacted) {
    EXPECT_EQ(change.entry().principal().role(), v1::ROLE_COORDINATOR);
    EXPECT_EQ(change.entry().principal().name(), "");
    EXPECT_EQ(change.entry().principal().token_id(), "");
    EXPECT_TRUE(change.entry_bytes().empty());
    EXPECT_EQ(change.leaf_hash().size(), 32u);
    for (const v1::ChangedRecord& record : change.records()) {
      if (record.table() != "route_reports") continue;
      EXPECT_EQ(record.state(), v1::ChangedRecord::REDACTED);
      v1::RouteReport report;
      ASSERT_TRUE(record.record().UnpackTo(&report));
      EXPECT_EQ(report.route_id(), "castello-road");
      EXPECT_EQ(report.recorded_by().name(), "");
      EXPECT_EQ(report.recorded_by().role(), v1::ROLE_COORDINATOR);
    }
  }
  // An oversight body gets them whole, as GetEntries gives them.
  std::vector<v1::Change> fresh = Read(From(size), 2, nullptr, &oversight_);
  ASSERT_EQ(fresh.size(), 2u);
  EXPECT_EQ(fresh[0].index(), size);
  EXPECT_EQ(fresh[1].index(), size + 1);
  EXPECT_EQ(fresh[0].entry().rpc(), "/corridor.v1.RouteService/ReportRouteStatus");
  EXPECT_FALSE(fresh[0].entry().principal().name().empty());
  EXPECT_EQ(fresh[0].entry().principal().name(), fresh[1].entry().principal().name());
  EXPECT_EQ(fresh[0].entry().principal().role(), v1::ROLE_COORDINATOR);
  for (size_t i = 0; i < fresh.size(); ++i) {
    EXPECT_EQ(fresh[i].leaf_hash(), merkle::ToBytes(merkle::LeafHash(fresh[i].entry_bytes())));
    EXPECT_EQ(fresh[i].leaf_hash(), redacted[i].leaf_hash());
  }

  for (const v1::Change& change : fresh) {
    for (int i = 0; i < change.records_size(); ++i) {
      const v1::ChangedRecord& record = change.records(i);
      const v1::JournalChange& written = change.entry().changes(i);
      if (record.table() == "route_reports") {
        // A report is never rewritten: it stays as its entry wrote it.
        ASSERT_EQ(record.state(), v1::ChangedRecord::CURRENT);
        EXPECT_EQ(merkle::ToBytes(merkle::Sha256(record.record().value())),
                  written.record_sha256());
        v1::RouteReport report;
        ASSERT_TRUE(record.record().UnpackTo(&report));
        EXPECT_EQ(report.route_id(), "castello-road");
      }
    }
  }
  // The route itself changed twice: the first entry's version is superseded
  // by the second, which carries the route as it is now.
  auto route_record = [](const v1::Change& change) {
    for (const v1::ChangedRecord& r : change.records()) {
      if (r.table() == "routes") return r;
    }
    return v1::ChangedRecord();
  };
  EXPECT_EQ(route_record(fresh[0]).state(), v1::ChangedRecord::SUPERSEDED);
  EXPECT_FALSE(route_record(fresh[0]).has_record());
  ASSERT_EQ(route_record(fresh[1]).state(), v1::ChangedRecord::CURRENT);
  v1::Route route;
  ASSERT_TRUE(route_record(fresh[1]).record().UnpackTo(&route));
  EXPECT_EQ(route.status(), v1::ROUTE_STATUS_OPEN);
}

TEST_F(ChangeFeedTest, ResumesAfterADisconnectWithoutGapsOrRepeats) {
  const uint64_t size = Head("routes").tree_size();
  for (int day = 0; day < 6; ++day) {
    Report(day % 2 ? v1::ROUTE_STATUS_OPEN : v1::ROUTE_STATUS_UNDER_FIRE, 10 + day);
  }
  // A partner reads three, loses its connection, and resumes from the last
  // index it received + 1, while more reports are filed.
  std::vector<v1::Change> first = Read(From(size), 3);
  ASSERT_EQ(first.size(), 3u);
  Report(v1::ROUTE_STATUS_CLOSED, 20);
  std::vector<v1::Change> rest = Read(From(first.back().index() + 1), 4);
  ASSERT_EQ(rest.size(), 4u);
  std::vector<uint64_t> seen;
  for (const auto* part : {&first, &rest}) {
    for (const v1::Change& change : *part) seen.push_back(change.index());
  }
  std::vector<uint64_t> expected;
  for (uint64_t i = size; i < size + 7; ++i) expected.push_back(i);
  EXPECT_EQ(seen, expected);
}

TEST_F(ChangeFeedTest, EachChangeIsProvenByTheSignedTreeHead) {
  Report(v1::ROUTE_STATUS_RESTRICTED, 3);
  const v1::SignedTreeHead head = Head("routes");
  std::vector<v1::Change> all = Read(From(0), head.tree_size(), nullptr, &oversight_);
  ASSERT_EQ(all.size(), head.tree_size());
  auto root = merkle::FromBytes(head.root_hash());
  ASSERT_TRUE(root.ok());
  // A partner, who gets the coordinator's entry redacted, proves it by its
  // leaf hash alone.
  std::vector<v1::Change> partners = Read(From(0), head.tree_size());
  ASSERT_EQ(partners.size(), head.tree_size());
  ASSERT_TRUE(partners.back().entry_bytes().empty());
  for (const v1::Change& change : {all.front(), all.back()}) {
    grpc::ClientContext context;
    AttachBearerToken(&context, partner_);
    v1::GetInclusionProofRequest request;
    request.set_service("routes");
    request.set_leaf_index(change.index());
    request.set_tree_size(head.tree_size());
    v1::InclusionProof proof;
    ASSERT_TRUE(audit_->GetInclusionProof(&context, request, &proof).ok());
    std::vector<merkle::Hash> path;
    for (const std::string& node : proof.audit_path()) path.push_back(*merkle::FromBytes(node));
    EXPECT_TRUE(merkle::VerifyInclusion(merkle::LeafHash(change.entry_bytes()), change.index(),
                                        head.tree_size(), path, *root)
                    .ok());
    auto partners_leaf = merkle::FromBytes(partners[change.index()].leaf_hash());
    ASSERT_TRUE(partners_leaf.ok());
    EXPECT_TRUE(
        merkle::VerifyInclusion(*partners_leaf, change.index(), head.tree_size(), path, *root)
            .ok());
    // A rewritten entry would not verify.
    std::string forged = change.entry_bytes();
    ASSERT_FALSE(forged.empty());
    forged.back() ^= 1;
    EXPECT_FALSE(merkle::VerifyInclusion(merkle::LeafHash(forged), change.index(), head.tree_size(),
                                         path, *root)
                     .ok());
  }
}

TEST_F(ChangeFeedTest, TablesFilterLeavesOtherEntriesOut) {
  Report(v1::ROUTE_STATUS_CLOSED, 4);
  const uint64_t size = Head("routes").tree_size();
  auto writes_report = [](const v1::Change& change) {
    for (const v1::ChangedRecord& r : change.records()) {
      if (r.table() == "route_reports") return true;
    }
    return false;
  };
  std::vector<uint64_t> expected;
  for (const v1::Change& change : Read(From(0), size)) {
    if (writes_report(change)) expected.push_back(change.index());
  }
  ASSERT_FALSE(expected.empty());
  ASSERT_LT(expected.size(), size) << "the routes themselves were loaded without reports";

  v1::WatchChangesRequest request = From(0);
  request.add_tables("route_reports");
  std::vector<uint64_t> filtered;
  for (const v1::Change& change : Read(request, expected.size())) {
    filtered.push_back(change.index());
  }
  EXPECT_EQ(filtered, expected);
}

TEST_F(ChangeFeedTest, FromEndDeliversOnlyNewChanges) {
  v1::WatchChangesRequest request = From(0);
  request.set_from_end(true);
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(20)));
  AttachBearerToken(&context, partner_);
  auto reader = audit_->WatchChanges(&context, request);
  reader->WaitForInitialMetadata();
  const uint64_t size = Head("routes").tree_size();
  Report(v1::ROUTE_STATUS_OPEN, 5);
  v1::Change change;
  ASSERT_TRUE(reader->Read(&change));
  EXPECT_EQ(change.index(), size);
  context.TryCancel();
  reader->Finish();
}

TEST_F(ChangeFeedTest, RefusesWhatItCannotServeNamingTheField) {
  grpc::Status status;
  Read(From(0, "auth"), 1, &status);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("credentials"));

  Read(From(Head("routes").tree_size() + 5), 1, &status);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("start"));

  v1::WatchChangesRequest request = From(0);
  request.add_tables("no_such_table");
  Read(request, 1, &status);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("route_reports"));

  Read(From(0, "nowhere"), 1, &status);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(ChangeFeedTest, ShutdownEndsStreamsSayingWhereToResume) {
  const uint64_t size = Head("routes").tree_size();
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(30)));
  AttachBearerToken(&context, partner_);
  auto reader = audit_->WatchChanges(&context, From(size));
  reader->WaitForInitialMetadata();
  const absl::Time asked = absl::Now();
  EXPECT_EQ(server_->StopWith(SIGTERM), 0);
  EXPECT_LT(absl::Now() - asked, absl::Seconds(10)) << "an idle stream must not hold shutdown";
  v1::Change change;
  EXPECT_FALSE(reader->Read(&change));
  grpc::Status status = reader->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_THAT(status.error_message(), HasSubstr(absl::StrCat("start=", size)));
}

}  // namespace
}  // namespace corridor
