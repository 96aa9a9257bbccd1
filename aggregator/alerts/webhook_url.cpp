#include "webhook_url.h"

#include <algorithm>
#include <cctype>

namespace onlooker {

std::string WebhookUrl::describe() const {
  return (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" + port;
}

std::variant<WebhookUrl, std::string> parse_webhook_url(std::string_view text) {
  constexpr std::string_view http = "http://";
  constexpr std::string_view https = "https://";
  auto lowered = [](std::string_view part) {
    std::string out(part);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
  };
  const bool tls = lowered(text.substr(0, https.size())) == https;
  if (!tls && lowered(text.substr(0, http.size())) != http) {
    return std::string("expected an http:// or https:// URL");
  }
  if (std::any_of(text.begin(), text.end(), [](unsigned char c) { return c <= ' ' || c == 0x7f; })) {
    return std::string("the URL holds spaces or control characters");
  }
  std::string_view rest = text.substr(tls ? https.size() : http.size());
  const auto slash = rest.find_first_of("/?");
  std::string_view authority = rest.substr(0, slash);
  WebhookUrl url;
  url.tls = tls;
  url.target = slash == std::string_view::npos ? "/" : std::string(rest.substr(slash));
  if (url.target.front() == '?') url.target.insert(url.target.begin(), '/');
  if (url.target.find('#') != std::string::npos) url.target.erase(url.target.find('#'));
  if (authority.find('@') != std::string_view::npos) {
    return std::string("credentials in the URL (user@host) are not supported");
  }
  url.host_header = std::string(authority);
  std::string_view port;
  if (!authority.empty() && authority.front() == '[') {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) return std::string("'[' without ']' in the host");
    url.host = std::string(authority.substr(1, close - 1));
    const std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return std::string("unexpected text after the IPv6 address");
      port = after.substr(1);
    }
  } else {
    const auto colon = authority.rfind(':');
    url.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) port = authority.substr(colon + 1);
  }
  if (url.host.empty()) return std::string("no host");
  if (url.host.find_first_of(":[]") != std::string::npos &&
      authority.front() != '[') {
    return std::string("an IPv6 address goes in brackets, e.g. http://[::1]:8080/");
  }
  if (port.empty()) {
    url.port = tls ? "443" : "80";
  } else {
    if (port.size() > 5 || port.find_first_not_of("0123456789") != std::string_view::npos ||
        std::stoul(std::string(port)) == 0 || std::stoul(std::string(port)) > 65535) {
      return std::string("the port must be 1..65535");
    }
    url.port = std::string(port);
  }
  return url;
}

}  // namespace onlooker
