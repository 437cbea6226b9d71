// storage/key_codec: reading arbitrary bytes never fails badly, whatever
// reads back re-encodes to the bytes it came from, and encoded keys sort
// exactly as the values they encode.
#include <algorithm>
#include <tuple>

#include "absl/strings/escaping.h"
#include "storage/key_codec.h"
#include "tests/fuzz/fuzz_input.h"

namespace corridor::storage {
namespace {

int Sign(int c) { return (c > 0) - (c < 0); }

// Decodes `bytes` as components of the kinds `kinds` names, one per byte,
// checking that each one read re-encodes to the bytes it consumed.
void DecodeArbitrary(absl::string_view kinds, absl::string_view bytes) {
  KeyReader reader(bytes);
  for (char kind : kinds) {
    const absl::string_view before = reader.rest();
    KeyWriter again;
    bool read = false;
    switch (static_cast<uint8_t>(kind) % 4) {
      case 0: {
        std::string s = "untouched";
        read = reader.String(&s);
        if (read) again.String(s);
        else FUZZ_CHECK(s == "untouched", "a failed read changed its output");
        break;
      }
      case 1: {
        uint32_t v = 7;
        read = reader.Uint32(&v);
        if (read) again.Uint32(v);
        else FUZZ_CHECK(v == 7, "a failed read changed its output");
        break;
      }
      case 2: {
        uint64_t v = 7;
        read = reader.Uint64(&v);
        if (read) again.Uint64(v);
        else FUZZ_CHECK(v == 7, "a failed read changed its output");
        break;
      }
      case 3: {
        int64_t v = 7;
        read = reader.Int64(&v);
        if (read) again.Int64(v);
        else FUZZ_CHECK(v == 7, "a failed read changed its output");
        break;
      }
    }
    if (!read) {
      FUZZ_CHECK(reader.rest() == before, "a failed read consumed input");
      return;
    }
    const size_t consumed = before.size() - reader.rest().size();
    FUZZ_CHECK(again.key() == before.substr(0, consumed),
               "decoded component re-encodes differently: " + absl::CEscape(before.substr(0, consumed)));
  }
}

}  // namespace
}  // namespace corridor::storage

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using corridor::storage::KeyReader;
  using corridor::storage::KeyWriter;
  using corridor::storage::PrefixSuccessor;
  corridor::fuzz::FuzzInput in(data, size);
  const std::string a = in.String(), b = in.String();
  const uint64_t x = in.Uint64(), y = in.Uint64();
  const int64_t i = static_cast<int64_t>(in.Uint64()), j = static_cast<int64_t>(in.Uint64());
  const std::string kinds = in.String();

  // Composite keys sort by (string, int64, uint64) tuples.
  const std::string ka = KeyWriter().String(a).Int64(i).Uint64(x).Release();
  const std::string kb = KeyWriter().String(b).Int64(j).Uint64(y).Release();
  const auto ta = std::make_tuple(a, i, x);
  const auto tb = std::make_tuple(b, j, y);
  const int want = ta < tb ? -1 : (tb < ta ? 1 : 0);
  FUZZ_CHECK(corridor::storage::Sign(ka.compare(kb)) == want,
             "keys sort differently from their values: " + absl::CEscape(a) + " / " + absl::CEscape(b));

  // A key reads back as what was written, and nothing more.
  KeyReader reader(ka);
  std::string s;
  int64_t ri = 0;
  uint64_t rx = 0;
  FUZZ_CHECK(reader.String(&s) && reader.Int64(&ri) && reader.Uint64(&rx) && reader.done(),
             "a written key does not read back");
  FUZZ_CHECK(s == a && ri == i && rx == x, "a key reads back different values");

  // Every key under a prefix sorts below the prefix's successor.
  const std::string prefix = KeyWriter().String(a).Release();
  const std::string upper = PrefixSuccessor(prefix);
  FUZZ_CHECK(upper.empty() || ka < upper, "a key under a prefix sorts above its successor");
  FUZZ_CHECK(upper.empty() || ka.compare(0, prefix.size(), prefix) == 0, "prefix mismatch");
  const std::string raw_upper = PrefixSuccessor(b);
  FUZZ_CHECK(raw_upper.empty() || (b + a) < raw_upper, "successor of raw bytes too small");

  corridor::storage::DecodeArbitrary(kinds, in.Rest());
  return 0;
}
