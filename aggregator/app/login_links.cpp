// The sign-in links onlookerd prints at start (--login-url): one per key,
// labelled by the sites it opens.
#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "options.h"

namespace onlooker {

std::string login_links(const Options& options) {
  if (options.site_tokens.empty()) return options.token.empty() ? "" : login_url(options) + "\n";
  std::string out;
  if (!options.token.empty()) out = "every site: " + login_url(options) + "\n";
  // One token may open several patterns: one line for it, naming them all.
  std::vector<std::pair<std::string, std::string>> keys;  // token, label
  for (const SiteToken& site : options.site_tokens) {
    const auto same = std::find_if(keys.begin(), keys.end(),
                                   [&](const auto& key) { return key.first == site.token; });
    if (same == keys.end()) {
      keys.emplace_back(site.token, site.pattern);
    } else {
      same->second += ", " + site.pattern;
    }
  }
  for (const auto& [token, label] : keys) out += label + ": " + login_url(options, token) + "\n";
  return out;
}

std::string login_url(const Options& options) { return login_url(options, options.token); }

std::string login_url(const Options& options, const std::string& token) {
  std::string base = options.public_url;
  if (base.empty()) {
    const bool v6 = options.listen_host.find(':') != std::string::npos;
    base = "http://" + (v6 ? "[" + options.listen_host + "]" : options.listen_host) + ":" +
           std::to_string(options.listen_port) + "/";
  }
  if (base.back() != '/') base += '/';
  return base + "login#token=" + token;
}

}  // namespace onlooker
