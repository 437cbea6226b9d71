// JsonString writes a JSON string literal any JSON reader accepts, whatever
// the text: escaped as protobuf escapes, and with bytes that are not UTF-8
// replaced rather than passed on.
#include "common/json.h"

#include <string>

#include "gtest/gtest.h"

namespace corridor {
namespace {

TEST(JsonTest, EscapesQuotesControlsAndHtmlAndKeepsOtherText) {
  EXPECT_EQ(JsonString("Dūmā دوما \"<b>\"\\\n\t\x01"),
            "\"Dūmā دوما \\\"\\u003cb\\u003e\\\"\\\\\\n\\t\\u0001\"");
  // A line separator and a byte-order mark would hide in a page.
  EXPECT_EQ(JsonString("a\xe2\x80\xa8"
                       "b\xef\xbb\xbf"),
            "\"a\\u2028b\\ufeff\"");
}

TEST(JsonTest, BytesThatAreNotUtf8BecomeReplacementCharacters) {
  // A lone continuation byte, a truncated sequence, an overlong slash and
  // a UTF-16 surrogate encoded in UTF-8.
  EXPECT_EQ(JsonString("a\x80"
                       "b\xe2\x80"),
            "\"a\\ufffdb\\ufffd\\ufffd\"");
  EXPECT_EQ(JsonString("\xc0\xaf"), "\"\\ufffd\\ufffd\"");
  EXPECT_EQ(JsonString("\xed\xa0\x80"), "\"\\ufffd\\ufffd\\ufffd\"");
  std::string out;
  EXPECT_FALSE(AppendJsonString("a\x80", &out, /*replace_invalid=*/false));
}

}  // namespace
}  // namespace corridor
