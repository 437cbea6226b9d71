// Runs the project's real binaries from tests.
#ifndef CORRIDOR_TESTS_TESTING_SUBPROCESS_H_
#define CORRIDOR_TESTS_TESTING_SUBPROCESS_H_

#include <sys/types.h>

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace corridor::testing {

// Path of a binary built by this project (build/bin).
std::string BinaryPath(const std::string& name);

struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs a command to completion, capturing stdout and stderr.
CommandResult RunCommand(const std::vector<std::string>& argv,
                         const std::vector<std::string>& extra_env = {});

// Runs the real corridorctl against `server` ("host:port") with `args`,
// signed in with the token in `token_file` (none if empty).
CommandResult RunCorridorctl(const std::string& server, std::vector<std::string> args,
                             const std::string& token_file = "");

// The admin token a platform with its data in `data_dir` saved at first
// start.
std::string AdminTokenFile(const std::string& data_dir);

// Creates a token of `role` (and `agency`, for partners) with the real
// corridorctl, signed in as the first admin of `data_dir`, and saves it in
// `path`. Returns `path`.
absl::StatusOr<std::string> CreateTokenFile(const std::string& server, const std::string& data_dir,
                                            const std::string& role, const std::string& path,
                                            const std::string& agency = "");

// A Corridor server process (corridor-areas, corridord...) on a free
// loopback port, with its logs in `log_path`.
class ServerProcess {
 public:
  // Starts `binary` with `args` plus --port_file (and --listen=127.0.0.1:0
  // unless `args` has a --listen), and waits until it listens.
  static absl::StatusOr<std::unique_ptr<ServerProcess>> Start(
      const std::string& binary, const std::vector<std::string>& args, const std::string& work_dir,
      absl::Duration timeout = absl::Seconds(30));
  ~ServerProcess();

  const std::string& address() const { return address_; }
  pid_t pid() const { return pid_; }
  std::string Logs() const;

  // Sends `signal` and waits for the process to end. Returns its exit code,
  // or 128 + signal if a signal ended it.
  int StopWith(int signal, absl::Duration timeout = absl::Seconds(20));

 private:
  ServerProcess() = default;
  pid_t pid_ = -1;
  std::string address_;
  std::string log_path_;
};

}  // namespace corridor::testing

#endif  // CORRIDOR_TESTS_TESTING_SUBPROCESS_H_
