// Helpers for the fuzz targets (tests/fuzz): typed values taken from the
// fuzzer's bytes, and a check that stops the run with a message, so that
// libFuzzer keeps the input that broke a property.
#ifndef CORRIDOR_TESTS_FUZZ_FUZZ_INPUT_H_
#define CORRIDOR_TESTS_FUZZ_FUZZ_INPUT_H_

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "absl/strings/string_view.h"

// Every target defines this; libFuzzer (or fuzz_replay_main.cc) calls it.
extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

#define FUZZ_CHECK(condition, what)                                                   \
  do {                                                                                \
    if (!(condition)) {                                                               \
      std::fprintf(stderr, "%s:%d: property broken: %s\n  %s\n", __FILE__, __LINE__, \
                   #condition, std::string(what).c_str());                            \
      std::abort();                                                                   \
    }                                                                                 \
  } while (0)

namespace corridor::fuzz {

// Takes values off the front of the input; once it runs out, numbers are 0
// and strings empty.
class FuzzInput {
 public:
  FuzzInput(const uint8_t* data, size_t size)
      : rest_(reinterpret_cast<const char*>(data), size) {}

  uint8_t Byte() {
    if (rest_.empty()) return 0;
    const uint8_t b = static_cast<uint8_t>(rest_[0]);
    rest_.remove_prefix(1);
    return b;
  }
  uint64_t Uint64() {
    uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v = (v << 8) | Byte();
    return v;
  }
  // A string of up to 255 bytes, its length taken from the input first.
  std::string String() {
    const size_t n = std::min<size_t>(Byte(), rest_.size());
    std::string s(rest_.substr(0, n));
    rest_.remove_prefix(n);
    return s;
  }
  absl::string_view Rest() {
    absl::string_view r = rest_;
    rest_ = absl::string_view();
    return r;
  }

 private:
  absl::string_view rest_;
};

}  // namespace corridor::fuzz

#endif  // CORRIDOR_TESTS_FUZZ_FUZZ_INPUT_H_
