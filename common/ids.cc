#include "common/ids.h"

#include <openssl/sha.h>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace corridor {

std::string DerivedId(absl::string_view prefix, absl::string_view input) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(input.data()), input.size(), digest);
  return absl::StrCat(
      prefix, absl::BytesToHexString(absl::string_view(reinterpret_cast<char*>(digest), 8)));
}

std::string ConvoyIdFor(absl::string_view agency, absl::string_view idempotency_key) {
  return DerivedId(
      "cv-", absl::StrCat(absl::AsciiStrToLower(agency), std::string(1, '\0'), idempotency_key));
}

bool SameAgency(absl::string_view a, absl::string_view b) { return absl::EqualsIgnoreCase(a, b); }

std::string DenialIdFor(absl::string_view idempotency_key) {
  return DerivedId("dn-", idempotency_key);
}

std::string IncidentIdFor(absl::string_view idempotency_key) {
  return DerivedId("in-", idempotency_key);
}

}  // namespace corridor
