#include "storage/page_token.h"

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "storage/key_codec.h"

namespace corridor::storage {
namespace {

constexpr char kFormat = '\x01';
constexpr uint64_t kFnvOffset = 14695981039346656037ull;
constexpr uint64_t kFnvPrime = 1099511628211ull;

uint64_t Fnv1a(absl::string_view data, uint64_t hash = kFnvOffset) {
  for (char c : data) {
    hash ^= static_cast<uint8_t>(c);
    hash *= kFnvPrime;
  }
  return hash;
}

absl::Status Malformed(absl::string_view why) {
  return absl::InvalidArgumentError(
      absl::StrCat("page.page_token: ", why,
                   "; pass the next_page_token of the previous response unchanged, with "
                   "the same filters, or leave it empty for the first page"));
}

}  // namespace

uint64_t QueryFingerprint(absl::string_view table, absl::string_view index,
                          absl::string_view prefix, bool reverse, absl::string_view query) {
  KeyWriter parts;
  parts.String(table).String(index).String(prefix).Uint32(reverse ? 1 : 0).String(query);
  return Fnv1a(parts.key());
}

std::string EncodePageToken(uint64_t fingerprint, absl::string_view last_key) {
  KeyWriter body;
  body.Raw(absl::string_view(&kFormat, 1)).Uint64(fingerprint).Raw(last_key);
  std::string bytes = body.Release();
  std::string checksum = KeyWriter().Uint32(static_cast<uint32_t>(Fnv1a(bytes))).Release();
  return absl::WebSafeBase64Escape(bytes + checksum);
}

absl::StatusOr<std::string> DecodePageToken(absl::string_view token, uint64_t fingerprint) {
  std::string bytes;
  if (!absl::WebSafeBase64Unescape(token, &bytes)) {
    return Malformed("not a token issued by this service");
  }
  // format (1) + fingerprint (8) + at least one key byte + checksum (4)
  if (bytes.size() < 1 + 8 + 1 + 4) return Malformed("too short");
  absl::string_view body(bytes.data(), bytes.size() - 4);
  KeyReader checksum_reader(absl::string_view(bytes).substr(bytes.size() - 4));
  uint32_t checksum = 0;
  if (!checksum_reader.Uint32(&checksum) || checksum != static_cast<uint32_t>(Fnv1a(body))) {
    return Malformed("damaged (checksum mismatch)");
  }
  if (body[0] != kFormat) return Malformed("unknown token format");
  KeyReader reader(body.substr(1));
  uint64_t token_fingerprint = 0;
  if (!reader.Uint64(&token_fingerprint)) return Malformed("too short");
  if (token_fingerprint != fingerprint) {
    return Malformed("issued for a different query");
  }
  return std::string(reader.rest());
}

}  // namespace corridor::storage
