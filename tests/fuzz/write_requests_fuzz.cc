// The validation of every write RPC, fed arbitrary requests: the first byte
// picks the RPC, the rest is parsed as its request message. Each answer is
// OK or INVALID_ARGUMENT whose message starts with the field it is about
// ("facts.evidence[2].sha256: ..."), and the same request always gets the
// same answer.
#include <functional>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "services/agreements/agreement_validation.h"
#include "services/areas/area_validation.h"
#include "services/convoys/convoy_validation.h"
#include "services/denials/denial_validation.h"
#include "services/routes/route_validation.h"
#include "tests/fuzz/fuzz_input.h"

namespace corridor::fuzz {
namespace {

// Fixed, so that a saved input always meets the same clock.
const absl::Time kNow = absl::FromCivil(absl::CivilSecond(2026, 11, 23, 12, 0, 0), absl::UTCTimeZone());
const absl::CivilDay kToday(2026, 11, 23);

struct WriteRpc {
  const char* name;
  std::function<absl::Status(absl::string_view bytes, bool* parsed)> validate;
};

template <typename Request>
std::function<absl::Status(absl::string_view, bool*)> Validating(
    std::function<absl::Status(const Request&)> validate) {
  return [validate](absl::string_view bytes, bool* parsed) {
    Request request;
    *parsed = request.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()));
    return *parsed ? validate(request) : absl::OkStatus();
  };
}

const std::vector<WriteRpc>& WriteRpcs() {
  static const auto* rpcs = new std::vector<WriteRpc>{
      {"AreaService.CreateArea", Validating<v1::CreateAreaRequest>(areas::ValidateCreate)},
      {"AreaService.UpdateArea", Validating<v1::UpdateAreaRequest>(areas::ValidateUpdate)},
      {"AreaService.RecordStatusChange",
       Validating<v1::RecordStatusChangeRequest>(areas::ValidateStatusChange)},
      {"RouteService.CreateRoute", Validating<v1::CreateRouteRequest>(routes::ValidateCreate)},
      {"RouteService.ReportRouteStatus",
       Validating<v1::ReportRouteStatusRequest>(
           [](const v1::ReportRouteStatusRequest& r) { return routes::ValidateReport(r, kNow); })},
      {"ConvoyService.SubmitConvoyRequest",
       Validating<v1::SubmitConvoyRequestRequest>(convoys::ValidateSubmit)},
      {"ConvoyService.RecordApprovalStep",
       Validating<v1::RecordApprovalStepRequest>([](const v1::RecordApprovalStepRequest& r) {
         return convoys::ValidateApprovalStep(r, kToday);
       })},
      {"ConvoyService.ApproveConvoy",
       Validating<v1::ApproveConvoyRequest>(
           [](const v1::ApproveConvoyRequest& r) { return convoys::ValidateApprove(r, kToday); })},
      {"ConvoyService.DenyConvoy",
       Validating<v1::DenyConvoyRequest>(
           [](const v1::DenyConvoyRequest& r) { return convoys::ValidateDeny(r, kToday); })},
      {"ConvoyService.DispatchConvoy",
       Validating<v1::DispatchConvoyRequest>(
           [](const v1::DispatchConvoyRequest& r) { return convoys::ValidateDispatch(r, kToday); })},
      {"ConvoyService.RecordConvoyOutcome",
       Validating<v1::RecordConvoyOutcomeRequest>([](const v1::RecordConvoyOutcomeRequest& r) {
         return convoys::ValidateOutcome(r, kToday);
       })},
      {"DenialService.RecordDenial",
       Validating<v1::RecordDenialRequest>(
           [](const v1::RecordDenialRequest& r) { return denials::ValidateRecord(r, kNow); })},
      {"DenialService.CorrectDenial",
       Validating<v1::CorrectDenialRequest>(
           [](const v1::CorrectDenialRequest& r) { return denials::ValidateCorrect(r, kNow); })},
      {"AgreementService.CreateAgreement",
       Validating<v1::CreateAgreementRequest>([](const v1::CreateAgreementRequest& r) {
         return agreements::ValidateAgreement(r.agreement());
       })},
  };
  return *rpcs;
}

// "field: problem", the field a path such as facts.evidence[2].sha256.
bool NamesAField(absl::string_view message) {
  const size_t colon = message.find(": ");
  if (colon == 0 || colon == absl::string_view::npos || colon + 2 == message.size()) return false;
  for (char c : message.substr(0, colon)) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '.' && c != '[' &&
        c != ']') {
      return false;
    }
  }
  return true;
}

}  // namespace
}  // namespace corridor::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using corridor::fuzz::WriteRpcs;
  if (size == 0) return 0;
  const auto& rpc = WriteRpcs()[data[0] % WriteRpcs().size()];
  const absl::string_view bytes(reinterpret_cast<const char*>(data) + 1, size - 1);
  bool parsed = false;
  const absl::Status first = rpc.validate(bytes, &parsed);
  if (!parsed) return 0;  // gRPC would refuse it before any handler runs
  FUZZ_CHECK(first.ok() || first.code() == absl::StatusCode::kInvalidArgument,
             std::string(rpc.name) + " answered " + first.ToString());
  FUZZ_CHECK(first.ok() || corridor::fuzz::NamesAField(first.message()),
             std::string(rpc.name) + " refused without naming the field: " + first.ToString());
  const absl::Status again = rpc.validate(bytes, &parsed);
  FUZZ_CHECK(again == first, std::string(rpc.name) + " answered differently the second time");
  return 0;
}
