#include "services/common/import_batch.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "common/error_details.h"
#include "storage/merkle.h"

namespace corridor {

absl::Status CheckImportRowCount(int rows) {
  if (rows <= kMaxImportRows) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(
      "rows: has ", rows, " items; the limit is ", kMaxImportRows,
      " per request. This stream has ended (the requests answered before are stored): send the "
      "rows again on a new stream, at most ",
      kMaxImportRows, " per request"));
}

bool RefusesOnlyTheRow(const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kAlreadyExists:
    case absl::StatusCode::kNotFound:
    case absl::StatusCode::kFailedPrecondition:
    case absl::StatusCode::kPermissionDenied:
    case absl::StatusCode::kOutOfRange:
      return true;
    default:
      return false;
  }
}

void ImportAnswer::Refuse(int64_t line, const absl::Status& status) {
  v1::ImportRowRefusal* refusal = response_.add_refused();
  refusal->set_line(line);
  refusal->set_field(FieldOfMessage(status.message()));
  refusal->set_reason(ErrorReason(status));
  refusal->set_message(std::string(status.message()));
}

void ImportedRows::StoreAlone(size_t row, const std::function<absl::Status()>& write) {
  storage::ForgetLastCommit();
  if (absl::Status written = write(); !written.ok()) {
    stored[row] = written;
    return;
  }
  const storage::LastCommit& written = storage::LastCommitOnThisThread();
  stored[row] = written.set;
  if (written.set) commits.push_back({{}, written.journal_index, written.leaf_hash});
}

void ImportAnswer::Add(const ImportedRows& rows) {
  for (size_t i = 0; i < rows.stored.size() && i < accepted_lines_.size(); ++i) {
    const absl::StatusOr<bool>& stored = rows.stored[i];
    if (!stored.ok()) {
      Refuse(accepted_lines_[i], stored.status());
    } else if (*stored) {
      response_.set_rows_stored(response_.rows_stored() + 1);
    } else {
      response_.set_rows_already_stored(response_.rows_already_stored() + 1);
    }
  }
  if (!rows.commits.empty() && rows.commits[0].leaf_hash != storage::merkle::Hash{}) {
    response_.set_first_journal_index(rows.commits[0].journal_index);
  }
}

}  // namespace corridor
