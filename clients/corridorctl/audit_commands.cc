#include "clients/corridorctl/audit_commands.h"

#include <fstream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "clients/audit/audit_verification.h"
#include "corridor/v1/audit.grpc.pb.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/time_util.h"
#include "storage/checkpoint.h"

namespace corridor::cli {
namespace {

using google::protobuf::util::TimeUtil;

// How many findings `audit verify` lists unless --limit says otherwise.
constexpr int kDefaultFindingsListed = 20;

std::unique_ptr<audit::AuditLog> AuditLogFor(Session& session, const std::string& service) {
  return audit::NewGrpcAuditLog(
      session.ChannelFor(service),
      [&session](grpc::ClientContext* context) { session.Prepare(context); });
}

std::string Short(absl::string_view bytes) { return absl::BytesToHexString(bytes.substr(0, 8)); }

int AuditHead(Session& session, Flags& flags, const Args& args) {
  absl::Status parsed = ExpectArgs(args, 0, "audit head takes --service=NAME");
  const std::string service = flags.Take("service");
  if (parsed.ok()) parsed = flags.CheckAllUsed("audit head");
  if (!parsed.ok()) return session.UsageFailure(parsed.message());
  absl::StatusOr<v1::SignedTreeHead> head = AuditLogFor(session, service)->Head(service);
  if (!head.ok()) return session.Fail(head.status());
  // Always JSON: the head is meant to be saved and handed to `verify --since`.
  PrintJson(*head, session.out());
  return kExitOk;
}

// `audit checkpoint` prints the signed note exactly as signed (its bytes
// are what a checker verifies); `audit key` prints the verifier key. JSON
// output gives both with the parsed fields.
int AuditCheckpoint(Session& session, Flags& flags, const Args& args, bool key_only) {
  const char* usage =
      key_only ? "audit key takes --service=NAME" : "audit checkpoint takes --service=NAME";
  absl::Status parsed = ExpectArgs(args, 0, usage);
  v1::GetCheckpointRequest request;
  request.set_service(flags.Take("service"));
  if (parsed.ok()) parsed = flags.CheckAllUsed(key_only ? "audit key" : "audit checkpoint");
  if (!parsed.ok()) return session.UsageFailure(parsed.message());
  auto stub = v1::AuditService::NewStub(session.ChannelFor(request.service()));
  return session.Invoke<v1::AuditService::Stub, v1::GetCheckpointRequest, v1::Checkpoint>(
      *stub, request, &v1::AuditService::Stub::GetCheckpoint,
      [&](const v1::Checkpoint& checkpoint) {
        if (session.format() == OutputFormat::kJson) {
          PrintJson(checkpoint, session.out());
        } else if (key_only) {
          session.out() << checkpoint.verifier_key() << "\n";
        } else {
          session.out() << checkpoint.note();
        }
      });
}

// The head saved with `audit head` in `path`; INVALID_ARGUMENT naming
// --since if it is not one.
absl::StatusOr<v1::SignedTreeHead> ReadSavedHead(const std::string& path) {
  std::ifstream file(path);
  std::stringstream text;
  text << file.rdbuf();
  v1::SignedTreeHead head;
  if (!file || !google::protobuf::util::JsonStringToMessage(text.str(), &head).ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--since: ", path, " is not a tree head saved with `corridorctl audit head`"));
  }
  return head;
}

void PrintReport(Session& session, const audit::AuditReport& report) {
  const v1::SignedTreeHead& head = report.head;
  session.out() << "audit verify " << report.service << ": OK\n"
                << "  " << WithThousands(head.tree_size())
                << " journal entries hash to the signed root "
                << absl::BytesToHexString(head.root_hash()) << "\n"
                << "  tree head signed " << TimeUtil::ToString(head.timestamp())
                << " by Ed25519 key " << absl::BytesToHexString(head.public_key()) << "\n"
                << "  " << WithThousands(report.records)
                << " stored records match the journal entries that wrote them\n";
  if (report.saved) {
    session.out() << "  consistent with the saved head of "
                  << WithThousands(report.saved->tree_size()) << " entries ("
                  << TimeUtil::ToString(report.saved->timestamp())
                  << "): nothing before it was removed or rewritten\n";
  }
}

// What verification found, on stderr: how many, then the first of them.
void PrintFindings(Session& session, const audit::AuditReport& report) {
  std::ostream& err = session.err();
  err << "corridorctl: audit verify " << report.service
      << ": FAILED: " << WithThousands(report.finding_count)
      << (report.finding_count == 1 ? " finding" : " findings");
  if (report.unreadable_records > 0) {
    err << " (" << WithThousands(report.unreadable_records)
        << " of them records that cannot be read)";
  }
  err << "\n";
  for (const std::string& finding : report.findings) err << "  " << finding << "\n";
  const int64_t unlisted = report.finding_count - static_cast<int64_t>(report.findings.size());
  if (unlisted > 0) {
    err << "  … and " << WithThousands(unlisted) << " more; --limit=N lists more\n";
  }
  if (report.unreadable_records > 0) {
    err << "The " << report.service
        << " service's database is damaged: restore it from a backup (corridorctl admin "
           "restore), then verify again\n";
  }
}

// The public key --key or --key-file pins (a verifier key as `audit key`
// prints it); empty with --trust-on-first-use, or with --since (the saved
// head pins its key). One of them is required: verifying against whatever
// key the server sends proves little, so doing it is said aloud.
absl::StatusOr<std::string> PinnedKey(Flags& flags, bool has_saved_head) {
  std::string key = flags.Take("key");
  const std::string key_file = flags.Take("key-file");
  const bool tofu = flags.Has("trust-on-first-use");
  flags.Take("trust-on-first-use");
  if (!key.empty() && !key_file.empty()) {
    return absl::InvalidArgumentError("give --key or --key-file, not both");
  }
  if (!key_file.empty()) {
    std::ifstream file(key_file);
    if (!std::getline(file, key)) {
      return absl::InvalidArgumentError(
          absl::StrCat("--key-file: cannot read a verifier key from ", key_file));
    }
  }
  if (key.empty()) {
    if (tofu || has_saved_head) return std::string();
    return absl::InvalidArgumentError(
        "audit verify needs the service's key pinned: --key=NAME+HASH+KEY or --key-file=FILE "
        "(as `corridorctl audit key` prints it, from a copy you trust), or --since=HEAD.json; "
        "--trust-on-first-use accepts the key the server sends");
  }
  absl::StatusOr<std::string> public_key =
      storage::PublicKeyOfVerifierKey(absl::StripTrailingAsciiWhitespace(key));
  if (!public_key.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("--key: ", public_key.status().message()));
  }
  return public_key;
}

int AuditVerify(Session& session, Flags& flags, const Args& args) {
  absl::Status parsed = ExpectArgs(
      args, 0,
      "audit verify takes --service=NAME and --key=KEY, --key-file=FILE, --since=FILE or "
      "--trust-on-first-use, [--limit=N]");
  const std::string service = flags.Take("service");
  const std::string since_path = flags.Take("since");
  int limit = kDefaultFindingsListed;
  if (parsed.ok()) parsed = flags.TakeCount("limit", 1, &limit);
  absl::StatusOr<std::string> pinned = PinnedKey(flags, !since_path.empty());
  if (parsed.ok()) parsed = pinned.status();
  if (parsed.ok()) parsed = flags.CheckAllUsed("audit verify");
  if (!parsed.ok()) return session.UsageFailure(parsed.message());
  std::optional<v1::SignedTreeHead> saved;
  if (!since_path.empty()) {
    absl::StatusOr<v1::SignedTreeHead> head = ReadSavedHead(since_path);
    if (!head.ok()) return session.UsageFailure(head.status().message());
    saved = *head;
  }

  audit::VerifyOptions options;
  options.on_head = [&session](const v1::SignedTreeHead& head) {
    session.err() << "audit verify " << head.service() << ": " << WithThousands(head.tree_size())
                  << " entries, key " << Short(head.public_key()) << "…\n";
  };
  options.on_entries = [&session](uint64_t fetched, uint64_t total) {
    session.err() << "  entries " << WithThousands(fetched) << " / " << WithThousands(total)
                  << "\n";
  };
  options.max_findings = static_cast<size_t>(limit);
  options.pinned_public_key = *pinned;
  if (pinned->empty() && since_path.empty()) {
    session.err() << "audit verify: trusting the key the server sends (--trust-on-first-use): "
                     "this proves the journal is consistent with itself, not that it is the "
                     "one its owner signs. Pin its key next time: corridorctl audit key "
                     "--service="
                  << service << " > key.txt, checked against a published copy\n";
  }
  absl::StatusOr<audit::AuditReport> report =
      audit::VerifyAudit(*AuditLogFor(session, service), service, saved, options);
  if (!report.ok()) return session.Fail(report.status());
  if (!report->verified()) {
    PrintFindings(session, *report);
    return kExitAuditFailed;
  }
  PrintReport(session, *report);
  return kExitOk;
}

}  // namespace

int RunAuditCommand(Session& session, Flags& flags, const std::string& verb, const Args& args) {
  if (verb == "head") return AuditHead(session, flags, args);
  if (verb == "checkpoint") return AuditCheckpoint(session, flags, args, /*key_only=*/false);
  if (verb == "key") return AuditCheckpoint(session, flags, args, /*key_only=*/true);
  if (verb == "verify") return AuditVerify(session, flags, args);
  return session.UsageFailure(absl::StrCat(
      verb.empty() ? "audit needs a command" : "unknown command \"audit " + verb + "\"",
      "; use head, checkpoint, key or verify"));
}

}  // namespace corridor::cli
