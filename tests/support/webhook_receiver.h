// A webhook receiver for tests: a plain-socket HTTP/1.1 server on
// 127.0.0.1 in a thread of its own, that records each request and answers
// every one with `status` and an empty body, then closes the connection.
// With a certificate and key (PEM files), it speaks HTTPS (OpenSSL).
#pragma once

#include <atomic>
#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace onlooker::test {

struct ReceivedPost {
  std::string method;
  std::string target;
  std::string content_type;
  std::string body;
  std::chrono::steady_clock::time_point arrived;
};

struct ReceiverTls {
  std::string certificate_file;  // PEM, the chain from the leaf
  std::string key_file;
};

class WebhookReceiver {
 public:
  // port 0: any free port. Binds with SO_REUSEADDR, so a receiver may come
  // up on the port of one stopped a moment ago.
  explicit WebhookReceiver(unsigned short port = 0, int status = 200,
                           std::optional<ReceiverTls> tls = std::nullopt);
  ~WebhookReceiver();
  WebhookReceiver(const WebhookReceiver&) = delete;
  WebhookReceiver& operator=(const WebhookReceiver&) = delete;

  unsigned short port() const { return port_; }
  std::string url(const std::string& target = "/hook") const;
  std::vector<ReceivedPost> posts() const;
  // Waits until at least `count` requests arrived.
  bool wait_for(std::size_t count, std::chrono::milliseconds timeout) const;
  void set_status(int status) { status_ = status; }
  // TLS handshakes that failed (a client that refused the certificate).
  int failed_handshakes() const { return failed_handshakes_.load(); }

 private:
  void serve();
  void answer(int connection);

  int listener_ = -1;
  int stop_pipe_[2] = {-1, -1};
  unsigned short port_ = 0;
  std::atomic<int> status_;
  void* tls_context_ = nullptr;  // SSL_CTX*, when serving HTTPS
  std::atomic<int> failed_handshakes_{0};
  mutable std::mutex mutex_;
  std::vector<ReceivedPost> posts_;
  std::thread thread_;
};

}  // namespace onlooker::test
