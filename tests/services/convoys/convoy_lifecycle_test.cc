// The convoy life cycle: every pair of statuses, legal or not.
#include "services/convoys/convoy_lifecycle.h"

#include <set>
#include <utility>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace corridor::convoys {
namespace {

using ::testing::HasSubstr;
using S = v1::ConvoyStatus;

// The life cycle as the issue and the .proto state it, written out by hand.
const std::set<std::pair<S, S>>& Legal() {
  static const auto* legal = new std::set<std::pair<S, S>>{
      {v1::CONVOY_STATUS_REQUESTED, v1::CONVOY_STATUS_APPROVED},
      {v1::CONVOY_STATUS_REQUESTED, v1::CONVOY_STATUS_PARTIALLY_APPROVED},
      {v1::CONVOY_STATUS_REQUESTED, v1::CONVOY_STATUS_DENIED},
      {v1::CONVOY_STATUS_REQUESTED, v1::CONVOY_STATUS_CANCELLED},
      {v1::CONVOY_STATUS_APPROVED, v1::CONVOY_STATUS_DISPATCHED},
      {v1::CONVOY_STATUS_APPROVED, v1::CONVOY_STATUS_CANCELLED},
      {v1::CONVOY_STATUS_PARTIALLY_APPROVED, v1::CONVOY_STATUS_DISPATCHED},
      {v1::CONVOY_STATUS_PARTIALLY_APPROVED, v1::CONVOY_STATUS_CANCELLED},
      {v1::CONVOY_STATUS_DISPATCHED, v1::CONVOY_STATUS_DELIVERED},
      {v1::CONVOY_STATUS_DISPATCHED, v1::CONVOY_STATUS_PARTIALLY_DELIVERED},
      {v1::CONVOY_STATUS_DISPATCHED, v1::CONVOY_STATUS_TURNED_BACK},
      {v1::CONVOY_STATUS_DISPATCHED, v1::CONVOY_STATUS_ATTACKED},
      {v1::CONVOY_STATUS_DISPATCHED, v1::CONVOY_STATUS_CANCELLED},
  };
  return *legal;
}

TEST(ConvoyLifecycleTest, EveryPairOfStatusesIsLegalExactlyWhenTheLifeCycleSaysSo) {
  int legal = 0, refused = 0;
  for (int from = v1::ConvoyStatus_MIN; from <= v1::ConvoyStatus_MAX; ++from) {
    for (int to = v1::ConvoyStatus_MIN; to <= v1::ConvoyStatus_MAX; ++to) {
      const S f = static_cast<S>(from), t = static_cast<S>(to);
      const bool expected = Legal().count({f, t}) > 0;
      EXPECT_EQ(IsAllowed(f, t), expected) << StatusName(f) << " -> " << StatusName(t);
      absl::Status check = CheckTransition("cv-1", f, t);
      if (expected) {
        EXPECT_TRUE(check.ok()) << check;
        ++legal;
      } else {
        EXPECT_EQ(check.code(), absl::StatusCode::kFailedPrecondition);
        EXPECT_THAT(check.message(), HasSubstr("is " + StatusName(f)));
        ++refused;
      }
    }
  }
  EXPECT_EQ(legal, 13);
  EXPECT_EQ(refused, 11 * 11 - 13);
}

TEST(ConvoyLifecycleTest, FinalStatusesSaySoAndOthersListTheirWayOut) {
  for (S s : {v1::CONVOY_STATUS_DENIED, v1::CONVOY_STATUS_DELIVERED,
              v1::CONVOY_STATUS_PARTIALLY_DELIVERED, v1::CONVOY_STATUS_TURNED_BACK,
              v1::CONVOY_STATUS_ATTACKED, v1::CONVOY_STATUS_CANCELLED}) {
    EXPECT_TRUE(IsFinal(s)) << StatusName(s);
    EXPECT_THAT(CheckTransition("cv-1", s, v1::CONVOY_STATUS_DISPATCHED).message(),
                HasSubstr("it is final"));
  }
  EXPECT_FALSE(IsFinal(v1::CONVOY_STATUS_DISPATCHED));
  EXPECT_THAT(
      CheckTransition("cv-9", v1::CONVOY_STATUS_REQUESTED, v1::CONVOY_STATUS_DELIVERED).message(),
      HasSubstr("convoy cv-9 is REQUESTED, so it cannot become DELIVERED; from there it can "
                "only become APPROVED, PARTIALLY_APPROVED, DENIED, CANCELLED"));
}

}  // namespace
TEST(ConvoyLifecycleTest, PathToTakesTheFewestStepsTheApprovedWayFirst) {
  using ::testing::ElementsAre;
  EXPECT_THAT(PathTo(v1::CONVOY_STATUS_REQUESTED, v1::CONVOY_STATUS_DELIVERED),
              ElementsAre(v1::CONVOY_STATUS_APPROVED, v1::CONVOY_STATUS_DISPATCHED,
                          v1::CONVOY_STATUS_DELIVERED));
  EXPECT_THAT(PathTo(v1::CONVOY_STATUS_REQUESTED, v1::CONVOY_STATUS_CANCELLED),
              ElementsAre(v1::CONVOY_STATUS_CANCELLED));
  EXPECT_THAT(PathTo(v1::CONVOY_STATUS_PARTIALLY_APPROVED, v1::CONVOY_STATUS_ATTACKED),
              ElementsAre(v1::CONVOY_STATUS_DISPATCHED, v1::CONVOY_STATUS_ATTACKED));
  EXPECT_TRUE(PathTo(v1::CONVOY_STATUS_APPROVED, v1::CONVOY_STATUS_APPROVED).empty());
  EXPECT_TRUE(PathTo(v1::CONVOY_STATUS_APPROVED, v1::CONVOY_STATUS_DENIED).empty());
  EXPECT_TRUE(PathTo(v1::CONVOY_STATUS_DELIVERED, v1::CONVOY_STATUS_CANCELLED).empty());
}

TEST(ConvoyLifecycleTest, EveryStepOfEveryPathIsAllowed) {
  for (int from = v1::ConvoyStatus_MIN; from <= v1::ConvoyStatus_MAX; ++from) {
    for (int to = v1::ConvoyStatus_MIN; to <= v1::ConvoyStatus_MAX; ++to) {
      S at = static_cast<S>(from);
      for (S next : PathTo(at, static_cast<S>(to))) {
        EXPECT_TRUE(IsAllowed(at, next)) << StatusName(at) << " -> " << StatusName(next);
        at = next;
      }
    }
  }
}

}  // namespace corridor::convoys
