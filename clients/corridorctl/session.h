// What every corridorctl command shares: its flags, where it sends calls,
// how it prints, and how a failed call becomes plain words and an exit code.
#ifndef CORRIDOR_CLIENTS_CORRIDORCTL_SESSION_H_
#define CORRIDOR_CLIENTS_CORRIDORCTL_SESSION_H_

#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <functional>
#include <map>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "clients/corridorctl/commands.h"
#include "clients/corridorctl/output.h"
#include "common/service_channels.h"
#include "corridor/v1/common.pb.h"
#include "corridor/v1/denials.pb.h"
#include "google/protobuf/timestamp.pb.h"

namespace corridor::cli {

using Args = std::vector<std::string>;

// The flags of one command. Take* remove what they read, so that a flag
// nobody took can be reported as unknown. Errors are INVALID_ARGUMENT
// naming the flag.
class Flags {
 public:
  explicit Flags(std::map<std::string, std::string> flags) : flags_(std::move(flags)) {}

  // The flag's value, or `fallback` if absent.
  std::string Take(const std::string& name, const std::string& fallback = "");
  bool Has(const std::string& name) const { return flags_.count(name) > 0; }

  // Whole number of at least `min`; `*out` untouched if the flag is absent.
  absl::Status TakeCount(const std::string& name, int min, int* out);
  // Degrees; `*present` tells whether the flag was given.
  absl::Status TakeDegrees(const std::string& name, double* out, bool* present);
  // YYYY-MM-DD; `*present` tells whether the flag was given.
  absl::Status TakeDate(const std::string& name, bool required, v1::Date* out, bool* present);
  // YYYY-MM-DD (midnight UTC) or an RFC 3339 time; `*present` tells
  // whether the flag was given. With `date_includes_day`, a bare date means
  // the end of that day (the next midnight), for inclusive upper bounds.
  absl::Status TakeTime(const std::string& name, google::protobuf::Timestamp* out, bool* present,
                        bool date_includes_day = false);
  // --category: OCHA's access-constraint category, by number or name.
  absl::Status TakeAccessCategory(bool required, v1::AccessConstraintCategory* out);
  // A non-empty value.
  absl::Status TakeRequired(const std::string& name, const std::string& example, std::string* out);
  // --key, else a fresh random idempotency key ("cli-" and 16 hex digits).
  std::string TakeIdempotencyKey();
  // --evidence, if given, replaces `out`: comma-separated; 64 hex digits
  // are a file's SHA-256, anything else a URL.
  void TakeEvidence(google::protobuf::RepeatedPtrField<v1::Evidence>* out);

  // OK if every flag was taken; otherwise names the first one left.
  absl::Status CheckAllUsed(absl::string_view command) const;

 private:
  std::map<std::string, std::string> flags_;
};

// INVALID_ARGUMENT unless `args` holds exactly `count` positional arguments.
absl::Status ExpectArgs(const Args& args, size_t count, absl::string_view usage);

class Session {
 public:
  // `token` is sent as the bearer token of every call; `credentials` make
  // the channel (TLS or not).
  Session(std::string server, OutputFormat format, absl::Duration timeout, std::string token,
          std::shared_ptr<grpc::ChannelCredentials> credentials, std::ostream& out,
          std::ostream& err);

  // Where some services run apart from --server (services run as separate
  // processes): "convoys=10.0.0.7:7400,..." (--servers); INVALID_ARGUMENT
  // naming --servers if malformed.
  absl::Status SetServiceAddresses(absl::string_view addresses) {
    return channels_.SetAddresses(addresses);
  }
  // The channel to `service` ("areas", "auth"...): its own address if it
  // has one, else --server's. Later failures name that address.
  std::shared_ptr<grpc::Channel> ChannelFor(const std::string& service);
  // The channel to --server.
  std::shared_ptr<grpc::Channel> channel() { return ChannelFor(""); }
  // A channel to another program at `address` (a witness), with the same
  // TLS settings.
  std::shared_ptr<grpc::Channel> ChannelTo(const std::string& address);
  OutputFormat format() const { return format_; }
  std::ostream& out() { return out_; }
  std::ostream& err() { return err_; }

  // Sets the deadline and the bearer token on a call.
  void Prepare(grpc::ClientContext* context) const;
  // The same for a stream that runs until the user stops it: no deadline.
  void PrepareStream(grpc::ClientContext* context) const;

  // The command's flags that set request fields, as (field path, flag):
  // a refusal naming one of these fields, or a field inside one, names the
  // flag the user typed too, e.g. {"facts.area_id", "--area"}.
  void NameFieldFlags(std::vector<std::pair<std::string, std::string>> field_flags) {
    field_flags_ = std::move(field_flags);
  }

  // Prints a command-line mistake; returns kExitUsage.
  int UsageFailure(absl::string_view message) const;
  // Prints a failed call in plain words, from its error details where it
  // has them (reason, field); returns its exit code.
  int Fail(const grpc::Status& status) const;

  // Sets a new random request_id on a write `request` that has none; false
  // if `request` has no request_id field (it does not write).
  static bool GiveRequestId(google::protobuf::Message* request);
  // After failed `attempt` of a write: whether to send it again (the server
  // was unreachable or slow, and attempts are left), having said so and
  // waited a little.
  bool WorthRetrying(const grpc::Status& status, int attempt) const;
  // The same for a library's status (codes are gRPC's).
  int Fail(const absl::Status& status) const {
    return Fail(
        grpc::Status(static_cast<grpc::StatusCode>(status.code()), std::string(status.message())));
  }

  // Runs one unary call built by a parser: a parse error is a usage failure,
  // a call error is reported by Fail, a response goes to `print`.
  template <typename Stub, typename Request, typename Response>
  int Invoke(Stub& stub, const absl::StatusOr<Request>& request,
             grpc::Status (Stub::*rpc)(grpc::ClientContext*, const Request&, Response*),
             const std::function<void(const Response&)>& print) {
    if (!request.ok()) return UsageFailure(request.status().message());
    // A write carries a request id of its own, so that it can be sent again
    // when its answer is lost and still be applied once (common.proto,
    // "Request ids").
    Request sent = *request;
    const bool write = GiveRequestId(&sent);
    for (int attempt = 1;; ++attempt) {
      grpc::ClientContext context;
      Prepare(&context);
      Response response;
      grpc::Status status = (stub.*rpc)(&context, sent, &response);
      if (status.ok()) {
        print(response);
        return kExitOk;
      }
      if (!write || !WorthRetrying(status, attempt)) return Fail(status);
    }
  }

  // Follows page tokens into `all`: pages of up to 200 until the range
  // ends, `limit` items were collected (0: no limit), or after one page if
  // `one_page`. `items` is the response's repeated field (e.g.
  // &v1::ListAreasResponse::mutable_areas); `all` keeps the last token.
  template <typename Stub, typename Request, typename Response, typename Item>
  int ListPages(Stub& stub,
                grpc::Status (Stub::*rpc)(grpc::ClientContext*, const Request&, Response*),
                Request request, int limit, bool one_page,
                google::protobuf::RepeatedPtrField<Item>* (Response::*items)(), Response* all) {
    constexpr int kPageSize = 200;
    while (true) {
      const int have = (all->*items)()->size();
      request.mutable_page()->set_page_size(limit > 0 ? std::min(kPageSize, limit - have)
                                                      : kPageSize);
      grpc::ClientContext context;
      Prepare(&context);
      Response page;
      grpc::Status status = (stub.*rpc)(&context, request, &page);
      if (!status.ok()) return Fail(status);
      for (Item& item : *(page.*items)()) *(all->*items)()->Add() = std::move(item);
      all->set_next_page_token(page.next_page_token());
      const bool enough = limit > 0 && (all->*items)()->size() >= limit;
      if (page.next_page_token().empty() || one_page || enough) return kExitOk;
      request.mutable_page()->set_page_token(page.next_page_token());
    }
  }

 private:
  // Fail for a refused field: named by its flag when field_flags_ has it.
  int FailOnField(const std::string& field, const std::string& description) const;

  std::string server_;
  OutputFormat format_;
  absl::Duration timeout_;
  std::string token_;
  std::ostream& out_;
  std::ostream& err_;
  std::shared_ptr<grpc::ChannelCredentials> credentials_;
  ServiceChannels channels_;
  std::string last_server_;  // the address of the latest ChannelFor, for messages
  std::vector<std::pair<std::string, std::string>> field_flags_;
};

// Progress of a long command on stderr: "what: text", at most once a
// second, and always the last line.
class Progress {
 public:
  Progress(Session& session, std::string what) : session_(session), what_(std::move(what)) {}
  void Update(const std::string& text, bool last = false) {
    const absl::Time now = absl::Now();
    if (!last && now - shown_ < absl::Seconds(1)) return;
    shown_ = now;
    session_.err() << what_ << ": " << text << "\n";
  }

 private:
  Session& session_;
  std::string what_;
  absl::Time shown_ = absl::Now();
};

}  // namespace corridor::cli

#endif  // CORRIDOR_CLIENTS_CORRIDORCTL_SESSION_H_
