#include "clients/corridorctl/session.h"

#include <openssl/rand.h>

#include <algorithm>
#include <random>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "common/credentials.h"
#include "common/enum_text.h"
#include "common/error_details.h"
#include "common/validation.h"

namespace corridor::cli {

std::string Flags::Take(const std::string& name, const std::string& fallback) {
  auto it = flags_.find(name);
  if (it == flags_.end()) return fallback;
  std::string value = it->second;
  flags_.erase(it);
  return value;
}

absl::Status Flags::TakeCount(const std::string& name, int min, int* out) {
  if (!Has(name)) return absl::OkStatus();
  const std::string text = Take(name);
  int value;
  if (!absl::SimpleAtoi(text, &value) || value < min) {
    return absl::InvalidArgumentError(
        absl::StrCat("--", name, ": \"", text, "\" is not a whole number of at least ", min));
  }
  *out = value;
  return absl::OkStatus();
}

absl::Status Flags::TakeDegrees(const std::string& name, double* out, bool* present) {
  *present = Has(name);
  if (!*present) return absl::OkStatus();
  const std::string text = Take(name);
  if (!absl::SimpleAtod(text, out)) {
    return absl::InvalidArgumentError(
        absl::StrCat("--", name, ": \"", text, "\" is not a number of degrees"));
  }
  return absl::OkStatus();
}

absl::Status Flags::TakeDate(const std::string& name, bool required, v1::Date* out, bool* present) {
  *present = Has(name);
  if (!*present) {
    if (!required) return absl::OkStatus();
    return absl::InvalidArgumentError(absl::StrCat("--", name, " is required (YYYY-MM-DD)"));
  }
  absl::StatusOr<v1::Date> date = ParseDate(absl::StrCat("--", name), Take(name));
  if (!date.ok()) return date.status();
  *out = *date;
  return absl::OkStatus();
}

absl::Status Flags::TakeTime(const std::string& name, google::protobuf::Timestamp* out,
                             bool* present, bool date_includes_day) {
  *present = Has(name);
  if (!*present) return absl::OkStatus();
  bool date = false;
  absl::StatusOr<absl::Time> time = ParseDateOrTime(absl::StrCat("--", name), Take(name), &date);
  if (!time.ok()) return time.status();
  out->set_seconds(absl::ToUnixSeconds(date && date_includes_day ? *time + absl::Hours(24) : *time));
  out->set_nanos(0);
  return absl::OkStatus();
}

absl::Status Flags::TakeAccessCategory(bool required, v1::AccessConstraintCategory* out) {
  constexpr char kPrefix[] = "ACCESS_CONSTRAINT_";
  if (!Has("category")) {
    if (!required) return absl::OkStatus();
    return absl::InvalidArgumentError(
        absl::StrCat("--category is required: OCHA's access-constraint category, 1-9 or one of ",
                     EnumChoices(v1::AccessConstraintCategory_descriptor(), kPrefix)));
  }
  absl::StatusOr<v1::AccessConstraintCategory> category =
      ParseEnumAs<v1::AccessConstraintCategory>(kPrefix, "--category", Take("category"));
  if (!category.ok()) return category.status();
  *out = *category;
  return absl::OkStatus();
}

absl::Status Flags::TakeRequired(const std::string& name, const std::string& example,
                                 std::string* out) {
  *out = Take(name);
  if (!out->empty()) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat("--", name, " is required, e.g. --", name, "=", example));
}

std::string Flags::TakeIdempotencyKey() {
  if (Has("key")) return Take("key");
  std::random_device random;
  return absl::StrFormat("cli-%08x%08x", random(), random());
}

void Flags::TakeEvidence(google::protobuf::RepeatedPtrField<v1::Evidence>* out) {
  if (!Has("evidence")) return;
  out->Clear();
  for (absl::string_view item : absl::StrSplit(Take("evidence"), ',', absl::SkipWhitespace())) {
    item = absl::StripAsciiWhitespace(item);
    v1::Evidence* evidence = out->Add();
    const bool hash = item.size() == 64 && std::all_of(item.begin(), item.end(), [](char c) {
                        return absl::ascii_isxdigit(static_cast<unsigned char>(c));
                      });
    (hash ? evidence->mutable_sha256() : evidence->mutable_uri())->assign(item.data(), item.size());
  }
}

absl::Status Flags::CheckAllUsed(absl::string_view command) const {
  if (flags_.empty()) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(
      "--", flags_.begin()->first, " is not a flag of \"", command, "\"; see corridorctl help"));
}

absl::Status ExpectArgs(const Args& args, size_t count, absl::string_view usage) {
  if (args.size() == count) return absl::OkStatus();
  return absl::InvalidArgumentError(usage);
}

Session::Session(std::string server, OutputFormat format, absl::Duration timeout, std::string token,
                 std::shared_ptr<grpc::ChannelCredentials> credentials, std::ostream& out,
                 std::ostream& err)
    : server_(std::move(server)),
      format_(format),
      timeout_(timeout),
      token_(std::move(token)),
      out_(out),
      err_(err),
      credentials_(credentials),
      channels_(server_, std::move(credentials)),
      last_server_(server_) {}

std::shared_ptr<grpc::Channel> Session::ChannelFor(const std::string& service) {
  last_server_ = channels_.AddressOf(service);
  return channels_.For(service);
}

std::shared_ptr<grpc::Channel> Session::ChannelTo(const std::string& address) {
  last_server_ = address;
  return grpc::CreateChannel(address, credentials_);
}

void Session::Prepare(grpc::ClientContext* context) const {
  context->set_deadline(absl::ToChronoTime(absl::Now() + timeout_));
  AttachBearerToken(context, token_);
}

void Session::PrepareStream(grpc::ClientContext* context) const {
  AttachBearerToken(context, token_);
}

int Session::UsageFailure(absl::string_view message) const {
  err_ << "corridorctl: " << message << "\n";
  return kExitUsage;
}

namespace {

// How often a write is sent before its failure is reported, when the server
// was unreachable or too slow; the same request id makes the repeats safe.
constexpr int kWriteAttempts = 3;

}  // namespace

bool Session::GiveRequestId(google::protobuf::Message* request) {
  const google::protobuf::FieldDescriptor* field =
      request->GetDescriptor()->FindFieldByName("request_id");
  if (field == nullptr || field->type() != google::protobuf::FieldDescriptor::TYPE_STRING) {
    return false;
  }
  if (!request->GetReflection()->GetString(*request, field).empty()) return true;
  // A random (version 4) UUID.
  unsigned char bytes[16];
  if (RAND_bytes(bytes, sizeof(bytes)) != 1) return false;
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const std::string hex = absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(bytes), sizeof(bytes)));
  request->GetReflection()->SetString(
      request, field,
      absl::StrCat(hex.substr(0, 8), "-", hex.substr(8, 4), "-", hex.substr(12, 4), "-",
                   hex.substr(16, 4), "-", hex.substr(20)));
  return true;
}

bool Session::WorthRetrying(const grpc::Status& status, int attempt) const {
  const bool lost = status.error_code() == grpc::StatusCode::UNAVAILABLE ||
                    status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED;
  if (!lost || attempt >= kWriteAttempts) return false;
  const absl::Duration pause = absl::Milliseconds(500) * attempt;
  err_ << "corridorctl: no answer from " << last_server_ << " (" << status.error_message()
       << "); sending the same request again in " << absl::FormatDuration(pause) << " (attempt "
       << attempt + 1 << " of " << kWriteAttempts
       << "); its request id makes sure it is applied at most once.\n";
  absl::SleepFor(pause);
  return true;
}

int Session::FailOnField(const std::string& field, const std::string& description) const {
  std::string flag;
  for (const auto& [path, name] : field_flags_) {
    if (field == path || absl::StartsWith(field, path + ".") ||
        absl::StartsWith(field, path + "[")) {
      flag = name;
    }
  }
  if (flag.empty()) {
    err_ << "corridorctl: the server refused the field " << field << ": " << description
         << "\nFix that field and run the command again.\n";
  } else {
    err_ << "corridorctl: the server refused " << flag << " (the request's " << field
         << "): " << description << "\nFix " << flag << " and run the command again.\n";
  }
  return kExitRejected;
}

int Session::Fail(const grpc::Status& status) const {
  const ReadDetails details = ReadErrorDetails(status.error_details());
  if (details.reason == "REQUEST_APPLIED_REPLY_LOST") {
    err_ << "corridorctl: " << status.error_message()
         << "\nThe change was made once; look it up (get or history) instead of sending it "
            "again.\n";
    return kExitRejected;
  }
  if (details.reason == "READ_ONLY_MIRROR") {
    err_ << "corridorctl: refused: " << status.error_message()
         << "\nThis server is a read-only mirror: send writes to the primary it names.\n";
    return kExitRejected;
  }
  if (status.error_code() == grpc::StatusCode::INVALID_ARGUMENT &&
      !details.field_violations.empty() && !details.field_violations[0].first.empty()) {
    return FailOnField(details.field_violations[0].first, details.field_violations[0].second);
  }
  switch (status.error_code()) {
    case grpc::StatusCode::UNAVAILABLE:
      // Either this server cannot be reached, or it answered that a service
      // it depends on cannot: the message says which.
      err_ << "corridorctl: unavailable: " << status.error_message() << "\n";
      if (absl::StrContains(status.error_message(), "andshake")) {
        err_ << "The TLS handshake failed: --tls-ca (or $CORRIDOR_TLS_CA) must be the CA that "
                "signed the server's certificate, and a server that requires client "
                "certificates needs --tls-cert and --tls-key.\n";
      } else {
        err_ << "Check the address (--server or $CORRIDOR_SERVER; now " << last_server_
             << ") and that the server runs there (its operator starts it, e.g. with "
                "./deploy/run.sh). If it serves TLS, pass --tls-ca.\n";
      }
      return kExitUnavailable;
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      err_ << "corridorctl: the server at " << last_server_ << " did not answer within "
           << absl::FormatDuration(timeout_) << "; try again, or raise --timeout.\n";
      return kExitUnavailable;
    case grpc::StatusCode::NOT_FOUND:
      err_ << "corridorctl: not found: " << status.error_message() << "\n";
      return kExitNotFound;
    case grpc::StatusCode::INVALID_ARGUMENT:
      err_ << "corridorctl: the server refused the request: " << status.error_message()
           << "\nFix that field and run the command again.\n";
      return kExitRejected;
    case grpc::StatusCode::ALREADY_EXISTS:
      err_ << "corridorctl: already exists: " << status.error_message() << "\n";
      return kExitRejected;
    case grpc::StatusCode::ABORTED:
      err_ << "corridorctl: conflict: " << status.error_message() << "\n";
      return kExitRejected;
    case grpc::StatusCode::UNAUTHENTICATED:
      err_ << "corridorctl: not signed in: " << status.error_message() << "\n"
           << (token_.empty() ? "No token was given: set $CORRIDOR_TOKEN_FILE to a file holding "
                                "your token, or pass --token-file.\n"
                              : "");
      return kExitDenied;
    case grpc::StatusCode::PERMISSION_DENIED:
      err_ << "corridorctl: not allowed: " << status.error_message() << "\n";
      return kExitDenied;
    case grpc::StatusCode::FAILED_PRECONDITION:
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      err_ << "corridorctl: refused: " << status.error_message() << "\n";
      return kExitRejected;
    default:
      err_ << "corridorctl: the server failed: " << status.error_message() << " (code "
           << status.error_code() << ")\n";
      return kExitError;
  }
}

}  // namespace corridor::cli
