#include "services/audit_service.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/status.h"
#include "common/validation.h"
#include "google/protobuf/util/time_util.h"

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

}  // namespace

absl::StatusOr<const ServiceStorage*> AuditService::Find(const std::string& service,
                                                         std::string* name) const {
  if (service.empty() && audited_.size() == 1) {
    *name = audited_.begin()->first;
    return audited_.begin()->second;
  }
  auto it = audited_.find(service);
  if (it == audited_.end()) {
    std::vector<std::string> names;
    for (const auto& [n, unused] : audited_) names.push_back(n);
    return InvalidField(
        "service",
        absl::StrCat(service.empty() ? "is required" : "\"" + service + "\" is not served here",
                     "; this server keeps the journals of: ", absl::StrJoin(names, ", ")));
  }
  *name = it->first;
  return it->second;
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

}  // namespace corridor
