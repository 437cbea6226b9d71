// Request validation for the convoys service: pure functions, no storage.
// Each returns INVALID_ARGUMENT naming the first bad field, or OK. Checks
// that need the stored convoy (approved beneficiaries against requested,
// losses against the manifest) are the store's.
#ifndef CORRIDOR_SERVICES_CONVOYS_CONVOY_VALIDATION_H_
#define CORRIDOR_SERVICES_CONVOYS_CONVOY_VALIDATION_H_

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "corridor/v1/convoys.pb.h"

namespace corridor::convoys {

inline constexpr int kMaxManifestLines = 500;

absl::Status ValidateConvoyId(absl::string_view field, absl::string_view id);

// `today` bounds dates of things that have happened (occurred_on).
absl::Status ValidateSubmit(const v1::SubmitConvoyRequestRequest& request);
absl::Status ValidateApprovalStep(const v1::RecordApprovalStepRequest& request,
                                  absl::CivilDay today);
// One approval step, its errors naming it under `field` (e.g.
// "approval_steps[2].answered_on").
absl::Status CheckApprovalStep(absl::string_view field, const v1::ApprovalStep& step,
                               absl::CivilDay today);
absl::Status ValidateApprove(const v1::ApproveConvoyRequest& request, absl::CivilDay today);
absl::Status ValidateDeny(const v1::DenyConvoyRequest& request, absl::CivilDay today);
absl::Status ValidateDispatch(const v1::DispatchConvoyRequest& request, absl::CivilDay today);
absl::Status ValidateOutcome(const v1::RecordConvoyOutcomeRequest& request, absl::CivilDay today);
// The request alone: the reason, and each corrected value in range. Whether
// the convoy's state has such a value is ApplyCorrection's to check.
absl::Status ValidateCorrect(const v1::CorrectConvoyRequest& request, absl::CivilDay today);
// A past convoy: the submission with the day it was made, and each step
// given with its date (errors name "submit.", "approve." ... fields).
absl::Status ValidateImport(const v1::ImportConvoyRequest& request, absl::CivilDay today);
absl::Status ValidateList(const v1::ListConvoysRequest& request);
absl::Status ValidateAccessReport(const v1::GetAccessReportRequest& request);

}  // namespace corridor::convoys

#endif  // CORRIDOR_SERVICES_CONVOYS_CONVOY_VALIDATION_H_
