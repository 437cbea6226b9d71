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

// Appends `text` with control characters escaped, so that whatever a line
// quotes (a URL-decoded path, a folder a caller named) stays on that one
// line and cannot move a terminal's cursor: \n, \r and \t as such, the
// other C0 characters and DEL as \x1b and the like.
void AppendEscaped(absl::string_view text, std::string* out) {
  static constexpr char kHex[] = "0123456789abcdef";
  out->reserve(out->size() + text.size());
  for (char c : text) {
    const unsigned char u = static_cast<unsigned char>(c);
    if (u >= 0x20 && u != 0x7f) {
      out->push_back(c);
    } else if (c == '\n') {
      out->append("\\n");
    } else if (c == '\r') {
      out->append("\\r");
    } else if (c == '\t') {
      out->append("\\t");
    } else {
      out->append({'\\', 'x', kHex[u >> 4], kHex[u & 0xf]});
    }
  }
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
    absl::StrAppend(&line, SeverityName(severity_), " ", LogName(), ": ");
  }
  AppendEscaped(stream_.str(), &line);
  line.push_back('\n');
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
