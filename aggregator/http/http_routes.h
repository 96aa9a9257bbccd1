// What onlookerd answers to plain HTTP requests. WebSocket upgrades of /ws
// are recognised here but carried out by the HTTP session.
#pragma once

#include <optional>
#include <utility>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

namespace onlooker {

class LiveHub;
class AccessControl;
class Metrics;

using Request = boost::beast::http::request<boost::beast::http::string_body>;
using Response = boost::beast::http::response<boost::beast::http::string_body>;

bool is_websocket_route(const Request& request);
Response handle_request(const Request& request, LiveHub& hub, AccessControl& access,
                        const Metrics& metrics);
// For protected routes handled elsewhere (/api/history): the refusal, or
// nothing when the request may proceed.
std::optional<Response> refuse_protected(const Request& request, AccessControl& access);
Response json_answer(const Request& request, boost::beast::http::status status, std::string body);

// The refusal of a WebSocket upgrade that failed the origin or token check,
// or nothing when it may proceed.
std::optional<Response> refuse_websocket(const Request& request, AccessControl& access);

}  // namespace onlooker
