// Who may see what. With --token, everything but the public endpoints
// (/healthz, /api/count, /ws?count, /beacon.js, the login form) needs the
// token: `Authorization: Bearer TOKEN`, or the cookie the login form sets.
// Wrong tokens are answered 401 and, past a few per minute, 429.
// WebSocket upgrades must come from an allowed Origin (default: the
// request's own host), which stops cross-site WebSocket hijacking.
#pragma once

#include <chrono>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

#include "http_routes.h"

namespace onlooker {

struct AccessSettings {
  std::string token;                         // empty: no token needed
  std::vector<std::string> allowed_origins;  // empty: the request's own host
};

enum class Access { allowed, unauthorized, rate_limited };

class AccessControl {
 public:
  explicit AccessControl(AccessSettings settings) : settings_(std::move(settings)) {}

  bool token_required() const { return !settings_.token.empty(); }
  // For a protected route: does the request carry the token?
  Access check(const Request& request, std::chrono::steady_clock::time_point now);
  // A login attempt with `candidate`.
  Access login(std::string_view candidate, std::chrono::steady_clock::time_point now);
  bool origin_allowed(const Request& request) const;
  // Set-Cookie value after a successful login.
  std::string session_cookie() const;

  static constexpr std::string_view cookie_name = "onlooker_token";
  static constexpr int failures_per_minute = 5;

 private:
  Access verdict(bool matches, std::chrono::steady_clock::time_point now);

  AccessSettings settings_;
  std::deque<std::chrono::steady_clock::time_point> failures_;
};

// Compares without leaking, through timing, how much of a guess was right.
bool constant_time_equal(std::string_view a, std::string_view b);
// A token must be 16+ characters of [A-Za-z0-9._~-] (safe in a cookie).
bool valid_token(std::string_view token);

}  // namespace onlooker
