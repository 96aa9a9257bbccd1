#include "http_routes.h"

#include <boost/beast/http/verb.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

#include <nlohmann/json.hpp>

#include "access_control.h"
#include "embedded_assets.h"
#include "history_api.h"
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
                       nlohmann::json{{"error", message}}.dump());
}

// Every HTML page: no framing (clickjacking), scripts only from files.
Response page(const Request& request, http::status status, std::string body) {
  auto response = make_response(request, status, "text/html; charset=utf-8", std::move(body));
  response.set("Content-Security-Policy",
               "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data:; "
               "style-src 'self' 'unsafe-inline'; script-src 'self'; frame-ancestors 'none'; "
               "form-action 'self'; base-uri 'none'");
  response.set("X-Frame-Options", "DENY");
  return response;
}

Response asset_response(const Request& request, const assets::Asset& asset) {
  if (asset.content_type.starts_with("text/html")) {
    auto response = page(request, http::status::ok, std::string(asset.body));
    // Revalidated: after an upgrade, a page must not meet last version's modules.
    response.set(http::field::cache_control, "no-cache");
    return response;
  }
  auto response = make_response(request, http::status::ok, asset.content_type,
                                std::string(asset.body));
  // The scripts sites embed for their visitors may be cached for an hour.
  const bool embedded = asset.path == "/beacon.js" || asset.path == "/widget.js";
  response.set(http::field::cache_control, embedded ? "public, max-age=3600" : "no-cache");
  return response;
}

constexpr std::string_view fix_command = "sudo dpkg-reconfigure onlooker";

std::string not_local_message() {
  return "no access token is set, so onlookerd shows this only to its own machine, and this "
         "request came through a proxy. To sign in from here, set a token: run `" +
         std::string(fix_command) +
         "` (it writes one and restarts onlookerd; then `sudo onlookerd --config "
         "/etc/onlooker/onlookerd.conf --login-url` prints the sign-in link), or start onlookerd "
         "with --token";
}

Response not_local_page(const Request& request) {
  return page(request, http::status::unauthorized,
              "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
              "<title>Onlooker — sign-in needed</title></head><body><h1>Onlooker</h1>"
              "<p>No access token is set, so onlookerd shows the dashboard only to its own "
              "machine, and this request came through a proxy.</p>"
              "<p>To sign in from here, run on the server:</p><pre><code>" +
                  std::string(fix_command) +
                  "</code></pre><p>It writes a token into /etc/onlooker/onlookerd.conf and "
                  "restarts onlookerd; <code>sudo onlookerd --config "
                  "/etc/onlooker/onlookerd.conf --login-url</code> then prints the sign-in "
                  "link. Elsewhere, start onlookerd with <code>--token</code>.</p></body></html>\n");
}

Response refusal(const Request& request, Access access, bool is_page) {
  switch (access) {
    case Access::rate_limited: {
      auto response = error(request, http::status::too_many_requests,
                            "too many wrong tokens; wait a minute");
      response.set(http::field::retry_after, "60");
      return response;
    }
    case Access::unknown_host:
      return error(request, http::status::forbidden,
                   "unknown Host: without a token onlookerd answers only to its own names "
                   "(--listen, --public-url, --allowed-origin)");
    case Access::not_local:
      return is_page ? not_local_page(request)
                     : error(request, http::status::unauthorized, not_local_message());
    default: {
      if (is_page) {  // a person at the dashboard: to the sign-in form
        auto response = make_response(request, http::status::see_other, "text/plain", "");
        response.set(http::field::location, "login");
        return response;
      }
      auto response = error(request, http::status::unauthorized, "token required");
      response.set(http::field::www_authenticate, "Bearer");
      return response;
    }
  }
}

Response login(const Request& request, AccessControl& access) {
  if (request.method() != http::verb::post) {
    return asset_response(request, *assets::find("/login.html"));
  }
  if (!access.same_origin_post(request)) {
    return error(request, http::status::forbidden, "sign-in from another site");
  }
  const auto token = query_param(request.body(), "token").value_or("");
  const Access verdict = access.login(token, std::chrono::steady_clock::now());
  if (verdict != Access::allowed) return refusal(request, verdict, false);
  auto response = make_response(request, http::status::see_other, "text/plain", "");
  response.set(http::field::location, "./");
  response.set(http::field::set_cookie, access.session_cookie(request, token));
  return response;
}

// For the sign-in page: which sites the browser's key opens, if it holds
// one. Public, so that a stranger's page logs no 401; it tells a stranger
// only {"signed_in":false}.
Response login_key(const Request& request, const Caller& caller, AccessControl& access) {
  SiteScope scope;
  const bool signed_in =
      access.token_required() &&
      access.check(request, caller.loopback, std::chrono::steady_clock::now(), &scope) ==
          Access::allowed;
  return make_response(request, http::status::ok, "application/json",
                       signed_in ? access.status_json(scope) : R"({"signed_in":false})");
}

bool is_public_file(std::string_view path) {
  return path == "/beacon.js" || path == "/widget.js" || path == "/login.js" ||
         path == "/login.css";
}

// A site key naming a site it does not open. The answer names no site.
Response other_site(const Request& request) {
  return error(request, http::status::forbidden, "this key does not open that site");
}

Routed websocket(const Request& request, const Target& target, const Caller& caller,
                 AccessControl& access) {
  WebSocketUpgrade upgrade{query_param(target.query, "host").value_or(""),
                           query_param(target.query, "count").has_value(), {}};
  // The count is public like /api/count: any origin may read it.
  if (upgrade.count_only) return upgrade;
  if (!access.origin_allowed(request)) {
    return error(request, http::status::forbidden, "WebSocket from another origin");
  }
  const Access verdict =
      access.check(request, caller.loopback, std::chrono::steady_clock::now(), &upgrade.scope);
  if (verdict != Access::allowed) return refusal(request, verdict, false);
  if (!upgrade.host.empty() && !upgrade.scope.allows(upgrade.host)) return other_site(request);
  return upgrade;
}

}  // namespace

Response bad_request() {
  Response response{http::status::bad_request, 11};
  response.set(http::field::connection, "close");
  response.body() = "bad request\n";
  response.prepare_payload();
  return response;
}

Response json_answer(const Request& request, http::status status, std::string body) {
  return make_response(request, status, "application/json", std::move(body));
}

Response csv_answer(const Request& request, std::string_view filename, std::string body) {
  auto response = make_response(request, http::status::ok, "text/csv; charset=utf-8",
                                std::move(body));
  response.set(http::field::content_disposition,
               "attachment; filename=\"" + std::string(filename) + "\"");
  return response;
}

Routed route(const Request& request, const Caller& caller, LiveHub& hub, AccessControl& access,
             const Metrics& metrics) {
  const Target target = split_target(request.target());
  if (target.path == "/ws" && boost::beast::websocket::is_upgrade(request)) {
    return websocket(request, target, caller, access);
  }
  if (target.path == "/login") return login(request, access);
  if (request.method() != http::verb::get && request.method() != http::verb::head) {
    auto response = error(request, http::status::method_not_allowed, "only GET is supported");
    response.set(http::field::allow, "GET, HEAD");
    return response;
  }
  if (target.path == "/healthz") {
    return make_response(request, http::status::ok, "text/plain; charset=utf-8", "ok\n");
  }
  // Public scripts a site embeds for its visitors, and the sign-in form's.
  if (is_public_file(target.path)) {
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

  if (target.path == "/login/key") return login_key(request, caller, access);

  // Everything below is private.
  const bool is_page = target.path == "/" || target.path == "/index.html";
  SiteScope scope;
  const Access verdict =
      access.check(request, caller.loopback, std::chrono::steady_clock::now(), &scope);
  if (verdict != Access::allowed) return refusal(request, verdict, is_page);

  if (target.path == "/api/live") {
    const std::string host = query_param(target.query, "host").value_or("");
    if (!host.empty() && !scope.allows(host)) return other_site(request);
    return make_response(request, http::status::ok, "application/json",
                         hub.snapshot_json(scope, host, false));
  }
  // One live person's journey: ?host= (a visitor id is per site) and
  // ?visitor= (the id the snapshot's visitors carry).
  if (target.path == "/api/journey") {
    const std::string host = query_param(target.query, "host").value_or("");
    VisitorId visitor{};
    if (host.empty() || !from_hex(query_param(target.query, "visitor").value_or(""), visitor)) {
      return error(request, http::status::bad_request,
                   "?host= and ?visitor= (32 hex digits) are required");
    }
    if (!scope.allows(host)) return other_site(request);
    return make_response(request, http::status::ok, "application/json",
                         hub.journey_json(host, visitor));
  }
  if (target.path == "/api/history" || target.path == "/api/history.csv") {
    std::optional<HistoryList> csv;
    if (target.path == "/api/history.csv") {
      csv = history_list_from_string(query_param(target.query, "list").value_or(""));
      if (!csv) {
        return error(request, http::status::bad_request,
                     "list must be pages, countries, entry_pages, exit_pages or transitions");
      }
    }
    auto parsed = parse_history_request(target.query, unix_now_ms());
    if (auto* problem = std::get_if<std::string>(&parsed)) {
      return error(request, http::status::bad_request, *problem);
    }
    auto& query = std::get<HistoryRequest>(parsed);
    if (!scope.all() && query.host.empty()) query.host = scope.single_host();
    if (!scope.all() && query.host.empty()) {
      return error(request, http::status::bad_request,
                   "this key opens several sites: pick one (?host=) to see its history");
    }
    if (!scope.allows(query.host)) return other_site(request);
    return HistoryJob{std::move(query), csv};
  }
  if (target.path == "/api/access") {
    return make_response(request, http::status::ok, "application/json",
                         access.status_json(scope));
  }
  if (target.path == "/metrics") {
    return make_response(request, http::status::ok, "text/plain; version=0.0.4; charset=utf-8",
                         scope.all() ? metrics.render() : hub.site_metrics(scope));
  }
  if (const auto* asset = assets::find(is_page ? "/index.html" : target.path)) {
    if (target.path != "/login.html") return asset_response(request, *asset);
  }
  if (target.path == "/ws") {
    return error(request, http::status::upgrade_required, "WebSocket upgrade required");
  }
  return error(request, http::status::not_found, "not found");
}

}  // namespace onlooker
