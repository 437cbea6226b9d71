// Typed reads on a Store, written once for every service: one record by id,
// one page of a record's history.
//
//   CORRIDOR_ASSIGN_OR_RETURN(storage::Versioned<v1::Area> area,
//                             storage::GetRecord(store, AreasTable(), "area_id", id));
//   area.record.set_name_en(...);
//   mutation.Update(AreasTable(), area.record, area.version);
#ifndef CORRIDOR_STORAGE_RECORDS_H_
#define CORRIDOR_STORAGE_RECORDS_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "common/status_macros.h"
#include "google/protobuf/repeated_field.h"
#include "storage/key_codec.h"
#include "storage/store.h"
#include "storage/table.h"

namespace corridor::storage {

// Records are stored without their version (the store keeps it apart):
// returns `record` with its `version` field set, as readers see it.
template <typename T>
T WithVersion(T record, uint64_t version) {
  record.set_version(static_cast<int64_t>(version));
  return record;
}

// A record as stored, and its version: what an update starts from.
template <typename T>
struct Versioned {
  T record;
  uint64_t version = 0;

  // The record as readers see it, with its version field set.
  T Release() && { return WithVersion(std::move(record), version); }
};

// Reads the record of `table` whose key is the string `id` (encoded as
// KeyWriter().String(id)). NOT_FOUND naming `field`, the request field that
// holds the id: `area_id: no area "X"; list areas to see the ids in use`.
template <typename T>
absl::StatusOr<Versioned<T>> GetRecord(const Store& store, const Table<T>& table,
                                       absl::string_view field, absl::string_view id) {
  Versioned<T> found;
  absl::StatusOr<uint64_t> version =
      store.Get(table.schema(), KeyWriter().String(id).Release(), &found.record);
  if (absl::IsNotFound(version.status())) {
    const TableInfo& info = table.schema().info();
    return absl::NotFoundError(absl::StrCat(field, ": no ", info.noun, " \"", id, "\"; list ",
                                            info.Plural(), " to see the ids in use"));
  }
  if (!version.ok()) return version.status();
  found.version = *version;
  return found;
}

// One page of a record's history: checks that the record of `parent` keyed
// by `id` exists (NOT_FOUND naming `field`, as GetRecord does), then appends
// to `out` the records of `history` (or of its index `page.index`) whose
// key starts with that id. `page` gives the order, size and token; its
// prefix is set here. Returns the next page token. History records are
// written once, so they carry no version.
template <typename Parent, typename T>
absl::StatusOr<std::string> HistoryPage(const Store& store, const Table<Parent>& parent,
                                        absl::string_view field, absl::string_view id,
                                        const Table<T>& history, ScanOptions page,
                                        google::protobuf::RepeatedPtrField<T>* out) {
  CORRIDOR_RETURN_IF_ERROR(GetRecord(store, parent, field, id).status());
  page.prefix = KeyWriter().String(id).Release();
  std::vector<std::pair<T, uint64_t>> found;
  CORRIDOR_ASSIGN_OR_RETURN(std::string next, ScanRecords(store, history, page, &found));
  for (auto& [record, unused_version] : found) *out->Add() = std::move(record);
  return next;
}

}  // namespace corridor::storage

#endif  // CORRIDOR_STORAGE_RECORDS_H_
