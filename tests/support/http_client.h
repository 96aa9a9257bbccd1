// Minimal blocking HTTP and WebSocket clients for tests, on Beast, loopback
// only. Reads time out, so a test fails instead of hanging.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>

namespace onlooker::test {

struct HttpResult {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
};

// Throws on connection errors.
HttpResult http_get(unsigned short port, const std::string& target,
                    const std::map<std::string, std::string>& headers = {});

class WebSocketClient {
 public:
  // Connects to 127.0.0.1:port and upgrades `target`; throws on failure.
  WebSocketClient(unsigned short port, const std::string& target,
                  const std::map<std::string, std::string>& headers = {});
  ~WebSocketClient();
  // The next message; nothing when the connection was closed. Throws when
  // none arrives within `timeout` (the client is unusable afterwards).
  std::optional<std::string> read(std::chrono::milliseconds timeout);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace onlooker::test
