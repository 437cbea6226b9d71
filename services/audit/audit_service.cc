#include "services/audit/audit_service.h"

#include "absl/cleanup/cleanup.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/status.h"
#include "common/stream_headers.h"
#include "common/validation.h"
#include "google/protobuf/util/time_util.h"
#include "services/common/key_rotation.h"
#include "storage/checkpoint.h"
#include "storage/merkle.h"

namespace corridor {
namespace {

using google::protobuf::util::TimeUtil;

// Every tree size a request names must be one the journal has reached.
absl::Status CheckSize(absl::string_view field, uint64_t size, uint64_t current) {
  if (size > current) {
    return InvalidField(field, absl::StrCat(size, " is beyond the journal's size (", current,
                                            "); ask GetTreeHead for the current size"));
  }
  return absl::OkStatus();
}

// The RFC 6962 audit path of entry `index` in the first `tree_size`.
absl::StatusOr<v1::InclusionProof> InclusionProofOf(const storage::Store& store, uint64_t index,
                                                    uint64_t tree_size) {
  CORRIDOR_ASSIGN_OR_RETURN(
      const std::vector<storage::merkle::Hash> path,
      storage::merkle::InclusionProof(store.journal_nodes(), index, tree_size));
  v1::InclusionProof proof;
  proof.set_leaf_index(index);
  proof.set_tree_size(tree_size);
  for (const auto& hash : path) proof.add_audit_path(storage::merkle::ToBytes(hash));
  return proof;
}

// Entries read from the journal at a time, and how often an idle stream
// checks whether its client has left.
constexpr uint64_t kWatchBatch = 256;
constexpr absl::Duration kWatchIdleCheck = absl::Milliseconds(500);

// The change for one journal entry: the entry, and each record it wrote as
// it is stored now when it is still at the version the entry wrote.
absl::StatusOr<v1::Change> ChangeFor(const ServiceStorage& storage, const std::string& service,
                                     uint64_t index, absl::string_view bytes) {
  v1::Change change;
  change.set_service(service);
  change.set_index(index);
  change.set_entry_bytes(std::string(bytes));
  const storage::merkle::Hash leaf = storage::merkle::LeafHash(bytes);
  change.set_leaf_hash(std::string(leaf.begin(), leaf.end()));
  if (!change.mutable_entry()->ParseFromString(change.entry_bytes())) {
    return absl::DataLossError(absl::StrCat("journal entry ", index, " of ", service,
                                            " cannot be parsed; run `corridorctl audit verify`"));
  }
  for (const v1::JournalChange& written : change.entry().changes()) {
    v1::ChangedRecord* out = change.add_records();
    out->set_table(written.table());
    out->set_description(written.description());
    out->set_version(written.version());
    const storage::TableSchema* table = FindTable(storage, written.table());
    if (table == nullptr) {
      out->set_state(v1::ChangedRecord::WITHHELD);
      continue;
    }
    absl::StatusOr<storage::RawRecord> stored = storage.store->Get(*table, written.key());
    if (absl::IsNotFound(stored.status())) {
      out->set_state(v1::ChangedRecord::REMOVED);
      continue;
    }
    if (!stored.ok()) return stored.status();
    if (stored->version != written.version()) {
      out->set_state(v1::ChangedRecord::SUPERSEDED);
      continue;
    }
    out->set_state(v1::ChangedRecord::CURRENT);
    out->mutable_record()->set_type_url("type.googleapis.com/" +
                                        table->prototype().GetDescriptor()->full_name());
    out->mutable_record()->set_value(std::move(stored->payload));
  }
  return change;
}

// What `viewer` may see of a change (RedactPrincipals): a redacted entry
// goes without its bytes, and a redacted record is marked so.
void RedactChange(const v1::Principal& viewer, v1::Change* change) {
  if (RedactPrincipals(viewer, change->mutable_entry())) change->clear_entry_bytes();
  for (v1::ChangedRecord& record : *change->mutable_records()) {
    if (record.state() == v1::ChangedRecord::CURRENT &&
        RedactPrincipals(viewer, record.mutable_record())) {
      record.set_state(v1::ChangedRecord::REDACTED);
    }
  }
}

bool WritesAnyOf(const v1::JournalEntry& entry, const absl::flat_hash_set<std::string>& tables) {
  if (tables.empty()) return true;
  for (const v1::JournalChange& change : entry.changes()) {
    if (tables.contains(change.table())) return true;
  }
  return false;
}

}  // namespace

absl::StatusOr<const ServiceStorage*> AuditService::Find(const std::string& service,
                                                         std::string* name) const {
  return FindHostedStorage(audited_, service, name);
}

grpc::Status AuditService::GetCheckpoint(grpc::ServerContext* context,
                                         const v1::GetCheckpointRequest* request,
                                         v1::Checkpoint* response) {
  return Serve(
      context, "GetCheckpoint", response,
      [&](const storage::Origin& origin) -> absl::StatusOr<v1::Checkpoint> {
        std::string name;
        CORRIDOR_ASSIGN_OR_RETURN(const ServiceStorage* storage, Find(request->service(), &name));
        if (request->fresh()) {
          // Publishing at will would keep witnesses from ever cosigning the
          // same checkpoint.
          const v1::Role role = origin.principal.role();
          if (role != v1::ROLE_OVERSIGHT && role != v1::ROLE_ADMIN) {
            return absl::PermissionDeniedError(
                "fresh: only oversight bodies and admins may publish a checkpoint at will");
          }
        }
        if (verified_heads_ != nullptr) return MirroredCheckpoint(name, *request);
        if (request->min_cosignatures() > 0) {
          return checkpoints_->Witnessed(name, *storage, request->min_cosignatures());
        }
        return checkpoints_->Published(name, *storage, request->fresh());
      });
}

absl::StatusOr<v1::Checkpoint> AuditService::MirroredCheckpoint(
    const std::string& service, const v1::GetCheckpointRequest& request) const {
  if (request.fresh()) {
    return absl::FailedPreconditionError(
        "fresh: a mirror publishes no checkpoints; ask the primary for a fresh one");
  }
  CORRIDOR_ASSIGN_OR_RETURN(v1::Checkpoint checkpoint, verified_heads_->Checkpoint(service));
  if (static_cast<uint32_t>(checkpoint.cosigned_by_size()) < request.min_cosignatures()) {
    return absl::FailedPreconditionError(
        absl::StrCat("min_cosignatures: the newest checkpoint of ", service,
                     " this mirror verified carries ", checkpoint.cosigned_by_size(),
                     checkpoint.cosigned_by_size() == 1 ? " cosignature" : " cosignatures",
                     ", fewer than ", request.min_cosignatures()));
  }
  return checkpoint;
}

grpc::Status AuditService::AddCosignature(grpc::ServerContext* context,
                                          const v1::AddCosignatureRequest* request,
                                          v1::AddCosignatureResponse* response) {
  // A request id is kept in the audited service's store.
  auto store_of = [&](const storage::Origin&) -> absl::StatusOr<storage::Store*> {
    std::string name;
    CORRIDOR_ASSIGN_OR_RETURN(const ServiceStorage* storage, Find(request->service(), &name));
    return storage->store.get();
  };
  return ServeWriteTo(context, "AddCosignature", store_of, *request, response,
                      [&](const storage::Origin&) -> absl::StatusOr<v1::AddCosignatureResponse> {
                        std::string name;
                        CORRIDOR_RETURN_IF_ERROR(Find(request->service(), &name).status());
                        return checkpoints_->AddCosignature(name, request->cosigned_note());
                      });
}

grpc::Status AuditService::GetTreeHead(grpc::ServerContext* context,
                                       const v1::GetTreeHeadRequest* request,
                                       v1::SignedTreeHead* response) {
  return Serve(
      context, "GetTreeHead", response,
      [&](const storage::Origin&) -> absl::StatusOr<v1::SignedTreeHead> {
        std::string name;
        CORRIDOR_ASSIGN_OR_RETURN(const ServiceStorage* storage, Find(request->service(), &name));
        if (verified_heads_ != nullptr) return verified_heads_->TreeHead(name);
        const storage::JournalHead head = storage->store->journal_head();
        // The signature covers microseconds: keep no finer precision.
        const int64_t now_micros = TimeUtil::TimestampToMicroseconds(TimeUtil::GetCurrentTime());
        CORRIDOR_ASSIGN_OR_RETURN(std::string signature,
                                  storage->signer->Sign(storage::TreeHeadSigningInput(
                                      name, head.size, now_micros, head.root)));
        v1::SignedTreeHead signed_head;
        signed_head.set_service(name);
        signed_head.set_tree_size(head.size);
        signed_head.set_root_hash(storage::merkle::ToBytes(head.root));
        *signed_head.mutable_timestamp() = TimeUtil::MicrosecondsToTimestamp(now_micros);
        signed_head.set_signature(std::move(signature));
        signed_head.set_public_key(storage->signer->public_key());
        return signed_head;
      });
}

grpc::Status AuditService::GetEntries(grpc::ServerContext* context,
                                      const v1::GetEntriesRequest* request,
                                      v1::GetEntriesResponse* response) {
  return Serve(
      context, "GetEntries", response,
      [&](const storage::Origin&) -> absl::StatusOr<v1::GetEntriesResponse> {
        std::string name;
        CORRIDOR_ASSIGN_OR_RETURN(const ServiceStorage* storage, Find(request->service(), &name));
        const uint64_t size = storage->store->journal_head().size;
        CORRIDOR_RETURN_IF_ERROR(CheckSize("end", request->end(), size));
        if (request->start() >= request->end()) {
          return InvalidField("start", "must be below end");
        }
        const uint64_t end = std::min(request->end(), request->start() + kMaxEntriesPerCall);
        v1::GetEntriesResponse entries;
        entries.set_start(request->start());
        CORRIDOR_RETURN_IF_ERROR(storage->store->ReadJournal(
            request->start(), end, [&](uint64_t, absl::string_view entry) {
              entries.add_entries(std::string(entry));
              return absl::OkStatus();
            }));
        return entries;
      });
}

grpc::Status AuditService::GetInclusionProof(grpc::ServerContext* context,
                                             const v1::GetInclusionProofRequest* request,
                                             v1::InclusionProof* response) {
  return Serve(context, "GetInclusionProof", response,
               [&](const storage::Origin&) -> absl::StatusOr<v1::InclusionProof> {
                 std::string name;
                 CORRIDOR_ASSIGN_OR_RETURN(const ServiceStorage* storage,
                                           Find(request->service(), &name));
                 const uint64_t size = storage->store->journal_head().size;
                 CORRIDOR_RETURN_IF_ERROR(CheckSize("tree_size", request->tree_size(), size));
                 return InclusionProofOf(*storage->store, request->leaf_index(),
                                         request->tree_size());
               });
}

grpc::Status AuditService::GetInclusionProofByHash(
    grpc::ServerContext* context, const v1::GetInclusionProofByHashRequest* request,
    v1::InclusionProof* response) {
  return Serve(
      context, "GetInclusionProofByHash", response,
      [&](const storage::Origin&) -> absl::StatusOr<v1::InclusionProof> {
        std::string name;
        CORRIDOR_ASSIGN_OR_RETURN(const ServiceStorage* storage, Find(request->service(), &name));
        absl::StatusOr<storage::merkle::Hash> leaf =
            storage::merkle::FromBytes(request->leaf_hash());
        if (!leaf.ok()) {
          return absl::InvalidArgumentError("leaf_hash: must be 32 bytes (SHA-256)");
        }
        const uint64_t size = storage->store->journal_head().size;
        CORRIDOR_RETURN_IF_ERROR(CheckSize("tree_size", request->tree_size(), size));
        CORRIDOR_ASSIGN_OR_RETURN(const uint64_t index, storage->store->FindJournalLeaf(*leaf));
        if (index >= request->tree_size()) {
          return absl::FailedPreconditionError(absl::StrCat(
              "tree_size: the entry with this leaf hash is entry ", index, ", not among the first ",
              request->tree_size(), "; ask against a later checkpoint"));
        }
        return InclusionProofOf(*storage->store, index, request->tree_size());
      });
}

grpc::Status AuditService::ListSigningKeyRotations(
    grpc::ServerContext* context, const v1::ListSigningKeyRotationsRequest* request,
    v1::ListSigningKeyRotationsResponse* response) {
  return Serve(context, "ListSigningKeyRotations", response,
               [&](const storage::Origin&) -> absl::StatusOr<v1::ListSigningKeyRotationsResponse> {
                 std::string name;
                 CORRIDOR_ASSIGN_OR_RETURN(const ServiceStorage* storage,
                                           Find(request->service(), &name));
                 CORRIDOR_ASSIGN_OR_RETURN(std::vector<v1::SigningKeyRotation> rotations,
                                           SigningKeyRotations(*storage->store));
                 v1::ListSigningKeyRotationsResponse list;
                 for (v1::SigningKeyRotation& rotation : rotations) {
                   *list.add_rotations() = std::move(rotation);
                 }
                 return list;
               });
}

grpc::Status AuditService::GetConsistencyProof(grpc::ServerContext* context,
                                               const v1::GetConsistencyProofRequest* request,
                                               v1::ConsistencyProof* response) {
  return Serve(
      context, "GetConsistencyProof", response,
      [&](const storage::Origin&) -> absl::StatusOr<v1::ConsistencyProof> {
        std::string name;
        CORRIDOR_ASSIGN_OR_RETURN(const ServiceStorage* storage, Find(request->service(), &name));
        const uint64_t size = storage->store->journal_head().size;
        CORRIDOR_RETURN_IF_ERROR(CheckSize("second_size", request->second_size(), size));
        CORRIDOR_ASSIGN_OR_RETURN(
            const std::vector<storage::merkle::Hash> path,
            storage::merkle::ConsistencyProof(storage->store->journal_nodes(),
                                              request->first_size(), request->second_size()));
        v1::ConsistencyProof proof;
        proof.set_first_size(request->first_size());
        proof.set_second_size(request->second_size());
        for (const auto& hash : path) proof.add_proof(storage::merkle::ToBytes(hash));
        return proof;
      });
}

grpc::Status AuditService::ListRecordDigests(grpc::ServerContext* context,
                                             const v1::ListRecordDigestsRequest* request,
                                             v1::ListRecordDigestsResponse* response) {
  return Serve(context, "ListRecordDigests", response,
               [&](const storage::Origin&) -> absl::StatusOr<v1::ListRecordDigestsResponse> {
                 std::string name;
                 CORRIDOR_ASSIGN_OR_RETURN(const ServiceStorage* storage,
                                           Find(request->service(), &name));
                 const int32_t asked = request->page().page_size();
                 if (asked < 0 || asked > kMaxDigestsPerPage) {
                   return InvalidField("page.page_size",
                                       absl::StrCat("must be 0 (1,000) to ", kMaxDigestsPerPage));
                 }
                 v1::ListRecordDigestsResponse page;
                 CORRIDOR_ASSIGN_OR_RETURN(
                     *page.mutable_next_page_token(),
                     storage->store->ScanRecordDigests(
                         request->page().page_token(), asked == 0 ? 1000 : asked,
                         [&](const storage::RecordDigest& record) {
                           v1::RecordDigest* out = page.add_records();
                           out->set_table(record.table);
                           out->set_key(record.primary_key);
                           out->set_version(record.version);
                           // A record that cannot be read is listed without a
                           // digest: the auditor reports it, and the walk goes on.
                           if (!record.unreadable) {
                             out->set_record_sha256(storage::merkle::ToBytes(record.sha256));
                           }
                           return absl::OkStatus();
                         }));
                 return page;
               });
}

grpc::Status AuditService::CheckDerivedData(grpc::ServerContext* context,
                                            const v1::CheckDerivedDataRequest* request,
                                            v1::CheckDerivedDataResponse* response) {
  return Serve(context, "CheckDerivedData", response,
               [&](const storage::Origin&) -> absl::StatusOr<v1::CheckDerivedDataResponse> {
                 std::string name;
                 CORRIDOR_ASSIGN_OR_RETURN(const ServiceStorage* storage,
                                           Find(request->service(), &name));
                 if (checking_derived_.exchange(true)) {
                   return absl::UnavailableError(
                       "another check of derived data is running on this server (each reads a "
                       "whole service); try again when it has ended");
                 }
                 absl::Cleanup done = [this] { checking_derived_ = false; };
                 const absl::Time started = absl::Now();
                 v1::CheckDerivedDataResponse checked;
                 // A difference is a finding for the auditor; anything else
                 // (the database cannot be read) is the call's error.
                 auto note = [&](absl::Status status) -> absl::Status {
                   if (!absl::IsDataLoss(status)) return status;
                   checked.add_findings(std::string(status.message()));
                   return absl::OkStatus();
                 };
                 for (const storage::TableSchema* table : storage->tables) {
                   CORRIDOR_RETURN_IF_ERROR(note(storage->store->CheckIndexes(*table)));
                   checked.set_indexes_checked(checked.indexes_checked() + table->indexes().size());
                 }
                 if (storage->derive_for_mirror) {
                   int64_t counters = 0;
                   CORRIDOR_RETURN_IF_ERROR(note(storage->store->CheckCounters(
                       storage->tables,
                       [&](const storage::TableSchema& table,
                           const google::protobuf::Message& record, storage::Mutation* mutation) {
                         storage->derive_for_mirror(table.info().name, nullptr, record, mutation);
                       },
                       &counters)));
                   checked.set_counters_checked(counters);
                 }
                 CORRIDOR_LOG(INFO)
                     << "derived data of " << name << " checked: " << checked.indexes_checked()
                     << " indexes, " << checked.counters_checked() << " counters, "
                     << checked.findings_size() << " differences, in "
                     << absl::FormatDuration(
                            absl::Trunc(absl::Now() - started, absl::Milliseconds(1)));
                 return checked;
               });
}

absl::StatusOr<absl::flat_hash_set<std::string>> AuditService::WatchedTables(
    const v1::WatchChangesRequest& request, const std::string& name,
    const ServiceStorage& storage) {
  if (!storage.change_feed) {
    return InvalidField("service", absl::StrCat(name,
                                                " has no change feed: its records are "
                                                "credentials. Oversight reads its journal with "
                                                "GetEntries"));
  }
  if (request.tables_size() > kMaxWatchedTables) {
    return InvalidField("tables", absl::StrCat("at most ", kMaxWatchedTables));
  }
  for (const std::string& table : request.tables()) {
    if (FindTable(storage, table) == nullptr) {
      std::vector<std::string> names;
      for (const storage::TableSchema* t : storage.tables) names.push_back(t->info().name);
      return InvalidField("tables", absl::StrCat(name, " has no table \"", table,
                                                 "\"; it has: ", absl::StrJoin(names, ", ")));
    }
  }
  return absl::flat_hash_set<std::string>(request.tables().begin(), request.tables().end());
}

grpc::Status AuditService::WatchChanges(grpc::ServerContext* context,
                                        const v1::WatchChangesRequest* request,
                                        grpc::ServerWriter<v1::Change>* writer) {
  StreamSlot slot;
  absl::StatusOr<storage::Origin> origin = AdmitStream(context, "WatchChanges", &slot);
  if (!origin.ok()) return ToGrpc(origin.status());
  std::string name;
  absl::StatusOr<const ServiceStorage*> found = Find(request->service(), &name);
  if (!found.ok()) return ToGrpc(found.status());
  const ServiceStorage& storage = **found;
  absl::StatusOr<absl::flat_hash_set<std::string>> tables = WatchedTables(*request, name, storage);
  if (!tables.ok()) return ToGrpc(tables.status());
  const storage::Store& store = *storage.store;
  uint64_t next = request->from_end() ? store.journal_head().size : request->start();
  if (const uint64_t size = store.journal_head().size; next > size) {
    return ToGrpc(InvalidField("start", absl::StrCat(next, " is beyond the journal's size (", size,
                                                     "); resume from at most ", size)));
  }
  // Headers go out at once, so the client knows it is subscribed before the
  // first change arrives.
  context->AddInitialMetadata(kSubscribedHeader, absl::StrCat(next));
  writer->SendInitialMetadata();
  while (!context->IsCancelled()) {
    const uint64_t size = store.journal_head().size;
    if (next < size) {
      const uint64_t end = std::min(size, next + kWatchBatch);
      absl::Status read =
          store.ReadJournal(next, end, [&](uint64_t index, absl::string_view bytes) {
            CORRIDOR_ASSIGN_OR_RETURN(v1::Change change, ChangeFor(storage, name, index, bytes));
            next = index + 1;
            if (!WritesAnyOf(change.entry(), *tables)) return absl::OkStatus();
            if (!SeesEveryPrincipal(origin->principal)) RedactChange(origin->principal, &change);
            if (!writer->Write(change)) return absl::CancelledError("the client left");
            return absl::OkStatus();
          });
      if (absl::IsCancelled(read)) return grpc::Status::CANCELLED;
      if (!read.ok()) return ToGrpc(read);
      continue;
    }
    if (ending_.load()) {
      return grpc::Status(grpc::StatusCode::UNAVAILABLE,
                          absl::StrCat("the server is shutting down; reconnect with start=", next,
                                       " to miss nothing"));
    }
    store.WaitForJournal(next, absl::Now() + kWatchIdleCheck);
  }
  return grpc::Status::CANCELLED;
}

void AuditService::EndStreams() {
  ending_.store(true);
  for (const auto& [name, storage] : audited_) storage->store->StopWaiting();
}

}  // namespace corridor
