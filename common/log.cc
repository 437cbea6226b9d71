#include "common/log.h"

#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <string>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
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

// Writes `text` to stderr in as few system calls as it takes.
void WriteToStderr(absl::string_view text) {
  const char* data = text.data();
  size_t left = text.size();
  while (left > 0) {
    const ssize_t written = ::write(STDERR_FILENO, data, left);
    if (written < 0 && errno == EINTR) continue;
    if (written <= 0) return;
    data += written;
    left -= static_cast<size_t>(written);
  }
}

// Lines are handed to one writer thread, which writes whatever has piled up
// every 10 ms in one system call. A write per line from the thread that
// logged it serialised every serving thread on stderr: with the one line
// per RPC that servers log by default, it cost a third of a small read's
// rate. Warnings and errors, and FlushLog(), are written before the call
// returns, after every line logged before them, so a crash right after one
// still leaves it in the log; a kill -9 loses at most the last 10 ms of
// INFO lines.
class LogWriter {
 public:
  // Never destroyed: lines are logged until the process's last moment.
  static LogWriter& Get() {
    static LogWriter* writer = new LogWriter();
    return *writer;
  }

  void Add(absl::string_view line, bool write_now) {
    bool backlog;
    {
      absl::MutexLock lock(&pending_mutex_);
      pending_.append(line.data(), line.size());
      backlog = pending_.size() > kMaxPendingBytes;
      if (!write_now && !backlog && !writer_started_) {
        writer_started_ = true;
        std::thread([this] { WriteForever(); }).detach();
        std::atexit([] { LogWriter::Get().Flush(); });
      }
    }
    // A stderr that cannot keep up slows the loggers rather than growing
    // the backlog without bound.
    if (write_now || backlog) Flush();
  }

  // Writes every line added so far.
  void Flush() {
    absl::MutexLock order(&write_mutex_);
    std::string lines;
    {
      absl::MutexLock lock(&pending_mutex_);
      lines.swap(pending_);
    }
    WriteToStderr(lines);
  }

 private:
  static constexpr size_t kMaxPendingBytes = 1 << 20;
  static constexpr absl::Duration kWriteInterval = absl::Milliseconds(10);

  // Wakes on a clock rather than for each line: a wake-up per line cost
  // a thread switch per line.
  void WriteForever() {
    for (;;) {
      absl::SleepFor(kWriteInterval);
      Flush();
    }
  }

  // Taken before pending_mutex_, so that lines reach stderr in the order
  // they were added whichever thread writes them.
  absl::Mutex write_mutex_;
  absl::Mutex pending_mutex_;
  std::string pending_ ABSL_GUARDED_BY(pending_mutex_);
  bool writer_started_ ABSL_GUARDED_BY(pending_mutex_) = false;
};

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
  LogWriter::Get().Add(line, /*write_now=*/severity_ != LogSeverity::kInfo);
}

void FlushLog() { LogWriter::Get().Flush(); }

}  // namespace corridor
