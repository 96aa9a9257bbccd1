#include "http_routes.h"

#include <boost/beast/http/verb.hpp>

#include "embedded_assets.h"
#include "live_hub.h"
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

}  // namespace

bool is_websocket_route(const Request& request) {
  return split_target(request.target()).path == "/ws";
}

Response handle_request(const Request& request, LiveHub& hub) {
  if (request.method() != http::verb::get && request.method() != http::verb::head) {
    auto response = error(request, http::status::method_not_allowed, "only GET is supported");
    response.set(http::field::allow, "GET, HEAD");
    return response;
  }
  const Target target = split_target(request.target());
  if (target.path == "/healthz") {
    return make_response(request, http::status::ok, "text/plain; charset=utf-8", "ok\n");
  }
  if (target.path == "/api/live") {
    const std::string host = query_param(target.query, "host").value_or("");
    return make_response(request, http::status::ok, "application/json",
                         hub.snapshot_json(host, false));
  }
  if (target.path == "/" || target.path == "/index.html") {
    auto response = make_response(request, http::status::ok, "text/html; charset=utf-8",
                                  std::string(assets::dashboard_html));
    response.set("Content-Security-Policy",
                 "default-src 'self'; connect-src 'self' ws: wss:; style-src 'self' "
                 "'unsafe-inline'; script-src 'self' 'unsafe-inline'");
    return response;
  }
  if (target.path == "/beacon.js") {
    auto response = make_response(request, http::status::ok, "text/javascript; charset=utf-8",
                                  std::string(assets::beacon_js));
    response.set(http::field::cache_control, "public, max-age=3600");
    return response;
  }
  if (target.path == "/ws") {
    return error(request, http::status::upgrade_required, "WebSocket upgrade required");
  }
  return error(request, http::status::not_found, "not found");
}

}  // namespace onlooker
