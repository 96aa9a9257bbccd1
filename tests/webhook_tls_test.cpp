// https:// webhooks against a real local TLS receiver whose certificates
// the test makes with openssl: delivered when the receiver's certificate
// chains to a trusted CA and names the URL's host, refused otherwise.
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include <nlohmann/json.hpp>

#include <fstream>
#include <variant>

#include "alert_delivery.h"
#include "support/process.h"
#include "support/temp_dir.h"
#include "support/test_certificates.h"
#include "support/webhook_receiver.h"
#include "webhook_client.h"
#include "webhook_url.h"

namespace onlooker {
namespace {

using namespace std::chrono_literals;
using test::ReceiverTls;
using test::WebhookReceiver;

WebhookUrl url(const std::string& text) {
  auto parsed = parse_webhook_url(text);
  if (const auto* error = std::get_if<std::string>(&parsed)) ADD_FAILURE() << *error;
  return std::get_if<WebhookUrl>(&parsed) ? std::get<WebhookUrl>(parsed) : WebhookUrl{};
}

ReceiverTls serving(const test::CertificateFiles& files) { return {files.certificate, files.key}; }

// One POST, as the delivery thread makes it.
WebhookReply post_once(const std::string& target, const std::string& ca_file) {
  boost::asio::io_context io;
  const auto tls = webhook_tls_context(ca_file);
  auto reply = boost::asio::co_spawn(io, post_webhook(url(target), "{}", 5s, tls.get()),
                                     boost::asio::use_future);
  io.run();
  return reply.get();
}

const AlertNotice firing{"busy", "live > 1", 2, true, 1'796'276'401'123};

class WebhookTls : public ::testing::Test {
 protected:
  static test::TestCertificates& certificates() {
    static test::TestCertificates made;  // one CA for the suite: openssl takes a while
    return made;
  }
};

TEST_F(WebhookTls, DeliversToAReceiverWhoseCertificateTheAddedCaSigned) {
  WebhookReceiver receiver(0, 200, serving(certificates().leaf("receiver", "IP:127.0.0.1")));
  ASSERT_EQ(receiver.url("/hooks/tls").rfind("https://127.0.0.1:", 0), 0u);
  AlertDelivery delivery({url(receiver.url("/hooks/tls"))}, AlertFormat::json, "n",
                         {.extra_ca_file = certificates().ca_file()});
  delivery.alert(firing);
  ASSERT_TRUE(receiver.wait_for(1, 5s));
  const auto post = receiver.posts()[0];
  EXPECT_EQ(post.target, "/hooks/tls");
  EXPECT_EQ(nlohmann::json::parse(post.body)["rule"], "busy");
  EXPECT_TRUE(test::eventually([&] { return delivery.counts().ok == 1; }, 2s));
  EXPECT_EQ(receiver.failed_handshakes(), 0);
}

TEST_F(WebhookTls, WithoutTheCaTheSystemStoreRefusesTheReceiver) {
  WebhookReceiver receiver(0, 200, serving(certificates().leaf("private", "IP:127.0.0.1")));
  const WebhookReply reply = post_once(receiver.url("/"), "");
  EXPECT_EQ(reply.status, 0);
  EXPECT_EQ(reply.error, "TLS: certificate verify failed");
  AlertDelivery delivery({url(receiver.url("/"))}, AlertFormat::json, "n",
                         {.first_retry = 50ms, .max_retry = 50ms});
  delivery.alert(firing);
  ASSERT_TRUE(test::eventually([&] { return delivery.counts().retry >= 2; }, 5s));
  EXPECT_TRUE(receiver.posts().empty());
  EXPECT_GE(receiver.failed_handshakes(), 3);  // post_once's and the delivery's
}

TEST_F(WebhookTls, ACertificateForAnotherHostOrSelfSignedIsRefused) {
  WebhookReceiver other(0, 200, serving(certificates().leaf("other", "DNS:other.example")));
  EXPECT_EQ(post_once(other.url("/"), certificates().ca_file()).error,
            "TLS: certificate verify failed");
  WebhookReceiver self(0, 200, serving(certificates().self_signed("self", "IP:127.0.0.1")));
  EXPECT_EQ(post_once(self.url("/"), certificates().ca_file()).error,
            "TLS: certificate verify failed");
  EXPECT_TRUE(other.posts().empty());
  EXPECT_TRUE(self.posts().empty());
  // The same receiver's name in its certificate, trusted: delivered.
  WebhookReceiver named(0, 204, serving(certificates().leaf("named", "DNS:localhost")));
  EXPECT_EQ(post_once("https://localhost:" + std::to_string(named.port()) + "/n",
                      certificates().ca_file()).status, 204);
  ASSERT_EQ(named.posts().size(), 1u);
}

TEST_F(WebhookTls, AnUnreadableCaFileStopsTheStart) {
  test::TempDir dir;
  std::ofstream(dir.file("junk.pem")) << "not a certificate\n";
  EXPECT_ANY_THROW(AlertDelivery({url("https://127.0.0.1:1/")}, AlertFormat::json, "n",
                                 {.extra_ca_file = dir.file("junk.pem")}));
  // An http:// webhook never reads it.
  EXPECT_NO_THROW(AlertDelivery({url("http://127.0.0.1:1/")}, AlertFormat::json, "n",
                                {.extra_ca_file = dir.file("junk.pem")}));
}

}  // namespace
}  // namespace onlooker
