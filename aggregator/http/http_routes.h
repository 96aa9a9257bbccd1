// The router: what onlookerd does with one parsed request, decided in one
// place and without I/O. The answer is a response to write, a WebSocket
// upgrade to carry out, or a history query to run off the I/O thread;
// HttpSession only reads, writes and dispatches.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>

#include "history_csv.h"
#include "history_reader.h"
#include "http_message.h"
#include "site_scope.h"

namespace onlooker {

class LiveHub;
class AccessControl;
class Metrics;

// Who sent the request, as far as the socket tells.
struct Caller {
  bool loopback = false;  // the TCP peer is 127.0.0.0/8 or ::1
};

// /ws, checked: the session upgrades the connection and streams to it.
struct WebSocketUpgrade {
  std::string host;         // ?host= filter; empty: every site
  bool count_only = false;  // /ws?count: the public count stream
  SiteScope scope;          // the sites the key opens; every frame is built for it
};

// /api/history or /api/history.csv, checked and parsed: the session runs it
// on the blocking pool.
struct HistoryJob {
  HistoryRequest query;
  std::optional<HistoryList> csv;  // none: the JSON report
};

using Routed = std::variant<Response, WebSocketUpgrade, HistoryJob>;

Routed route(const Request& request, const Caller& caller, LiveHub& hub, AccessControl& access,
             const Metrics& metrics);

// The answer to a request that could not be parsed (malformed, too large).
Response bad_request();
Response json_answer(const Request& request, boost::beast::http::status status, std::string body);
// A CSV download (200), saved as `filename`.
Response csv_answer(const Request& request, std::string_view filename, std::string body);

}  // namespace onlooker
