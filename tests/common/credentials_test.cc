// Token files: written 0600 from the start, and never through a file or
// symlink someone else left at their .partial name.
#include "common/credentials.h"

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/temp_dir.h"

namespace corridor {
namespace {

namespace fs = std::filesystem;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

int Mode(const std::string& path) {
  struct stat info;
  if (::lstat(path.c_str(), &info) != 0) return -1;
  return static_cast<int>(info.st_mode & 07777);
}

TEST(TokenFileTest, ASymlinkAtThePartialNameIsReplacedNotFollowed) {
  testing::TempDir dir;
  std::ofstream(dir.Sub("victim")) << "someone else's file\n";
  fs::permissions(dir.Sub("victim"), fs::perms(0644));
  fs::create_symlink(dir.Sub("victim"), dir.Sub("admin.token.partial"));

  ASSERT_TRUE(WriteTokenFile(dir.Sub("admin.token"), "ct_secret").ok());
  EXPECT_EQ(ReadFile(dir.Sub("victim")), "someone else's file\n");
  EXPECT_EQ(Mode(dir.Sub("victim")), 0644);
  EXPECT_FALSE(fs::is_symlink(dir.Sub("admin.token")));
  EXPECT_EQ(ReadFile(dir.Sub("admin.token")), "ct_secret\n");
  EXPECT_EQ(Mode(dir.Sub("admin.token")), 0600);
  EXPECT_FALSE(fs::exists(fs::symlink_status(dir.Sub("admin.token.partial"))));
}

TEST(TokenFileTest, AStalePartialFromACrashIsReplacedAndTheFileIs0600) {
  testing::TempDir dir;
  std::ofstream(dir.Sub("t.token.partial")) << "half a token from before";
  fs::permissions(dir.Sub("t.token.partial"), fs::perms(0644));
  const mode_t old_mask = ::umask(0);
  absl::Status written = WriteTokenFile(dir.Sub("t.token"), "ct_new");
  ::umask(old_mask);
  ASSERT_TRUE(written.ok()) << written;
  EXPECT_EQ(ReadFile(dir.Sub("t.token")), "ct_new\n");
  EXPECT_EQ(Mode(dir.Sub("t.token")), 0600);
}

TEST(TokenFileTest, AFolderThatCannotBeWrittenIsNamed) {
  absl::Status written = WriteTokenFile("/proc/no-such/t.token", "ct_x");
  EXPECT_FALSE(written.ok());
  EXPECT_THAT(written.message(), ::testing::HasSubstr("/proc/no-such/t.token"));
}

}  // namespace
}  // namespace corridor
