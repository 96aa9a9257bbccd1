#include "options.h"

#include <boost/program_options.hpp>

#include <algorithm>
#include <fstream>
#include <optional>
#include <sstream>

#include <unistd.h>

#include "connection_limit.h"
#include "redis_url.h"
#include "history_backend.h"
#include "onlooker_ring.h"
#include "onlooker_version.h"
#include "site_scope.h"
#include "token.h"

namespace onlooker {

namespace po = boost::program_options;

namespace {

// "HOST:PORT", "[V6]:PORT" or ":PORT".
bool parse_listen(const std::string& text, std::string& host, std::uint16_t& port) {
  const auto colon = text.rfind(':');
  if (colon == std::string::npos) return false;
  host = text.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  if (host.empty()) host = "127.0.0.1";
  const std::string port_text = text.substr(colon + 1);
  if (port_text.empty() || port_text.size() > 5 ||
      port_text.find_first_not_of("0123456789") != std::string::npos) {
    return false;
  }
  const unsigned long value = std::stoul(port_text);
  if (value == 0 || value > 65535) return false;
  port = static_cast<std::uint16_t>(value);
  return true;
}

// "none" alone switches the enrichment off; otherwise the values are paths.
std::optional<DataFiles> data_files(std::vector<std::string> values) {
  const auto none = std::count(values.begin(), values.end(), "none");
  if (none == 0) return DataFiles{DataFiles::Choice::files, std::move(values)};
  if (values.size() == 1) return DataFiles{DataFiles::Choice::none, {}};
  return std::nullopt;
}

// "HOST=VALUE" with a valid host pattern; the value is checked by the caller.
std::optional<std::pair<std::string, std::string>> site_pair(const std::string& text) {
  const auto eq = text.find('=');
  if (eq == std::string::npos) return std::nullopt;
  std::string pattern = text.substr(0, eq);
  if (!valid_host_pattern(pattern)) return std::nullopt;
  return std::pair{std::move(pattern), text.substr(eq + 1)};
}

// Up to 6 decimal digits, nothing else.
std::optional<int> small_number(const std::string& text) {
  if (text.empty() || text.size() > 6 || text.find_first_not_of("0123456789") != std::string::npos) {
    return std::nullopt;
  }
  return std::stoi(text);
}

}  // namespace

std::variant<Options, ParseExit> parse_options(const std::vector<std::string>& args) {
  po::options_description described("onlookerd options");
  described.add_options()
      ("help,h", "print this help and exit")
      ("version", "print the version and ring layout version and exit")
      ("config", po::value<std::string>()->value_name("FILE"),
       "read options from FILE (lines of key = value, same keys as the flags)")
      ("ring", po::value<std::string>()->value_name("PATH"),
       "the ring file named by nginx's onlooker_zone (required)")
      ("viewers-zone", po::value<std::string>()->value_name("PATH"),
       "the viewers table named by nginx's onlooker_viewers_zone: live counts per page and "
       "host for $onlooker_viewers, published once per --push-interval (optional)")
      ("db", po::value<std::string>()->value_name("PATH_OR_URI"),
       "history: a SQLite file, created if missing, or a postgresql:// URI (required)")
      ("listen", po::value<std::string>()->value_name("HOST:PORT")->default_value("127.0.0.1:9190"),
       "address for the HTTP API, WebSocket and dashboard")
      ("active-window", po::value<long long>()->value_name("SECONDS")->default_value(300),
       "a visitor with no hit for this long leaves the live set (1..86400)")
      ("site-active-window",
       po::value<std::vector<std::string>>()->value_name("HOST=SECONDS")->composing(),
       "the visitors of the sites matching HOST (a name or *.suffix) leave the live set after "
       "SECONDS (1..86400) instead of --active-window (repeatable; the first matching one "
       "applies)")
      ("max-visitors-per-address", po::value<long long>()->value_name("N")->default_value(256),
       "live visitors one client address may hold at a time; views of more are dropped and "
       "counted in onlooker_visitors_refused_total (1..1000000)")
      ("push-interval", po::value<long long>()->value_name("MS")->default_value(1000),
       "the most often a WebSocket snapshot is pushed (10..60000)")
      ("geoip", po::value<std::vector<std::string>>()->value_name("PATH.mmdb")->composing(),
       "GeoIP2/GeoLite2/DB-IP City database (repeatable: DB-IP Lite comes as an IPv4 and an "
       "IPv6 file); default: DB-IP's files from the onlooker-dbip-city package if installed; "
       "none: geo fields are null")
      ("ua-regexes", po::value<std::string>()->value_name("PATH"),
       "uap-core regexes.yaml for browser, OS and device classes; default: the copy built "
       "into onlookerd; none: no classes")
      ("retention-days", po::value<long long>()->value_name("N")->default_value(0),
       "delete history older than N days (0 keeps everything)")
      ("token", po::value<std::string>()->value_name("TOKEN"),
       "require TOKEN (16+ of [A-Za-z0-9._~-]) for the dashboard, /api/* and /ws; "
       "/api/count and /ws?count stay public")
      ("site-token", po::value<std::vector<std::string>>()->value_name("HOST=TOKEN")->composing(),
       "a key that opens only the sites matching HOST (a name or *.suffix): their dashboard, "
       "/api/live, /ws, /api/history and /metrics (repeatable; in --config also a [sites] "
       "section of HOST = TOKEN lines); --token stays the key to every site")
      ("site-retention-days",
       po::value<std::vector<std::string>>()->value_name("HOST=N")->composing(),
       "delete the history of the sites matching HOST after N days instead of "
       "--retention-days (0 keeps it; repeatable; the first matching one applies)")
      ("allowed-origin", po::value<std::vector<std::string>>()->value_name("ORIGIN")->composing(),
       "an Origin allowed to open /ws (repeatable; default: the request's own host)")
      ("open", po::bool_switch(),
       "without --token, serve the dashboard, /api/* and /ws to anyone whose Host is a known "
       "name, proxied or not (a developer's laptop; scripts/run.sh); default: only to this "
       "machine itself")
      ("public-url", po::value<std::string>()->value_name("URL"),
       "the dashboard's address as browsers see it (e.g. https://example.com/onlooker/): the "
       "sign-in link, a Host this server answers to, Secure cookies when https")
      ("alert", po::value<std::vector<std::string>>()->value_name("RULE")->composing(),
       "an alert rule, 'NAME: CONDITION' (repeatable): live > N, live{path=/p} > N, live{host=h} < N, "
       "views_per_minute > N, views_per_minute > 3x baseline, status5xx_share{live} > 5%, optionally "
       "'for 10m'; fired and cleared alerts go to the log, /metrics and every --alert-webhook")
      ("alert-webhook", po::value<std::vector<std::string>>()->value_name("URL")->composing(),
       "POST each fired and cleared alert to this http:// or https:// URL (repeatable); retried "
       "with backoff for up to 10 minutes; https:// receivers' certificates are verified against "
       "the system's store")
      ("alert-webhook-ca", po::value<std::string>()->value_name("FILE"),
       "also trust the CA certificates in this PEM file for https:// webhooks (a private CA)")
      ("alert-format", po::value<std::string>()->value_name("FORMAT")->default_value("json"),
       "the webhook body: json (rule, condition, value, state, time) or slack ({\"text\": ...}, "
       "for Slack and Mattermost incoming webhooks)")
      ("login-url", "print the dashboard's sign-in link (with the token), and one for each "
                    "site key labelled by its sites, and exit")
      ("max-connections", po::value<long long>()->value_name("N")->default_value(
                              static_cast<long long>(ConnectionLimit::default_max)),
       "open HTTP and WebSocket connections at most; beyond, 503 (1..1000000)")
      ("cluster", po::value<std::string>()->value_name("redis://HOST[:PORT][/DB]"),
       "join the live view (and the daily visitor key) of every onlookerd on this Redis; "
       "a password goes in the URL (redis://:PASSWORD@HOST) of a 0600 --config file")
      ("node", po::value<std::string>()->value_name("NAME"),
       "this node's name in the cluster, /metrics and the dashboard (default: the host name; "
       "1..64 of [A-Za-z0-9._-])");

  auto usage = [&] {
    std::ostringstream text;
    text << "Usage: onlookerd --ring PATH --db PATH [--listen HOST:PORT] [options]\n\n"
         << described;
    return text.str();
  };
  auto bad = [&](const std::string& message) {
    return ParseExit{2, "onlookerd: " + message + "\nTry 'onlookerd --help'.\n"};
  };

  po::variables_map values;
  std::vector<std::string> config_sites;  // HOST=TOKEN from --config's [sites]
  try {
    std::vector<std::string> command_line(args.begin() + (args.empty() ? 0 : 1), args.end());
    po::store(po::command_line_parser(command_line).options(described).run(), values);
    if (values.count("config")) {
      const auto path = values["config"].as<std::string>();
      std::ifstream file(path);
      if (!file) return bad("cannot read config file " + path);
      // [sites] lines arrive as unregistered "sites.HOST" keys; any other
      // unknown key is still an error.
      const auto parsed = po::parse_config_file(file, described, true);
      for (const auto& option : parsed.options) {
        if (!option.unregistered) continue;
        if (!option.string_key.starts_with("sites.") || option.value.size() != 1) {
          return bad("unrecognised option '" + option.string_key + "' in " + path);
        }
        const std::string host = option.string_key.substr(6);
        // "token = …" appended below [sites] (by hand, or a postinst) is a
        // setting in the wrong place, not a site called "token".
        if (described.find_nothrow(host, false) != nullptr) {
          return bad("'" + host + "' in the [sites] section of " + path +
                     ": onlookerd's own keys go above [sites]");
        }
        config_sites.push_back(host + "=" + option.value.front());
      }
      po::store(parsed, values);
    }
    po::notify(values);
  } catch (const po::error& failure) {
    return bad(failure.what());
  }

  if (values.count("help")) return ParseExit{0, usage()};
  if (values.count("version")) {
    return ParseExit{0, std::string("onlookerd ") + ONLOOKER_VERSION + " (ring layout " +
                            std::to_string(ONLOOKER_RING_LAYOUT_VERSION) + ")\n"};
  }

  Options options;
  if (!values.count("ring")) return bad("--ring PATH is required");
  if (!values.count("db")) return bad("--db PATH_OR_URI is required");
  options.ring = values["ring"].as<std::string>();
  options.db = values["db"].as<std::string>();
  if (values.count("viewers-zone")) options.viewers_zone = values["viewers-zone"].as<std::string>();
  if (const auto error = postgres_uri_error(options.db)) {
    return bad("invalid --db PostgreSQL URI: " + *error);
  }
  const auto listen = values["listen"].as<std::string>();
  if (!parse_listen(listen, options.listen_host, options.listen_port)) {
    return bad("invalid --listen '" + listen + "': expected HOST:PORT with a port 1..65535");
  }
  const auto window = values["active-window"].as<long long>();
  if (window < 1 || window > 86400) {
    return bad("invalid --active-window " + std::to_string(window) + ": expected 1..86400 seconds");
  }
  options.active_window = std::chrono::seconds(window);
  if (values.count("site-active-window")) {
    for (const auto& text : values["site-active-window"].as<std::vector<std::string>>()) {
      const auto pair = site_pair(text);
      const auto seconds = pair ? small_number(pair->second) : std::nullopt;
      if (!seconds || *seconds < 1 || *seconds > 86400) {
        return bad("invalid --site-active-window '" + text +
                   "': expected HOST=SECONDS with HOST a lower-case name or *.suffix and "
                   "SECONDS 1..86400");
      }
      options.site_active_windows.push_back({pair->first, std::chrono::seconds(*seconds)});
    }
  }
  const auto per_address = values["max-visitors-per-address"].as<long long>();
  if (per_address < 1 || per_address > 1'000'000) {
    return bad("invalid --max-visitors-per-address " + std::to_string(per_address) +
               ": expected 1..1000000");
  }
  options.max_visitors_per_address = static_cast<std::size_t>(per_address);
  const auto push = values["push-interval"].as<long long>();
  if (push < 10 || push > 60000) {
    return bad("invalid --push-interval " + std::to_string(push) + ": expected 10..60000 ms");
  }
  options.push_interval = std::chrono::milliseconds(push);
  if (values.count("geoip")) {
    const auto geoip = data_files(values["geoip"].as<std::vector<std::string>>());
    if (!geoip) return bad("invalid --geoip: \"none\" cannot go with database paths");
    options.geoip = *geoip;
  }
  if (values.count("ua-regexes")) {
    options.ua_regexes = *data_files({values["ua-regexes"].as<std::string>()});
  }
  const auto retention = values["retention-days"].as<long long>();
  if (retention < 0 || retention > 36500) {
    return bad("invalid --retention-days " + std::to_string(retention) +
               ": expected 0 (keep) .. 36500");
  }
  options.retention_days = static_cast<int>(retention);
  if (values.count("token")) {
    options.token = values["token"].as<std::string>();
    if (!valid_token(options.token)) {
      return bad("invalid --token: use 16 or more characters from A-Z a-z 0-9 . _ ~ -");
    }
  }
  std::vector<std::string> site_tokens = config_sites;
  if (values.count("site-token")) {
    const auto& given = values["site-token"].as<std::vector<std::string>>();
    site_tokens.insert(site_tokens.end(), given.begin(), given.end());
  }
  for (const auto& text : site_tokens) {
    const auto pair = site_pair(text);
    if (!pair) {
      return bad("invalid --site-token '" + text.substr(0, text.find('=')) +
                 "=...': expected HOST=TOKEN with HOST a lower-case name or *.suffix");
    }
    if (!valid_token(pair->second)) {
      return bad("invalid --site-token for " + pair->first +
                 ": use 16 or more characters from A-Z a-z 0-9 . _ ~ -");
    }
    if (!options.token.empty() && constant_time_equal(pair->second, options.token)) {
      return bad("invalid --site-token for " + pair->first + ": it is the --token (every site)");
    }
    options.site_tokens.push_back({pair->first, pair->second});
  }
  if (values.count("site-retention-days")) {
    for (const auto& text : values["site-retention-days"].as<std::vector<std::string>>()) {
      const auto pair = site_pair(text);
      const auto days = pair ? small_number(pair->second) : std::nullopt;
      if (!days || *days > 36500) {
        return bad("invalid --site-retention-days '" + text +
                   "': expected HOST=N with HOST a lower-case name or *.suffix and N "
                   "0 (keep) .. 36500");
      }
      options.site_retention.push_back({pair->first, *days});
    }
  }
  if (values.count("allowed-origin")) {
    options.allowed_origins = values["allowed-origin"].as<std::vector<std::string>>();
    for (const auto& origin : options.allowed_origins) {
      if (origin.rfind("http://", 0) != 0 && origin.rfind("https://", 0) != 0) {
        return bad("invalid --allowed-origin '" + origin + "': expected http(s)://host[:port]");
      }
    }
  }
  options.open = values["open"].as<bool>();
  if (values.count("public-url")) {
    options.public_url = values["public-url"].as<std::string>();
    if (options.public_url.rfind("http://", 0) != 0 && options.public_url.rfind("https://", 0) != 0) {
      return bad("invalid --public-url '" + options.public_url + "': expected http(s)://host/path/");
    }
  }
  if (values.count("alert")) {
    for (const auto& text : values["alert"].as<std::vector<std::string>>()) {
      auto rule = parse_alert_rule(text);
      if (const auto* error = std::get_if<std::string>(&rule)) return bad("invalid --alert: " + *error);
      options.alerts.push_back(std::get<AlertRule>(std::move(rule)));
    }
  }
  if (values.count("alert-webhook")) {
    for (const auto& text : values["alert-webhook"].as<std::vector<std::string>>()) {
      auto url = parse_webhook_url(text);
      // The URL itself is not echoed: a receiver's path is often its secret.
      if (const auto* error = std::get_if<std::string>(&url)) return bad("invalid --alert-webhook: " + *error);
      options.alert_webhooks.push_back(std::get<WebhookUrl>(std::move(url)));
    }
  }
  if (values.count("alert-webhook-ca")) {
    options.alert_webhook_ca = values["alert-webhook-ca"].as<std::string>();
    if (!std::ifstream(options.alert_webhook_ca)) {
      return bad("invalid --alert-webhook-ca '" + options.alert_webhook_ca + "': cannot read it");
    }
  }
  const auto format_text = values["alert-format"].as<std::string>();
  const auto format = parse_alert_format(format_text);
  if (!format) return bad("invalid --alert-format '" + format_text + "': expected json or slack");
  options.alert_format = *format;
  const auto max_connections = values["max-connections"].as<long long>();
  if (max_connections < 1 || max_connections > 1000000) {
    return bad("invalid --max-connections " + std::to_string(max_connections) +
               ": expected 1..1000000");
  }
  options.max_connections = static_cast<std::size_t>(max_connections);
  if (values.count("cluster")) {
    options.cluster = values["cluster"].as<std::string>();
    std::string why;
    if (!parse_redis_url(options.cluster, why)) {
      // The URL may hold a password: name the flag, not the value.
      return bad("invalid --cluster: " + why);
    }
  }
  if (values.count("node")) {
    options.node = values["node"].as<std::string>();
  } else {
    char name[256] = {};
    if (::gethostname(name, sizeof name - 1) == 0) options.node = name;
    if (const auto dot = options.node.find('.'); dot != std::string::npos) options.node.resize(dot);
  }
  if (options.node.empty() || options.node.size() > 64 ||
      options.node.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                      "0123456789._-") != std::string::npos) {
    return bad("invalid --node '" + options.node + "': expected 1..64 of A-Z a-z 0-9 . _ -");
  }
  if (values.count("login-url")) {
    const std::string links = login_links(options);
    if (links.empty()) {
      return ParseExit{1, "onlookerd: no token is set (token = ... in the config, or --token), "
                          "so there is no sign-in link\n"};
    }
    return ParseExit{0, links};
  }
  return options;
}

}  // namespace onlooker
