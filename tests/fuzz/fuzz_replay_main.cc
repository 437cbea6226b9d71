// Runs a fuzz target over saved inputs, without libFuzzer: the seeds and
// every input that once broke a target (tests/fuzz/corpus/<target>/) run as
// regression tests in the ordinary build, under gcc and the sanitizers.
//   <target>_replay FILE_OR_DIR...
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>
#include <vector>

#include "tests/fuzz/fuzz_input.h"

int main(int argc, char** argv) {
  std::vector<std::filesystem::path> inputs;
  for (int i = 1; i < argc; ++i) {
    const std::filesystem::path path(argv[i]);
    if (std::filesystem::is_directory(path)) {
      for (const auto& entry : std::filesystem::directory_iterator(path)) {
        if (entry.is_regular_file()) inputs.push_back(entry.path());
      }
    } else if (std::filesystem::exists(path)) {
      inputs.push_back(path);
    } else {
      std::cerr << argv[0] << ": " << path << " does not exist\n";
      return 2;
    }
  }
  if (inputs.empty()) {
    std::cerr << argv[0] << ": no inputs; name the corpus folder (tests/fuzz/corpus/<target>)\n";
    return 2;
  }
  for (const std::filesystem::path& path : inputs) {
    std::ifstream file(path, std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
    LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
  }
  std::cout << argv[0] << ": " << inputs.size() << " inputs ran, every property held\n";
  return 0;
}
