#include "webhook_receiver.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/ssl.h>

#include <algorithm>
#include <cctype>
#include <csignal>
#include <stdexcept>

#include "process.h"

namespace onlooker::test {

namespace {

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

}  // namespace

WebhookReceiver::WebhookReceiver(unsigned short port, int status, std::optional<ReceiverTls> tls)
    : status_(status) {
  if (tls) {
    // OpenSSL writes to the socket with write(): a client that refuses the
    // certificate and closes would kill the test process with SIGPIPE while
    // the handshake's last bytes go out. Ignored, the write fails with EPIPE
    // and the handshake is counted as failed.
    std::signal(SIGPIPE, SIG_IGN);
    SSL_CTX* context = SSL_CTX_new(TLS_server_method());
    if (context == nullptr ||
        SSL_CTX_use_certificate_chain_file(context, tls->certificate_file.c_str()) != 1 ||
        SSL_CTX_use_PrivateKey_file(context, tls->key_file.c_str(), SSL_FILETYPE_PEM) != 1) {
      SSL_CTX_free(context);
      throw std::runtime_error("webhook receiver: cannot load " + tls->certificate_file);
    }
    tls_context_ = context;
  }
  listener_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  const int yes = 1;
  ::setsockopt(listener_, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      ::listen(listener_, 16) != 0 || ::pipe2(stop_pipe_, O_CLOEXEC) != 0) {
    ::close(listener_);
    throw std::runtime_error("webhook receiver: cannot listen on port " + std::to_string(port));
  }
  socklen_t length = sizeof address;
  ::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length);
  port_ = ntohs(address.sin_port);
  thread_ = std::thread([this] { serve(); });
}

WebhookReceiver::~WebhookReceiver() {
  const char stop = 's';
  [[maybe_unused]] const auto written = ::write(stop_pipe_[1], &stop, 1);
  thread_.join();
  ::close(listener_);
  ::close(stop_pipe_[0]);
  ::close(stop_pipe_[1]);
  SSL_CTX_free(static_cast<SSL_CTX*>(tls_context_));
}

std::string WebhookReceiver::url(const std::string& target) const {
  return (tls_context_ ? "https://127.0.0.1:" : "http://127.0.0.1:") + std::to_string(port_) +
         target;
}

std::vector<ReceivedPost> WebhookReceiver::posts() const {
  const std::lock_guard lock(mutex_);
  return posts_;
}

bool WebhookReceiver::wait_for(std::size_t count, std::chrono::milliseconds timeout) const {
  return eventually([&] { return posts().size() >= count; }, timeout);
}

void WebhookReceiver::serve() {
  for (;;) {
    pollfd waits[2] = {{listener_, POLLIN, 0}, {stop_pipe_[0], POLLIN, 0}};
    if (::poll(waits, 2, -1) < 0) continue;
    if (waits[1].revents != 0) return;
    const int connection = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
    if (connection < 0) continue;
    answer(connection);
    ::close(connection);
  }
}

// Reads the head and Content-Length bytes of body (5 s at most), records
// them, answers.
void WebhookReceiver::answer(int connection) {
  timeval timeout{5, 0};
  ::setsockopt(connection, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  SSL* tls = nullptr;
  if (tls_context_) {
    tls = SSL_new(static_cast<SSL_CTX*>(tls_context_));
    SSL_set_fd(tls, connection);
    if (SSL_accept(tls) != 1) {
      ++failed_handshakes_;
      SSL_free(tls);
      return;
    }
  }
  struct Closer {
    SSL* tls;
    ~Closer() {
      if (tls) SSL_shutdown(tls);
      SSL_free(tls);
    }
  } closer{tls};
  auto receive = [&](char* buffer, std::size_t size) -> ssize_t {
    return tls ? SSL_read(tls, buffer, static_cast<int>(size)) : ::read(connection, buffer, size);
  };
  std::string received;
  std::size_t head_end = std::string::npos;
  std::size_t body_length = 0;
  char buffer[4096];
  for (;;) {
    if (head_end != std::string::npos && received.size() >= head_end + 4 + body_length) break;
    const ssize_t got = receive(buffer, sizeof buffer);
    if (got <= 0) return;
    received.append(buffer, static_cast<std::size_t>(got));
    if (head_end == std::string::npos && (head_end = received.find("\r\n\r\n")) != std::string::npos) {
      const std::string head = lower(received.substr(0, head_end));
      const auto length_at = head.find("\r\ncontent-length:");
      if (length_at != std::string::npos) body_length = std::stoul(head.substr(length_at + 17));
    }
  }
  ReceivedPost post;
  const std::string head = received.substr(0, head_end);
  const auto first_space = head.find(' ');
  post.method = head.substr(0, first_space);
  post.target = head.substr(first_space + 1, head.find(' ', first_space + 1) - first_space - 1);
  const std::string lowered = lower(head);
  if (const auto at = lowered.find("\r\ncontent-type:"); at != std::string::npos) {
    const auto start = head.find_first_not_of(' ', at + 15);
    post.content_type = head.substr(start, head.find("\r\n", start) - start);
  }
  post.body = received.substr(head_end + 4, body_length);
  post.arrived = std::chrono::steady_clock::now();
  {
    const std::lock_guard lock(mutex_);
    posts_.push_back(std::move(post));
  }
  const std::string reply = "HTTP/1.1 " + std::to_string(status_.load()) +
                            " Answer\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
  if (tls) {
    SSL_write(tls, reply.data(), static_cast<int>(reply.size()));
  } else {
    [[maybe_unused]] const auto written = ::write(connection, reply.data(), reply.size());
  }
}

}  // namespace onlooker::test
