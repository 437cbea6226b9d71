#include "services/mirror/mirror.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/credentials.h"
#include "common/log.h"
#include "common/status.h"
#include "common/status_macros.h"
#include "corridor/v1/auth.grpc.pb.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/time_util.h"
#include "services/common/access.h"
#include "services/common/key_rotation.h"
#include "services/mirror/replicated_batch.h"
#include "storage/checkpoint.h"
#include "storage/key_chain.h"
#include "storage/tree_signer.h"

namespace corridor::mirror {
namespace {

using google::protobuf::util::JsonPrintOptions;
using google::protobuf::util::MessageToJsonString;
using google::protobuf::util::TimeUtil;
namespace merkle = storage::merkle;

constexpr absl::Duration kCallTimeout = absl::Seconds(10);
// A catch-up of a long journal reads the feed for longer than one call.
constexpr absl::Duration kFeedTimeout = absl::Minutes(10);

std::string ServiceOfKeyName(const std::string& name) {
  const size_t slash = name.rfind('/');
  return slash == std::string::npos ? name : name.substr(slash + 1);
}

absl::Status Unreachable(const std::string& what, const std::string& service,
                         const grpc::Status& status) {
  return absl::Status(FromGrpc(status).code(),
                      absl::StrCat("cannot read ", what, " of ", service,
                                   " from the primary: ", status.error_message()));
}

}  // namespace

// One mirrored service: its copy, and the key its heads are checked with.
struct Mirror::Copy {
  std::string service;
  const ServiceStorage* storage = nullptr;
  std::string origin;  // the pinned verifier key's name
  std::string key;     // the raw Ed25519 key that signs the primary's heads now
  std::string last_error;
  absl::Time last_logged;
  bool caught_up_once = false;
};

absl::StatusOr<std::map<std::string, storage::VerifierKey>> PinnedKeys(
    const std::vector<std::string>& log_keys, const std::vector<std::string>& services) {
  std::map<std::string, storage::VerifierKey> pinned;
  for (const std::string& text : log_keys) {
    absl::StatusOr<storage::VerifierKey> key = storage::ParseVerifierKey(text);
    if (!key.ok() || key->type != 0x01) {
      return absl::InvalidArgumentError(
          absl::StrCat("--log_keys_file: \"", text, "\" is not a journal's verifier key (",
                       key.ok() ? "a witness's cosigner key" : key.status().message(), ")"));
    }
    pinned[ServiceOfKeyName(key->name)] = *key;
  }
  for (const std::string& service : services) {
    if (service == kAuthService || pinned.count(service) > 0) continue;
    return absl::InvalidArgumentError(absl::StrCat(
        "--log_keys_file lists no verifier key for ", service,
        ": add the line `corridorctl audit key --service=", service,
        "` prints for the primary (checked against the key the operator publishes), or "
        "leave it out with --services"));
  }
  return pinned;
}

Mirror::Mirror(std::shared_ptr<ServiceChannels> primary, MirrorOptions options)
    : primary_(std::move(primary)), options_(std::move(options)), state_(options_.state_dir) {}

Mirror::~Mirror() { Stop(); }

absl::StatusOr<std::unique_ptr<Mirror>> Mirror::Create(const HostedStorage& copies,
                                                       std::shared_ptr<ServiceChannels> primary,
                                                       MirrorOptions options) {
  std::vector<std::string> services;
  for (const auto& [service, storage] : copies) services.push_back(service);
  CORRIDOR_ASSIGN_OR_RETURN(const auto pinned, PinnedKeys(options.log_keys, services));
  std::unique_ptr<Mirror> mirror(new Mirror(std::move(primary), std::move(options)));
  for (const auto& [service, storage] : copies) {
    auto copy = std::make_unique<Copy>();
    copy->service = service;
    copy->storage = storage;
    copy->origin = pinned.at(service).name;
    copy->key = pinned.at(service).public_key;
    // Rotations the copy already holds were proven: start from their end.
    CORRIDOR_ASSIGN_OR_RETURN(const std::vector<v1::SigningKeyRotation> rotations,
                              SigningKeyRotations(*storage->store));
    if (!rotations.empty() && rotations.back().public_key() != copy->key) {
      CORRIDOR_RETURN_IF_ERROR(
          storage::FollowKeyRotations(service, copy->key, rotations.back().public_key(), rotations)
              .status());
      copy->key = rotations.back().public_key();
    }
    CORRIDOR_RETURN_IF_ERROR(mirror->Resume(*copy));
    mirror->copies_[service] = std::move(copy);
  }
  // A primary that is down now is checked on the first pass instead.
  if (absl::Status checked = mirror->CheckToken(); !absl::IsUnavailable(checked)) {
    CORRIDOR_RETURN_IF_ERROR(checked);
  }
  return mirror;
}

absl::Status Mirror::Resume(const Copy& copy) {
  const uint64_t held = copy.storage->store->journal_head().size;
  CORRIDOR_ASSIGN_OR_RETURN(const std::optional<v1::SignedTreeHead> head,
                            state_.VerifiedHead(copy.service));
  CORRIDOR_ASSIGN_OR_RETURN(const std::optional<std::string> divergence,
                            state_.Divergence(copy.service));
  absl::MutexLock lock(&mu_);
  MirrorProgress& progress = progress_[copy.service];
  progress.stored = held;
  progress.caught_up = absl::Now();
  // A head of the copy's size or less is the primary's word on it.
  if (head.has_value() && head->tree_size() <= held) heads_[copy.service] = *head;
  if (divergence.has_value()) {
    progress.divergence = divergence->substr(0, divergence->find('\n'));
    CORRIDOR_LOG(ERROR) << copy.service << ": not mirrored: " << progress.divergence
                        << " The evidence is in " << state_.DivergencePath(copy.service)
                        << "; to follow the primary again once the oversight body has it, move "
                           "that file aside (and keep it)";
  } else {
    CORRIDOR_LOG(INFO) << copy.service << ": the copy holds " << held
                       << " entries; mirroring from entry " << held;
  }
  return absl::OkStatus();
}

absl::Status Mirror::CheckToken() {
  std::unique_ptr<v1::TokenService::Stub> auth = v1::TokenService::NewStub(primary_->For("auth"));
  grpc::ClientContext context;
  Prepare(&context);
  // At start, a primary that is down must not hold the mirror's own serving up.
  context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(3)));
  v1::TokenInfo token;
  if (grpc::Status s = auth->WhoAmI(&context, v1::WhoAmIRequest(), &token); !s.ok()) {
    return absl::UnavailableError(absl::StrCat("cannot check the primary token at ",
                                               primary_->AddressOf("auth"), " yet (",
                                               s.error_message(),
                                               "); it is checked before the "
                                               "first entry is copied"));
  }
  token_checked_ = true;
  if (token.role() == v1::ROLE_OVERSIGHT) return absl::OkStatus();
  if (token.role() == v1::ROLE_ADMIN) {
    CORRIDOR_LOG(WARNING) << "the primary token \"" << token.name()
                          << "\" is an admin's: it can change the primary's areas, routes and "
                             "tokens from this machine. Give the mirror an oversight token";
    return absl::OkStatus();
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "--primary_token_file: the token \"", token.name(), "\" is of role ", RoleName(token.role()),
      ", which can write at the primary (or sees records redacted): a mirror needs an "
      "oversight token, which reads everything whole and writes nothing. Ask the primary's "
      "admin: corridorctl admin token create --role=oversight"));
}

void Mirror::Prepare(grpc::ClientContext* context) const {
  AttachBearerToken(context, options_.token);
  context->set_deadline(absl::ToChronoTime(absl::Now() + kCallTimeout));
}

absl::Status Mirror::PollOnce() {
  uint64_t stored = 0;
  return PollAll(&stored);
}

absl::Status Mirror::PollAll(uint64_t* stored) {
  if (!token_checked_) {
    // Nothing is copied with a token that may write at the primary.
    if (absl::Status checked = CheckToken(); !checked.ok()) {
      if (!absl::IsUnavailable(checked) && token_error_ != checked.message()) {
        CORRIDOR_LOG(ERROR) << checked.message();
      }
      token_error_ = std::string(checked.message());
      return checked;
    }
  }
  absl::Status first;
  for (auto& [service, copy] : copies_) {
    uint64_t stored_here = 0;
    absl::Status followed = Follow(*copy, &stored_here);
    *stored += stored_here;
    {
      absl::MutexLock lock(&mu_);
      progress_[service].up = followed.ok();
    }
    if (!followed.ok()) {
      LogFailure(*copy, followed);
      first.Update(followed);
    } else if (!copy->last_error.empty()) {
      CORRIDOR_LOG(INFO) << service << ": mirroring again";
      copy->last_error.clear();
    }
  }
  return first;
}

void Mirror::LogFailure(Copy& copy, const absl::Status& status) {
  const absl::Time now = absl::Now();
  if (absl::IsAborted(status)) return;  // the divergence was logged as it happened
  if (copy.last_error != status.message() || now - copy.last_logged > absl::Minutes(5)) {
    CORRIDOR_LOG(WARNING) << copy.service << ": " << status.message()
                          << " (said again every 5 minutes while it lasts)";
    copy.last_logged = now;
  }
  copy.last_error = std::string(status.message());
}

absl::Status Mirror::Follow(Copy& copy, uint64_t* stored) {
  {
    absl::MutexLock lock(&mu_);
    const std::string& divergence = progress_[copy.service].divergence;
    if (!divergence.empty()) return absl::AbortedError(divergence);
  }
  std::unique_ptr<v1::AuditService::Stub> primary =
      v1::AuditService::NewStub(primary_->For(copy.service));
  CORRIDOR_ASSIGN_OR_RETURN(const v1::SignedTreeHead head, ReadSignedHead(copy, *primary));
  CORRIDOR_RETURN_IF_ERROR(CheckExtends(copy, *primary, head));
  CORRIDOR_RETURN_IF_ERROR(CopyEntries(copy, *primary, head, stored));
  if (*stored > 0 || !copy.caught_up_once) {
    CORRIDOR_RETURN_IF_ERROR(state_.SaveVerifiedHead(copy.service, head));
  }
  if (!copy.caught_up_once) {
    CORRIDOR_LOG(INFO) << copy.service << ": caught up with the primary at " << head.tree_size()
                       << " entries";
    copy.caught_up_once = true;
  }
  {
    absl::MutexLock lock(&mu_);
    MirrorProgress& progress = progress_[copy.service];
    progress.stored = copy.storage->store->journal_head().size;
    progress.caught_up = absl::Now();
    heads_[copy.service] = head;
  }
  return RefreshCheckpoint(copy, *primary);
}

absl::StatusOr<v1::SignedTreeHead> Mirror::ReadSignedHead(Copy& copy,
                                                          v1::AuditService::Stub& primary) {
  v1::GetTreeHeadRequest request;
  request.set_service(copy.service);
  v1::SignedTreeHead head;
  grpc::ClientContext context;
  Prepare(&context);
  if (grpc::Status s = primary.GetTreeHead(&context, request, &head); !s.ok()) {
    return Unreachable("the signed tree head", copy.service, s);
  }
  {
    absl::MutexLock lock(&mu_);
    progress_[copy.service].primary_size = head.tree_size();
  }
  if (head.public_key() != copy.key) {
    // A rotation the copy does not hold yet: each step of the chain is
    // signed by the key before it, so the primary's list proves itself.
    v1::ListSigningKeyRotationsRequest list;
    list.set_service(copy.service);
    v1::ListSigningKeyRotationsResponse rotations;
    grpc::ClientContext list_context;
    Prepare(&list_context);
    if (grpc::Status s = primary.ListSigningKeyRotations(&list_context, list, &rotations);
        !s.ok()) {
      return Unreachable("the key rotations", copy.service, s);
    }
    absl::StatusOr<int> followed =
        storage::FollowKeyRotations(copy.service, copy.key, head.public_key(),
                                    {rotations.rotations().begin(), rotations.rotations().end()});
    if (!followed.ok()) {
      return absl::UnauthenticatedError(absl::StrCat(
          "the primary's head of ", copy.service, " is signed by a key that is not the pinned one ",
          "and no key rotation leads there from it (", followed.status().message(),
          "); nothing was stored"));
    }
    CORRIDOR_LOG(INFO) << copy.service << ": followed " << *followed
                       << " key rotations of the primary to its current key";
    copy.key = head.public_key();
  }
  CORRIDOR_ASSIGN_OR_RETURN(const merkle::Hash root, merkle::FromBytes(head.root_hash()));
  const std::string signed_bytes = storage::TreeHeadSigningInput(
      copy.service, head.tree_size(), TimeUtil::TimestampToMicroseconds(head.timestamp()), root);
  if (!storage::VerifyEd25519(copy.key, signed_bytes, head.signature()).ok()) {
    return absl::UnauthenticatedError(
        absl::StrCat("the primary's head of ", copy.service,
                     " does not carry a valid signature of its key; nothing was stored"));
  }
  // A key a rotation retired signs nothing after it, whoever holds it.
  CORRIDOR_ASSIGN_OR_RETURN(const std::vector<v1::SigningKeyRotation> held,
                            SigningKeyRotations(*copy.storage->store));
  CORRIDOR_RETURN_IF_ERROR(
      storage::CheckKeyNotRetired(copy.service, copy.key, head.tree_size(), held));
  return head;
}

absl::Status Mirror::CheckExtends(Copy& copy, v1::AuditService::Stub& primary,
                                  const v1::SignedTreeHead& head) {
  const storage::JournalHead held = copy.storage->store->journal_head();
  if (head.tree_size() < held.size) {
    CORRIDOR_ASSIGN_OR_RETURN(const uint64_t index, FirstMismatch(copy, primary, head.tree_size()));
    return Diverge(copy, index,
                   absl::StrCat("the primary's signed head has ", head.tree_size(),
                                " entries, fewer than the ", held.size, " this mirror verified"),
                   head);
  }
  if (held.size == 0) return absl::OkStatus();
  const absl::Status consistent = ProvePrefix(copy, primary, held.size, held.root, head);
  if (absl::IsUnavailable(consistent)) return consistent;
  if (consistent.ok()) return absl::OkStatus();
  CORRIDOR_ASSIGN_OR_RETURN(const uint64_t index, FirstMismatch(copy, primary, held.size));
  return Diverge(copy, index,
                 absl::StrCat("the primary's signed head (", head.tree_size(),
                              " entries) does not extend the ", held.size,
                              " entries this mirror verified: ", consistent.message()),
                 head);
}

absl::Status Mirror::ProvePrefix(Copy& copy, v1::AuditService::Stub& primary, uint64_t size,
                                 const merkle::Hash& root_at_size, const v1::SignedTreeHead& head) {
  CORRIDOR_ASSIGN_OR_RETURN(const merkle::Hash root, merkle::FromBytes(head.root_hash()));
  if (size == head.tree_size()) {
    return root_at_size == root
               ? absl::OkStatus()
               : absl::DataLossError(absl::StrCat("another root at the same size, ", size));
  }
  v1::GetConsistencyProofRequest request;
  request.set_service(copy.service);
  request.set_first_size(size);
  request.set_second_size(head.tree_size());
  v1::ConsistencyProof proof;
  grpc::ClientContext context;
  Prepare(&context);
  if (grpc::Status s = primary.GetConsistencyProof(&context, request, &proof); !s.ok()) {
    return absl::UnavailableError(absl::StrCat("cannot read a consistency proof of ", copy.service,
                                               " from the primary: ", s.error_message()));
  }
  std::vector<merkle::Hash> path;
  for (const std::string& bytes : proof.proof()) {
    absl::StatusOr<merkle::Hash> hash = merkle::FromBytes(bytes);
    if (!hash.ok()) return absl::DataLossError("the consistency proof holds a malformed hash");
    path.push_back(*hash);
  }
  return merkle::VerifyConsistency(size, head.tree_size(), root_at_size, root, path);
}

absl::Status Mirror::CopyEntries(Copy& copy, v1::AuditService::Stub& primary,
                                 const v1::SignedTreeHead& head, uint64_t* stored) {
  uint64_t next = copy.storage->store->journal_head().size;
  if (next >= head.tree_size()) return absl::OkStatus();
  v1::WatchChangesRequest request;
  request.set_service(copy.service);
  request.set_start(next);
  grpc::ClientContext context;
  AttachBearerToken(&context, options_.token);
  context.set_deadline(absl::ToChronoTime(absl::Now() + kFeedTimeout));
  std::unique_ptr<grpc::ClientReader<v1::Change>> feed = primary.WatchChanges(&context, request);
  std::vector<v1::Change> batch;
  v1::Change change;
  absl::Status status;
  while (status.ok() && next < head.tree_size() && feed->Read(&change)) {
    if (change.index() != next) {
      status = absl::DataLossError(absl::StrCat("the primary's change feed of ", copy.service,
                                                " gave entry ", change.index(), " for ", next));
      break;
    }
    batch.push_back(std::move(change));
    ++next;
    if (batch.size() == options_.batch_entries || next == head.tree_size()) {
      status = ProveAndStore(copy, primary, head, batch);
      if (status.ok()) *stored += batch.size();
      batch.clear();
    }
  }
  context.TryCancel();
  grpc::Status finished = feed->Finish();
  if (!status.ok()) return status;
  if (next < head.tree_size()) {
    return absl::UnavailableError(absl::StrCat(
        "the primary's change feed of ", copy.service, " ended at entry ", next, " of ",
        head.tree_size(), finished.ok() ? "" : absl::StrCat(": ", finished.error_message()),
        "; the mirror resumes from there"));
  }
  return absl::OkStatus();
}

absl::Status Mirror::ProveAndStore(Copy& copy, v1::AuditService::Stub& primary,
                                   const v1::SignedTreeHead& head,
                                   const std::vector<v1::Change>& batch) {
  const uint64_t first = batch.front().index();
  CORRIDOR_ASSIGN_OR_RETURN(merkle::Frontier frontier,
                            merkle::Frontier::Load(copy.storage->store->journal_nodes(), first));
  for (const v1::Change& change : batch) {
    if (change.entry_bytes().empty()) {
      return absl::PermissionDeniedError(absl::StrCat(
          "the primary withholds the bytes of ", copy.service, " entry ", change.index(),
          " from this mirror's token: give the mirror a token of role oversight"));
    }
    frontier.Append(merkle::LeafHash(change.entry_bytes()));
  }
  const absl::Status proven = ProvePrefix(copy, primary, frontier.size(), frontier.Root(), head);
  if (absl::IsUnavailable(proven)) return proven;
  if (!proven.ok()) {
    return Diverge(copy, first,
                   absl::StrCat("the change feed's entries ", first, " to ", frontier.size() - 1,
                                " are not those of the primary's signed head (", head.tree_size(),
                                " entries): ", proven.message()),
                   head);
  }
  absl::StatusOr<ReplicatedBatch> replicated = BuildReplicatedBatch(*copy.storage, batch);
  if (!replicated.ok()) {
    if (!absl::IsDataLoss(replicated.status())) return replicated.status();
    return Diverge(copy, first, std::string(replicated.status().message()), head);
  }
  return copy.storage->store->AppendReplicated(replicated->entries, replicated->records);
}

absl::Status Mirror::RefreshCheckpoint(Copy& copy, v1::AuditService::Stub& primary) {
  v1::GetCheckpointRequest request;
  request.set_service(copy.service);
  v1::Checkpoint checkpoint;
  grpc::ClientContext context;
  Prepare(&context);
  if (grpc::Status s = primary.GetCheckpoint(&context, request, &checkpoint); !s.ok()) {
    return Unreachable("the checkpoint", copy.service, s);
  }
  absl::StatusOr<std::string> body =
      storage::OpenNote(checkpoint.note(), storage::NoteVerifierKey(copy.origin, copy.key));
  if (!body.ok()) {
    return absl::UnauthenticatedError(
        absl::StrCat("the primary's checkpoint of ", copy.service,
                     " is not signed by its key: ", body.status().message()));
  }
  CORRIDOR_ASSIGN_OR_RETURN(const storage::Checkpoint parsed, storage::ParseCheckpoint(*body));
  const uint64_t held = copy.storage->store->journal_head().size;
  if (parsed.tree_size > held) return absl::OkStatus();  // served once the copy holds it
  CORRIDOR_ASSIGN_OR_RETURN(
      const merkle::Hash root,
      merkle::RootHash(copy.storage->store->journal_nodes(), parsed.tree_size));
  if (root != parsed.root) {
    CORRIDOR_ASSIGN_OR_RETURN(const uint64_t index, FirstMismatch(copy, primary, parsed.tree_size));
    return Diverge(copy, index,
                   absl::StrCat("the primary's signed checkpoint at ", parsed.tree_size,
                                " entries has another root than its signed heads"),
                   checkpoint);
  }
  absl::MutexLock lock(&mu_);
  checkpoints_[copy.service] = std::move(checkpoint);
  return absl::OkStatus();
}

absl::StatusOr<uint64_t> Mirror::FirstMismatch(Copy& copy, v1::AuditService::Stub& primary,
                                               uint64_t upto) {
  const storage::merkle::NodeSource nodes = copy.storage->store->journal_nodes();
  for (uint64_t start = 0; start < upto;) {
    v1::GetEntriesRequest request;
    request.set_service(copy.service);
    request.set_start(start);
    request.set_end(upto);
    v1::GetEntriesResponse entries;
    grpc::ClientContext context;
    Prepare(&context);
    if (grpc::Status s = primary.GetEntries(&context, request, &entries); !s.ok()) {
      return Unreachable("the entries", copy.service, s);
    }
    if (entries.entries().empty()) break;
    for (const std::string& entry : entries.entries()) {
      CORRIDOR_ASSIGN_OR_RETURN(const merkle::Hash held, nodes(0, start));
      if (merkle::LeafHash(entry) != held) return start;
      ++start;
    }
  }
  return upto;
}

absl::Status Mirror::Diverge(Copy& copy, uint64_t index, const std::string& what,
                             const google::protobuf::Message& presented) {
  std::string held = "none";
  copy.storage->store
      ->ReadJournal(index, std::min(index + 1, copy.storage->store->journal_head().size),
                    [&](uint64_t, absl::string_view bytes) {
                      v1::JournalEntry entry;
                      entry.ParseFromString(std::string(bytes));
                      held = absl::StrCat("leaf ", merkle::ToHex(merkle::LeafHash(bytes)), ", ",
                                          entry.rpc(), " at ", TimeUtil::ToString(entry.time()));
                      return absl::OkStatus();
                    })
      .IgnoreError();  // "none" then says what was read
  const std::string message =
      absl::StrCat(copy.service, ": the primary rewrote its history: ", what,
                   ". The first entry that no longer matches is entry ", index,
                   " (counted from 0; this mirror verified there: ", held, ").");
  // As `audit head` saves heads: either can be given to `audit verify --since`.
  std::string verified, contradicting;
  JsonPrintOptions json;
  json.add_whitespace = json.preserve_proto_field_names = true;
  {
    absl::MutexLock lock(&mu_);
    auto it = heads_.find(copy.service);
    if (it != heads_.end()) (void)MessageToJsonString(it->second, &verified, json);
  }
  (void)MessageToJsonString(presented, &contradicting, json);
  const std::string evidence = absl::StrCat(
      message, "\n\nThe head this mirror verified, signed by the primary's key:\n",
      verified.empty() ? "none\n" : verified, "\nWhat the primary signed instead:\n", contradicting,
      "\nThe mirror's copy up to the verified head is in its data folder, entry by entry.\n");
  const absl::Status saved = state_.SaveDivergence(copy.service, evidence);
  CORRIDOR_LOG(ERROR) << message << " Mirroring of " << copy.service
                      << " has stopped; the verified copy is still served. The evidence is in "
                      << state_.DivergencePath(copy.service)
                      << (saved.ok() ? "" : absl::StrCat(" (NOT SAVED: ", saved.message(), ")"))
                      << ": keep it and this mirror's data, and tell the oversight body "
                         "(docs/VERIFICATION.md)";
  absl::MutexLock lock(&mu_);
  progress_[copy.service].divergence = message;
  return absl::AbortedError(message);
}

MirrorProgress Mirror::Progress(const std::string& service) const {
  absl::MutexLock lock(&mu_);
  auto it = progress_.find(service);
  return it == progress_.end() ? MirrorProgress() : it->second;
}

absl::StatusOr<v1::SignedTreeHead> Mirror::TreeHead(const std::string& service) const {
  absl::MutexLock lock(&mu_);
  auto it = heads_.find(service);
  if (it == heads_.end()) {
    return absl::UnavailableError(absl::StrCat("this mirror has not yet verified a head of ",
                                               service, " from the primary; retry"));
  }
  return it->second;
}

absl::StatusOr<v1::Checkpoint> Mirror::Checkpoint(const std::string& service) const {
  absl::MutexLock lock(&mu_);
  auto it = checkpoints_.find(service);
  if (it == checkpoints_.end()) {
    return absl::UnavailableError(
        absl::StrCat("this mirror holds no checkpoint of ", service,
                     " yet: the primary publishes one every interval; retry"));
  }
  return it->second;
}

void Mirror::WriteMetrics(MetricsText* text) const {
  absl::MutexLock lock(&mu_);
  const absl::Time now = absl::Now();
  for (const auto& [service, progress] : progress_) {
    const MetricLabels labels = {{"service", service}};
    const uint64_t behind =
        progress.primary_size > progress.stored ? progress.primary_size - progress.stored : 0;
    text->Gauge("corridor_mirror_entries", "Entries of the primary's journal the copy holds.",
                labels, static_cast<double>(progress.stored));
    text->Gauge("corridor_mirror_entries_behind",
                "Entries of the primary's last signed head the copy does not hold yet.", labels,
                static_cast<double>(behind));
    text->Gauge("corridor_mirror_seconds_since_caught_up",
                "Seconds since the copy last held every entry of a signed head (or since the "
                "mirror started).",
                labels, absl::ToDoubleSeconds(now - progress.caught_up));
    text->Gauge("corridor_mirror_up", "1 while the last pass over the primary succeeded.", labels,
                progress.up ? 1 : 0);
    text->Gauge("corridor_mirror_diverged",
                "1 once the primary's history no longer extends the copy (mirroring stopped).",
                labels, progress.divergence.empty() ? 0 : 1);
  }
}

void Mirror::Start() {
  thread_ = std::thread([this] {
    CORRIDOR_LOG(INFO) << "mirroring " << copies_.size() << " services from "
                       << primary_->default_address();
    absl::Duration wait;
    do {
      uint64_t stored = 0;
      PollAll(&stored).IgnoreError();
      wait = stored > 0 ? absl::ZeroDuration() : options_.interval;
    } while (!stop_.WaitForNotificationWithTimeout(wait));
  });
}

void Mirror::Stop() {
  if (!stop_.HasBeenNotified()) stop_.Notify();
  if (thread_.joinable()) thread_.join();
}

}  // namespace corridor::mirror
