// The areas service over a real gRPC server on a loopback port, with a real
// RocksDB in a temporary folder.
#include "services/areas/area_service.h"

#include <grpcpp/grpcpp.h>

#include <set>
#include <thread>

#include "common/server.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/areas/areas_module.h"
#include "tests/testing/standard_services.h"
#include "tests/testing/temp_dir.h"
#include "tests/testing/test_credentials.h"

namespace corridor::areas {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

class AreaServiceTest : public ::testing::Test {
 protected:
  void SetUp() override { Start(/*load_reference_data=*/true); }
  void TearDown() override { Stop(); }

  void Start(bool load_reference_data) {
    ModuleOptions options;
    options.data_dir = dir_.Sub("areas");
    options.load_reference_data = load_reference_data;
    options.access = credentials_.access();
    auto module = OpenAreasModule(options);
    ASSERT_TRUE(module.ok()) << module.status();
    module_ = *std::move(module);
    ServerOptions server_options;
    server_options.max_receive_message_bytes = 1024 * 1024;
    auto host = ServiceHost::Start(server_options, module_->Services());
    ASSERT_TRUE(host.ok()) << host.status();
    host_ = *std::move(host);
    channel_ = grpc::CreateChannel("127.0.0.1:" + std::to_string(host_->port()),
                                   grpc::InsecureChannelCredentials());
    stub_ = v1::AreaService::NewStub(channel_);
  }

  void Stop() {
    stub_.reset();
    channel_.reset();
    host_.reset();
    module_.reset();
  }

  // An admin (who manages areas) named `who`.
  std::unique_ptr<grpc::ClientContext> Context(const std::string& who = "tester") {
    return credentials_.Context(v1::ROLE_ADMIN, who);
  }

  // Every area, following page tokens.
  std::vector<v1::Area> ListAll(v1::ListAreasRequest request, int page_size = 200) {
    std::vector<v1::Area> areas;
    request.mutable_page()->set_page_size(page_size);
    for (int pages = 0; pages < 1000; ++pages) {
      v1::ListAreasResponse response;
      grpc::Status status = stub_->ListAreas(Context().get(), request, &response);
      EXPECT_TRUE(status.ok()) << status.error_message();
      if (!status.ok()) break;
      areas.insert(areas.end(), response.areas().begin(), response.areas().end());
      if (response.next_page_token().empty()) break;
      request.mutable_page()->set_page_token(response.next_page_token());
    }
    return areas;
  }

  v1::CreateAreaRequest NewArea(const std::string& id) {
    v1::CreateAreaRequest request;
    v1::Area* area = request.mutable_area();
    area->set_id(id);
    area->set_name_en("New area " + id);
    area->set_name_ar("منطقة جديدة");
    area->mutable_governorate()->set_pcode("SY12");
    area->mutable_governorate()->set_name("Dar'a");
    area->set_besieging_party("Syrian Government forces");
    area->set_status(v1::AREA_STATUS_HARD_TO_REACH);
    request.mutable_status_effective_date()->set_year(2016);
    request.mutable_status_effective_date()->set_month(3);
    request.mutable_status_effective_date()->set_day(1);
    request.mutable_status_source()->set_citation("test source");
    return request;
  }

  v1::Area Create(const std::string& id) {
    v1::Area created;
    grpc::Status status = stub_->CreateArea(Context().get(), NewArea(id), &created);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return created;
  }

  v1::RecordStatusChangeRequest Change(const std::string& id, v1::AreaStatus status, int year,
                                       int month, int day) {
    v1::RecordStatusChangeRequest request;
    request.set_area_id(id);
    request.set_status(status);
    request.mutable_effective_date()->set_year(year);
    request.mutable_effective_date()->set_month(month);
    request.mutable_effective_date()->set_day(day);
    request.mutable_source()->set_citation("report " + std::to_string(year));
    return request;
  }

  testing::TempDir dir_;
  testing::TestCredentials credentials_{dir_.Sub("auth")};
  std::unique_ptr<ServiceModule> module_;
  std::unique_ptr<ServiceHost> host_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::AreaService::Stub> stub_;
};

TEST_F(AreaServiceTest, ReferenceAreasAreServedOnFirstStart) {
  std::vector<v1::Area> areas = ListAll({});
  EXPECT_EQ(areas.size(), 51u);
  v1::Area douma;
  ASSERT_TRUE(stub_
                  ->GetArea(
                      Context().get(),
                      [] {
                        v1::GetAreaRequest r;
                        r.set_id("EG-DUMA");
                        return r;
                      }(),
                      &douma)
                  .ok());
  EXPECT_EQ(douma.name_en(), "Douma");
  EXPECT_EQ(douma.status(), v1::AREA_STATUS_BESIEGED);
  EXPECT_EQ(douma.version(), 1);
  EXPECT_EQ(douma.meta().created_by().name(), "reference-data-loader");
}

TEST_F(AreaServiceTest, ReferenceDataIsLoadedOnlyOnce) {
  Create("EXTRA-1");
  Stop();
  Start(true);
  std::vector<v1::Area> areas = ListAll({});
  EXPECT_EQ(areas.size(), 52u);
  for (const v1::Area& area : areas) EXPECT_EQ(area.version(), 1) << area.id();
}

TEST_F(AreaServiceTest, CreateThenGetRoundTripsEveryField) {
  v1::CreateAreaRequest request = NewArea("NEW-1");
  request.mutable_area()->mutable_location()->set_latitude(32.62);
  request.mutable_area()->mutable_location()->set_longitude(36.10);
  request.mutable_area()->mutable_population()->set_count(1234);
  request.mutable_area()->mutable_population()->set_as_reported("1,234");
  v1::Area created;
  ASSERT_TRUE(stub_->CreateArea(Context("alice").get(), request, &created).ok());
  EXPECT_EQ(created.version(), 1);
  EXPECT_EQ(created.status_changes(), 1);
  EXPECT_EQ(created.meta().created_by().name(), "alice");
  EXPECT_TRUE(created.meta().created_by().authenticated());
  EXPECT_EQ(created.meta().created_by().role(), v1::ROLE_ADMIN);

  v1::GetAreaRequest get;
  get.set_id("NEW-1");
  v1::Area read;
  ASSERT_TRUE(stub_->GetArea(Context().get(), get, &read).ok());
  EXPECT_EQ(read.name_ar(), "منطقة جديدة");
  EXPECT_DOUBLE_EQ(read.location().latitude(), 32.62);
  EXPECT_EQ(read.population().count(), 1234);
  EXPECT_EQ(read.status_since().year(), 2016);
  EXPECT_EQ(read.SerializeAsString(), created.SerializeAsString());
}

TEST_F(AreaServiceTest, DuplicateIdIsAlreadyExistsAndKeepsTheOriginal) {
  v1::CreateAreaRequest request = NewArea("EG-DUMA");
  request.mutable_area()->set_name_en("Impostor");
  v1::Area ignored;
  grpc::Status status = stub_->CreateArea(Context().get(), request, &ignored);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_THAT(status.error_message(), StartsWith("area.id: "));
  v1::GetAreaRequest get;
  get.set_id("EG-DUMA");
  v1::Area douma;
  ASSERT_TRUE(stub_->GetArea(Context().get(), get, &douma).ok());
  EXPECT_EQ(douma.name_en(), "Douma");
  EXPECT_EQ(douma.version(), 1);
}

TEST_F(AreaServiceTest, BadInputIsRefusedNamingTheFieldAndStoresNothing) {
  struct Case {
    std::string name;
    std::function<void(v1::CreateAreaRequest*)> change;
    std::string field;
  };
  std::vector<Case> cases = {
      {"empty name", [](auto* r) { r->mutable_area()->clear_name_en(); }, "area.name_en"},
      {"oversized name", [](auto* r) { r->mutable_area()->set_name_en(std::string(300, 'x')); },
       "area.name_en"},
      {"unknown status",
       [](auto* r) { r->mutable_area()->set_status(static_cast<v1::AreaStatus>(57)); },
       "area.status"},
      {"latitude", [](auto* r) { r->mutable_area()->mutable_location()->set_latitude(-95); },
       "area.location.latitude"},
      {"longitude", [](auto* r) { r->mutable_area()->mutable_location()->set_longitude(200); },
       "area.location.longitude"},
      {"bad id", [](auto* r) { r->mutable_area()->set_id("has space"); }, "area.id"},
      {"governorate", [](auto* r) { r->mutable_area()->mutable_governorate()->set_pcode("SY00"); },
       "area.governorate.pcode"},
      {"no source", [](auto* r) { r->clear_status_source(); }, "status_source.citation"},
  };
  for (const Case& c : cases) {
    v1::CreateAreaRequest request = NewArea("BAD-1");
    c.change(&request);
    v1::Area ignored;
    grpc::Status status = stub_->CreateArea(Context().get(), request, &ignored);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << c.name;
    EXPECT_THAT(status.error_message(), StartsWith(c.field + ": ")) << c.name;
  }
  EXPECT_EQ(ListAll({}).size(), 51u);
}

TEST_F(AreaServiceTest, MalformedPageTokenAndPageSizeAreRefused) {
  v1::ListAreasRequest request;
  request.mutable_page()->set_page_token("not-a-token");
  v1::ListAreasResponse response;
  grpc::Status status = stub_->ListAreas(Context().get(), request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), StartsWith("page.page_token: "));

  request.mutable_page()->clear_page_token();
  request.mutable_page()->set_page_size(1000);
  status = stub_->ListAreas(Context().get(), request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), StartsWith("page.page_size: "));
}

TEST_F(AreaServiceTest, ATokenCannotBeReplayedWithOtherFilters) {
  v1::ListAreasRequest request;
  request.mutable_page()->set_page_size(5);
  v1::ListAreasResponse first;
  ASSERT_TRUE(stub_->ListAreas(Context().get(), request, &first).ok());
  ASSERT_FALSE(first.next_page_token().empty());
  request.set_status(v1::AREA_STATUS_WATCHLIST);
  request.mutable_page()->set_page_token(first.next_page_token());
  v1::ListAreasResponse second;
  grpc::Status status = stub_->ListAreas(Context().get(), request, &second);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("page_token"));
}

TEST_F(AreaServiceTest, PagingReturnsEachAreaOnceInIdOrder) {
  for (int page_size : {1, 7, 50, 51}) {
    std::vector<v1::Area> areas = ListAll({}, page_size);
    std::vector<std::string> ids;
    for (const auto& a : areas) ids.push_back(a.id());
    EXPECT_EQ(ids.size(), 51u) << page_size;
    EXPECT_TRUE(std::is_sorted(ids.begin(), ids.end())) << page_size;
    EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()).size(), 51u) << page_size;
  }
}

TEST_F(AreaServiceTest, FiltersCombineAndMatchTheRecords) {
  v1::ListAreasRequest by_status;
  by_status.set_status(v1::AREA_STATUS_WATCHLIST);
  std::vector<v1::Area> watchlist = ListAll(by_status, 3);
  EXPECT_FALSE(watchlist.empty());
  for (const auto& a : watchlist) EXPECT_EQ(a.status(), v1::AREA_STATUS_WATCHLIST);

  v1::ListAreasRequest by_governorate;
  by_governorate.set_governorate_pcode("SY07");
  std::vector<v1::Area> idleb = ListAll(by_governorate);
  ASSERT_EQ(idleb.size(), 2u);  // al-Foua and Kefraya
  EXPECT_EQ(idleb[0].id(), "IDL-FOUA");

  v1::ListAreasRequest by_party;
  by_party.set_besieging_party("SYRIAN GOVERNMENT AND AFFILIATED MILITIAS");
  std::vector<v1::Area> government = ListAll(by_party);
  EXPECT_GE(government.size(), 20u);

  v1::ListAreasRequest combined = by_party;
  combined.set_governorate_pcode("SY01");
  combined.set_status(v1::AREA_STATUS_BESIEGED);
  std::vector<v1::Area> both = ListAll(combined, 1);
  EXPECT_FALSE(both.empty());
  for (const auto& a : both) {
    EXPECT_EQ(a.governorate().pcode(), "SY01");
    EXPECT_EQ(a.status(), v1::AREA_STATUS_BESIEGED);
  }
  size_t expected = 0;
  for (const auto& a : government) {
    expected += a.governorate().pcode() == "SY01" && a.status() == v1::AREA_STATUS_BESIEGED;
  }
  EXPECT_EQ(both.size(), expected);
}

TEST_F(AreaServiceTest, UpdateWithStaleVersionIsAbortedAndChangesNothing) {
  v1::Area area = Create("UPD-1");
  v1::UpdateAreaRequest update;
  *update.mutable_area() = area;
  update.mutable_area()->set_name_en("First rename");
  v1::Area updated;
  ASSERT_TRUE(stub_->UpdateArea(Context().get(), update, &updated).ok());
  EXPECT_EQ(updated.version(), 2);
  EXPECT_EQ(updated.status_changes(), 1);

  update.mutable_area()->set_name_en("Lost update");  // still at version 1
  grpc::Status status = stub_->UpdateArea(Context().get(), update, &updated);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::ABORTED);
  EXPECT_THAT(status.error_message(), StartsWith("version: "));

  v1::GetAreaRequest get;
  get.set_id("UPD-1");
  v1::Area read;
  ASSERT_TRUE(stub_->GetArea(Context().get(), get, &read).ok());
  EXPECT_EQ(read.name_en(), "First rename");
  EXPECT_EQ(read.version(), 2);
}

TEST_F(AreaServiceTest, AnUpdateMaskChangesOnlyTheFieldsItNames) {
  v1::Area area = Create("UPD-3");
  v1::UpdateAreaRequest update;
  update.mutable_area()->set_id("UPD-3");
  update.mutable_area()->set_version(area.version());
  update.mutable_area()->set_name_ar("اسم جديد");
  update.mutable_area()->set_name_en("not in the mask: ignored");
  update.mutable_update_mask()->add_paths("name_ar");
  v1::Area updated;
  grpc::Status status = stub_->UpdateArea(Context().get(), update, &updated);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(updated.name_ar(), "اسم جديد");
  EXPECT_EQ(updated.name_en(), area.name_en());
  EXPECT_EQ(updated.governorate().pcode(), area.governorate().pcode());
  EXPECT_EQ(updated.version(), area.version() + 1);

  // The server's own fields, and names that are no field, are refused.
  update.mutable_area()->set_version(updated.version());
  for (const std::string path : {"status", "meta.updated_by", "no_such_field"}) {
    update.mutable_update_mask()->Clear();
    update.mutable_update_mask()->add_paths(path);
    status = stub_->UpdateArea(Context().get(), update, &updated);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << path;
    EXPECT_THAT(status.error_message(), StartsWith("update_mask: ")) << path;
  }
  // The merged area is checked whole: clearing a required name is refused.
  update.mutable_update_mask()->Clear();
  update.mutable_update_mask()->add_paths("name_en");
  update.mutable_area()->clear_name_en();
  status = stub_->UpdateArea(Context().get(), update, &updated);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), StartsWith("area.name_en: "));
}

TEST_F(AreaServiceTest, UpdateCannotChangeTheStatus) {
  v1::Area area = Create("UPD-2");
  v1::UpdateAreaRequest update;
  *update.mutable_area() = area;
  update.mutable_area()->set_status(v1::AREA_STATUS_SIEGE_BROKEN);
  v1::Area ignored;
  grpc::Status status = stub_->UpdateArea(Context().get(), update, &ignored);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), StartsWith("area.status: "));
}

TEST_F(AreaServiceTest, UpdateOfAnUnknownAreaIsNotFound) {
  v1::UpdateAreaRequest update;
  *update.mutable_area() = NewArea("GHOST").area();
  update.mutable_area()->set_version(1);
  v1::Area ignored;
  grpc::Status status = stub_->UpdateArea(Context().get(), update, &ignored);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_THAT(status.error_message(), StartsWith("area.id: "));
}

TEST_F(AreaServiceTest, StatusHistoryIsKeptNewestFirst) {
  Create("HIS-1");  // HARD_TO_REACH since 2016-03-01
  v1::RecordStatusChangeResponse response;
  ASSERT_TRUE(stub_
                  ->RecordStatusChange(Context().get(),
                                       Change("HIS-1", v1::AREA_STATUS_BESIEGED, 2016, 7, 17),
                                       &response)
                  .ok());
  EXPECT_EQ(response.area().status(), v1::AREA_STATUS_BESIEGED);
  EXPECT_EQ(response.change().previous_status(), v1::AREA_STATUS_HARD_TO_REACH);
  ASSERT_TRUE(stub_
                  ->RecordStatusChange(Context().get(),
                                       Change("HIS-1", v1::AREA_STATUS_EVACUATED, 2016, 12, 22),
                                       &response)
                  .ok());
  // A back-dated report joins the history but does not change the present.
  ASSERT_TRUE(stub_
                  ->RecordStatusChange(Context().get(),
                                       Change("HIS-1", v1::AREA_STATUS_WATCHLIST, 2016, 5, 1),
                                       &response)
                  .ok());
  EXPECT_EQ(response.area().status(), v1::AREA_STATUS_EVACUATED);
  EXPECT_EQ(response.area().status_since().month(), 12);
  EXPECT_EQ(response.area().status_changes(), 4);
  EXPECT_EQ(response.area().version(), 4);

  v1::GetAreaHistoryRequest history_request;
  history_request.set_area_id("HIS-1");
  history_request.mutable_page()->set_page_size(3);
  v1::GetAreaHistoryResponse history;
  ASSERT_TRUE(stub_->GetAreaHistory(Context().get(), history_request, &history).ok());
  ASSERT_EQ(history.changes_size(), 3);
  EXPECT_EQ(history.changes(0).status(), v1::AREA_STATUS_EVACUATED);
  EXPECT_EQ(history.changes(1).status(), v1::AREA_STATUS_BESIEGED);
  EXPECT_EQ(history.changes(2).status(), v1::AREA_STATUS_WATCHLIST);
  EXPECT_EQ(history.changes(2).sequence(), 4);
  ASSERT_FALSE(history.next_page_token().empty());
  history_request.mutable_page()->set_page_token(history.next_page_token());
  ASSERT_TRUE(stub_->GetAreaHistory(Context().get(), history_request, &history).ok());
  ASSERT_EQ(history.changes_size(), 1);
  EXPECT_EQ(history.changes(0).status(), v1::AREA_STATUS_HARD_TO_REACH);
  EXPECT_EQ(history.changes(0).sequence(), 1);
  EXPECT_TRUE(history.next_page_token().empty());
}

TEST_F(AreaServiceTest, StatusChangeWithStaleExpectedVersionIsAborted) {
  Create("HIS-2");
  v1::RecordStatusChangeRequest request = Change("HIS-2", v1::AREA_STATUS_BESIEGED, 2016, 7, 1);
  request.set_expected_version(1);
  v1::RecordStatusChangeResponse response;
  ASSERT_TRUE(stub_->RecordStatusChange(Context().get(), request, &response).ok());
  request.set_status(v1::AREA_STATUS_SIEGE_BROKEN);
  grpc::Status status = stub_->RecordStatusChange(Context().get(), request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::ABORTED);
  EXPECT_THAT(status.error_message(), StartsWith("expected_version: "));
  v1::GetAreaRequest get;
  get.set_id("HIS-2");
  v1::Area read;
  ASSERT_TRUE(stub_->GetArea(Context().get(), get, &read).ok());
  EXPECT_EQ(read.status(), v1::AREA_STATUS_BESIEGED);
  EXPECT_EQ(read.status_changes(), 2);
}

TEST_F(AreaServiceTest, ConcurrentStatusChangesAreAllKept) {
  Create("HIS-3");
  constexpr int kThreads = 6, kEach = 10;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        v1::RecordStatusChangeResponse response;
        grpc::Status status = stub_->RecordStatusChange(
            Context().get(), Change("HIS-3", v1::AREA_STATUS_BESIEGED, 2017, 1 + t, 1 + i),
            &response);
        EXPECT_TRUE(status.ok()) << status.error_message();
      }
    });
  }
  for (auto& t : threads) t.join();
  v1::GetAreaHistoryRequest request;
  request.set_area_id("HIS-3");
  request.mutable_page()->set_page_size(500);
  v1::GetAreaHistoryResponse history;
  ASSERT_TRUE(stub_->GetAreaHistory(Context().get(), request, &history).ok());
  EXPECT_EQ(history.changes_size(), 1 + kThreads * kEach);
  std::set<int64_t> sequences;
  for (const auto& c : history.changes()) sequences.insert(c.sequence());
  EXPECT_EQ(sequences.size(), static_cast<size_t>(1 + kThreads * kEach));
}

TEST_F(AreaServiceTest, UnknownAreaIsNotFoundNamingTheField) {
  v1::GetAreaRequest get;
  get.set_id("NOPE-1");
  v1::Area ignored;
  grpc::Status status = stub_->GetArea(Context().get(), get, &ignored);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_THAT(status.error_message(), StartsWith("id: "));
  v1::GetAreaHistoryRequest history;
  history.set_area_id("NOPE-1");
  v1::GetAreaHistoryResponse history_response;
  status = stub_->GetAreaHistory(Context().get(), history, &history_response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_THAT(status.error_message(), StartsWith("area_id: "));
}

TEST_F(AreaServiceTest, OversizedRequestIsRefusedAndTheServerKeepsServing) {
  v1::CreateAreaRequest request = NewArea("BIG-1");
  request.mutable_area()->set_notes(std::string(2 * 1024 * 1024, 'x'));
  v1::Area ignored;
  grpc::Status status = stub_->CreateArea(Context().get(), request, &ignored);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(ListAll({}).size(), 51u);
}

TEST_F(AreaServiceTest, HealthServiceReportsServing) {
  for (const std::string& service : {std::string(""), std::string("corridor.v1.AreaService")}) {
    absl::StatusOr<std::string> health = testing::CheckHealth(channel_.get(), service);
    ASSERT_TRUE(health.ok()) << service << ": " << health.status();
    EXPECT_EQ(*health, "SERVING") << service;
  }
  absl::StatusOr<std::string> unknown = testing::CheckHealth(channel_.get(), "no.such.Service");
  EXPECT_EQ(unknown.status().code(), absl::StatusCode::kNotFound);
}

TEST_F(AreaServiceTest, ReflectionListsTheService) {
  absl::StatusOr<std::set<std::string>> names = testing::ListServicesByReflection(channel_.get());
  ASSERT_TRUE(names.ok()) << names.status();
  EXPECT_TRUE(names->count("corridor.v1.AreaService"));
  EXPECT_TRUE(names->count("grpc.health.v1.Health"));
}

}  // namespace
}  // namespace corridor::areas
