// The text of a bearer token: "ctk_" + 16 hex digits (its public id) + "_"
// + 64 hex digits (32 random bytes: the secret).
#ifndef CORRIDOR_SERVICES_AUTH_TOKEN_H_
#define CORRIDOR_SERVICES_AUTH_TOKEN_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace corridor::auth {

struct TokenParts {
  std::string id;             // "tk-" + the 16 hex digits, as ListTokens shows it
  std::string secret_sha256;  // 32 bytes
};

// UNAUTHENTICATED saying what is wrong with the token's shape, without
// repeating it (a token never goes into a message or a log).
absl::StatusOr<TokenParts> ParseToken(absl::string_view token);

struct NewToken {
  std::string text;  // to hand to its holder once
  TokenParts parts;  // what is stored
};

// A token from the operating system's random source (OpenSSL RAND_bytes).
absl::StatusOr<NewToken> GenerateToken();

// True if the two SHA-256 digests are equal, in constant time.
bool DigestsEqual(absl::string_view a, absl::string_view b);

}  // namespace corridor::auth

#endif  // CORRIDOR_SERVICES_AUTH_TOKEN_H_
