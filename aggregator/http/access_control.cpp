#include "access_control.h"

#include <algorithm>
#include <cctype>

#include "token.h"

namespace onlooker {

namespace http = boost::beast::http;

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

// Headers a reverse proxy adds and a direct client has no reason to send.
bool proxied(const Request& request) {
  for (const std::string_view name :
       {"Forwarded", "X-Forwarded-For", "X-Forwarded-Host", "X-Forwarded-Proto", "X-Real-IP",
        "Via"}) {
    if (request.find(name) != request.end()) return true;
  }
  return false;
}

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

}  // namespace

std::string host_name(std::string_view text) {
  if (const auto scheme = text.find("://"); scheme != std::string_view::npos) {
    text.remove_prefix(scheme + 3);
    text = text.substr(0, text.find_first_of("/?#"));
  }
  if (const auto at = text.rfind('@'); at != std::string_view::npos) text.remove_prefix(at + 1);
  if (!text.empty() && text.front() == '[') {
    const auto close = text.find(']');
    return lower(text.substr(1, close == std::string_view::npos ? text.npos : close - 1));
  }
  return lower(text.substr(0, text.find(':')));
}

bool loopback_name(std::string_view name) {
  // 127.x as an address literal only: "127.evil.example" is a DNS name.
  return name == "localhost" || name == "::1" ||
         (name.starts_with("127.") && name.find_first_not_of("0123456789.") == name.npos);
}

AccessControl::AccessControl(AccessSettings settings) : settings_(std::move(settings)) {
  if (!settings_.listen_host.empty()) known_hosts_.push_back(lower(settings_.listen_host));  // bare: "::1"
  if (!settings_.public_url.empty()) known_hosts_.push_back(host_name(settings_.public_url));
  for (const auto& origin : settings_.allowed_origins) known_hosts_.push_back(host_name(origin));
}

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

bool AccessControl::host_known(const Request& request) const {
  const std::string name = host_name(request[http::field::host]);
  if (loopback_name(name)) return true;
  return std::find(known_hosts_.begin(), known_hosts_.end(), name) != known_hosts_.end();
}

std::optional<SiteScope> AccessControl::scope_of(std::string_view presented) const {
  bool admin = !settings_.token.empty() && constant_time_equal(presented, settings_.token);
  std::vector<std::string> patterns;
  for (const auto& site : settings_.site_tokens) {
    if (constant_time_equal(presented, site.token)) patterns.push_back(site.pattern);
  }
  if (admin) return SiteScope{};
  if (patterns.empty()) return std::nullopt;
  return SiteScope{std::move(patterns)};
}

Access AccessControl::check(const Request& request, bool peer_loopback,
                            std::chrono::steady_clock::time_point now, SiteScope* granted) {
  if (granted) *granted = SiteScope{};
  if (token_required()) {
    std::string_view presented = bearer_token(request);
    if (presented.empty()) presented = cookie_token(request);
    if (presented.empty()) return Access::unauthorized;  // not a guess: not counted
    auto scope = scope_of(presented);
    if (scope && granted) *granted = std::move(*scope);
    return verdict(scope.has_value(), now);
  }
  if (settings_.open) return host_known(request) ? Access::allowed : Access::unknown_host;
  // A rebound name (evil.example -> 127.0.0.1) is not a loopback Host either.
  const bool local = peer_loopback && !proxied(request) &&
                     loopback_name(host_name(request[http::field::host]));
  return local ? Access::allowed : Access::not_local;
}

Access AccessControl::login(std::string_view candidate, std::chrono::steady_clock::time_point now,
                            SiteScope* granted) {
  if (granted) *granted = SiteScope{};
  if (!token_required()) return Access::allowed;
  auto scope = scope_of(candidate);
  if (scope && granted) *granted = std::move(*scope);
  return verdict(scope.has_value(), now);
}

std::string AccessControl::site_scheme(const Request& request) const {
  const auto forwarded = request["X-Forwarded-Proto"];
  if (!forwarded.empty()) return lower(forwarded.substr(0, forwarded.find(',')));
  return settings_.public_url.starts_with("https://") ? "https" : "http";
}

bool AccessControl::origin_allowed(const Request& request) const {
  const auto origin = request[http::field::origin];
  if (origin.empty()) return true;  // not a browser: nothing to hijack
  if (settings_.allowed_origins.empty()) {
    // The scheme must match too: an https page is another origin than an http site.
    return origin == site_scheme(request) + "://" + std::string(request[http::field::host]);
  }
  return std::find(settings_.allowed_origins.begin(), settings_.allowed_origins.end(),
                   std::string(origin)) != settings_.allowed_origins.end();
}

bool AccessControl::same_origin_post(const Request& request) const {
  const auto fetch_site = request["Sec-Fetch-Site"];
  if (!fetch_site.empty() && fetch_site != "same-origin" && fetch_site != "none") return false;
  const auto origin = request[http::field::origin];
  if (origin.empty()) return true;  // curl and the like: no cookies to ride on
  return origin_allowed(request);
}

std::string AccessControl::session_cookie(const Request& request, std::string_view token) const {
  return std::string(cookie_name) + "=" + std::string(token) +
         "; Path=/; HttpOnly; SameSite=Strict; Max-Age=2592000" +
         (site_scheme(request) == "https" ? "; Secure" : "");
}

std::string AccessControl::status_json(const SiteScope& scope) const {
  const bool network = !loopback_name(lower(settings_.listen_host));
  std::string sites = "null";
  if (!scope.all()) {
    sites.clear();
    for (const auto& pattern : scope.patterns()) sites += (sites.empty() ? "[\"" : ",\"") + pattern + '"';
    sites += ']';  // patterns are [a-z0-9.*-]: nothing to escape
  }
  return std::string("{\"signed_in\":true,\"token\":") + (token_required() ? "true" : "false") +
         ",\"open\":" + (settings_.open && !token_required() ? "true" : "false") +
         ",\"network\":" + (network ? "true" : "false") + ",\"sites\":" + sites + "}";
}

}  // namespace onlooker
