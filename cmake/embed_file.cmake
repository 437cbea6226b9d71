# Writes OUTPUT, a C++ file defining `absl::string_view NAMESPACE::SYMBOL()`
# that returns the bytes of INPUT. Bytes are written as hex so that any file
# content is safe.
file(READ ${INPUT} hex HEX)
string(LENGTH "${hex}" hex_length)
math(EXPR size "${hex_length} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
file(WRITE ${OUTPUT}
"// Generated from ${INPUT}; do not edit.\n"
"#include \"absl/strings/string_view.h\"\n"
"namespace ${NAMESPACE} {\n"
"namespace { const unsigned char kData[] = {${bytes}}; }\n"
"absl::string_view ${SYMBOL}() {\n"
"  return absl::string_view(reinterpret_cast<const char*>(kData), ${size});\n"
"}\n"
"}  // namespace ${NAMESPACE}\n")
