// A small logger: Abseil 20220623 has no absl/log.
//
//   CORRIDOR_LOG(INFO) << "serving areas on " << address;
//
// Lines go to stderr as "2026-11-22T10:00:00.123Z INFO areas: message", one
// line per message: control characters in the message (a newline, ESC...)
// are written escaped, as \n or \x1b.
#ifndef CORRIDOR_COMMON_LOG_H_
#define CORRIDOR_COMMON_LOG_H_

#include <sstream>
#include <string>

namespace corridor {

enum class LogSeverity { kInfo, kWarning, kError };

class LogLine {
 public:
  LogLine(LogSeverity severity, const char* file, int line);
  ~LogLine();
  template <typename T>
  LogLine& operator<<(const T& value) {
    stream_ << value;
    return *this;
  }

 private:
  LogSeverity severity_;
  std::ostringstream stream_;
};

// Names the process in every line, e.g. "corridord".
void SetLogName(std::string name);

// Writes every line logged so far to stderr. INFO lines are written by a
// background thread, a moment after they are logged; warnings and errors
// at once. The process's normal exit flushes too.
void FlushLog();

}  // namespace corridor

#define CORRIDOR_LOG_SEVERITY_INFO ::corridor::LogSeverity::kInfo
#define CORRIDOR_LOG_SEVERITY_WARNING ::corridor::LogSeverity::kWarning
#define CORRIDOR_LOG_SEVERITY_ERROR ::corridor::LogSeverity::kError
#define CORRIDOR_LOG(severity) \
  ::corridor::LogLine(CORRIDOR_LOG_SEVERITY_##severity, __FILE__, __LINE__)

#endif  // CORRIDOR_COMMON_LOG_H_
