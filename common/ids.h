// Ids derived from idempotency keys, so that a retried request finds the
// record its first attempt created.
#ifndef CORRIDOR_COMMON_IDS_H_
#define CORRIDOR_COMMON_IDS_H_

#include <string>

#include "absl/strings/string_view.h"

namespace corridor {

// `prefix` followed by the first 16 hex digits of SHA-256(input), e.g.
// DerivedId("cv-", ...) = "cv-3f2a9c0d41b7e655".
std::string DerivedId(absl::string_view prefix, absl::string_view input);

// The id of the convoy an agency's idempotency key creates: "cv-" and 16
// hex digits of SHA-256 over the lowercased agency, a NUL and the key.
std::string ConvoyIdFor(absl::string_view agency, absl::string_view idempotency_key);

// Whether two spellings name the same agency. One rule everywhere (a
// partner acting for its agency, convoy ids, retries, filters, the
// partner's view of principals): agencies are compared ignoring ASCII case,
// so "WFP" and "wfp" are one agency.
bool SameAgency(absl::string_view a, absl::string_view b);

// The id of the denial an idempotency key creates: "dn-" and 16 hex digits
// of SHA-256 over the key.
std::string DenialIdFor(absl::string_view idempotency_key);

// The id of the incident an idempotency key creates: "in-" and 16 hex
// digits of SHA-256 over the key.
std::string IncidentIdFor(absl::string_view idempotency_key);

}  // namespace corridor

#endif  // CORRIDOR_COMMON_IDS_H_
