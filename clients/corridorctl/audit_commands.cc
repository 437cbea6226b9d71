#include "clients/corridorctl/audit_commands.h"

#include <fstream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "clients/audit/audit_verification.h"
#include "common/status_macros.h"
#include "corridor/v1/audit.grpc.pb.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/time_util.h"
#include "storage/checkpoint.h"
#include "storage/cosignature.h"
#include "storage/key_chain.h"
#include "storage/merkle.h"

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

// The verifier key --key or --key-file gives, as text; empty if neither.
absl::StatusOr<std::string> VerifierKeyFlag(Flags& flags) {
  std::string key = flags.Take("key");
  const std::string key_file = flags.Take("key-file");
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
  key = std::string(absl::StripAsciiWhitespace(key));
  if (!key.empty()) {
    if (absl::Status valid = storage::PublicKeyOfVerifierKey(key).status(); !valid.ok()) {
      return absl::InvalidArgumentError(absl::StrCat("--key: ", valid.message()));
    }
  }
  return key;
}

// The witnesses a client counts: --witness-keys=K1,K2 or
// --witness-keys-file=FILE, and how many must have cosigned, --witnesses=N
// (default: all of them).
struct WitnessQuorum {
  std::vector<std::string> keys;
  int needed = 0;
};

absl::StatusOr<WitnessQuorum> WitnessQuorumFlags(Flags& flags) {
  WitnessQuorum quorum;
  const std::string listed = flags.Take("witness-keys");
  const std::string file = flags.Take("witness-keys-file");
  if (!listed.empty() && !file.empty()) {
    return absl::InvalidArgumentError("give --witness-keys or --witness-keys-file, not both");
  }
  if (!file.empty()) {
    absl::StatusOr<std::vector<std::string>> keys = storage::ReadVerifierKeyFile(file);
    if (!keys.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("--witness-keys-file: ", keys.status().message()));
    }
    quorum.keys = *std::move(keys);
  }
  for (absl::string_view key : absl::StrSplit(listed, ',', absl::SkipWhitespace())) {
    quorum.keys.emplace_back(absl::StripAsciiWhitespace(key));
  }
  quorum.needed = static_cast<int>(quorum.keys.size());
  if (flags.Has("witnesses")) {
    CORRIDOR_RETURN_IF_ERROR(flags.TakeCount("witnesses", 1, &quorum.needed));
    if (quorum.needed > static_cast<int>(quorum.keys.size())) {
      return absl::InvalidArgumentError(
          absl::StrCat("--witnesses=", quorum.needed,
                       " needs at least as many keys in --witness-keys or "
                       "--witness-keys-file (",
                       quorum.keys.size(), " given)"));
    }
  }
  return quorum;
}

// Checks `checkpoint` against what the client pins: the log's key (if
// given) and `quorum.needed` valid cosignatures by the pinned witnesses.
// DATA_LOSS saying what does not hold; the witnesses that cosigned in
// `cosigners`.
absl::Status CheckPinned(const v1::Checkpoint& checkpoint, const std::string& log_key,
                         const WitnessQuorum& quorum, std::vector<std::string>* cosigners) {
  if (!log_key.empty()) {
    if (absl::Status opened = storage::OpenNote(checkpoint.note(), log_key).status();
        !opened.ok()) {
      return absl::DataLossError(
          absl::StrCat("the checkpoint is not signed by the pinned key: ", opened.message()));
    }
  }
  std::vector<std::string> problems;
  for (const std::string& key : quorum.keys) {
    absl::StatusOr<int64_t> cosigned = storage::VerifyCosignature(checkpoint.note(), key);
    if (cosigned.ok()) {
      cosigners->push_back(key.substr(0, key.find('+')));
    } else {
      problems.push_back(std::string(cosigned.status().message()));
    }
  }
  if (static_cast<int>(cosigners->size()) < quorum.needed) {
    return absl::DataLossError(
        absl::StrCat("the checkpoint is cosigned by ", cosigners->size(), " of the ", quorum.needed,
                     " witnesses required: ", absl::StrJoin(problems, "; ")));
  }
  return absl::OkStatus();
}

// Every rotation of `service`'s key, oldest first.
absl::StatusOr<std::vector<v1::SigningKeyRotation>> RotationsOf(Session& session,
                                                                const std::string& service) {
  CORRIDOR_ASSIGN_OR_RETURN(const v1::ListSigningKeyRotationsResponse listed,
                            AuditLogFor(session, service)->SigningKeyRotations(service));
  return std::vector<v1::SigningKeyRotation>(listed.rotations().begin(), listed.rotations().end());
}

// The verifier key a witnessed checkpoint must be signed by: the head's, or
// an earlier key of the chain that leads to it, if the checkpoint was
// published before that key was retired.
absl::StatusOr<std::string> WitnessedSigningKey(Session& session, const v1::Checkpoint& checkpoint,
                                                const v1::SignedTreeHead& head) {
  absl::StatusOr<std::string> key = storage::PublicKeyOfVerifierKey(checkpoint.verifier_key());
  if (!key.ok() || *key == head.public_key()) {
    return storage::NoteVerifierKey(checkpoint.origin(), head.public_key());
  }
  CORRIDOR_ASSIGN_OR_RETURN(const std::vector<v1::SigningKeyRotation> rotations,
                            RotationsOf(session, checkpoint.service()));
  CORRIDOR_RETURN_IF_ERROR(
      storage::CheckKeyNotRetired(checkpoint.service(), *key, checkpoint.tree_size(), rotations));
  CORRIDOR_RETURN_IF_ERROR(
      storage::FollowKeyRotations(checkpoint.service(), *key, head.public_key(), rotations)
          .status());
  return checkpoint.verifier_key();
}

// No checkpoint cosigned by enough witnesses: an audit failure (exit 6),
// since the witnesses may have refused what the service shows.
int FailWitnessed(Session& session, const std::string& service, const grpc::Status& status) {
  if (status.error_code() != grpc::StatusCode::FAILED_PRECONDITION) return session.Fail(status);
  session.err() << "audit " << service << ": " << status.error_message()
                << ". If the witnesses run, they may have refused what the service showed them: "
                   "corridorctl witness evidence --witness=HOST:PORT\n";
  return kExitAuditFailed;
}

// The verifier key that signs `checkpoint`, reached from the one the user
// pinned through the service's key rotations (each signed by the key
// before it); DATA_LOSS if no such chain leads there.
absl::StatusOr<std::string> FollowPinnedKey(Session& session, const v1::Checkpoint& checkpoint,
                                            const std::string& pinned) {
  CORRIDOR_ASSIGN_OR_RETURN(const std::string pinned_key, storage::PublicKeyOfVerifierKey(pinned));
  CORRIDOR_ASSIGN_OR_RETURN(const std::string current,
                            storage::PublicKeyOfVerifierKey(checkpoint.verifier_key()));
  CORRIDOR_ASSIGN_OR_RETURN(const std::vector<v1::SigningKeyRotation> rotations,
                            RotationsOf(session, checkpoint.service()));
  // A retired key signs nothing for the service after its rotation.
  CORRIDOR_RETURN_IF_ERROR(storage::CheckKeyNotRetired(checkpoint.service(), current,
                                                       checkpoint.tree_size(), rotations));
  if (current == pinned_key) return pinned;
  CORRIDOR_ASSIGN_OR_RETURN(
      const int followed,
      storage::FollowKeyRotations(checkpoint.service(), pinned_key, current, rotations));
  session.err() << "the key of " << checkpoint.service() << " was rotated " << followed
                << (followed == 1 ? " time" : " times")
                << " since the pinned key; each rotation is signed by the key before it\n";
  return storage::NoteVerifierKey(pinned.substr(0, pinned.find('+')), current);
}

// `audit checkpoint` prints the signed note exactly as signed (its bytes
// are what a checker verifies), with the witnesses' cosignatures; `audit
// key` prints the verifier key. JSON output gives both with the parsed
// fields. With pinned keys, the note is checked before it is printed.
int AuditCheckpoint(Session& session, Flags& flags, const Args& args, bool key_only) {
  const char* usage =
      key_only ? "audit key takes --service=NAME"
               : "audit checkpoint takes --service=NAME [--key=KEY|--key-file=FILE] "
                 "[--witness-keys=K1,K2|--witness-keys-file=FILE] [--witnesses=N] [--fresh]";
  absl::Status parsed = ExpectArgs(args, 0, usage);
  v1::GetCheckpointRequest request;
  request.set_service(flags.Take("service"));
  absl::StatusOr<std::string> log_key = std::string();
  absl::StatusOr<WitnessQuorum> quorum = WitnessQuorum();
  if (!key_only) {
    log_key = VerifierKeyFlag(flags);
    quorum = WitnessQuorumFlags(flags);
    request.set_fresh(flags.Has("fresh"));
    flags.Take("fresh");
    if (parsed.ok()) parsed = log_key.status();
    if (parsed.ok()) parsed = quorum.status();
  }
  if (parsed.ok()) parsed = flags.CheckAllUsed(key_only ? "audit key" : "audit checkpoint");
  if (!parsed.ok()) return session.UsageFailure(parsed.message());
  request.set_min_cosignatures(static_cast<uint32_t>(quorum->needed));
  auto stub = v1::AuditService::NewStub(session.ChannelFor(request.service()));
  grpc::ClientContext context;
  session.Prepare(&context);
  v1::Checkpoint checkpoint;
  if (grpc::Status s = stub->GetCheckpoint(&context, request, &checkpoint); !s.ok()) {
    return quorum->needed > 0 ? FailWitnessed(session, request.service(), s) : session.Fail(s);
  }
  std::vector<std::string> cosigners;
  absl::StatusOr<std::string> signing_key = *log_key;
  if (!log_key->empty()) signing_key = FollowPinnedKey(session, checkpoint, *log_key);
  absl::Status pinned = signing_key.status();
  if (pinned.ok()) pinned = CheckPinned(checkpoint, *signing_key, *quorum, &cosigners);
  if (!pinned.ok()) {
    session.err() << "audit checkpoint " << checkpoint.service() << ": " << pinned.message()
                  << "\n";
    return kExitAuditFailed;
  }
  if (session.format() == OutputFormat::kJson) {
    PrintJson(checkpoint, session.out());
  } else if (key_only) {
    session.out() << checkpoint.verifier_key() << "\n";
  } else {
    session.out() << checkpoint.note();
  }
  if (!log_key->empty() || !quorum->keys.empty()) {
    session.err() << "checkpoint of " << checkpoint.service() << " at "
                  << WithThousands(checkpoint.tree_size()) << " entries"
                  << (log_key->empty()           ? ""
                      : *signing_key == *log_key ? ": signed by the pinned key"
                                                 : ": signed by the key the pinned key's "
                                                   "rotations lead to")
                  << (cosigners.empty() ? "" : ", cosigned by " + absl::StrJoin(cosigners, ", "))
                  << "\n";
  }
  return kExitOk;
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

void PrintReport(Session& session, const audit::AuditReport& report, bool witnessed) {
  const v1::SignedTreeHead& head = report.head;
  session.out() << "audit verify " << report.service << ": OK\n"
                << "  " << WithThousands(head.tree_size())
                << " journal entries hash to the signed root "
                << absl::BytesToHexString(head.root_hash()) << "\n"
                << "  tree head signed " << TimeUtil::ToString(head.timestamp())
                << " by Ed25519 key " << absl::BytesToHexString(head.public_key()) << "\n"
                << "  " << WithThousands(report.records)
                << " stored records match the journal entries that wrote them\n";
  if (report.derived_checked) {
    session.out() << "  " << WithThousands(report.indexes_checked) << " indexes and "
                  << WithThousands(report.counters_checked)
                  << " statistics counters hold exactly what those records call for (what "
                     "filtered lists, exports and statistics read)\n";
  } else {
    session.out() << "  indexes and statistics counters not checked: the server predates "
                     "CheckDerivedData\n";
  }
  if (report.rotations_followed > 0) {
    session.out() << "  the key was rotated " << report.rotations_followed
                  << (report.rotations_followed == 1 ? " time" : " times")
                  << " since the key you trust; each rotation is signed by the key before it "
                     "(corridorctl audit rotations)\n";
  }
  if (report.saved) {
    session.out() << "  consistent with the saved head of "
                  << WithThousands(report.saved->tree_size()) << " entries ("
                  << TimeUtil::ToString(report.saved->timestamp())
                  << "): nothing before it was removed or rewritten\n";
  } else if (!witnessed) {
    session.out() << "  no saved head (--since) and no witnesses: entries removed from the end "
                     "of the journal would not show; save this one with `corridorctl audit "
                     "head` and verify against it next time\n";
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
  if (report.derived_findings > 0) {
    err << "The " << report.service
        << " service's indexes or statistics no longer match its records, which the journal "
           "vouches for: filtered lists, exports or statistics it serves are wrong. They were "
           "changed outside the service; compare with a mirror, restore from a backup "
           "(corridorctl admin restore), then verify again\n";
  }
}

// The public key --key or --key-file pins (a verifier key as `audit key`
// prints it); empty with --trust-on-first-use, or with --since (the saved
// head pins its key). One of them is required: verifying against whatever
// key the server sends proves little, so doing it is said aloud.
absl::StatusOr<std::string> PinnedKey(Flags& flags, bool has_saved_head) {
  CORRIDOR_ASSIGN_OR_RETURN(const std::string key, VerifierKeyFlag(flags));
  const bool tofu = flags.Has("trust-on-first-use");
  flags.Take("trust-on-first-use");
  if (key.empty()) {
    if (tofu || has_saved_head) return std::string();
    return absl::InvalidArgumentError(
        "audit verify needs the service's key pinned: --key=NAME+HASH+KEY or --key-file=FILE "
        "(as `corridorctl audit key` prints it, from a copy you trust), or --since=HEAD.json; "
        "--trust-on-first-use accepts the key the server sends");
  }
  return storage::PublicKeyOfVerifierKey(key);
}

// With witnesses pinned, `audit verify` also proves that the journal it
// verified is the one they cosigned: a checkpoint cosigned by enough of
// them, signed by the head's key, consistent with the head either way.
int CheckWitnessed(Session& session, const std::string& service, const v1::SignedTreeHead& head,
                   const WitnessQuorum& quorum) {
  auto stub = v1::AuditService::NewStub(session.ChannelFor(service));
  v1::GetCheckpointRequest request;
  request.set_service(service);
  request.set_min_cosignatures(static_cast<uint32_t>(quorum.needed));
  grpc::ClientContext context;
  session.Prepare(&context);
  v1::Checkpoint checkpoint;
  if (grpc::Status s = stub->GetCheckpoint(&context, request, &checkpoint); !s.ok()) {
    return FailWitnessed(session, service, s);
  }
  std::vector<std::string> cosigners;
  absl::StatusOr<std::string> signing_key = WitnessedSigningKey(session, checkpoint, head);
  absl::Status checked = signing_key.status();
  if (checked.ok()) checked = CheckPinned(checkpoint, *signing_key, quorum, &cosigners);
  if (checked.ok()) {
    const bool older = checkpoint.tree_size() <= head.tree_size();
    const uint64_t first = older ? checkpoint.tree_size() : head.tree_size();
    const uint64_t second = older ? head.tree_size() : checkpoint.tree_size();
    absl::StatusOr<v1::ConsistencyProof> proof =
        AuditLogFor(session, service)->ConsistencyProof(service, first, second);
    if (!proof.ok()) return session.Fail(proof.status());
    std::vector<storage::merkle::Hash> hashes;
    for (const std::string& bytes : proof->proof()) {
      absl::StatusOr<storage::merkle::Hash> hash = storage::merkle::FromBytes(bytes);
      if (hash.ok()) hashes.push_back(*hash);
    }
    auto first_root = storage::merkle::FromBytes(older ? checkpoint.root_hash() : head.root_hash());
    auto second_root =
        storage::merkle::FromBytes(older ? head.root_hash() : checkpoint.root_hash());
    checked =
        first_root.ok() && second_root.ok()
            ? storage::merkle::VerifyConsistency(first, second, *first_root, *second_root, hashes)
            : absl::DataLossError("a root hash is not 32 bytes");
  }
  if (!checked.ok()) {
    session.err() << "audit verify " << service
                  << ": the journal verified is not shown to be the one the witnesses cosigned: "
                  << checked.message() << "\n";
    return kExitAuditFailed;
  }
  session.err() << "witnessed: the checkpoint at " << WithThousands(checkpoint.tree_size())
                << " entries, cosigned by " << absl::StrJoin(cosigners, ", ")
                << ", is consistent with the journal verified";
  if (checkpoint.tree_size() < head.tree_size()) {
    session.err() << "; the " << WithThousands(head.tree_size() - checkpoint.tree_size())
                  << " entries after it are not cosigned yet (witnesses cosign the checkpoints "
                     "published after their next poll)";
  }
  session.err() << "\n";
  return kExitOk;
}

int AuditVerify(Session& session, Flags& flags, const Args& args) {
  absl::Status parsed = ExpectArgs(
      args, 0,
      "audit verify takes --service=NAME and --key=KEY, --key-file=FILE, --since=FILE or "
      "--trust-on-first-use, [--limit=N] [--witness-keys=K1,K2|--witness-keys-file=FILE "
      "[--witnesses=N]]");
  const std::string service = flags.Take("service");
  const std::string since_path = flags.Take("since");
  int limit = kDefaultFindingsListed;
  if (parsed.ok()) parsed = flags.TakeCount("limit", 1, &limit);
  absl::StatusOr<std::string> pinned = PinnedKey(flags, !since_path.empty());
  absl::StatusOr<WitnessQuorum> quorum = WitnessQuorumFlags(flags);
  if (parsed.ok()) parsed = pinned.status();
  if (parsed.ok()) parsed = quorum.status();
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
  options.on_derived = [&session](int64_t records) {
    session.err() << "  checking the service's indexes and statistics counters against its "
                  << WithThousands(records)
                  << " records (it reads each record once per index; minutes for millions)\n";
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
  if (quorum->needed > 0) {
    const int witnessed = CheckWitnessed(session, service, report->head, *quorum);
    if (witnessed != kExitOk) return witnessed;
  }
  PrintReport(session, *report, quorum->needed > 0);
  return kExitOk;
}

// `audit rotations`: the chain a pinned key is followed along.
int AuditRotations(Session& session, Flags& flags, const Args& args) {
  absl::Status parsed = ExpectArgs(args, 0, "audit rotations takes --service=NAME");
  v1::ListSigningKeyRotationsRequest request;
  request.set_service(flags.Take("service"));
  if (parsed.ok()) parsed = flags.CheckAllUsed("audit rotations");
  if (!parsed.ok()) return session.UsageFailure(parsed.message());
  auto stub = v1::AuditService::NewStub(session.ChannelFor(request.service()));
  return session.Invoke<v1::AuditService::Stub, v1::ListSigningKeyRotationsRequest,
                        v1::ListSigningKeyRotationsResponse>(
      *stub, request, &v1::AuditService::Stub::ListSigningKeyRotations,
      [&](const v1::ListSigningKeyRotationsResponse& listed) {
        if (session.format() == OutputFormat::kJson) {
          PrintJson(listed, session.out());
          return;
        }
        if (listed.rotations().empty()) session.out() << "the key was never rotated\n";
        for (const v1::SigningKeyRotation& rotation : listed.rotations()) {
          session.out() << rotation.sequence() << "  " << TimeUtil::ToString(rotation.rotated_at())
                        << "  at " << WithThousands(rotation.tree_size()) << " entries  "
                        << Short(rotation.previous_public_key()) << "… -> "
                        << Short(rotation.public_key()) << "…  " << rotation.reason() << "\n";
        }
      });
}

}  // namespace

int RunAuditCommand(Session& session, Flags& flags, const std::string& verb, const Args& args) {
  if (verb == "head") return AuditHead(session, flags, args);
  if (verb == "checkpoint") return AuditCheckpoint(session, flags, args, /*key_only=*/false);
  if (verb == "key") return AuditCheckpoint(session, flags, args, /*key_only=*/true);
  if (verb == "verify") return AuditVerify(session, flags, args);
  if (verb == "rotations") return AuditRotations(session, flags, args);
  return session.UsageFailure(absl::StrCat(
      verb.empty() ? "audit needs a command" : "unknown command \"audit " + verb + "\"",
      "; use head, checkpoint, key, rotations or verify"));
}

}  // namespace corridor::cli
