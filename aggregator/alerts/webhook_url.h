// --alert-webhook URL: http[s]://HOST[:PORT][/PATH][?QUERY]. https://
// verifies the receiver's certificate (webhook_client.h). Credentials in the
// URL are refused. A receiver's path often holds its secret (Slack's does):
// logs name only describe(), host and port.
#pragma once

#include <string>
#include <string_view>
#include <variant>

namespace onlooker {

struct WebhookUrl {
  std::string host;    // a name or an address; IPv6 without brackets
  std::string port;    // "80" when not given
  std::string target;  // path and query, "/" when not given
  std::string host_header;  // as the URL gave it, with a non-default port
  bool tls = false;         // https://: port 443 when not given

  std::string describe() const;  // host:port, for logs and metrics
};

// The URL, or why not (onlookerd exits 2 with it).
std::variant<WebhookUrl, std::string> parse_webhook_url(std::string_view text);

}  // namespace onlooker
