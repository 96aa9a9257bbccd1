#include "bench_traffic.h"

#include <array>
#include <cstring>
#include <string>

namespace onlooker::bench {
namespace {

// Real browsers' User-Agents in rough market proportions, plus a bot.
const std::array<const char*, 8> user_agents = {
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15",
    "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
    "Mozilla/5.0 (Linux; Android 13; SM-X700) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36",
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
};
const std::array<const char*, 6> pages = {"/", "/pricing.html", "/blog/2026/11/a-long-post-title.html",
                                          "/about.html", "/docs/getting-started.html", "/contact.html"};

}  // namespace

Hit make_hit(std::mt19937& random, std::uint32_t visitor, std::int64_t ts) {
  Hit hit;
  hit.ts_ms = ts;
  hit.kind = HitKind::view;
  hit.status = 200;
  std::memcpy(hit.visitor.data(), &visitor, sizeof visitor);
  hit.host = "www.example.com";
  hit.path = pages[random() % pages.size()];
  hit.referrer = random() % 3 == 0 ? "www.google.com/" : "";
  // One browser per visitor, as a person's requests come (onlookerd drops a
  // beat or leave whose User-Agent differs from the visit's view).
  hit.user_agent = user_agents[(visitor * 0x9e3779b9u >> 16) % user_agents.size()];
  // One address per visitor, spread over the public IPv4 space.
  hit.address.family = 4;
  std::uint64_t spread = (visitor + 1) * 0x9e3779b97f4a7c15ULL;
  spread ^= spread >> 29;
  const auto address = 0x01000000u + static_cast<std::uint32_t>(spread % 0xDF000000u);
  std::memcpy(hit.address.bytes.data(), &address, 4);
  hit.device = hit.user_agent.find("Googlebot") != std::string::npos ? "bot" : "desktop";
  return hit;
}

test::TestRecord traffic_record(std::mt19937& random, std::uint64_t n, std::int64_t ts,
                                std::uint32_t first_visitor) {
  const auto visitor = static_cast<std::uint32_t>(n / 5000 * 1000 + n % 1000) + first_visitor;
  const bool leaves = n / 1000 % 5 == 4;
  const Hit hit = make_hit(random, visitor, ts);
  test::TestRecord record{.kind = leaves ? std::uint8_t{ONLOOKER_KIND_LEAVE}
                                         : std::uint8_t{ONLOOKER_KIND_VIEW},
                          .status = 200,
                          .ts_ms = static_cast<std::uint64_t>(hit.ts_ms),
                          .host = hit.host,
                          .path = leaves ? "" : hit.path,
                          .referrer = hit.referrer,
                          .user_agent = std::string(hit.user_agent),
                          .visitor_number = visitor};
  std::memcpy(record.address.data(), hit.address.bytes.data(), 4);
  return record;
}

}  // namespace onlooker::bench
