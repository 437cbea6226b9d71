#include "storage/key_codec.h"

#include <algorithm>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace corridor::storage {
namespace {

constexpr char kEscape = '\x00';
constexpr char kEscapedZero = '\xFF';
constexpr char kTerminator = '\x01';

void AppendBigEndian(uint64_t value, int bytes, std::string* out) {
  for (int shift = (bytes - 1) * 8; shift >= 0; shift -= 8) {
    out->push_back(static_cast<char>((value >> shift) & 0xFF));
  }
}

bool ReadBigEndian(int bytes, absl::string_view* in, uint64_t* value) {
  if (in->size() < static_cast<size_t>(bytes)) return false;
  uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) {
    v = (v << 8) | static_cast<uint8_t>((*in)[i]);
  }
  in->remove_prefix(bytes);
  *value = v;
  return true;
}

constexpr uint64_t kSignBit = uint64_t{1} << 63;

}  // namespace

KeyWriter& KeyWriter::String(absl::string_view value) {
  for (char c : value) {
    key_.push_back(c);
    if (c == kEscape) key_.push_back(kEscapedZero);
  }
  key_.push_back(kEscape);
  key_.push_back(kTerminator);
  return *this;
}

KeyWriter& KeyWriter::Uint32(uint32_t value) {
  AppendBigEndian(value, 4, &key_);
  return *this;
}

KeyWriter& KeyWriter::Uint64(uint64_t value) {
  AppendBigEndian(value, 8, &key_);
  return *this;
}

KeyWriter& KeyWriter::Int64(int64_t value) {
  AppendBigEndian(static_cast<uint64_t>(value) ^ kSignBit, 8, &key_);
  return *this;
}

KeyWriter& KeyWriter::Raw(absl::string_view encoded) {
  key_.append(encoded.data(), encoded.size());
  return *this;
}

bool KeyReader::String(std::string* value) {
  std::string out;
  for (size_t i = 0; i < rest_.size(); ++i) {
    char c = rest_[i];
    if (c != kEscape) {
      out.push_back(c);
      continue;
    }
    if (i + 1 >= rest_.size()) return false;
    char next = rest_[i + 1];
    if (next == kTerminator) {
      rest_.remove_prefix(i + 2);
      *value = std::move(out);
      return true;
    }
    if (next != kEscapedZero) return false;
    out.push_back(kEscape);
    ++i;
  }
  return false;  // no terminator
}

bool KeyReader::Uint32(uint32_t* value) {
  uint64_t v;
  if (!ReadBigEndian(4, &rest_, &v)) return false;
  *value = static_cast<uint32_t>(v);
  return true;
}

bool KeyReader::Uint64(uint64_t* value) { return ReadBigEndian(8, &rest_, value); }

bool KeyReader::Int64(int64_t* value) {
  uint64_t v;
  if (!ReadBigEndian(8, &rest_, &v)) return false;
  *value = static_cast<int64_t>(v ^ kSignBit);
  return true;
}

std::string DescribeKey(absl::string_view key) {
  std::vector<std::string> parts;
  KeyReader reader(key);
  while (!reader.done()) {
    std::string text;
    uint32_t number = 0;
    KeyReader attempt = reader;
    if (attempt.String(&text) && std::all_of(text.begin(), text.end(), absl::ascii_isprint)) {
      parts.push_back(absl::StrCat("\"", text, "\""));
      reader = attempt;
    } else if (reader.Uint32(&number)) {
      parts.push_back(absl::StrCat(number));
    } else {
      return absl::StrCat("\"", absl::CHexEscape(key), "\"");
    }
  }
  return absl::StrJoin(parts, " ");
}

std::string PrefixSuccessor(absl::string_view prefix) {
  std::string limit(prefix);
  while (!limit.empty()) {
    unsigned char last = static_cast<unsigned char>(limit.back());
    if (last != 0xFF) {
      limit.back() = static_cast<char>(last + 1);
      return limit;
    }
    limit.pop_back();
  }
  return limit;
}

}  // namespace corridor::storage
