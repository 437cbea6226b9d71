// corridorctl: see `corridorctl help`.
#include <iostream>

#include "clients/corridorctl/commands.h"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  return corridor::cli::Run(args, std::cout, std::cerr);
}
