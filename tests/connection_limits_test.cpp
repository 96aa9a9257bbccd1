// onlookerd under connection floods: --max-connections answers 503 beyond
// its cap, and running out of file descriptors pauses accepting instead of
// spinning (issue 14, item 8). Real onlookerd, real sockets, its CPU time
// read from /proc.
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

#include "support/http_client.h"
#include "support/stack.h"

namespace onlooker {
namespace {

using namespace std::chrono_literals;
using test::eventually;
using test::http_get;
using test::Stack;

// A connected, idle TCP socket to 127.0.0.1:port; closed on destruction.
class RawConnection {
 public:
  explicit RawConnection(unsigned short port) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd_ < 0 || ::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
      throw std::runtime_error("connect failed");
    }
    timeval timeout{3, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  }
  RawConnection(RawConnection&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  RawConnection(const RawConnection&) = delete;
  ~RawConnection() {
    if (fd_ >= 0) ::close(fd_);
  }
  // What the server sent before closing or before the timeout.
  std::string read_all() {
    std::string text;
    char chunk[512];
    for (ssize_t got; (got = ::recv(fd_, chunk, sizeof chunk, 0)) > 0;) text.append(chunk, got);
    return text;
  }

 private:
  int fd_;
};

// utime + stime of a process, in clock ticks (/proc/PID/stat fields 14, 15).
long cpu_ticks(pid_t pid) {
  std::ifstream file("/proc/" + std::to_string(pid) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(file)), {});
  std::istringstream fields(stat.substr(stat.rfind(')') + 2));
  std::string field;
  long utime = 0, stime = 0;
  for (int index = 3; fields >> field; ++index) {
    if (index == 14) utime = std::stol(field);
    if (index == 15) stime = std::stol(field);
  }
  return utime + stime;
}

std::size_t count_lines(const std::string& text, const std::string& needle) {
  std::size_t count = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) {
    ++count;
  }
  return count;
}

TEST(ConnectionLimits, BeyondMaxConnectionsTheAnswerIs503) {
  Stack stack({.onlookerd_args = {"--max-connections", "4"}});
  const auto port = stack.api_port();
  std::vector<RawConnection> held;
  for (int i = 0; i < 4; ++i) held.emplace_back(port);
  // The listener accepts in order: wait until it holds all four.
  std::this_thread::sleep_for(300ms);
  RawConnection fifth(port);
  EXPECT_NE(fifth.read_all().find("HTTP/1.1 503 Service Unavailable"), std::string::npos);
  held.clear();
  EXPECT_TRUE(eventually([&] { return http_get(port, "/healthz").status == 200; }, 5s));
  EXPECT_NE(stack.onlookerd_log().find("--max-connections reached"), std::string::npos);
}

TEST(ConnectionLimits, OutOfDescriptorsItPausesInsteadOfSpinning) {
  Stack stack;
  const pid_t pid = stack.onlookerd_pid();
  const auto port = stack.api_port();
  // A few descriptors above what it holds now, soft and hard alike.
  const auto open_now = std::distance(std::filesystem::directory_iterator("/proc/" +
                                                                          std::to_string(pid) + "/fd"),
                                      std::filesystem::directory_iterator{});
  const auto limit = std::to_string(open_now + 8);
  const auto prlimit = test::run_command(
      {"/usr/bin/prlimit", "--pid", std::to_string(pid), "--nofile=" + limit + ":" + limit});
  ASSERT_EQ(prlimit.status, 0) << prlimit.output;

  std::vector<RawConnection> flood;
  for (int i = 0; i < 100; ++i) flood.emplace_back(port);  // the kernel's backlog holds them
  std::this_thread::sleep_for(500ms);
  const long before = cpu_ticks(pid);
  const auto window = 3s;
  std::this_thread::sleep_for(window);
  const long used = cpu_ticks(pid) - before;
  const long ticks_per_second = ::sysconf(_SC_CLK_TCK);
  // Under 10 % of one core over the window.
  EXPECT_LT(used, ticks_per_second * 3 / 10) << used << " ticks in 3 s";
  const auto log = stack.onlookerd_log();
  const auto lines = count_lines(log, "out of file descriptors");
  EXPECT_GE(lines, 1u);
  EXPECT_LE(lines, 2u) << "one line per 10 s interval";
  EXPECT_LT(log.size(), 64u * 1024) << "the log stays small";

  flood.clear();
  EXPECT_TRUE(eventually([&] {
    try {
      return http_get(port, "/healthz").status == 200;
    } catch (const std::exception&) {
      return false;
    }
  }, 10s));
}

}  // namespace
}  // namespace onlooker
