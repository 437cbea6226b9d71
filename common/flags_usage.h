// What --help lists. Abseil lists by default only the flags defined in a
// file named after the program, which no Corridor binary has ("No flags
// matched"); each program names the file its flags are defined in.
#ifndef CORRIDOR_COMMON_FLAGS_USAGE_H_
#define CORRIDOR_COMMON_FLAGS_USAGE_H_

#include <string>
#include <vector>

namespace corridor {

// --help and --helpshort list the flags of the source files whose paths end
// in one of `files`, e.g. "services/witness/main.cc". Call before parsing.
void ListFlagsOf(std::vector<std::string> files);
inline void ListFlagsOf(std::string file) { ListFlagsOf(std::vector<std::string>{file}); }

}  // namespace corridor

#endif  // CORRIDOR_COMMON_FLAGS_USAGE_H_
