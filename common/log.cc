#include "common/log.h"

#include <unistd.h>

#include <cerrno>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace corridor {
namespace {

absl::Mutex log_mutex;
std::string& LogName() {
  static std::string* name = new std::string("corridor");
  return *name;
}

const char* SeverityName(LogSeverity severity) {
  switch (severity) {
    case LogSeverity::kInfo:
      return "INFO";
    case LogSeverity::kWarning:
      return "WARNING";
    case LogSeverity::kError:
      return "ERROR";
  }
  return "INFO";
}

}  // namespace

void SetLogName(std::string name) {
  absl::MutexLock lock(&log_mutex);
  LogName() = std::move(name);
}

LogLine::LogLine(LogSeverity severity, const char*, int) : severity_(severity) {}

LogLine::~LogLine() {
  std::string line = absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ ", absl::Now(), absl::UTCTimeZone());
  {
    absl::MutexLock lock(&log_mutex);
    absl::StrAppend(&line, SeverityName(severity_), " ", LogName(), ": ", stream_.str(), "\n");
  }
  // One write per line: std::cerr is unbuffered and would make one system
  // call per piece (a third of a small read's cost when every call is
  // logged), and a single write keeps lines from different threads whole.
  const char* data = line.data();
  size_t left = line.size();
  while (left > 0) {
    const ssize_t written = ::write(STDERR_FILENO, data, left);
    if (written < 0 && errno == EINTR) continue;
    if (written <= 0) return;
    data += written;
    left -= static_cast<size_t>(written);
  }
}

}  // namespace corridor
