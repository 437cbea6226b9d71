// The logger writes one line per message, whatever the message quotes:
// control characters come out escaped, never raw.
#include "common/log.h"

#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <string>

#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/temp_dir.h"

namespace corridor {
namespace {

using ::testing::EndsWith;
using ::testing::HasSubstr;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// What the logger writes to stderr while `log` runs; with `flush`, INFO
// lines too (which a background thread writes a moment later).
template <typename F>
std::string CaptureStderr(F log, bool flush = true) {
  testing::TempDir dir;
  const std::string path = dir.Sub("stderr");
  std::FILE* file = std::fopen(path.c_str(), "w");
  const int saved = ::dup(STDERR_FILENO);
  ::dup2(fileno(file), STDERR_FILENO);
  log();
  if (flush) FlushLog();
  ::dup2(saved, STDERR_FILENO);
  ::close(saved);
  std::fclose(file);
  return ReadFile(path);
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

TEST(LogTest, AWarningIsWrittenAtOnceAfterTheInfoLinesBeforeIt) {
  // Nothing flushes here: the warning itself must reach stderr before the
  // call returns, and the INFO lines logged before it must come first.
  const std::string written = CaptureStderr(
      [] {
        CORRIDOR_LOG(INFO) << "first";
        CORRIDOR_LOG(INFO) << "second";
        CORRIDOR_LOG(ERROR) << "third";
      },
      /*flush=*/false);
  const size_t first = written.find("INFO corridor: first\n");
  const size_t second = written.find("INFO corridor: second\n");
  const size_t third = written.find("ERROR corridor: third\n");
  ASSERT_NE(third, std::string::npos) << written;
  ASSERT_NE(first, std::string::npos) << written;
  ASSERT_NE(second, std::string::npos) << written;
  EXPECT_LT(first, second);
  EXPECT_LT(second, third);
}

TEST(LogTest, InfoLinesReachStderrWithoutAFlush) {
  testing::TempDir dir;
  const std::string path = dir.Sub("stderr");
  std::FILE* file = std::fopen(path.c_str(), "w");
  const int saved = ::dup(STDERR_FILENO);
  ::dup2(fileno(file), STDERR_FILENO);
  CORRIDOR_LOG(INFO) << "written by the writer thread";
  // The writer thread wakes every 10 ms; a minute is only a bound for a
  // loaded machine, not a measure of anything.
  std::string written;
  for (int i = 0; i < 6000 && written.find("written by the writer thread") == std::string::npos;
       ++i) {
    absl::SleepFor(absl::Milliseconds(10));
    written = ReadFile(path);
  }
  ::dup2(saved, STDERR_FILENO);
  ::close(saved);
  std::fclose(file);
  EXPECT_THAT(written, HasSubstr("INFO corridor: written by the writer thread\n"));
}

}  // namespace
}  // namespace corridor
