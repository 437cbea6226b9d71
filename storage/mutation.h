// A mutation collects what one RPC writes. Store::Commit applies it as one
// synced RocksDB write batch: records, their index entries and metadata
// commit together or not at all.
#ifndef CORRIDOR_STORAGE_MUTATION_H_
#define CORRIDOR_STORAGE_MUTATION_H_

#include <cstdint>
#include <string>
#include <vector>

#include "corridor/v1/common.pb.h"
#include "google/protobuf/message.h"
#include "storage/table.h"

namespace corridor::storage {

// The message's bytes with deterministic serialization: equal records have
// equal bytes, hence equal digests in the audit journal.
std::string SerializeDeterministic(const google::protobuf::Message& message);

// Who makes a change and through which call: what the audit journal
// records with it.
struct Origin {
  v1::Principal principal;
  std::string rpc;  // e.g. "/corridor.v1.ConvoyService/ApproveConvoy"
};

class Mutation {
 public:
  Mutation() = default;

  // Adds a new record. The commit fails with ALREADY_EXISTS if its key is
  // taken. The new record gets version 1.
  void Insert(const TableSchema& table, const google::protobuf::Message& record);
  template <typename T>
  void Insert(const Table<T>& table, const T& record) {
    Insert(table.schema(), record);
  }

  // Replaces a record. The commit fails with NOT_FOUND if it does not exist
  // and with ABORTED unless it is at `expected_version`; the record then gets
  // `expected_version + 1`.
  void Update(const TableSchema& table, const google::protobuf::Message& record,
              uint64_t expected_version);
  template <typename T>
  void Update(const Table<T>& table, const T& record, uint64_t expected_version) {
    Update(table.schema(), record, expected_version);
  }

  // Stores a record exactly as another store holds it at `version` (a
  // mirror copying its primary, Store::AppendReplicated): `payload` is the
  // primary's bytes of `record`. A record already stored at `version` or
  // later is left as it is.
  void Replicate(const TableSchema& table, const google::protobuf::Message& record,
                 std::string payload, uint64_t version);

  // Sets a store-wide metadata value (e.g. "reference data loaded").
  void PutMeta(std::string key, std::string value);

  // Adds `deltas` element-wise to the counter at `key` (encoded with
  // KeyWriter; missing counters start at zero). Counters are derived data,
  // like index entries: they commit in the same batch as the records they
  // summarize, but are not journaled. Concurrent commits add to the same
  // counter without waiting for each other (a RocksDB merge, not a read).
  void AddToCounter(std::string key, std::vector<int64_t> deltas);

  // Queues `message` on the outbox `outbox`, in the same batch as the rest
  // of the mutation: it exists if and only if the commit does. The store
  // numbers messages per outbox in commit order; an OutboxRelay
  // (services/common/outbox_relay.h) delivers them.
  void Enqueue(std::string outbox, std::string message);

  // Who makes the change, for the audit journal. Every service mutation
  // sets it.
  void SetOrigin(const Origin& origin) { origin_ = origin; }
  const Origin& origin() const { return origin_; }

  bool empty() const {
    return records_.empty() && meta_.empty() && counters_.empty() && outbox_.empty();
  }

  // What the mutation collected, for the store to commit.
  struct RecordWrite {
    const TableSchema* table;
    std::string primary_key;
    std::string description;                      // for error messages
    std::string payload;                          // serialized record
    std::vector<std::vector<std::string>> terms;  // per index of the table
    bool insert;
    uint64_t expected_version;
    uint64_t replicated_version = 0;  // set by Replicate
  };
  const std::vector<RecordWrite>& records() const { return records_; }
  const std::vector<std::pair<std::string, std::string>>& meta() const { return meta_; }
  const std::vector<std::pair<std::string, std::vector<int64_t>>>& counters() const {
    return counters_;
  }
  const std::vector<std::pair<std::string, std::string>>& outbox() const { return outbox_; }

 private:
  void Add(const TableSchema& table, const google::protobuf::Message& record, bool insert,
           uint64_t expected_version);

  std::vector<RecordWrite> records_;
  std::vector<std::pair<std::string, std::string>> meta_;
  std::vector<std::pair<std::string, std::vector<int64_t>>> counters_;
  std::vector<std::pair<std::string, std::string>> outbox_;  // (outbox, message)
  Origin origin_;
};

}  // namespace corridor::storage

#endif  // CORRIDOR_STORAGE_MUTATION_H_
