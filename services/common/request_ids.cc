#include "services/common/request_ids.h"

#include <algorithm>
#include <cstring>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "common/error_details.h"
#include "common/status_macros.h"
#include "storage/key_codec.h"
#include "storage/merkle.h"
#include "storage/mutation.h"

namespace corridor {
namespace {

// The two states of a request record: the change was written (the mark,
// stored by the change's own commit), and the answer was kept.
constexpr char kApplied[] = "applied";
constexpr char kAnswered[] = "answered";

// The calls holding a request id now, across the process's stores.
class InFlight {
 public:
  void Acquire(const std::string& key) {
    absl::MutexLock lock(&mu_);
    Free free{&held_, &key};
    mu_.Await(absl::Condition(&free, &Free::operator()));
    held_.insert(key);
  }
  void Release(const std::string& key) {
    absl::MutexLock lock(&mu_);
    held_.erase(key);
  }

 private:
  struct Free {
    const absl::flat_hash_set<std::string>* held;
    const std::string* key;
    bool operator()() const { return !held->contains(*key); }
  };
  absl::Mutex mu_;
  absl::flat_hash_set<std::string> held_ ABSL_GUARDED_BY(mu_);
};

InFlight& Claimed() {
  static InFlight* in_flight = new InFlight;  // never destroyed: outlives every call
  return *in_flight;
}

// What identifies a request apart from its request id: the SHA-256 of the
// rest, serialized deterministically.
std::string Fingerprint(const google::protobuf::Message& request) {
  std::unique_ptr<google::protobuf::Message> rest(request.New());
  rest->CopyFrom(request);
  const google::protobuf::FieldDescriptor* id =
      rest->GetDescriptor()->FindFieldByName("request_id");
  if (id != nullptr) rest->GetReflection()->ClearField(rest.get(), id);
  const storage::merkle::Hash hash =
      storage::merkle::Sha256(storage::SerializeDeterministic(*rest));
  return std::string(hash.begin(), hash.end());
}

struct Record {
  std::string state;
  std::string fingerprint;
  storage::LastCommit journal;
  std::string reply;
};

std::string Encode(const Record& record) {
  return storage::KeyWriter()
      .String(record.state)
      .String(record.fingerprint)
      .Uint64(record.journal.set ? 1 : 0)
      .Uint64(record.journal.journal_index)
      .String(std::string(record.journal.leaf_hash.begin(), record.journal.leaf_hash.end()))
      .String(record.reply)
      .Release();
}

absl::StatusOr<Record> Decode(absl::string_view bytes) {
  Record record;
  uint64_t set = 0;
  std::string leaf;
  storage::KeyReader reader(bytes);
  if (!reader.String(&record.state) || !reader.String(&record.fingerprint) ||
      !reader.Uint64(&set) || !reader.Uint64(&record.journal.journal_index) ||
      !reader.String(&leaf) || !reader.String(&record.reply) ||
      leaf.size() != record.journal.leaf_hash.size()) {
    return absl::DataLossError(
        "a stored request record could not be read; restore the database from a backup");
  }
  record.journal.set = set == 1;
  std::memcpy(record.journal.leaf_hash.data(), leaf.data(), leaf.size());
  return record;
}

}  // namespace

absl::Status ValidateRequestId(absl::string_view request_id) {
  if (request_id.empty() || request_id.size() > kMaxRequestIdBytes) {
    return absl::InvalidArgumentError(absl::StrCat("request_id: must be 1-", kMaxRequestIdBytes,
                                                   " characters long, got ", request_id.size()));
  }
  const bool allowed = std::all_of(request_id.begin(), request_id.end(), [](char c) {
    return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
  });
  if (!allowed) {
    return absl::InvalidArgumentError(
        absl::StrCat("request_id: \"", absl::CHexEscape(request_id),
                     "\" may hold only A-Z, a-z, 0-9, '-' and '_' (a UUID is a good choice)"));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<RequestClaim>> RequestClaim::Make(
    storage::Store* store, const v1::Principal& caller, absl::string_view rpc,
    const google::protobuf::Message& request) {
  const google::protobuf::FieldDescriptor* field =
      request.GetDescriptor()->FindFieldByName("request_id");
  if (field == nullptr) {
    return absl::InternalError(absl::StrCat(request.GetTypeName(), " has no request_id"));
  }
  const std::string request_id = request.GetReflection()->GetString(request, field);
  CORRIDOR_RETURN_IF_ERROR(ValidateRequestId(request_id));
  // A caller is its token: names need not be unique, ids are.
  const std::string& token = caller.token_id().empty() ? caller.name() : caller.token_id();
  std::string key = storage::KeyWriter().String(rpc).String(token).String(request_id).Release();
  std::unique_ptr<RequestClaim> claim(
      new RequestClaim(store, std::move(key), Fingerprint(request)));

  CORRIDOR_ASSIGN_OR_RETURN(const std::optional<std::string> stored,
                            store->GetRequestRecord(claim->key_));
  if (!stored.has_value()) {
    Record applied{kApplied, claim->fingerprint_, {}, ""};
    claim->mark_.emplace(store, claim->key_, Encode(applied));
    return claim;
  }
  CORRIDOR_ASSIGN_OR_RETURN(Record record, Decode(*stored));
  if (record.fingerprint != claim->fingerprint_) {
    return WithReason(
        absl::InvalidArgumentError(absl::StrCat(
            "request_id: \"", request_id, "\" was first sent with a different request to ", rpc,
            "; a retry must repeat its request exactly, and a new request needs a new "
            "request_id")),
        "REQUEST_ID_REUSED");
  }
  if (record.state != kAnswered) {
    return WithReason(
        absl::FailedPreconditionError(absl::StrCat(
            "request_id: \"", request_id,
            "\" was applied, but the server stopped before it kept its answer; read the "
            "record to see the result, and do not send this request again")),
        "REQUEST_APPLIED_REPLY_LOST");
  }
  claim->repeat_ = true;
  claim->reply_ = std::move(record.reply);
  claim->journal_ = record.journal;
  return claim;
}

RequestClaim::RequestClaim(storage::Store* store, std::string key, std::string fingerprint)
    : store_(store), key_(std::move(key)), fingerprint_(std::move(fingerprint)) {
  // The key names the store too: two stores may hold the same request key.
  Claimed().Acquire(absl::StrCat(store_->path(), "\n", key_));
}

RequestClaim::~RequestClaim() {
  mark_.reset();
  Claimed().Release(absl::StrCat(store_->path(), "\n", key_));
}

absl::Status RequestClaim::Save(const google::protobuf::Message& response,
                                const storage::LastCommit& written) {
  Record answered{kAnswered, fingerprint_, written, ""};
  if (!response.SerializeToString(&answered.reply)) {
    return absl::InternalError("an answer could not be serialized to keep for its request_id");
  }
  return store_->PutRequestRecord(key_, Encode(answered));
}

}  // namespace corridor
