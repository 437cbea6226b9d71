// Test helpers shared by every test binary.
#ifndef CORRIDOR_TESTS_TESTING_TEMP_DIR_H_
#define CORRIDOR_TESTS_TESTING_TEMP_DIR_H_

#include <filesystem>
#include <random>
#include <string>

namespace corridor::testing {

// A fresh folder under $TEST_TMPDIR or the system temp folder, removed with
// everything in it when the object goes away.
class TempDir {
 public:
  TempDir() {
    const char* base = std::getenv("TEST_TMPDIR");
    std::filesystem::path root =
        base != nullptr ? std::filesystem::path(base) : std::filesystem::temp_directory_path();
    std::random_device random;
    path_ = (root / ("corridor_test_" + std::to_string(random()) + std::to_string(random())))
                .string();
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  std::string Sub(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

}  // namespace corridor::testing

#endif  // CORRIDOR_TESTS_TESTING_TEMP_DIR_H_
