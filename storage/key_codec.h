// Order-preserving key encoding.
//
// Keys built with KeyWriter compare, byte by byte, in the same order as the
// tuples of values they were built from. This is what makes every listing a
// range scan: an index over (status, id) is the keys of all records with
// that status, sorted by id.
//
//   uint32/uint64  fixed width, big-endian
//   int64          fixed width, big-endian, sign bit flipped
//   string         bytes with 0x00 escaped as 0x00 0xFF, then 0x00 0x01
//
// A string component therefore never ends early and never runs into the
// next component, so composite keys sort by their first component first.
#ifndef CORRIDOR_STORAGE_KEY_CODEC_H_
#define CORRIDOR_STORAGE_KEY_CODEC_H_

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"

namespace corridor::storage {

class KeyWriter {
 public:
  KeyWriter() = default;

  KeyWriter& String(absl::string_view value);
  KeyWriter& Uint32(uint32_t value);
  KeyWriter& Uint64(uint64_t value);
  KeyWriter& Int64(int64_t value);
  // Appends bytes that are already an encoded key (or key prefix).
  KeyWriter& Raw(absl::string_view encoded);

  const std::string& key() const { return key_; }
  std::string Release() { return std::move(key_); }

 private:
  std::string key_;
};

// Reads components back in the order they were written. Every method returns
// false, and leaves its output untouched, if the input is not a well-formed
// component of that type.
class KeyReader {
 public:
  explicit KeyReader(absl::string_view key) : rest_(key) {}

  bool String(std::string* value);
  bool Uint32(uint32_t* value);
  bool Uint64(uint64_t* value);
  bool Int64(int64_t* value);

  bool done() const { return rest_.empty(); }
  absl::string_view rest() const { return rest_; }

 private:
  absl::string_view rest_;
};

// The smallest key greater than every key that starts with `prefix`, for use
// as an exclusive upper bound. Empty if there is none (prefix all 0xFF).
std::string PrefixSuccessor(absl::string_view prefix);

// A key of KeyWriter strings and 32-bit numbers as a person reads it, for
// messages: `"p" 201609 "syrian-government"`. Anything else is shown
// escaped.
std::string DescribeKey(absl::string_view key);

}  // namespace corridor::storage

#endif  // CORRIDOR_STORAGE_KEY_CODEC_H_
