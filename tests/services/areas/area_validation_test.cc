#include "services/areas/area_validation.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace corridor::areas {
namespace {

using ::testing::StartsWith;

v1::CreateAreaRequest ValidCreate() {
  v1::CreateAreaRequest request;
  v1::Area* area = request.mutable_area();
  area->set_id("TEST-AREA");
  area->set_name_en("Test area");
  area->set_name_ar("منطقة");
  area->mutable_governorate()->set_pcode("SY03");
  area->mutable_district()->set_pcode("SY0302");
  area->mutable_subdistrict()->set_pcode("SY030200");
  area->set_community_pcode("C2338");
  area->mutable_location()->set_latitude(33.57);
  area->mutable_location()->set_longitude(36.40);
  area->set_status(v1::AREA_STATUS_BESIEGED);
  request.mutable_status_source()->set_citation("test");
  return request;
}

// Applies `change` to a valid request and expects INVALID_ARGUMENT whose
// message starts with `field`.
void ExpectRefused(const std::function<void(v1::CreateAreaRequest*)>& change,
                   const std::string& field) {
  v1::CreateAreaRequest request = ValidCreate();
  change(&request);
  absl::Status status = ValidateCreate(request);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << field;
  EXPECT_THAT(std::string(status.message()), StartsWith(field + ": "));
}

TEST(AreaValidationTest, AValidRequestPasses) {
  EXPECT_TRUE(ValidateCreate(ValidCreate()).ok()) << ValidateCreate(ValidCreate());
}

TEST(AreaValidationTest, EachBadFieldIsNamed) {
  ExpectRefused([](auto* r) { r->clear_area(); }, "area");
  ExpectRefused([](auto* r) { r->mutable_area()->set_id(""); }, "area.id");
  ExpectRefused([](auto* r) { r->mutable_area()->set_id("lower-case"); }, "area.id");
  ExpectRefused([](auto* r) { r->mutable_area()->set_id(std::string(65, 'A')); }, "area.id");
  ExpectRefused([](auto* r) { r->mutable_area()->set_name_en(""); }, "area.name_en");
  ExpectRefused([](auto* r) { r->mutable_area()->set_name_en(std::string(201, 'x')); },
                "area.name_en");
  ExpectRefused([](auto* r) { r->mutable_area()->set_name_ar("\xFF\xFE"); }, "area.name_ar");
  ExpectRefused([](auto* r) { r->mutable_area()->add_alt_names(""); }, "area.alt_names[0]");
  ExpectRefused([](auto* r) { r->mutable_area()->mutable_governorate()->clear_pcode(); },
                "area.governorate.pcode");
  ExpectRefused([](auto* r) { r->mutable_area()->mutable_governorate()->set_pcode("SY15"); },
                "area.governorate.pcode");
  ExpectRefused([](auto* r) { r->mutable_area()->mutable_governorate()->set_pcode("XX03"); },
                "area.governorate.pcode");
  ExpectRefused([](auto* r) { r->mutable_area()->mutable_district()->set_pcode("SY0402"); },
                "area.district.pcode");
  ExpectRefused([](auto* r) { r->mutable_area()->mutable_subdistrict()->set_pcode("SY030100"); },
                "area.subdistrict.pcode");
  ExpectRefused([](auto* r) { r->mutable_area()->set_community_pcode("2338"); },
                "area.community_pcode");
  ExpectRefused([](auto* r) { r->mutable_area()->mutable_location()->set_latitude(90.01); },
                "area.location.latitude");
  ExpectRefused([](auto* r) { r->mutable_area()->mutable_location()->set_longitude(181); },
                "area.location.longitude");
  ExpectRefused([](auto* r) { r->mutable_area()->mutable_population()->set_count(-5); },
                "area.population.count");
  ExpectRefused([](auto* r) { r->mutable_area()->mutable_population(); }, "area.population");
  ExpectRefused([](auto* r) { r->mutable_area()->set_status(v1::AREA_STATUS_UNSPECIFIED); },
                "area.status");
  ExpectRefused([](auto* r) { r->mutable_area()->set_status(static_cast<v1::AreaStatus>(99)); },
                "area.status");
  ExpectRefused([](auto* r) { r->mutable_status_source()->clear_citation(); },
                "status_source.citation");
  ExpectRefused([](auto* r) { r->mutable_status_effective_date()->set_month(13); },
                "status_effective_date");
}

TEST(AreaValidationTest, UnknownStatusListsTheKnownOnes) {
  v1::CreateAreaRequest request = ValidCreate();
  request.mutable_area()->set_status(static_cast<v1::AreaStatus>(42));
  EXPECT_THAT(std::string(ValidateCreate(request).message()),
              ::testing::HasSubstr("unknown value 42; use one of BESIEGED, HARD_TO_REACH"));
}

TEST(AreaValidationTest, UpdateNeedsTheVersionRead) {
  v1::UpdateAreaRequest request;
  *request.mutable_area() = ValidCreate().area();
  request.mutable_area()->set_version(0);
  EXPECT_THAT(std::string(ValidateUpdate(request).message()), StartsWith("area.version: "));
  request.mutable_area()->set_version(3);
  EXPECT_TRUE(ValidateUpdate(request).ok());
}

TEST(AreaValidationTest, StatusChangeNeedsDateAndSource) {
  v1::RecordStatusChangeRequest request;
  request.set_area_id("EG-DUMA");
  request.set_status(v1::AREA_STATUS_SIEGE_BROKEN);
  EXPECT_THAT(std::string(ValidateStatusChange(request).message()), StartsWith("effective_date: "));
  request.mutable_effective_date()->set_year(2018);
  request.mutable_effective_date()->set_month(4);
  request.mutable_effective_date()->set_day(14);
  EXPECT_THAT(std::string(ValidateStatusChange(request).message()), StartsWith("source.citation: "));
  request.mutable_source()->set_citation("OCHA");
  EXPECT_TRUE(ValidateStatusChange(request).ok());
  request.set_area_id("bad id");
  EXPECT_THAT(std::string(ValidateStatusChange(request).message()), StartsWith("area_id: "));
}

TEST(AreaValidationTest, ListFilters) {
  v1::ListAreasRequest request;
  EXPECT_TRUE(ValidateList(request).ok());
  request.set_governorate_pcode("Rural Damascus");
  EXPECT_THAT(std::string(ValidateList(request).message()), StartsWith("governorate_pcode: "));
  request.set_governorate_pcode("SY03");
  request.set_status(static_cast<v1::AreaStatus>(77));
  EXPECT_THAT(std::string(ValidateList(request).message()), StartsWith("status: "));
}

}  // namespace
}  // namespace corridor::areas
