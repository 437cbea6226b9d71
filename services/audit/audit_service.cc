#include "services/audit/audit_service.h"

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/status.h"
#include "common/validation.h"
#include "google/protobuf/util/time_util.h"
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

// Entries read from the journal at a time, and how often an idle stream
// checks whether its client has left.
constexpr uint64_t kWatchBatch = 256;
constexpr absl::Duration kWatchIdleCheck = absl::Milliseconds(500);

const storage::TableSchema* FindTable(const ServiceStorage& storage, const std::string& name) {
  for (const storage::TableSchema* table : storage.tables) {
    if (table->info().name == name) return table;
  }
  return nullptr;
}

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

grpc::Status AuditService::GetTreeHead(grpc::ServerContext* context,
                                       const v1::GetTreeHeadRequest* request,
                                       v1::SignedTreeHead* response) {
  absl::StatusOr<storage::Origin> origin = Admit(context, "GetTreeHead");
  if (!origin.ok()) return ToGrpc(origin.status());
  std::string name;
  absl::StatusOr<const ServiceStorage*> storage = Find(request->service(), &name);
  if (!storage.ok()) return ToGrpc(storage.status());
  const storage::JournalHead head = (*storage)->store->journal_head();
  const google::protobuf::Timestamp now = TimeUtil::GetCurrentTime();
  absl::StatusOr<std::string> signature = (*storage)->signer->Sign(storage::TreeHeadSigningInput(
      name, head.size, TimeUtil::TimestampToMicroseconds(now), head.root));
  if (!signature.ok()) return ToGrpc(signature.status());
  response->set_service(name);
  response->set_tree_size(head.size);
  response->set_root_hash(storage::merkle::ToBytes(head.root));
  // The signature covers microseconds: keep no finer precision.
  *response->mutable_timestamp() =
      TimeUtil::MicrosecondsToTimestamp(TimeUtil::TimestampToMicroseconds(now));
  response->set_signature(*signature);
  response->set_public_key((*storage)->signer->public_key());
  return grpc::Status::OK;
}

grpc::Status AuditService::GetEntries(grpc::ServerContext* context,
                                      const v1::GetEntriesRequest* request,
                                      v1::GetEntriesResponse* response) {
  absl::StatusOr<storage::Origin> origin = Admit(context, "GetEntries");
  if (!origin.ok()) return ToGrpc(origin.status());
  std::string name;
  absl::StatusOr<const ServiceStorage*> storage = Find(request->service(), &name);
  if (!storage.ok()) return ToGrpc(storage.status());
  const uint64_t size = (*storage)->store->journal_head().size;
  if (absl::Status s = CheckSize("end", request->end(), size); !s.ok()) return ToGrpc(s);
  if (request->start() >= request->end()) {
    return ToGrpc(InvalidField("start", "must be below end"));
  }
  const uint64_t end = std::min(request->end(), request->start() + kMaxEntriesPerCall);
  response->set_start(request->start());
  return ToGrpc(
      (*storage)->store->ReadJournal(request->start(), end, [&](uint64_t, absl::string_view entry) {
        response->add_entries(std::string(entry));
        return absl::OkStatus();
      }));
}

grpc::Status AuditService::GetInclusionProof(grpc::ServerContext* context,
                                             const v1::GetInclusionProofRequest* request,
                                             v1::InclusionProof* response) {
  absl::StatusOr<storage::Origin> origin = Admit(context, "GetInclusionProof");
  if (!origin.ok()) return ToGrpc(origin.status());
  std::string name;
  absl::StatusOr<const ServiceStorage*> storage = Find(request->service(), &name);
  if (!storage.ok()) return ToGrpc(storage.status());
  const uint64_t size = (*storage)->store->journal_head().size;
  if (absl::Status s = CheckSize("tree_size", request->tree_size(), size); !s.ok()) {
    return ToGrpc(s);
  }
  absl::StatusOr<std::vector<storage::merkle::Hash>> proof = storage::merkle::InclusionProof(
      (*storage)->store->journal_nodes(), request->leaf_index(), request->tree_size());
  if (!proof.ok()) return ToGrpc(proof.status());
  response->set_leaf_index(request->leaf_index());
  response->set_tree_size(request->tree_size());
  for (const auto& hash : *proof) response->add_audit_path(storage::merkle::ToBytes(hash));
  return grpc::Status::OK;
}

grpc::Status AuditService::GetConsistencyProof(grpc::ServerContext* context,
                                               const v1::GetConsistencyProofRequest* request,
                                               v1::ConsistencyProof* response) {
  absl::StatusOr<storage::Origin> origin = Admit(context, "GetConsistencyProof");
  if (!origin.ok()) return ToGrpc(origin.status());
  std::string name;
  absl::StatusOr<const ServiceStorage*> storage = Find(request->service(), &name);
  if (!storage.ok()) return ToGrpc(storage.status());
  const uint64_t size = (*storage)->store->journal_head().size;
  if (absl::Status s = CheckSize("second_size", request->second_size(), size); !s.ok()) {
    return ToGrpc(s);
  }
  absl::StatusOr<std::vector<storage::merkle::Hash>> proof = storage::merkle::ConsistencyProof(
      (*storage)->store->journal_nodes(), request->first_size(), request->second_size());
  if (!proof.ok()) return ToGrpc(proof.status());
  response->set_first_size(request->first_size());
  response->set_second_size(request->second_size());
  for (const auto& hash : *proof) response->add_proof(storage::merkle::ToBytes(hash));
  return grpc::Status::OK;
}

grpc::Status AuditService::ListRecordDigests(grpc::ServerContext* context,
                                             const v1::ListRecordDigestsRequest* request,
                                             v1::ListRecordDigestsResponse* response) {
  absl::StatusOr<storage::Origin> origin = Admit(context, "ListRecordDigests");
  if (!origin.ok()) return ToGrpc(origin.status());
  std::string name;
  absl::StatusOr<const ServiceStorage*> storage = Find(request->service(), &name);
  if (!storage.ok()) return ToGrpc(storage.status());
  const int32_t asked = request->page().page_size();
  if (asked < 0 || asked > kMaxDigestsPerPage) {
    return ToGrpc(
        InvalidField("page.page_size", absl::StrCat("must be 0 (1,000) to ", kMaxDigestsPerPage)));
  }
  absl::StatusOr<std::string> next = (*storage)->store->ScanRecordDigests(
      request->page().page_token(), asked == 0 ? 1000 : asked,
      [&](const storage::RecordDigest& record) {
        v1::RecordDigest* out = response->add_records();
        out->set_table(record.table);
        out->set_key(record.primary_key);
        out->set_version(record.version);
        out->set_record_sha256(storage::merkle::ToBytes(record.sha256));
        return absl::OkStatus();
      });
  if (!next.ok()) return ToGrpc(next.status());
  response->set_next_page_token(*next);
  return grpc::Status::OK;
}

grpc::Status AuditService::WatchChanges(grpc::ServerContext* context,
                                        const v1::WatchChangesRequest* request,
                                        grpc::ServerWriter<v1::Change>* writer) {
  StreamSlot slot;
  absl::StatusOr<storage::Origin> origin =
      access_->AdmitStream(*context, v1::AuditService::service_full_name(), "WatchChanges", &slot);
  if (!origin.ok()) return ToGrpc(origin.status());
  std::string name;
  absl::StatusOr<const ServiceStorage*> found = Find(request->service(), &name);
  if (!found.ok()) return ToGrpc(found.status());
  const ServiceStorage& storage = **found;
  if (!storage.change_feed) {
    return ToGrpc(InvalidField("service", absl::StrCat(name,
                                                       " has no change feed: its records "
                                                       "are credentials. Oversight reads its "
                                                       "journal with GetEntries")));
  }
  if (request->tables_size() > kMaxWatchedTables) {
    return ToGrpc(InvalidField("tables", absl::StrCat("at most ", kMaxWatchedTables)));
  }
  for (const std::string& table : request->tables()) {
    if (FindTable(storage, table) == nullptr) {
      std::vector<std::string> names;
      for (const storage::TableSchema* t : storage.tables) names.push_back(t->info().name);
      return ToGrpc(
          InvalidField("tables", absl::StrCat(name, " has no table \"", table,
                                              "\"; it has: ", absl::StrJoin(names, ", "))));
    }
  }
  const absl::flat_hash_set<std::string> tables(request->tables().begin(), request->tables().end());
  const storage::Store& store = *storage.store;
  uint64_t next = request->from_end() ? store.journal_head().size : request->start();
  if (const uint64_t size = store.journal_head().size; next > size) {
    return ToGrpc(InvalidField("start", absl::StrCat(next, " is beyond the journal's size (", size,
                                                     "); resume from at most ", size)));
  }
  // Headers go out at once, so the client knows it is subscribed before the
  // first change arrives.
  context->AddInitialMetadata("corridor-subscribed", absl::StrCat(next));
  writer->SendInitialMetadata();
  while (!context->IsCancelled()) {
    const uint64_t size = store.journal_head().size;
    if (next < size) {
      const uint64_t end = std::min(size, next + kWatchBatch);
      absl::Status read =
          store.ReadJournal(next, end, [&](uint64_t index, absl::string_view bytes) {
            absl::StatusOr<v1::Change> change = ChangeFor(storage, name, index, bytes);
            if (!change.ok()) return change.status();
            next = index + 1;
            if (!WritesAnyOf(change->entry(), tables)) return absl::OkStatus();
            if (!SeesEveryPrincipal(origin->principal)) RedactChange(origin->principal, &*change);
            if (!writer->Write(*change)) return absl::CancelledError("the client left");
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
