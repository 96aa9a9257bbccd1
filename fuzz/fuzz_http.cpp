// Raw bytes as an HTTP request to onlookerd: Beast's parser with the same
// limits as HttpSession, then the routes (live, count, metrics, login...).
#include <utility>
#include <boost/asio/io_context.hpp>
#include <boost/beast/http.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>

#include "access_control.h"
#include "http_routes.h"
#include "live_hub.h"
#include "metrics.h"
#include "ring_reader.h"
#include "support/test_ring.h"

namespace {

onlooker::AccessSettings with_token() {
  onlooker::AccessSettings settings;
  settings.token = "a-token-of-sixteen-chars";
  return settings;
}

struct World {
  std::string ring_path = "/tmp/onlooker-fuzz-http-ring";
  onlooker::test::TestRing ring{ring_path, 64};
  onlooker::RingReader reader{ring_path};
  boost::asio::io_context io;
  onlooker::LiveHub hub{io, [this] { return reader.counters(); }, {}};
  onlooker::Metrics metrics;  // /metrics renders the list; the fuzzer fills none
  onlooker::AccessControl open_access{{}};
  onlooker::AccessControl token_access{with_token()};
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static auto world = std::make_unique<World>();
  namespace http = boost::beast::http;
  http::request_parser<http::string_body> parser;
  parser.eager(true);
  parser.header_limit(8 * 1024);
  parser.body_limit(1024);
  boost::beast::error_code ec;
  parser.put(boost::asio::buffer(data, size), ec);
  if (ec || !parser.is_done()) return 0;
  const auto request = parser.release();
  // Both peers: a local one and one behind a proxy.
  for (const bool loopback : {true, false}) {
    (void)onlooker::route(request, {loopback}, world->hub, world->open_access,
                          world->metrics);
    (void)onlooker::route(request, {loopback}, world->hub, world->token_access,
                          world->metrics);
  }
  return 0;
}
