// --alert-webhook URL: http://HOST[:PORT][/PATH][?QUERY]. https:// is
// refused with a message (this build has no TLS client; put a local relay
// such as nginx's proxy_pass to the https receiver in between), as are
// credentials in the URL. A receiver's path often holds its secret (Slack's
// does): logs name only describe(), host and port.
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

  std::string describe() const;  // host:port, for logs and metrics
};

// The URL, or why not (onlookerd exits 2 with it).
std::variant<WebhookUrl, std::string> parse_webhook_url(std::string_view text);

}  // namespace onlooker
