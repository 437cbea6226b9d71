// Early returns on error, for functions that return absl::Status or
// absl::StatusOr<T>. Header-only and Abseil-only, so that storage/ (which
// does not link common/) uses them too.
#ifndef CORRIDOR_COMMON_STATUS_MACROS_H_
#define CORRIDOR_COMMON_STATUS_MACROS_H_

#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

// Returns early with `expr`'s status if it is not OK.
#define CORRIDOR_RETURN_IF_ERROR(expr)                   \
  do {                                                   \
    ::absl::Status corridor_status_ = (expr);            \
    if (!corridor_status_.ok()) return corridor_status_; \
  } while (0)

// Evaluates `rexpr` (an absl::StatusOr<T>); returns its status early if it is
// not OK, and otherwise moves its value into `lhs`, which may declare a
// variable: CORRIDOR_ASSIGN_OR_RETURN(v1::Area area, store.Get(id));
#define CORRIDOR_ASSIGN_OR_RETURN(lhs, rexpr)                                                   \
  CORRIDOR_ASSIGN_OR_RETURN_IMPL_(CORRIDOR_STATUS_MACROS_CONCAT_(corridor_statusor_, __LINE__), \
                                  lhs, rexpr)

#define CORRIDOR_ASSIGN_OR_RETURN_IMPL_(statusor, lhs, rexpr) \
  auto statusor = (rexpr);                                    \
  if (!statusor.ok()) return std::move(statusor).status();    \
  lhs = *std::move(statusor)

#define CORRIDOR_STATUS_MACROS_CONCAT_(a, b) CORRIDOR_STATUS_MACROS_CONCAT_INNER_(a, b)
#define CORRIDOR_STATUS_MACROS_CONCAT_INNER_(a, b) a##b

#endif  // CORRIDOR_COMMON_STATUS_MACROS_H_
