// The logger writes one line per message, whatever the message quotes:
// control characters come out escaped, never raw.
#include "common/log.h"

#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/temp_dir.h"

namespace corridor {
namespace {

using ::testing::EndsWith;
using ::testing::HasSubstr;

// What the logger writes to stderr while `log` runs.
template <typename F>
std::string CaptureStderr(F log) {
  testing::TempDir dir;
  const std::string path = dir.Sub("stderr");
  std::FILE* file = std::fopen(path.c_str(), "w");
  const int saved = ::dup(STDERR_FILENO);
  ::dup2(fileno(file), STDERR_FILENO);
  log();
  FlushLog();
  ::dup2(saved, STDERR_FILENO);
  ::close(saved);
  std::fclose(file);
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

TEST(LogTest, ControlCharactersInAMessageAreEscapedOnItsOneLine) {
  // As a URL-decoded path or a folder a caller named could carry them: a
  // forged second line, a carriage return, and terminal escapes.
  const std::string quoted =
      "/x\n2026-11-23T11:04:27.080Z ERROR corridord: forged\r\x1b[31mred\x07\x7f\x01\tend";
  const std::string written = CaptureStderr([&] { CORRIDOR_LOG(INFO) << "http GET " << quoted; });
  EXPECT_EQ(std::count(written.begin(), written.end(), '\n'), 1) << written;
  EXPECT_THAT(written,
              EndsWith("INFO corridor: http GET /x\\n2026-11-23T11:04:27.080Z ERROR corridord: "
                       "forged\\r\\x1b[31mred\\x07\\x7f\\x01\\tend\n"));
  for (char c : written.substr(0, written.size() - 1)) {
    const unsigned char u = static_cast<unsigned char>(c);
    EXPECT_TRUE(u >= 0x20 && u != 0x7f) << "raw control character " << static_cast<int>(u);
  }
}

TEST(LogTest, TextWithoutControlCharactersIsWrittenAsItIs) {
  const std::string written = CaptureStderr(
      [] { CORRIDOR_LOG(WARNING) << "areas: backup to /backups/Dūmā-دوما done\\ in 2s"; });
  EXPECT_THAT(written, HasSubstr(" WARNING corridor: areas: backup to /backups/Dūmā-دوما done\\ in "
                                 "2s\n"));
}

}  // namespace
}  // namespace corridor
