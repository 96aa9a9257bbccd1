// onlookerd's command line (and --config file with the same keys).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "site_scope.h"
#include "token.h"
#include "alert_format.h"
#include "alert_rule.h"
#include "webhook_url.h"

namespace onlooker {

// A data-file flag (--geoip, --ua-regexes): not given (onlookerd's defaults,
// see enrichment_sources.h), files named, or "none" (that enrichment off).
struct DataFiles {
  enum class Choice { defaults, files, none };
  Choice choice = Choice::defaults;
  std::vector<std::string> paths;  // Choice::files only

  bool operator==(const DataFiles&) const = default;
};

struct Options {
  std::string ring;
  std::string viewers_zone;  // empty: no viewers table is published
  std::string db;
  std::string listen_host = "127.0.0.1";
  std::uint16_t listen_port = 9190;
  std::chrono::seconds active_window{300};
  std::vector<SiteWindow> site_active_windows;  // per-site active_window, first match wins
  std::size_t max_visitors_per_address = 256;
  std::chrono::milliseconds push_interval{1000};
  DataFiles geoip;          // City .mmdb files, first hit wins
  DataFiles ua_regexes;     // uap-core regexes.yaml (one path)
  int retention_days = 0;   // 0 keeps history forever
  std::string token;        // empty: no token needed
  std::vector<SiteToken> site_tokens;         // keys to some sites only
  std::vector<SiteRetention> site_retention;  // per-site retention_days, first match wins
  std::vector<std::string> allowed_origins;
  bool open = false;          // no token: the private endpoints for anyone (a developer's laptop)
  std::string public_url;     // the dashboard's address in browsers, e.g. https://example.com/onlooker/
  std::vector<AlertRule> alerts;  // --alert 'NAME: CONDITION' (repeatable)
  std::vector<WebhookUrl> alert_webhooks;  // --alert-webhook URL (repeatable)
  AlertFormat alert_format = AlertFormat::json;
  std::string alert_webhook_ca;  // --alert-webhook-ca FILE: trusted besides the system's CAs
  std::size_t max_connections = 16384;  // open HTTP + WebSocket connections; 503 beyond
  std::string cluster;        // redis://... : join the live view of every node on it; empty: alone
  std::string node;           // this node's name in the cluster, logs and dashboard (default: host name)
};

// A sign-in link: --public-url (or the --listen address) + "login#token="
// + `token` (the --token when not given).
std::string login_url(const Options& options);
std::string login_url(const Options& options, const std::string& token);

// What `onlookerd --login-url` prints: with --token alone, its link (one
// line, as scripts read it); with site keys, a line per key, the admin's
// first: "every site: LINK", then "HOST, HOST: LINK" for each site key,
// labelled by the patterns it opens, in the order first given. Empty
// without any key.
std::string login_links(const Options& options);

// What parsing produced: options to run with, or a text to print and the
// exit status to leave with (0 for --help and --version, 2 for bad input).
struct ParseExit {
  int status;
  std::string text;
};

std::variant<Options, ParseExit> parse_options(const std::vector<std::string>& args);

}  // namespace onlooker
