#include "storage/mutation.h"

#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"

namespace corridor::storage {

std::string SerializeDeterministic(const google::protobuf::Message& message) {
  std::string bytes;
  google::protobuf::io::StringOutputStream stream(&bytes);
  google::protobuf::io::CodedOutputStream coded(&stream);
  coded.SetSerializationDeterministic(true);
  message.SerializeToCodedStream(&coded);
  return bytes;
}

void Mutation::Insert(const TableSchema& table, const google::protobuf::Message& record) {
  Add(table, record, /*insert=*/true, /*expected_version=*/0);
}

void Mutation::Update(const TableSchema& table, const google::protobuf::Message& record,
                      uint64_t expected_version) {
  Add(table, record, /*insert=*/false, expected_version);
}

void Mutation::Replicate(const TableSchema& table, const google::protobuf::Message& record,
                         std::string payload, uint64_t version) {
  Add(table, record, /*insert=*/false, /*expected_version=*/0);
  records_.back().payload = std::move(payload);
  records_.back().replicated_version = version;
}

void Mutation::PutMeta(std::string key, std::string value) {
  meta_.emplace_back(std::move(key), std::move(value));
}

void Mutation::AddToCounter(std::string key, std::vector<int64_t> deltas) {
  counters_.emplace_back(std::move(key), std::move(deltas));
}

void Mutation::Enqueue(std::string outbox, std::string message) {
  outbox_.emplace_back(std::move(outbox), std::move(message));
}

void Mutation::Add(const TableSchema& table, const google::protobuf::Message& record, bool insert,
                   uint64_t expected_version) {
  RecordWrite write;
  write.table = &table;
  write.primary_key = table.PrimaryKey(record);
  write.description = table.Describe(record);
  write.payload = SerializeDeterministic(record);
  for (const TableSchema::Index& index : table.indexes()) {
    write.terms.push_back(index.terms(record));
  }
  write.insert = insert;
  write.expected_version = expected_version;
  records_.push_back(std::move(write));
}

}  // namespace corridor::storage
