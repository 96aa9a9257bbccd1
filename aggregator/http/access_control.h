// Who may see what (docs/SECURITY.md, "Access"). Public endpoints
// (/healthz, /api/count, /ws?count, /beacon.js, /widget.js, the login form)
// answer anyone. The private ones (the dashboard, /api/*, /metrics, /ws):
//  - with --token: `Authorization: Bearer TOKEN` or the login form's cookie;
//    wrong tokens are answered 401 and, past a few per minute, 429;
//  - without one: only requests from this machine itself: a loopback peer,
//    a loopback Host (which a DNS-rebound name is not), and none of the headers a
//    reverse proxy adds (Forwarded, X-Forwarded-*, X-Real-IP, Via). Behind
//    nginx every peer is loopback, so the headers and the Host are what
//    tell a proxied request apart; the shipped location sets
//    X-Forwarded-Proto, which a client cannot remove;
//  - without one and with --open: anyone whose Host is a known name (DNS
//    rebinding: a page on evil.example resolving to 127.0.0.1 is refused).
// WebSocket upgrades of /ws must come from an allowed Origin (default: the
// site's own scheme and host), which stops cross-site WebSocket hijacking.
#pragma once

#include <chrono>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http_message.h"
#include "site_scope.h"
#include "token.h"

namespace onlooker {

struct AccessSettings {
  std::string token;                         // the admin key (every site); empty: none
  std::vector<SiteToken> site_tokens;        // keys to some sites (--site-token)
  std::vector<std::string> allowed_origins;  // empty: the request's own host
  bool open = false;         // no token: private endpoints for any known Host
  std::string listen_host;   // --listen's host, a name this server answers to
  std::string public_url;    // --public-url: another name, and https or not
};

enum class Access { allowed, unauthorized, rate_limited, not_local, unknown_host };

class AccessControl {
 public:
  explicit AccessControl(AccessSettings settings);

  bool token_required() const { return !settings_.token.empty() || !settings_.site_tokens.empty(); }
  // For a private route: may this request see it? `peer_loopback`: the TCP
  // peer is 127.0.0.0/8 or ::1. When allowed, `granted` (if given) gets the
  // sites the key opens: all for the admin key or no key needed.
  Access check(const Request& request, bool peer_loopback,
               std::chrono::steady_clock::time_point now, SiteScope* granted = nullptr);
  // A login attempt with `candidate`; `granted` as for check().
  Access login(std::string_view candidate, std::chrono::steady_clock::time_point now,
               SiteScope* granted = nullptr);
  bool origin_allowed(const Request& request) const;
  // A form POST a browser sent from this site (Origin / Sec-Fetch-Site), or
  // from no browser at all: cross-site posts are refused.
  bool same_origin_post(const Request& request) const;
  // Set-Cookie value after a successful login with `token`; Secure when the site is https.
  std::string session_cookie(const Request& request, std::string_view token) const;
  // {"signed_in":true,"token":…,"open":…,"network":…,"sites":…} for the dashboard's banner
  // and the sign-in page: "sites" is null for every site, else the patterns
  // the key opens (never other sites' names).
  std::string status_json(const SiteScope& scope) const;

  static constexpr std::string_view cookie_name = "onlooker_token";
  static constexpr int failures_per_minute = 5;

 private:
  Access verdict(bool matches, std::chrono::steady_clock::time_point now);
  // The sites `presented` opens, if it is a key at all. Every key is
  // compared in constant time, with no early exit.
  std::optional<SiteScope> scope_of(std::string_view presented) const;
  bool host_known(const Request& request) const;
  std::string site_scheme(const Request& request) const;

  AccessSettings settings_;
  std::vector<std::string> known_hosts_;  // lower-case names, no ports
  std::deque<std::chrono::steady_clock::time_point> failures_;
};

// "Example.com:8080" -> "example.com", "[::1]:9190" -> "::1", and the same
// for the authority of "https://example.com/x".
std::string host_name(std::string_view host_or_url);
// A name or address that only reaches this machine.
bool loopback_name(std::string_view name);

}  // namespace onlooker
