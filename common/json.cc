#include "common/json.h"

#include <cstdint>

namespace corridor {
namespace {

// The characters protobuf's JSON writer escapes (json_escaping.cc): the
// C0 and C1 controls and DEL, the quote and backslash, < and > (for HTML),
// and the invisible format characters below, which would otherwise hide
// in what the page shows.
bool EscapedAboveLatin1(uint32_t c) {
  return c == 0x00ad || (c >= 0x0600 && c <= 0x0603) || c == 0x06dd || c == 0x070f || c == 0x17b4 ||
         c == 0x17b5 || (c >= 0x200b && c <= 0x200f) || (c >= 0x2028 && c <= 0x202e) ||
         (c >= 0x2060 && c <= 0x2064) || (c >= 0x206a && c <= 0x206f) || c == 0xfeff ||
         (c >= 0xfff9 && c <= 0xfffb) || c == 0xe0001 || (c >= 0xe0020 && c <= 0xe007f);
}

void AppendUnicodeEscape(uint32_t unit, std::string* out) {
  static constexpr char kHex[] = "0123456789abcdef";
  out->append({'\\', 'u', kHex[(unit >> 12) & 0xf], kHex[(unit >> 8) & 0xf],
               kHex[(unit >> 4) & 0xf], kHex[unit & 0xf]});
}

// Decodes the UTF-8 sequence at text[*i] and advances *i past it; false
// if it is not well-formed UTF-8.
bool NextCodePoint(absl::string_view text, size_t* i, uint32_t* code_point) {
  const unsigned char lead = static_cast<unsigned char>(text[*i]);
  int length;
  uint32_t c;
  if (lead < 0x80) {
    *code_point = lead;
    ++*i;
    return true;
  } else if (lead >= 0xc2 && lead <= 0xdf) {
    length = 2;
    c = lead & 0x1f;
  } else if (lead >= 0xe0 && lead <= 0xef) {
    length = 3;
    c = lead & 0x0f;
  } else if (lead >= 0xf0 && lead <= 0xf4) {
    length = 4;
    c = lead & 0x07;
  } else {
    return false;
  }
  if (*i + length > text.size()) return false;
  for (int k = 1; k < length; ++k) {
    const unsigned char next = static_cast<unsigned char>(text[*i + k]);
    if ((next & 0xc0) != 0x80) return false;
    c = (c << 6) | (next & 0x3f);
  }
  static constexpr uint32_t kSmallest[] = {0, 0, 0x80, 0x800, 0x10000};
  if (c < kSmallest[length] || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff)) return false;
  *code_point = c;
  *i += length;
  return true;
}

}  // namespace

bool AppendJsonString(absl::string_view text, std::string* out, bool replace_invalid) {
  out->push_back('"');
  size_t i = 0;
  while (i < text.size()) {
    const size_t start = i;
    uint32_t c;
    if (!NextCodePoint(text, &i, &c)) {
      if (!replace_invalid) return false;
      out->append("\\ufffd");
      i = start + 1;
      continue;
    }
    if (c == '"') {
      out->append("\\\"");
    } else if (c == '\\') {
      out->append("\\\\");
    } else if (c == '\b') {
      out->append("\\b");
    } else if (c == '\t') {
      out->append("\\t");
    } else if (c == '\n') {
      out->append("\\n");
    } else if (c == '\f') {
      out->append("\\f");
    } else if (c == '\r') {
      out->append("\\r");
    } else if (c < 0x20 || c == '<' || c == '>' || (c >= 0x7f && c < 0xa0) ||
               EscapedAboveLatin1(c)) {
      if (c >= 0x10000) {  // as a UTF-16 surrogate pair
        AppendUnicodeEscape(0xd800 + ((c - 0x10000) >> 10), out);
        AppendUnicodeEscape(0xdc00 + ((c - 0x10000) & 0x3ff), out);
      } else {
        AppendUnicodeEscape(c, out);
      }
    } else {
      out->append(text.data() + start, i - start);
    }
  }
  out->push_back('"');
  return true;
}

std::string JsonString(absl::string_view text) {
  std::string out;
  AppendJsonString(text, &out, /*replace_invalid=*/true);
  return out;
}

}  // namespace corridor
