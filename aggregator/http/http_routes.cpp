#include "http_routes.h"

#include <boost/beast/http/verb.hpp>

#include "access_control.h"
#include "embedded_assets.h"
#include "live_hub.h"
#include "metrics.h"
#include "query_string.h"

namespace onlooker {

namespace http = boost::beast::http;

namespace {

Response make_response(const Request& request, http::status status, std::string_view type,
                       std::string body) {
  Response response{status, request.version()};
  response.set(http::field::server, "onlookerd");
  response.set(http::field::content_type, type);
  response.set(http::field::cache_control, "no-store");
  response.set("X-Content-Type-Options", "nosniff");
  response.keep_alive(request.keep_alive());
  response.body() = std::move(body);
  response.prepare_payload();
  if (request.method() == http::verb::head) response.body().clear();  // length stays
  return response;
}

Response error(const Request& request, http::status status, std::string_view message) {
  return make_response(request, status, "application/json",
                       std::string("{\"error\":\"") + std::string(message) + "\"}");
}

constexpr std::string_view login_page = R"html(<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Onlooker — sign in</title>
<style>:root{color-scheme:light dark}body{font:16px system-ui,sans-serif;display:grid;place-items:center;min-height:90vh}
form{display:grid;gap:.6rem;min-width:16rem}input,button{font:inherit;padding:.5rem}</style></head>
<body><form method="post" action="login"><h1>Onlooker</h1>
<label for="token">Access token</label><input id="token" name="token" type="password" autocomplete="current-password" required autofocus>
<button type="submit">Sign in</button></form></body></html>
)html";

Response asset_response(const Request& request, const assets::Asset& asset) {
  auto response = make_response(request, http::status::ok, asset.content_type,
                                std::string(asset.body));
  // The dashboard's own files are revalidated (after an upgrade, a page must
  // not meet last version's modules); the scripts sites embed for their
  // visitors may be cached for an hour.
  const bool page = asset.content_type.starts_with("text/html");
  const bool embedded = asset.path == "/beacon.js" || asset.path == "/widget.js";
  response.set(http::field::cache_control, embedded ? "public, max-age=3600" : "no-cache");
  if (page) {
    response.set("Content-Security-Policy",
                 "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data:; "
                 "style-src 'self' 'unsafe-inline'; script-src 'self' 'unsafe-inline'");
  }
  return response;
}

Response refusal(const Request& request, Access access) {
  auto response = error(request,
                        access == Access::rate_limited ? http::status::too_many_requests
                                                       : http::status::unauthorized,
                        access == Access::rate_limited ? "too many wrong tokens; wait a minute"
                                                       : "token required");
  if (access == Access::unauthorized) response.set(http::field::www_authenticate, "Bearer");
  if (access == Access::rate_limited) response.set(http::field::retry_after, "60");
  return response;
}

Response login(const Request& request, AccessControl& access) {
  if (request.method() != http::verb::post) {
    auto response = make_response(request, http::status::ok, "text/html; charset=utf-8",
                                  std::string(login_page));
    return response;
  }
  const auto token = query_param(request.body(), "token").value_or("");
  const Access verdict = access.login(token, std::chrono::steady_clock::now());
  if (verdict != Access::allowed) return refusal(request, verdict);
  auto response = make_response(request, http::status::see_other, "text/plain", "");
  response.set(http::field::location, "./");
  response.set(http::field::set_cookie, access.session_cookie());
  return response;
}

}  // namespace

std::optional<Response> refuse_protected(const Request& request, AccessControl& access) {
  const Access verdict = access.check(request, std::chrono::steady_clock::now());
  if (verdict != Access::allowed) return refusal(request, verdict);
  return std::nullopt;
}

Response json_answer(const Request& request, http::status status, std::string body) {
  return make_response(request, status, "application/json", std::move(body));
}

std::optional<Response> refuse_websocket(const Request& request, AccessControl& access) {
  if (!access.origin_allowed(request)) {
    return error(request, http::status::forbidden, "WebSocket from another origin");
  }
  const Target target = split_target(request.target());
  if (query_param(target.query, "count")) return std::nullopt;  // public
  const Access verdict = access.check(request, std::chrono::steady_clock::now());
  if (verdict != Access::allowed) return refusal(request, verdict);
  return std::nullopt;
}

bool is_websocket_route(const Request& request) {
  return split_target(request.target()).path == "/ws";
}

Response handle_request(const Request& request, LiveHub& hub, AccessControl& access,
                        const Metrics& metrics) {
  const Target target = split_target(request.target());
  if (target.path == "/login") return login(request, access);
  if (request.method() != http::verb::get && request.method() != http::verb::head) {
    auto response = error(request, http::status::method_not_allowed, "only GET is supported");
    response.set(http::field::allow, "GET, HEAD");
    return response;
  }
  if (target.path == "/healthz") {
    return make_response(request, http::status::ok, "text/plain; charset=utf-8", "ok\n");
  }
  // Public scripts a site embeds for its visitors.
  if (target.path == "/beacon.js" || target.path == "/widget.js") {
    if (const auto* asset = assets::find(target.path)) return asset_response(request, *asset);
  }

  if (target.path == "/api/count") {
    auto response = make_response(request, http::status::ok, "application/json",
                                  hub.count_json(query_param(target.query, "host").value_or(""),
                                                 false));
    // Public by design: a site may show "N viewing now" to its visitors.
    response.set(http::field::access_control_allow_origin, "*");
    return response;
  }
  // Everything below needs the token when one is set.
  const Access verdict = access.check(request, std::chrono::steady_clock::now());
  if (verdict != Access::allowed) {
    if (verdict == Access::unauthorized && (target.path == "/" || target.path == "/index.html")) {
      auto response = make_response(request, http::status::see_other, "text/plain", "");
      response.set(http::field::location, "login");
      return response;
    }
    return refusal(request, verdict);
  }

  if (target.path == "/api/live") {
    const std::string host = query_param(target.query, "host").value_or("");
    return make_response(request, http::status::ok, "application/json",
                         hub.snapshot_json(host, false));
  }
  if (target.path == "/metrics") {
    return make_response(request, http::status::ok, "text/plain; version=0.0.4; charset=utf-8",
                         metrics.render());
  }
  if (const auto* asset = assets::find(target.path == "/" ? "/index.html" : target.path)) {
    return asset_response(request, *asset);
  }
  if (target.path == "/ws") {
    return error(request, http::status::upgrade_required, "WebSocket upgrade required");
  }
  return error(request, http::status::not_found, "not found");
}

}  // namespace onlooker
