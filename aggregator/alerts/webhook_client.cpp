#include "webhook_client.h"

#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "onlooker_version.h"

namespace onlooker {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::use_awaitable;

namespace {

// Write the request, read the reply's status (the body is read and dropped).
template <class Stream>
asio::awaitable<int> exchange(Stream& stream, const WebhookUrl& url, const std::string& body) {
  http::request<http::string_body> request{http::verb::post, url.target, 11};
  request.set(http::field::host, url.host_header);
  request.set(http::field::user_agent, std::string("onlookerd/") + ONLOOKER_VERSION);
  request.set(http::field::content_type, "application/json");
  request.set(http::field::connection, "close");
  request.body() = body;
  request.prepare_payload();
  co_await http::async_write(stream, request, use_awaitable);
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(64 * 1024);
  co_await http::async_read(stream, buffer, parser, use_awaitable);
  co_return static_cast<int>(parser.get().result_int());
}

// SNI for a name, and the name (or the address) the certificate must be for.
void expect_peer(SSL* ssl, const std::string& host) {
  boost::system::error_code not_an_address;
  asio::ip::make_address(host, not_an_address);
  X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
  if (not_an_address) {
    SSL_set_tlsext_host_name(ssl, host.c_str());
    X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    X509_VERIFY_PARAM_set1_host(param, host.c_str(), host.size());
  } else {
    X509_VERIFY_PARAM_set1_ip_asc(param, host.c_str());
  }
}

std::string failure_text(const boost::system::error_code& code) {
  if (code == beast::error::timeout) return "timed out";
  if (code.category() == asio::error::get_ssl_category()) {
    // OpenSSL's reason ("certificate verify failed") rather than a number.
    const char* reason = ERR_reason_error_string(static_cast<unsigned long>(code.value()));
    return std::string("TLS: ") + (reason != nullptr ? reason : code.message());
  }
  return code.message();
}

}  // namespace

std::shared_ptr<asio::ssl::context> webhook_tls_context(const std::string& extra_ca_file) {
  auto context = std::make_shared<asio::ssl::context>(asio::ssl::context::tls_client);
  context->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                       asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                       asio::ssl::context::no_tlsv1_1);
  context->set_default_verify_paths();
  if (!extra_ca_file.empty()) context->load_verify_file(extra_ca_file);
  context->set_verify_mode(asio::ssl::verify_peer);
  return context;
}

asio::awaitable<WebhookReply> post_webhook(WebhookUrl url, std::string body,
                                           std::chrono::milliseconds timeout,
                                           asio::ssl::context* tls) {
  auto executor = co_await asio::this_coro::executor;
  asio::ip::tcp::resolver resolver(executor);
  beast::tcp_stream stream(executor);
  WebhookReply reply;
  try {
    if (url.tls && tls == nullptr) throw std::logic_error("https:// webhook without a TLS context");
    // The resolver has no timeout of its own; names are expected in
    // /etc/hosts or a local resolver (a stuck DNS holds this target's queue).
    const auto endpoints = co_await resolver.async_resolve(url.host, url.port, use_awaitable);
    stream.expires_after(timeout);
    co_await stream.async_connect(endpoints, use_awaitable);
    if (url.tls) {
      beast::ssl_stream<beast::tcp_stream&> secure(stream, *tls);
      expect_peer(secure.native_handle(), url.host);
      co_await secure.async_handshake(asio::ssl::stream_base::client, use_awaitable);
      reply.status = co_await exchange(secure, url, body);
      // No close_notify exchange: the whole reply has been read (Connection:
      // close), and many receivers close without one.
    } else {
      reply.status = co_await exchange(stream, url, body);
    }
  } catch (const boost::system::system_error& failure) {
    reply.status = 0;
    reply.error = failure_text(failure.code());
  }
  beast::error_code ignored;
  stream.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  co_return reply;
}

}  // namespace onlooker
