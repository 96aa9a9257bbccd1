#include "access_control.h"

#include <algorithm>

namespace onlooker {

namespace http = boost::beast::http;

bool constant_time_equal(std::string_view a, std::string_view b) {
  // Length is not secret; the content is, so every byte is compared.
  if (a.size() != b.size()) return false;
  unsigned char difference = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    difference |= static_cast<unsigned char>(a[i] ^ b[i]);
  }
  return difference == 0;
}

bool valid_token(std::string_view token) {
  return token.size() >= 16 && std::all_of(token.begin(), token.end(), [](char c) {
           return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '.' || c == '_' || c == '~' || c == '-';
         });
}

namespace {

std::string_view bearer_token(const Request& request) {
  const auto header = request[http::field::authorization];
  constexpr std::string_view prefix = "Bearer ";
  if (header.size() > prefix.size() && header.substr(0, prefix.size()) == prefix) {
    return header.substr(prefix.size());
  }
  return {};
}

std::string_view cookie_token(const Request& request) {
  std::string_view cookies = request[http::field::cookie];
  while (!cookies.empty()) {
    const auto end = cookies.find(';');
    std::string_view pair = cookies.substr(0, end);
    while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
    const auto eq = pair.find('=');
    if (eq != std::string_view::npos && pair.substr(0, eq) == AccessControl::cookie_name) {
      return pair.substr(eq + 1);
    }
    if (end == std::string_view::npos) break;
    cookies.remove_prefix(end + 1);
  }
  return {};
}

}  // namespace

Access AccessControl::verdict(bool matches, std::chrono::steady_clock::time_point now) {
  while (!failures_.empty() && now - failures_.front() > std::chrono::minutes(1)) {
    failures_.pop_front();
  }
  if (matches) return Access::allowed;
  if (failures_.size() >= static_cast<std::size_t>(failures_per_minute)) {
    return Access::rate_limited;
  }
  failures_.push_back(now);
  return Access::unauthorized;
}

Access AccessControl::check(const Request& request, std::chrono::steady_clock::time_point now) {
  if (!token_required()) return Access::allowed;
  std::string_view presented = bearer_token(request);
  if (presented.empty()) presented = cookie_token(request);
  if (presented.empty()) return Access::unauthorized;  // not a guess: not counted
  return verdict(constant_time_equal(presented, settings_.token), now);
}

Access AccessControl::login(std::string_view candidate, std::chrono::steady_clock::time_point now) {
  if (!token_required()) return Access::allowed;
  return verdict(constant_time_equal(candidate, settings_.token), now);
}

bool AccessControl::origin_allowed(const Request& request) const {
  const auto origin = request[http::field::origin];
  if (origin.empty()) return true;  // not a browser: nothing to hijack
  if (settings_.allowed_origins.empty()) {
    const auto host = request[http::field::host];
    return origin == "http://" + std::string(host) || origin == "https://" + std::string(host);
  }
  return std::find(settings_.allowed_origins.begin(), settings_.allowed_origins.end(),
                   std::string(origin)) != settings_.allowed_origins.end();
}

std::string AccessControl::session_cookie() const {
  return std::string(cookie_name) + "=" + settings_.token +
         "; Path=/; HttpOnly; SameSite=Strict; Max-Age=2592000";
}

}  // namespace onlooker
