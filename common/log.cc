#include "common/log.h"

#include <iostream>

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
  std::string time = absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::Now(), absl::UTCTimeZone());
  absl::MutexLock lock(&log_mutex);
  std::cerr << time << " " << SeverityName(severity_) << " " << LogName() << ": " << stream_.str()
            << std::endl;
}

}  // namespace corridor
