// How a record type is stored: its key, its secondary indexes.
//
// A service declares each table once and then only deals in records:
// the store derives record keys, index entries and versions from the schema.
//
//   const Table<Area> kAreas(
//       {.name = "areas", .noun = "area", .key_field = "id"},
//       [](const Area& a) { return KeyWriter().String(a.id()).Release(); },
//       [](const Area& a) { return a.id(); });
//   kAreas.Index("status", [](const Area& a) -> std::vector<std::string> {
//     return {KeyWriter().Uint32(a.status()).Release()};
//   });
#ifndef CORRIDOR_STORAGE_TABLE_H_
#define CORRIDOR_STORAGE_TABLE_H_

#include <functional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "google/protobuf/message.h"

namespace corridor::storage {

// Names used in keys and in error messages.
struct TableInfo {
  std::string name;       // key prefix; never change it once data exists
  std::string noun;       // "area", used in errors: "area EG-DUMA not found"
  std::string key_field;  // "id", the request field that errors name

  // The noun's plural, "list areas": + "es" after s, x, ch or sh, "ies" for a
  // consonant and y ("parties"), else + "s".
  std::string Plural() const;
};

// The type-erased schema the store works with. Use Table<T> to declare one.
class TableSchema {
 public:
  using Message = google::protobuf::Message;
  // Returns the record's primary key, encoded with KeyWriter.
  using KeyFn = std::function<std::string(const Message&)>;
  // Returns a human-readable key for error messages.
  using DescribeFn = std::function<std::string(const Message&)>;
  // Returns the encoded index terms of a record: zero terms leaves the record
  // out of the index, several put it in several times.
  using TermsFn = std::function<std::vector<std::string>(const Message&)>;

  struct Index {
    std::string name;
    TermsFn terms;
  };

  TableSchema(TableInfo info, const Message* prototype, KeyFn key, DescribeFn describe);

  void AddIndex(std::string name, TermsFn terms);

  const TableInfo& info() const { return info_; }
  const Message& prototype() const { return *prototype_; }
  const std::vector<Index>& indexes() const { return indexes_; }
  const Index* FindIndex(absl::string_view name) const;

  std::string PrimaryKey(const Message& record) const { return key_(record); }
  std::string Describe(const Message& record) const { return describe_(record); }

  // Key of a record in the records column family.
  std::string RecordKey(absl::string_view primary_key) const;
  // Prefix of every record of this table.
  std::string RecordPrefix() const;
  // Prefix of every entry of one index of this table.
  std::string IndexPrefix(absl::string_view index_name) const;

 private:
  TableInfo info_;
  const Message* prototype_;
  KeyFn key_;
  DescribeFn describe_;
  std::vector<Index> indexes_;
};

// A typed view over TableSchema for records of type T (a generated proto).
template <typename T>
class Table {
 public:
  Table(TableInfo info, std::function<std::string(const T&)> key,
        std::function<std::string(const T&)> describe)
      : schema_(
            std::move(info), &T::default_instance(),
            [key](const google::protobuf::Message& m) { return key(static_cast<const T&>(m)); },
            [describe](const google::protobuf::Message& m) {
              return describe(static_cast<const T&>(m));
            }) {}

  Table& Index(std::string name, std::function<std::vector<std::string>(const T&)> terms) {
    schema_.AddIndex(std::move(name), [terms](const google::protobuf::Message& m) {
      return terms(static_cast<const T&>(m));
    });
    return *this;
  }

  const TableSchema& schema() const { return schema_; }

 private:
  TableSchema schema_;
};

}  // namespace corridor::storage

#endif  // CORRIDOR_STORAGE_TABLE_H_
