// The cells of a convoys CSV that hold lists, as `export convoys` writes
// them, read back into the requests an import sends. Errors name the
// column and the list entry.
#ifndef CORRIDOR_CLIENTS_CORRIDORCTL_CONVOY_CELLS_H_
#define CORRIDOR_CLIENTS_CORRIDORCTL_CONVOY_CELLS_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "corridor/v1/convoys.pb.h"
#include "google/protobuf/repeated_ptr_field.h"

namespace corridor::cli {

// "facilitation letter|Ministry of Foreign Affairs|2016-10-01|2016-10-19|granted;...":
// each step's name, authority, the days asked and answered (empty while
// pending) and its outcome, into `steps`.
absl::Status ParseApprovalStepsCell(absl::string_view text,
                                    google::protobuf::RepeatedPtrField<v1::ApprovalStep>* steps);

// "insulin:40:vials;..." in `column` (items_removed or items_refused): what
// checkpoints removed, or refused to let through, from the manifest's
// lines, added to `losses` (one entry per manifest line). Each entry names
// a line by its item and unit; a manifest holding the same item twice is
// matched in order.
absl::Status ParseLossesCell(absl::string_view column, absl::string_view text,
                             const google::protobuf::RepeatedPtrField<v1::ManifestLine>& manifest,
                             google::protobuf::RepeatedPtrField<v1::LineLoss>* losses);

// Sets what was removed (or, if not `removed`, refused) from manifest line
// `line` in `losses`, which holds each line once.
void SetLoss(int line, double quantity, bool removed,
             google::protobuf::RepeatedPtrField<v1::LineLoss>* losses);

}  // namespace corridor::cli

#endif  // CORRIDOR_CLIENTS_CORRIDORCTL_CONVOY_CELLS_H_
