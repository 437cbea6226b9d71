#include "storage/page_token.h"

#include "gtest/gtest.h"

namespace corridor::storage {
namespace {

TEST(PageTokenTest, RoundTripsTheLastKey) {
  uint64_t fp = QueryFingerprint("areas", "status", "x", false, "q");
  std::string key("key\0with\xFF" "bytes", 14);
  absl::StatusOr<std::string> decoded = DecodePageToken(EncodePageToken(fp, key), fp);
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  EXPECT_EQ(*decoded, key);
}

TEST(PageTokenTest, RefusesATokenForAnotherQuery) {
  uint64_t fp = QueryFingerprint("areas", "status", "x", false, "q");
  uint64_t other = QueryFingerprint("areas", "status", "x", true, "q");
  EXPECT_NE(fp, other);
  absl::StatusOr<std::string> decoded = DecodePageToken(EncodePageToken(fp, "k"), other);
  EXPECT_EQ(decoded.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(decoded.status().message().find("page_token"), std::string::npos);
}

TEST(PageTokenTest, RefusesDamagedTokens) {
  uint64_t fp = QueryFingerprint("t", "", "", false, "");
  std::string token = EncodePageToken(fp, "some-key");
  for (size_t i = 0; i < token.size(); ++i) {
    std::string damaged = token;
    damaged[i] = damaged[i] == 'A' ? 'B' : 'A';
    absl::StatusOr<std::string> decoded = DecodePageToken(damaged, fp);
    EXPECT_FALSE(decoded.ok() && *decoded == "some-key") << "flipped char " << i;
  }
  EXPECT_FALSE(DecodePageToken("", fp).ok());
  EXPECT_FALSE(DecodePageToken("!!!not base64!!!", fp).ok());
  EXPECT_FALSE(DecodePageToken("QUJD", fp).ok());  // "ABC": too short
}

}  // namespace
}  // namespace corridor::storage
