#include "services/auth/token.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace corridor::auth {
namespace {

constexpr char kPrefix[] = "ctk_";
constexpr size_t kIdBytes = 8;
constexpr size_t kSecretBytes = 32;

bool IsLowerHex(absl::string_view text) {
  for (char c : text) {
    if (!absl::ascii_isdigit(c) && (c < 'a' || c > 'f')) return false;
  }
  return true;
}

// Tokens carry 256 random bits, so a plain SHA-256 is enough: slow password
// hashes (bcrypt, scrypt) exist for guessable secrets and would cost
// milliseconds on every call.
std::string Sha256(absl::string_view data) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest);
  return std::string(reinterpret_cast<const char*>(digest), sizeof(digest));
}

}  // namespace

absl::StatusOr<TokenParts> ParseToken(absl::string_view token) {
  constexpr size_t kIdAt = sizeof(kPrefix) - 1;
  constexpr size_t kSecretAt = kIdAt + 2 * kIdBytes + 1;
  constexpr size_t kLength = kSecretAt + 2 * kSecretBytes;
  const bool well_formed =
      token.size() == kLength && absl::StartsWith(token, kPrefix) && token[kSecretAt - 1] == '_' &&
      IsLowerHex(token.substr(kIdAt, 2 * kIdBytes)) && IsLowerHex(token.substr(kSecretAt));
  if (!well_formed) {
    return absl::UnauthenticatedError(absl::StrCat(
        "the bearer token is malformed: a Corridor token is \"ctk_\", 16 hex digits, \"_\" "
        "and 64 hex digits (",
        kLength, " characters); check that it was copied whole"));
  }
  return TokenParts{absl::StrCat("tk-", token.substr(kIdAt, 2 * kIdBytes)),
                    Sha256(absl::HexStringToBytes(token.substr(kSecretAt)))};
}

absl::StatusOr<NewToken> GenerateToken() {
  unsigned char random[kIdBytes + kSecretBytes];
  if (RAND_bytes(random, sizeof(random)) != 1) {
    return absl::InternalError(
        "the system's random source failed, so no token was made; try again");
  }
  const std::string id =
      absl::BytesToHexString(absl::string_view(reinterpret_cast<char*>(random), kIdBytes));
  const std::string secret(reinterpret_cast<char*>(random) + kIdBytes, kSecretBytes);
  NewToken token;
  token.text = absl::StrCat(kPrefix, id, "_", absl::BytesToHexString(secret));
  token.parts = TokenParts{absl::StrCat("tk-", id), Sha256(secret)};
  OPENSSL_cleanse(random, sizeof(random));
  return token;
}

bool DigestsEqual(absl::string_view a, absl::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace corridor::auth
