// The rows of one request of an import stream (DenialService.ImportDenials,
// ConvoyService.ImportConvoys): which were stored, which were already, and
// why the others were refused, answered as an ImportBatchResponse
// (common.proto).
#ifndef CORRIDOR_SERVICES_COMMON_IMPORT_BATCH_H_
#define CORRIDOR_SERVICES_COMMON_IMPORT_BATCH_H_

#include <cstdint>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "corridor/v1/common.pb.h"
#include "storage/store.h"

namespace corridor {

// The most rows one request may carry, as the contract declares.
inline constexpr int kMaxImportRows = 1000;

// How long the checks of one row may wait for another service (its area,
// route or party): an import stream has no deadline of its own.
inline constexpr absl::Duration kImportCheckTimeout = absl::Seconds(10);

// INVALID_ARGUMENT naming `rows` if a request carries more than
// kMaxImportRows.
absl::Status CheckImportRowCount(int rows);

// What one write of a batch of new records did with each, in order: true
// if it stored it, false if the same record was already stored (a retry,
// or a file imported again), or why it refused it. `commits` has the
// commit of each stored record, in order (Store::CommitEach).
struct ImportedRows {
  std::vector<absl::StatusOr<bool>> stored;
  std::vector<storage::CommitResult> commits;
};

// Whether `status` refuses one row (its own content: a field, a key taken,
// a step its convoy forbids) rather than the whole stream (a service out of
// reach, a failed write), which ends the stream instead so that the rows
// can be sent again.
bool RefusesOnlyTheRow(const absl::Status& status);

// The answer to one request, built row by row.
class ImportAnswer {
 public:
  // Row `line` is refused with `status`: its field (from the message) and
  // ErrorInfo reason go with it.
  void Refuse(int64_t line, const absl::Status& status);

  // The outcome of the rows written with `rows`, whose lines are `lines`.
  void Add(const std::vector<int64_t>& lines, const ImportedRows& rows);

  v1::ImportBatchResponse Release() && { return std::move(response_); }

 private:
  v1::ImportBatchResponse response_;
};

}  // namespace corridor

#endif  // CORRIDOR_SERVICES_COMMON_IMPORT_BATCH_H_
