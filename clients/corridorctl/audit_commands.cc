#include "clients/corridorctl/audit_commands.h"

#include <fstream>
#include <sstream>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "corridor/v1/audit.grpc.pb.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/time_util.h"
#include "storage/journal_verifier.h"
#include "storage/tree_signer.h"

namespace corridor::cli {
namespace {

using Stub = v1::AuditService::Stub;
using google::protobuf::util::TimeUtil;
using storage::merkle::Hash;

// Calls one audit RPC; a failed call is reported and its exit code returned.
template <typename Request, typename Response>
int Call(Session& session, Stub& stub,
         grpc::Status (Stub::*rpc)(grpc::ClientContext*, const Request&, Response*),
         const Request& request, Response* response) {
  grpc::ClientContext context;
  session.Prepare(&context);
  grpc::Status status = (stub.*rpc)(&context, request, response);
  return status.ok() ? kExitOk : session.Fail(status);
}

// A verification failure: what failed, where; exit code 6.
int Failed(Session& session, const std::string& service, absl::string_view what) {
  session.err() << "corridorctl: audit verify " << service << ": FAILED: " << what << "\n";
  return kExitAuditFailed;
}

// Checks a head's signature with the key it carries.
absl::Status CheckSignature(const v1::SignedTreeHead& head) {
  absl::StatusOr<Hash> root = storage::merkle::FromBytes(head.root_hash());
  if (!root.ok()) return absl::DataLossError("the tree head's root hash is not 32 bytes");
  return storage::VerifyEd25519(
      head.public_key(),
      storage::TreeHeadSigningInput(head.service(), head.tree_size(),
                                    TimeUtil::TimestampToMicroseconds(head.timestamp()), *root),
      head.signature());
}

std::string Short(absl::string_view bytes) { return absl::BytesToHexString(bytes.substr(0, 8)); }

int AuditHead(Session& session, Flags& flags, const Args& args) {
  absl::Status parsed = ExpectArgs(args, 0, "audit head takes --service=NAME");
  v1::GetTreeHeadRequest request;
  request.set_service(flags.Take("service"));
  if (parsed.ok()) parsed = flags.CheckAllUsed("audit head");
  if (!parsed.ok()) return session.UsageFailure(parsed.message());
  auto stub = v1::AuditService::NewStub(session.ChannelFor(request.service()));
  v1::SignedTreeHead head;
  if (int code = Call(session, *stub, &Stub::GetTreeHead, request, &head); code != kExitOk) {
    return code;
  }
  // Always JSON: the head is meant to be saved and handed to `verify --since`.
  PrintJson(head, session.out());
  return kExitOk;
}

// Fetches entries [from, to) into the verifier, with progress on stderr.
int FetchEntries(Session& session, Stub& stub, const std::string& service, uint64_t from,
                 uint64_t to, storage::JournalVerifier* verifier, const v1::SignedTreeHead* saved,
                 bool* saved_root_checked) {
  const uint64_t step = std::max<uint64_t>(to / 10, 50'000);
  uint64_t next_report = from + step;
  for (uint64_t start = from; start < to;) {
    v1::GetEntriesRequest request;
    request.set_service(service);
    request.set_start(start);
    request.set_end(to);
    v1::GetEntriesResponse response;
    if (int code = Call(session, stub, &Stub::GetEntries, request, &response); code != kExitOk) {
      return code;
    }
    if (response.entries().empty()) {
      return Failed(session, service, absl::StrCat("the server returned no entries from ", start));
    }
    for (const std::string& entry : response.entries()) {
      if (absl::Status s = verifier->AddEntry(start, entry); !s.ok()) {
        return Failed(session, service, s.message());
      }
      ++start;
      if (saved != nullptr && verifier->size() == saved->tree_size()) {
        *saved_root_checked = true;
        if (storage::merkle::ToBytes(verifier->Root()) != saved->root_hash()) {
          return Failed(session, service,
                        absl::StrCat("the first ", saved->tree_size(),
                                     " entries no longer hash to the root of the saved head: "
                                     "history before it was rewritten"));
        }
      }
    }
    if (start >= next_report && start < to) {
      session.err() << "  entries " << WithThousands(start) << " / " << WithThousands(to) << "\n";
      next_report += step;
    }
  }
  return kExitOk;
}

int AuditVerify(Session& session, Flags& flags, const Args& args) {
  absl::Status parsed = ExpectArgs(args, 0, "audit verify takes --service=NAME [--since=FILE]");
  const std::string service_flag = flags.Take("service");
  const std::string since_path = flags.Take("since");
  if (parsed.ok()) parsed = flags.CheckAllUsed("audit verify");
  if (!parsed.ok()) return session.UsageFailure(parsed.message());

  std::optional<v1::SignedTreeHead> saved;
  if (!since_path.empty()) {
    std::ifstream file(since_path);
    std::stringstream text;
    text << file.rdbuf();
    v1::SignedTreeHead head;
    if (!file || !google::protobuf::util::JsonStringToMessage(text.str(), &head).ok()) {
      return session.UsageFailure(absl::StrCat(
          "--since: ", since_path, " is not a tree head saved with `corridorctl audit head`"));
    }
    saved = head;
  }

  auto stub = v1::AuditService::NewStub(session.ChannelFor(service_flag));
  v1::GetTreeHeadRequest head_request;
  head_request.set_service(service_flag);
  v1::SignedTreeHead head;
  if (int code = Call(session, *stub, &Stub::GetTreeHead, head_request, &head); code != kExitOk) {
    return code;
  }
  const std::string service = head.service();
  if (absl::Status s = CheckSignature(head); !s.ok()) return Failed(session, service, s.message());
  if (saved) {
    if (saved->service() != service) {
      return Failed(session, service,
                    absl::StrCat("the saved head is of the ", saved->service(), " service"));
    }
    if (absl::Status s = CheckSignature(*saved); !s.ok()) {
      return Failed(session, service, absl::StrCat("the saved head: ", s.message()));
    }
    if (saved->public_key() != head.public_key()) {
      return Failed(session, service,
                    "the service signs with another key than the saved head's: its key was "
                    "replaced");
    }
    if (head.tree_size() < saved->tree_size()) {
      return Failed(session, service,
                    absl::StrCat("the journal has ", head.tree_size(), " entries, fewer than the ",
                                 saved->tree_size(), " of the saved head: entries were deleted"));
    }
  }
  session.err() << "audit verify " << service << ": " << WithThousands(head.tree_size())
                << " entries, key " << Short(head.public_key()) << "…\n";

  storage::JournalVerifier verifier;
  bool saved_root_checked = false;
  if (int code = FetchEntries(session, *stub, service, 0, head.tree_size(), &verifier,
                              saved ? &*saved : nullptr, &saved_root_checked);
      code != kExitOk) {
    return code;
  }
  if (storage::merkle::ToBytes(verifier.Root()) != head.root_hash()) {
    return Failed(session, service,
                  "the entries do not hash to the signed root: an entry was changed, or the "
                  "tree was");
  }
  if (saved) {
    if (!saved_root_checked && saved->tree_size() > 0) {
      return Failed(session, service, "the saved head's size was never reached");
    }
    v1::GetConsistencyProofRequest request;
    request.set_service(service);
    request.set_first_size(saved->tree_size());
    request.set_second_size(head.tree_size());
    v1::ConsistencyProof proof;
    if (saved->tree_size() > 0) {
      if (int code = Call(session, *stub, &Stub::GetConsistencyProof, request, &proof);
          code != kExitOk) {
        return code;
      }
      std::vector<Hash> hashes;
      for (const std::string& bytes : proof.proof()) {
        absl::StatusOr<Hash> hash = storage::merkle::FromBytes(bytes);
        if (!hash.ok()) return Failed(session, service, "a consistency proof hash is malformed");
        hashes.push_back(*hash);
      }
      absl::Status consistent = storage::merkle::VerifyConsistency(
          saved->tree_size(), head.tree_size(), *storage::merkle::FromBytes(saved->root_hash()),
          *storage::merkle::FromBytes(head.root_hash()), hashes);
      if (!consistent.ok()) return Failed(session, service, consistent.message());
    }
  }

  // Stored records against the entries that wrote them. Writes may land
  // while this runs: a record newer than the fetched entries is checked
  // again after fetching the entries that followed.
  std::vector<storage::RecordDigest> newer;
  int64_t records = 0;
  v1::ListRecordDigestsRequest digests;
  digests.set_service(service);
  digests.mutable_page()->set_page_size(5000);
  do {
    v1::ListRecordDigestsResponse page;
    if (int code = Call(session, *stub, &Stub::ListRecordDigests, digests, &page);
        code != kExitOk) {
      return code;
    }
    for (const v1::RecordDigest& d : page.records()) {
      storage::RecordDigest record{d.table(), d.key(), d.version(), {}};
      absl::StatusOr<Hash> sha = storage::merkle::FromBytes(d.record_sha256());
      if (!sha.ok()) return Failed(session, service, "a record digest is malformed");
      record.sha256 = *sha;
      ++records;
      if (!verifier.CheckRecord(record).ok()) newer.push_back(record);
    }
    digests.mutable_page()->set_page_token(page.next_page_token());
  } while (!digests.page().page_token().empty());
  if (!newer.empty()) {
    v1::SignedTreeHead later;
    if (int code = Call(session, *stub, &Stub::GetTreeHead, head_request, &later);
        code != kExitOk) {
      return code;
    }
    if (int code = FetchEntries(session, *stub, service, verifier.size(), later.tree_size(),
                                &verifier, nullptr, &saved_root_checked);
        code != kExitOk) {
      return code;
    }
    for (const storage::RecordDigest& record : newer) {
      if (absl::Status s = verifier.CheckRecord(record); !s.ok()) {
        return Failed(session, service, s.message());
      }
    }
  }
  if (absl::Status s = verifier.CheckNoRecordMissing(); !s.ok()) {
    return Failed(session, service, s.message());
  }

  session.out() << "audit verify " << service << ": OK\n"
                << "  " << WithThousands(head.tree_size())
                << " journal entries hash to the signed root "
                << absl::BytesToHexString(head.root_hash()) << "\n"
                << "  tree head signed " << TimeUtil::ToString(head.timestamp())
                << " by Ed25519 key " << absl::BytesToHexString(head.public_key()) << "\n"
                << "  " << WithThousands(records)
                << " stored records match the journal entries that wrote them\n";
  if (saved) {
    session.out() << "  consistent with the saved head of " << WithThousands(saved->tree_size())
                  << " entries (" << TimeUtil::ToString(saved->timestamp())
                  << "): nothing before it was removed or rewritten\n";
  }
  return kExitOk;
}

}  // namespace

int RunAuditCommand(Session& session, Flags& flags, const std::string& verb, const Args& args) {
  if (verb == "head") return AuditHead(session, flags, args);
  if (verb == "verify") return AuditVerify(session, flags, args);
  return session.UsageFailure(absl::StrCat(
      verb.empty() ? "audit needs a command" : "unknown command \"audit " + verb + "\"",
      "; use head or verify"));
}

}  // namespace corridor::cli
