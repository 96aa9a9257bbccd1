#include "process.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace onlooker::test {
namespace {

int decode_status(int raw) {
  if (WIFEXITED(raw)) return WEXITSTATUS(raw);
  if (WIFSIGNALED(raw)) return 128 + WTERMSIG(raw);
  return -1;
}

pid_t spawn(const std::vector<std::string>& argv, const std::string& log_path) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log_path.c_str(),
                                   O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
  // Children get default signal dispositions even when the test runner
  // ignores some (ctest, CI shells).
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  sigset_t all;
  sigfillset(&all);
  posix_spawnattr_setsigdefault(&attributes, &all);
  sigset_t none;
  sigemptyset(&none);
  posix_spawnattr_setsigmask(&attributes, &none);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);

  std::vector<char*> args;
  for (const auto& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  pid_t pid = -1;
  const int rc = posix_spawn(&pid, args[0], &actions, &attributes, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  if (rc != 0) throw std::runtime_error("cannot start " + argv[0]);
  return pid;
}

}  // namespace

Process::Process(std::vector<std::string> argv, const std::string& log_path)
    : pid_(spawn(argv, log_path)) {}

Process::~Process() {
  if (!status_) stop(SIGKILL, std::chrono::seconds(5));
}

bool Process::running() { return !wait_for(std::chrono::milliseconds(0)); }

void Process::signal(int sig) {
  if (!status_) ::kill(pid_, sig);
}

std::optional<int> Process::wait_for(std::chrono::milliseconds timeout) {
  if (status_) return status_;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    int raw = 0;
    const pid_t done = ::waitpid(pid_, &raw, WNOHANG);
    if (done == pid_) {
      status_ = decode_status(raw);
      return status_;
    }
    if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

int Process::stop(int sig, std::chrono::milliseconds grace) {
  signal(sig);
  if (auto status = wait_for(grace)) return *status;
  ::kill(pid_, SIGKILL);
  return wait_for(std::chrono::seconds(10)).value_or(-1);
}

RunResult run_command(const std::vector<std::string>& argv) {
  char log_template[] = "/tmp/onlooker-cmd-XXXXXX";
  const int fd = ::mkstemp(log_template);
  ::close(fd);
  Process process(argv, log_template);
  const int status = process.wait_for(std::chrono::seconds(60)).value_or(-1);
  RunResult result{status, read_file(log_template)};
  ::unlink(log_template);
  return result;
}

// Below the kernel's ephemeral range (32768-60999): a port the kernel hands
// out as port 0 can be taken a moment later as the source port of another
// test's client connection; one picked here cannot.
namespace {

// A port no other test process holds: each port handed out is claimed with
// an flock on /tmp/onlooker-test-ports/PORT for the rest of this process's
// life (the kernel drops the lock when it exits, however it exits). Without
// the claim two test processes running side by side (ctest -j) could both
// find a port free and race to bind it.
bool claim(unsigned short port) {
  static const bool made = ::mkdir("/tmp/onlooker-test-ports", 01777) == 0 || errno == EEXIST;
  if (!made) return true;  // nowhere to claim: the bind check alone
  const std::string path = "/tmp/onlooker-test-ports/" + std::to_string(port);
  const int fd = ::open(path.c_str(), O_CREAT | O_RDWR | O_CLOEXEC, 0666);
  if (fd < 0) return true;  // another user's claim file: the bind check alone
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    ::close(fd);
    return false;
  }
  return true;  // fd stays open: the claim lasts until this process exits
}

}  // namespace

unsigned short free_port() {
  static std::mt19937 random(static_cast<unsigned>(::getpid()) ^
                             static_cast<unsigned>(std::time(nullptr)));
  for (int attempt = 0; attempt < 1000; ++attempt) {
    const auto port = static_cast<unsigned short>(20000 + random() % 12000);
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = htons(port);
    const bool free = ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
    ::close(fd);
    if (free && claim(port)) return port;
  }
  throw std::runtime_error("no free port");
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace onlooker::test
