// Counters: int64 vectors added to by merge, and their scans.
#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/status_macros.h"
#include "storage/key_codec.h"
#include "storage/store_impl.h"

namespace corridor::storage {
namespace {

std::vector<int64_t> DecodeCounter(absl::string_view bytes) {
  std::vector<int64_t> values(bytes.size() / 8);
  for (size_t i = 0; i < values.size(); ++i) {
    uint64_t v = 0;
    for (int b = 0; b < 8; ++b) {
      v |= static_cast<uint64_t>(static_cast<unsigned char>(bytes[i * 8 + b])) << (8 * b);
    }
    values[i] = static_cast<int64_t>(v);
  }
  return values;
}

// Adds counters element-wise; a shorter operand counts as zeros.
class Int64AddOperator : public rocksdb::AssociativeMergeOperator {
 public:
  bool Merge(const rocksdb::Slice& key, const rocksdb::Slice* existing, const rocksdb::Slice& value,
             std::string* new_value, rocksdb::Logger* logger) const override {
    std::vector<int64_t> sum = existing ? DecodeCounter(View(*existing)) : std::vector<int64_t>();
    const std::vector<int64_t> add = DecodeCounter(View(value));
    if (sum.size() < add.size()) sum.resize(add.size(), 0);
    for (size_t i = 0; i < add.size(); ++i) {
      sum[i] = static_cast<int64_t>(static_cast<uint64_t>(sum[i]) + static_cast<uint64_t>(add[i]));
    }
    *new_value = EncodeCounter(sum);
    return true;
  }
  const char* Name() const override { return "corridor.Int64Add"; }
};

}  // namespace

// Fixed 8-byte little-endian two's-complement integers.
std::string EncodeCounter(const std::vector<int64_t>& values) {
  std::string out(values.size() * 8, '\0');
  for (size_t i = 0; i < values.size(); ++i) {
    const uint64_t v = static_cast<uint64_t>(values[i]);
    for (int b = 0; b < 8; ++b) out[i * 8 + b] = static_cast<char>((v >> (8 * b)) & 0xFF);
  }
  return out;
}

std::shared_ptr<rocksdb::MergeOperator> NewInt64AddOperator() {
  return std::make_shared<Int64AddOperator>();
}

absl::Status Store::ScanCounters(absl::string_view prefix, absl::string_view start,
                                 absl::string_view end, const CounterVisitor& visit) const {
  ScopedSnapshot snapshot(impl_->db());
  RangeIterator it(impl_->db(), impl_->counters(), absl::StrCat(prefix, start),
                   end.empty() ? PrefixSuccessor(prefix) : absl::StrCat(prefix, end),
                   snapshot.get());
  for (it.SeekToFirst(); it.Valid(); it.Next()) {
    CORRIDOR_RETURN_IF_ERROR(visit(it.key().substr(prefix.size()), DecodeCounter(it.value())));
  }
  return it.status("reading counters");
}

absl::Status Store::CheckCounters(const std::vector<const TableSchema*>& tables,
                                  const CounterDerivation& derive, int64_t* checked) const {
  ScopedSnapshot snapshot(impl_->db());
  // Kept in key order, to be walked beside the stored counters.
  std::map<std::string, std::vector<int64_t>> expected;
  for (const TableSchema* table : tables) {
    CORRIDOR_RETURN_IF_ERROR(ForEachStoredRecord(
        impl_->db(), impl_->records(), *table, snapshot.get(), "checking counters",
        [&](const google::protobuf::Message& record, const std::string&) {
          Mutation derived;
          derive(*table, record, &derived);
          for (const auto& [key, deltas] : derived.counters()) {
            std::vector<int64_t>& sum = expected[key];
            if (sum.size() < deltas.size()) sum.resize(deltas.size(), 0);
            for (size_t i = 0; i < deltas.size(); ++i) sum[i] += deltas[i];
          }
          return absl::OkStatus();
        }));
  }
  // A counter added to and taken from again (a withdrawn record) may be
  // stored as zeros: zeros and absence are the same count.
  auto zero = [](const std::vector<int64_t>& values) {
    return std::all_of(values.begin(), values.end(), [](int64_t v) { return v == 0; });
  };
  auto same = [&](std::vector<int64_t> a, std::vector<int64_t> b) {
    a.resize(std::max(a.size(), b.size()), 0);
    b.resize(a.size(), 0);
    return a == b;
  };
  auto differs = [](absl::string_view key, const std::vector<int64_t>& stored,
                    const std::vector<int64_t>& called_for) {
    const std::string held =
        stored.empty() ? "is missing" : absl::StrCat("holds [", absl::StrJoin(stored, ", "), "]");
    const std::string wanted =
        called_for.empty()
            ? "no stored record adds to it"
            : absl::StrCat("the stored records add up to [", absl::StrJoin(called_for, ", "), "]");
    return absl::DataLossError(absl::StrCat("statistics counter ", DescribeKey(key), " ", held,
                                            " where ", wanted,
                                            ": statistics read from it are wrong"));
  };
  *checked = 0;
  auto next = expected.begin();
  RangeIterator it(impl_->db(), impl_->counters(), "", "", snapshot.get());
  for (it.SeekToFirst(); it.Valid(); it.Next()) {
    ++*checked;
    const std::vector<int64_t> stored = DecodeCounter(it.value());
    for (; next != expected.end() && next->first < it.key(); ++next, ++*checked) {
      if (!zero(next->second)) return differs(next->first, {}, next->second);
    }
    if (next != expected.end() && next->first == it.key()) {
      if (!same(stored, next->second)) return differs(it.key(), stored, next->second);
      ++next;
    } else if (!zero(stored)) {
      return differs(it.key(), stored, {});
    }
  }
  CORRIDOR_RETURN_IF_ERROR(it.status("reading counters to check them"));
  for (; next != expected.end(); ++next, ++*checked) {
    if (!zero(next->second)) return differs(next->first, {}, next->second);
  }
  return absl::OkStatus();
}

}  // namespace corridor::storage
