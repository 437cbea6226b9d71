#include "storage/table.h"

#include "absl/strings/match.h"
#include "storage/key_codec.h"

namespace corridor::storage {

std::string TableInfo::Plural() const {
  for (absl::string_view ending : {"s", "x", "ch", "sh"}) {
    if (absl::EndsWith(noun, ending)) return noun + "es";
  }
  // "party" -> "parties"; "day" and "key" keep their y.
  if (noun.size() > 1 && noun.back() == 'y' && !absl::StrContains("aeiou", noun[noun.size() - 2])) {
    return noun.substr(0, noun.size() - 1) + "ies";
  }
  return noun + "s";
}

TableSchema::TableSchema(TableInfo info, const Message* prototype, KeyFn key, DescribeFn describe)
    : info_(std::move(info)),
      prototype_(prototype),
      key_(std::move(key)),
      describe_(std::move(describe)) {}

void TableSchema::AddIndex(std::string name, TermsFn terms) {
  indexes_.push_back(Index{std::move(name), std::move(terms)});
}

const TableSchema::Index* TableSchema::FindIndex(absl::string_view name) const {
  for (const Index& index : indexes_) {
    if (index.name == name) return &index;
  }
  return nullptr;
}

std::string TableSchema::RecordKey(absl::string_view primary_key) const {
  return KeyWriter().String(info_.name).Raw(primary_key).Release();
}

std::string TableSchema::RecordPrefix() const { return KeyWriter().String(info_.name).Release(); }

std::string TableSchema::IndexPrefix(absl::string_view index_name) const {
  return KeyWriter().String(info_.name).String(index_name).Release();
}

}  // namespace corridor::storage
