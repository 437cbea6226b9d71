// Request ids (AIP-155): a write retried with the request id of a call that
// succeeded gets that call's answer back instead of being applied again.
// The rule partners read is in proto/corridor/v1/common.proto ("Request
// ids"); AdmittedService::ServeWrite is the one place that applies it:
//
//   absl::StatusOr<std::unique_ptr<RequestClaim>> claim =
//       RequestClaim::Make(store, origin.principal, origin.rpc, request);
//   if ((*claim)->repeat()) ... answer (*claim)->reply() ...
//   ... run the write; its Commit also stores the claim's mark ...
//   (*claim)->Save(response, storage::LastCommitOnThisThread());
#ifndef CORRIDOR_SERVICES_COMMON_REQUEST_IDS_H_
#define CORRIDOR_SERVICES_COMMON_REQUEST_IDS_H_

#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "corridor/v1/common.pb.h"
#include "google/protobuf/message.h"
#include "storage/store.h"

namespace corridor {

// The longest request_id accepted, in bytes.
inline constexpr size_t kMaxRequestIdBytes = 64;

// INVALID_ARGUMENT naming `request_id` unless it is 1-64 characters of
// A-Z, a-z, 0-9, '-' and '_'.
absl::Status ValidateRequestId(absl::string_view request_id);

// One call's hold on its request id, from before its write to after its
// answer is saved. Another call with the same caller, RPC and request id
// waits until this one is destroyed.
class RequestClaim {
 public:
  // Claims the non-empty `request.request_id` of `caller`'s (its token's)
  // call of `rpc`
  // (e.g. "/corridor.v1.ConvoyService/ApproveConvoy") in `store`, which must
  // be the store the call writes to and outlive the claim. Fails with
  // INVALID_ARGUMENT naming request_id if the id is malformed or was first
  // sent with a different request, and with FAILED_PRECONDITION if its first
  // call's change was written but a crash lost its answer.
  static absl::StatusOr<std::unique_ptr<RequestClaim>> Make(
      storage::Store* store, const v1::Principal& caller, absl::string_view rpc,
      const google::protobuf::Message& request);
  ~RequestClaim();
  RequestClaim(const RequestClaim&) = delete;
  RequestClaim& operator=(const RequestClaim&) = delete;

  // The request id already succeeded: answer with reply() (a serialized
  // response) and, if its call wrote, journal(); write nothing.
  bool repeat() const { return repeat_; }
  const std::string& reply() const { return reply_; }
  const storage::LastCommit& journal() const { return journal_; }

  // Keeps `response` as the answer to every repeat. `written` is where the
  // call's write landed, if it wrote.
  absl::Status Save(const google::protobuf::Message& response, const storage::LastCommit& written);

 private:
  RequestClaim(storage::Store* store, std::string key, std::string fingerprint);

  storage::Store* store_;
  std::string key_;
  std::string fingerprint_;
  bool repeat_ = false;
  std::string reply_;
  storage::LastCommit journal_;
  // Set while the call runs: its first commit stores the "applied" mark.
  std::optional<storage::RequestMark> mark_;
};

}  // namespace corridor

#endif  // CORRIDOR_SERVICES_COMMON_REQUEST_IDS_H_
