// Live-path benchmarks against a running nginx + onlookerd on loopback:
//   latency SITE_PORT API_PORT RATE SECONDS
//     hits at RATE/s through nginx from 50 visitors; 20 a second are probes,
//     each a new visitor with a unique query string (the bench server keeps
//     queries: onlooker_query on), so that every probe is still among the
//     100 most recently seen visitors a snapshot lists when the next push
//     comes, even at a 1 s push interval;
//     reports p50/p99 from nginx's answer to the first snapshot showing it.
//   fanout API_PORT CLIENTS SECONDS SITE_PORT
//     CLIENTS WebSocket clients; one view a second changes the live set;
//     reports, per snapshot, the skew between the first and the last client
//     to receive it, and onlookerd's RSS (pass its pid as ONLOOKERD_PID).
//   fanout-floor CLIENTS SECONDS BYTES
//     the same clients and measure against the least a server can do: one
//     ready-made frame of BYTES sent to every socket by a bare send(2) loop.
#include <utility>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <functional>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <string>
#include <thread>
#include <vector>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

double percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  return values[std::min(values.size() - 1, static_cast<std::size_t>(p * values.size()))];
}

long rss_kb(const char* pid) {
  if (!pid) return -1;
  std::ifstream status(std::string("/proc/") + pid + "/status");
  for (std::string line; std::getline(status, line);) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  }
  return -1;
}

int latency(unsigned short site, unsigned short api, int rate, int seconds) {
  const int probe_every = std::max(50, rate / 20);  // 20 probes a second
  std::mutex lock;
  std::map<std::string, Clock::time_point> answered;  // probe -> nginx answered
  std::vector<double> latencies_ms;
  std::atomic<bool> done{false};

  std::thread reader([&] {
    asio::io_context io;
    websocket::stream<beast::tcp_stream> ws(io);
    beast::get_lowest_layer(ws).connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), api));
    ws.handshake("127.0.0.1", "/ws");
    beast::flat_buffer buffer;
    std::map<std::string, bool> seen;
    while (!done) {
      ws.read(buffer);
      const auto now = Clock::now();
      const auto snapshot = nlohmann::json::parse(beast::buffers_to_string(buffer.data()));
      buffer.consume(buffer.size());
      std::lock_guard guard(lock);
      for (const auto& visitor : snapshot["visitors"]) {
        const std::string path = visitor["path"];
        auto it = answered.find(path);
        if (it != answered.end() && !seen[path]) {
          seen[path] = true;
          latencies_ms.push_back(std::chrono::duration<double, std::milli>(now - it->second).count());
        }
      }
    }
  });

  asio::io_context io;
  beast::tcp_stream stream(io);
  stream.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), site));
  beast::flat_buffer buffer;
  const auto start = Clock::now();
  const auto interval = std::chrono::nanoseconds(1'000'000'000 / rate);
  long sent = 0;
  while (Clock::now() - start < std::chrono::seconds(seconds)) {
    const auto due = start + sent * interval;
    if (Clock::now() < due) std::this_thread::sleep_until(due);
    const bool probe = sent % probe_every == 0;
    const std::string target = probe ? "/index.html?probe=" + std::to_string(sent) : "/index.html";
    http::request<http::empty_body> request{http::verb::get, target, 11};
    request.set(http::field::host, "127.0.0.1");
    request.set("X-Forwarded-For", probe ? "10.77." + std::to_string(sent / 250 % 250) + "." +
                                               std::to_string(sent % 250)
                                         : "10.66.0." + std::to_string(sent % 50));
    http::response<http::string_body> response;
    beast::error_code ec;
    http::write(stream, request, ec);
    if (!ec) http::read(stream, buffer, response, ec);
    if (ec) {  // nginx closes a keep-alive connection after 1000 requests
      stream.close();
      stream.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), site));
      buffer.consume(buffer.size());
      http::write(stream, request);
      http::read(stream, buffer, response);
    }
    if (probe) {
      std::lock_guard guard(lock);
      answered[target] = Clock::now();
    }
    ++sent;
  }
  const double achieved = sent / std::chrono::duration<double>(Clock::now() - start).count();
  std::this_thread::sleep_for(std::chrono::seconds(2));
  done = true;
  // Wake the reader with one more view.
  stream.close();
  stream.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), site));
  http::request<http::empty_body> request{http::verb::get, "/index.html", 11};
  request.set(http::field::host, "127.0.0.1");
  request.set("X-Forwarded-For", "10.99.0.1");
  http::write(stream, request);
  reader.join();
  std::lock_guard guard(lock);
  std::printf("rate target %d/s achieved %.0f/s; probes %zu seen %zu; latency p50 %.1f ms p99 %.1f ms\n",
              rate, achieved, answered.size(), latencies_ms.size(), percentile(latencies_ms, 0.5),
              percentile(latencies_ms, 0.99));
  return 0;
}

struct Skew {
  std::vector<double> ms;  // per message that reached every client
};

// Connects CLIENTS WebSocket clients to PORT (after `connected`, which may
// start the sender) and busy-polls them for SECONDS + 2 s, noting when each
// message, told apart by its "ts", reaches its first and its last client.
Skew receive_skew(unsigned short port, int clients, int seconds, const std::function<void()>& connected) {
  asio::io_context io;
  struct Client {
    websocket::stream<beast::tcp_stream> ws;
    beast::flat_buffer buffer;
    explicit Client(asio::io_context& io) : ws(io) {}
  };
  // ONLOOKER_FANOUT_DEFLATE=1: the clients negotiate permessage-deflate.
  const bool deflate = std::getenv("ONLOOKER_FANOUT_DEFLATE") != nullptr;
  std::vector<std::unique_ptr<Client>> all;
  std::map<std::int64_t, std::pair<Clock::time_point, Clock::time_point>> spread;  // ts -> first,last
  std::map<std::int64_t, int> received;
  std::function<void(Client&)> read = [&](Client& client) {
    client.ws.async_read(client.buffer, [&](beast::error_code ec, std::size_t) {
      if (ec) return;
      const auto now = Clock::now();
      // A flat_buffer is contiguous: read "ts" in place, without a copy.
      const auto data = client.buffer.cdata();
      const std::string_view text(static_cast<const char*>(data.data()), data.size());
      const auto at = text.find("\"ts\":");
      std::int64_t ts = 0;
      std::from_chars(text.data() + at + 5, text.data() + text.size(), ts);
      client.buffer.consume(client.buffer.size());
      auto [it, fresh] = spread.try_emplace(ts, now, now);
      if (!fresh) it->second.second = now;
      ++received[ts];
      read(client);
    });
  };
  for (int i = 0; i < clients; ++i) {
    auto client = std::make_unique<Client>(io);
    beast::get_lowest_layer(client->ws).connect(
        tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
    if (deflate) {  // as browsers do
      websocket::permessage_deflate option;
      option.client_enable = true;
      client->ws.set_option(option);
    }
    client->ws.handshake("127.0.0.1", "/ws");
    read(*client);
    all.push_back(std::move(client));
  }
  connected();
  // Busy-poll instead of sleeping in epoll: on loopback, every message to a
  // sleeping client would also cost the sender a cross-core wake-up, which
  // remote browsers do not cost the server.
  const auto until = Clock::now() + std::chrono::seconds(seconds + 2);
  while (Clock::now() < until) io.poll();
  Skew skew;
  for (const auto& [ts, range] : spread) {
    if (received[ts] == clients) {
      skew.ms.push_back(std::chrono::duration<double, std::milli>(range.second - range.first).count());
    }
  }
  return skew;
}

void print_skew(const char* sender, int clients, const Skew& skew) {
  std::printf("%s: %d clients; %zu messages reached all; skew p50 %.1f ms p99 %.1f ms",
              sender, clients, skew.ms.size(), percentile(skew.ms, 0.5), percentile(skew.ms, 0.99));
}

int fanout(unsigned short api, int clients, int seconds, unsigned short site) {
  std::thread load;
  const Skew skew = receive_skew(api, clients, seconds, [&] {
    load = std::thread([=] {
      asio::io_context load_io;
      for (int s = 0; s < seconds; ++s) {
        beast::tcp_stream stream(load_io);
        stream.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), site));
        http::request<http::empty_body> request{http::verb::get, "/index.html", 11};
        request.set(http::field::host, "127.0.0.1");
        request.set("X-Forwarded-For", "10.55.0." + std::to_string(s % 250));
        http::write(stream, request);
        beast::flat_buffer buffer;
        http::response<http::string_body> response;
        http::read(stream, buffer, response);
        std::this_thread::sleep_for(std::chrono::seconds(1));
      }
    });
  });
  load.join();
  print_skew("onlookerd", clients, skew);
  std::printf("; onlookerd RSS %ld kB\n", rss_kb(std::getenv("ONLOOKERD_PID")));
  return 0;
}

// The peer for fan-out: the least any WebSocket server can do. A process
// that accepts the clients, then once a second sends one ready-made text
// frame of BYTES to every socket with a bare send(2) loop: no per-client
// state, no event loop, nothing allocated. What it takes is what the
// kernel's loopback TCP takes on this machine. (A process of its own, as
// onlookerd is, and so that neither side needs more than CLIENTS files.)
int fanout_floor(int clients, int seconds, std::size_t bytes) {
  asio::io_context accept_io;
  tcp::acceptor acceptor(accept_io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  const unsigned short port = acceptor.local_endpoint().port();
  std::fflush(stdout);
  const pid_t sender = ::fork();
  if (sender == 0) {
    // Ends by itself even if the clients never all come (SIGALRM kills it).
    ::alarm(static_cast<unsigned>(seconds) + 120);
    std::vector<websocket::stream<tcp::socket>> sockets;
    sockets.reserve(clients);
    for (int i = 0; i < clients; ++i) {
      sockets.emplace_back(acceptor.accept());
      sockets.back().accept();
    }
    std::vector<double> send_ms;
    for (int round = 1; round <= seconds; ++round) {
      std::this_thread::sleep_for(std::chrono::seconds(1));
      // {"type":"snapshot","ts":ROUND,"pad":"xxx…"}, BYTES long, framed.
      std::string payload = "{\"type\":\"snapshot\",\"ts\":" + std::to_string(round) + ",\"pad\":\"";
      payload.append(bytes - std::min(bytes, payload.size() + 2), 'x');
      payload += "\"}";
      std::string frame{'\x81', '\x7e', static_cast<char>(payload.size() >> 8),
                        static_cast<char>(payload.size() & 0xff)};
      frame += payload;
      const auto start = Clock::now();
      for (auto& socket : sockets) {
        ::send(socket.next_layer().native_handle(), frame.data(), frame.size(),
               MSG_NOSIGNAL | MSG_DONTWAIT);
      }
      send_ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
    }
    std::printf("bare send() loop: %zu-byte frames; send loop p50 %.1f ms\n", bytes,
                percentile(send_ms, 0.5));
    std::fflush(stdout);
    std::_Exit(0);
  }
  acceptor.close();
  const Skew skew = receive_skew(port, clients, seconds, [] {});
  ::waitpid(sender, nullptr, 0);
  print_skew("bare send() loop", clients, skew);
  std::printf("\n");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "";
  if (mode == "latency" && argc == 6) {
    return latency(std::stoi(argv[2]), std::stoi(argv[3]), std::stoi(argv[4]), std::stoi(argv[5]));
  }
  if (mode == "fanout" && argc == 6) {
    return fanout(std::stoi(argv[2]), std::stoi(argv[3]), std::stoi(argv[4]), std::stoi(argv[5]));
  }
  if (mode == "fanout-floor" && argc == 5 && std::stoul(argv[4]) >= 126 && std::stoul(argv[4]) < 65536) {
    return fanout_floor(std::stoi(argv[2]), std::stoi(argv[3]), std::stoul(argv[4]));
  }
  std::fprintf(stderr,
               "usage: %s latency SITE_PORT API_PORT RATE SECONDS\n"
               "       %s fanout API_PORT CLIENTS SECONDS SITE_PORT\n"
               "       %s fanout-floor CLIENTS SECONDS BYTES (126..65535)\n",
               argv[0], argv[0], argv[0]);
  return 2;
}
