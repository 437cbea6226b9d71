// storage/page_token: any bytes a client sends as a page token are refused
// with INVALID_ARGUMENT naming page_token or read back as a key; a token
// read back is never a different key from the one it was made with, even
// after a byte of it was changed.
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "storage/page_token.h"
#include "tests/fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using corridor::storage::DecodePageToken;
  using corridor::storage::EncodePageToken;
  corridor::fuzz::FuzzInput in(data, size);
  const uint64_t fingerprint = in.Uint64();
  const std::string key = in.String();
  const uint8_t position = in.Byte(), flip = in.Byte();
  const std::string arbitrary(in.Rest());

  absl::StatusOr<std::string> decoded = DecodePageToken(arbitrary, fingerprint);
  if (!decoded.ok()) {
    FUZZ_CHECK(decoded.status().code() == absl::StatusCode::kInvalidArgument,
               decoded.status().ToString());
    FUZZ_CHECK(absl::StartsWith(decoded.status().message(), "page.page_token"),
               decoded.status().ToString());
  } else {
    // Whatever decodes was made by EncodePageToken with this fingerprint.
    FUZZ_CHECK(DecodePageToken(EncodePageToken(fingerprint, *decoded), fingerprint).value_or("?") ==
                   *decoded,
               "a decoded key does not survive a round trip");
  }

  const std::string token = EncodePageToken(fingerprint, key);
  absl::StatusOr<std::string> back = DecodePageToken(token, fingerprint);
  if (key.empty()) {
    // No stored key is empty, so no page ends on one: such a token is
    // refused rather than taken for the first page.
    FUZZ_CHECK(!back.ok(), "a token for an empty key was accepted");
    return 0;
  }
  FUZZ_CHECK(back.ok() && *back == key, "a token does not read back: " + absl::CEscape(key));
  FUZZ_CHECK(!DecodePageToken(token, fingerprint + 1).ok(),
             "a token was accepted for another query");
  if (!token.empty() && flip != 0) {
    std::string damaged = token;
    damaged[position % damaged.size()] ^= static_cast<char>(flip);
    absl::StatusOr<std::string> read = DecodePageToken(damaged, fingerprint);
    FUZZ_CHECK(!read.ok() || *read == key,
               "a damaged token read back as another key: " + absl::CEscape(damaged));
  }
  return 0;
}
