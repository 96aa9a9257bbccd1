#include "redis_url.h"

namespace onlooker {

namespace {

bool all_digits(const std::string& text) {
  return !text.empty() && text.size() <= 5 &&
         text.find_first_not_of("0123456789") == std::string::npos;
}

}  // namespace

std::string RedisUrl::describe() const {
  return host + ":" + std::to_string(port) + "/" + std::to_string(db);
}

std::optional<RedisUrl> parse_redis_url(const std::string& text, std::string& error) {
  const std::string scheme = "redis://";
  if (text.rfind(scheme, 0) != 0) {
    // Debian 12's hiredis (0.14) has no TLS (hiredis_ssl came with 1.0).
    error = text.rfind("rediss://", 0) == 0
                ? "rediss:// (TLS) is not supported: this build's hiredis (Debian 12: 0.14) has no "
                  "TLS; use redis:// on a private network, or a local TLS tunnel to the server's "
                  "TLS port (e.g. stunnel) and redis://127.0.0.1:TUNNEL_PORT (README, Several "
                  "nginx servers)"
                : "expected redis://HOST[:PORT][/DB]";
    return std::nullopt;
  }
  std::string rest = text.substr(scheme.size());
  RedisUrl url;
  const auto slash = rest.find('/');
  if (slash != std::string::npos) {
    const std::string db = rest.substr(slash + 1);
    rest.resize(slash);
    if (!db.empty()) {
      if (!all_digits(db) || std::stoi(db) > 15) {
        error = "the database after / must be a number 0..15";
        return std::nullopt;
      }
      url.db = std::stoi(db);
    }
  }
  const auto at = rest.rfind('@');
  if (at != std::string::npos) {
    const std::string credentials = rest.substr(0, at);
    rest = rest.substr(at + 1);
    const auto colon = credentials.find(':');
    if (colon == std::string::npos) {
      url.password = credentials;  // redis://PASSWORD@host, as redis-cli -u takes it
    } else {
      url.user = credentials.substr(0, colon);
      url.password = credentials.substr(colon + 1);
    }
  }
  std::string port;
  if (!rest.empty() && rest.front() == '[') {
    const auto close = rest.find(']');
    if (close == std::string::npos) {
      error = "unclosed [ in the host";
      return std::nullopt;
    }
    url.host = rest.substr(1, close - 1);
    if (close + 1 < rest.size()) {
      if (rest[close + 1] != ':') {
        error = "expected :PORT after ]";
        return std::nullopt;
      }
      port = rest.substr(close + 2);
      if (port.empty()) port = "x";
    }
  } else {
    const auto colon = rest.rfind(':');
    url.host = rest.substr(0, colon);
    if (colon != std::string::npos) {
      port = rest.substr(colon + 1);
      if (port.empty()) port = "x";
    }
  }
  if (url.host.empty()) {
    error = "no host";
    return std::nullopt;
  }
  if (!port.empty()) {
    if (!all_digits(port) || std::stoul(port) == 0 || std::stoul(port) > 65535) {
      error = "the port must be 1..65535";
      return std::nullopt;
    }
    url.port = static_cast<std::uint16_t>(std::stoul(port));
  }
  return url;
}

}  // namespace onlooker
