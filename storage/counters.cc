// Counters: int64 vectors added to by merge, and their scans.
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
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

}  // namespace corridor::storage
