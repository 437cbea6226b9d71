// Opaque page tokens.
//
// A token carries the last key a page returned and a fingerprint of the
// query it belongs to, with a checksum. Clients must treat it as opaque; the
// store refuses a token that is damaged or replayed against another query.
#ifndef CORRIDOR_STORAGE_PAGE_TOKEN_H_
#define CORRIDOR_STORAGE_PAGE_TOKEN_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace corridor::storage {

// A stable 64-bit hash (FNV-1a) of the query's parts, each length-prefixed.
uint64_t QueryFingerprint(absl::string_view table, absl::string_view index,
                          absl::string_view prefix, bool reverse, absl::string_view query);

std::string EncodePageToken(uint64_t fingerprint, absl::string_view last_key);

// Returns the last key of the previous page. INVALID_ARGUMENT naming
// `page_token` if the token is malformed or belongs to another query.
absl::StatusOr<std::string> DecodePageToken(absl::string_view token, uint64_t fingerprint);

}  // namespace corridor::storage

#endif  // CORRIDOR_STORAGE_PAGE_TOKEN_H_
