// What --help lists. Abseil lists by default only the flags defined in a
// file named after the program, which no Corridor binary has ("No flags
// matched"); each program names the file its flags are defined in.
#ifndef CORRIDOR_COMMON_FLAGS_USAGE_H_
#define CORRIDOR_COMMON_FLAGS_USAGE_H_

#include <string>

namespace corridor {

// --help and --helpshort list the flags of the source file whose path ends
// in `file`, e.g. "services/witness/main.cc". Call before parsing.
void ListFlagsOf(std::string file);

}  // namespace corridor

#endif  // CORRIDOR_COMMON_FLAGS_USAGE_H_
