#include "tests/testing/subprocess.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <random>
#include <sstream>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"

namespace corridor::testing {
namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Everything the child needs is built before fork: the test process has
// other threads (an in-process server), and one of them may hold the
// allocator's lock at the fork, so the child must not allocate.
pid_t Spawn(const std::vector<std::string>& argv, const std::string& out_path,
            const std::string& err_path, const std::vector<std::string>& extra_env) {
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  std::vector<std::string> environment;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    const std::string assignment(*entry);
    const std::string name = assignment.substr(0, assignment.find('=') + 1);
    const bool replaced = std::any_of(
        extra_env.begin(), extra_env.end(),
        [&](const std::string& extra) { return absl::StartsWith(extra, name); });
    if (!replaced) environment.push_back(assignment);
  }
  environment.insert(environment.end(), extra_env.begin(), extra_env.end());
  std::vector<char*> env;
  for (std::string& e : environment) env.push_back(e.data());
  env.push_back(nullptr);
  sigset_t none;
  sigemptyset(&none);

  pid_t pid = fork();
  if (pid != 0) return pid;
  int out = open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  int err = open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  dup2(out, 1);
  dup2(err, 2);
  // A test runner may block signals; the child must get them as usual.
  sigprocmask(SIG_SETMASK, &none, nullptr);
  execve(args[0], args.data(), env.data());
  _exit(127);
}

int ExitCodeOf(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

std::string UniqueName(const std::string& stem) {
  static std::mt19937_64 rng(std::random_device{}());
  return absl::StrCat(stem, "_", getpid(), "_", rng());
}

}  // namespace

std::string BinaryPath(const std::string& name) {
  return absl::StrCat(CORRIDOR_BIN_DIR, "/", name);
}

CommandResult RunCommand(const std::vector<std::string>& argv,
                         const std::vector<std::string>& extra_env) {
  const char* tmp = std::getenv("TMPDIR");
  std::string base = absl::StrCat(tmp ? tmp : "/tmp", "/", UniqueName("corridor_cmd"));
  const std::string out_path = base + ".out", err_path = base + ".err";
  pid_t pid = Spawn(argv, out_path, err_path, extra_env);
  int status = 0;
  waitpid(pid, &status, 0);
  CommandResult result;
  result.exit_code = ExitCodeOf(status);
  result.out = ReadFile(out_path);
  result.err = ReadFile(err_path);
  unlink(out_path.c_str());
  unlink(err_path.c_str());
  return result;
}

absl::StatusOr<std::unique_ptr<ServerProcess>> ServerProcess::Start(
    const std::string& binary, const std::vector<std::string>& args, const std::string& work_dir,
    absl::Duration timeout) {
  std::unique_ptr<ServerProcess> server(new ServerProcess());
  const std::string port_file = absl::StrCat(work_dir, "/", UniqueName("port"));
  server->log_path_ = absl::StrCat(work_dir, "/", UniqueName("server"), ".log");
  std::vector<std::string> argv = {binary};
  argv.insert(argv.end(), args.begin(), args.end());
  const bool has_listen = std::any_of(args.begin(), args.end(), [](const std::string& arg) {
    return absl::StartsWith(arg, "--listen=");
  });
  if (!has_listen) argv.push_back("--listen=127.0.0.1:0");
  argv.push_back("--port_file=" + port_file);
  server->pid_ = Spawn(argv, server->log_path_ + ".out", server->log_path_, {});

  const absl::Time deadline = absl::Now() + timeout;
  while (absl::Now() < deadline) {
    std::string address(absl::StripAsciiWhitespace(ReadFile(port_file)));
    if (!address.empty()) {
      server->address_ = address;
      return server;
    }
    int status = 0;
    if (waitpid(server->pid_, &status, WNOHANG) == server->pid_) {
      server->pid_ = -1;
      return absl::InternalError(absl::StrCat(binary, " exited with ", ExitCodeOf(status),
                                              " before listening:\n", server->Logs()));
    }
    absl::SleepFor(absl::Milliseconds(20));
  }
  return absl::DeadlineExceededError(absl::StrCat(
      binary, " did not listen within ", absl::FormatDuration(timeout), ":\n", server->Logs()));
}

ServerProcess::~ServerProcess() {
  if (pid_ > 0) StopWith(SIGKILL);
}

std::string ServerProcess::Logs() const { return ReadFile(log_path_); }

int ServerProcess::StopWith(int signal, absl::Duration timeout) {
  if (pid_ <= 0) return -1;
  kill(pid_, signal);
  const absl::Time deadline = absl::Now() + timeout;
  int status = 0;
  while (waitpid(pid_, &status, WNOHANG) == 0) {
    if (absl::Now() > deadline) {
      kill(pid_, SIGKILL);
      waitpid(pid_, &status, 0);
      break;
    }
    absl::SleepFor(absl::Milliseconds(10));
  }
  pid_ = -1;
  return ExitCodeOf(status);
}

CommandResult RunCorridorctl(const std::string& server, std::vector<std::string> args,
                             const std::string& token_file) {
  args.insert(args.begin(), "--server=" + server);
  args.insert(args.begin(), BinaryPath("corridorctl"));
  // The test's own environment must not sign the command in.
  return RunCommand(args, {"CORRIDOR_TOKEN_FILE=" + token_file, "CORRIDOR_TOKEN="});
}

std::string AdminTokenFile(const std::string& data_dir) {
  return data_dir + "/credentials/admin.token";
}

absl::StatusOr<std::string> CreateTokenFile(const std::string& server, const std::string& data_dir,
                                            const std::string& role, const std::string& path,
                                            const std::string& agency) {
  std::vector<std::string> args = {"admin", "token", "create", "--role=" + role};
  if (!agency.empty()) args.push_back("--agency=" + agency);
  CommandResult created = RunCorridorctl(server, args, AdminTokenFile(data_dir));
  if (created.exit_code != 0) {
    return absl::InternalError("corridorctl admin token create failed: " + created.err);
  }
  std::ofstream(path) << created.out;
  return path;
}

}  // namespace corridor::testing
