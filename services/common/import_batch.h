// The rows of one request of an import stream (DenialService.ImportDenials,
// ConvoyService.ImportConvoys): which were stored, which were already, and
// why the others were refused, answered as an ImportBatchResponse
// (common.proto).
#ifndef CORRIDOR_SERVICES_COMMON_IMPORT_BATCH_H_
#define CORRIDOR_SERVICES_COMMON_IMPORT_BATCH_H_

#include <cstdint>
#include <functional>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/field_limits.h"
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

  // The way out when another writer took one of a batch's keys meanwhile:
  // stores row `row` alone with `write` (the unary call's own store path)
  // and notes what it did: its error; false if it wrote nothing (the other
  // writer stored the same record); or true and its commit.
  void StoreAlone(size_t row, const std::function<absl::Status()>& write);
};

// Whether `status` refuses one row (its own content: a field, a key taken,
// a step its convoy forbids) rather than the whole stream (a service out of
// reach, a failed write), which ends the stream instead so that the rows
// can be sent again.
bool RefusesOnlyTheRow(const absl::Status& status);

// A row's request as an import takes it: held to the contract's field
// limits (CheckFieldLimits), and without a request_id: a row is stored once
// by its `key` ("idempotency_key"), however often it is sent.
template <typename Request>
absl::Status CheckImportedRequest(const Request& request, absl::string_view key) {
  if (absl::Status limits = CheckFieldLimits(request); !limits.ok()) return limits;
  if (request.request_id().empty()) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat("request_id: leave it empty in an import: a row is stored once by its ", key,
                   ", however often it is sent"));
}

// The answer to one request, built row by row.
class ImportAnswer {
 public:
  // Row `line` as the service checked it: accepted (appended to `accepted`,
  // its line kept for Add), or refused; an error that is not the row's own
  // (RefusesOnlyTheRow) is returned instead, to end the stream.
  template <typename Row>
  absl::Status Take(int64_t line, absl::StatusOr<Row> checked, std::vector<Row>* accepted) {
    if (checked.ok()) {
      accepted->push_back(*std::move(checked));
      accepted_lines_.push_back(line);
      return absl::OkStatus();
    }
    if (!RefusesOnlyTheRow(checked.status())) return checked.status();
    Refuse(line, checked.status());
    return absl::OkStatus();
  }

  // What the write of the accepted rows did with each, in the order taken.
  void Add(const ImportedRows& rows);

  v1::ImportBatchResponse Release() && { return std::move(response_); }

 private:
  // Row `line` is refused with `status`: its field (from the message) and
  // ErrorInfo reason go with it.
  void Refuse(int64_t line, const absl::Status& status);

  v1::ImportBatchResponse response_;
  std::vector<int64_t> accepted_lines_;
};

}  // namespace corridor

#endif  // CORRIDOR_SERVICES_COMMON_IMPORT_BATCH_H_
