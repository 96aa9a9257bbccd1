// Fired and cleared alerts to every --alert-webhook, on a thread and
// io_context of their own, so a slow or dead receiver never holds up the
// drain or the live view: alert() only appends to a bounded queue.
//
// Per webhook, one FIFO queue and one sender: alerts arrive in the order
// they changed (a rule's cleared never overtakes its firing). A failed POST
// (no connection, timeout, a non-2xx reply) is retried after 0.5 s, doubling
// up to 30 s, for at most `give_up_after` (10 minutes) from the first try;
// then it is dropped and counted as failed. A full queue (256 alerts waiting
// behind a dead receiver) refuses the new alert, counted as dropped.
#pragma once

#include <utility>
#include <boost/asio/io_context.hpp>
#include <boost/asio/executor_work_guard.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "alert_format.h"
#include "alert_notice.h"
#include "webhook_url.h"

namespace boost::asio::ssl {
class context;
}

namespace onlooker {

class Metrics;

struct DeliverySettings {
  std::size_t max_queued = 256;  // per webhook
  std::chrono::milliseconds first_retry{500};
  std::chrono::milliseconds max_retry{30'000};
  std::chrono::milliseconds give_up_after{10 * 60'000};
  std::chrono::milliseconds request_timeout{5'000};
  // https:// receivers: CAs trusted besides the system's (--alert-webhook-ca).
  std::string extra_ca_file;
};

struct DeliveryCounts {
  std::atomic<std::uint64_t> ok{0};
  std::atomic<std::uint64_t> retry{0};    // failed tries that were tried again
  std::atomic<std::uint64_t> failed{0};   // given up after give_up_after
  std::atomic<std::uint64_t> dropped{0};  // refused by a full queue
};

class AlertDelivery final : public AlertSink {
 public:
  // Throws when an https:// webhook's CA file is unusable.
  AlertDelivery(std::vector<WebhookUrl> webhooks, AlertFormat format, std::string node,
                DeliverySettings settings = {});
  // Waits up to `flush` for what is queued (a cleared alert at shutdown),
  // then stops the thread.
  ~AlertDelivery() override;
  AlertDelivery(const AlertDelivery&) = delete;
  AlertDelivery& operator=(const AlertDelivery&) = delete;

  // Any thread; never blocks on the network.
  void alert(const AlertNotice& notice) override;
  void add_metrics(Metrics& metrics);
  const DeliveryCounts& counts() const { return counts_; }
  // Alerts waiting or being sent, over every webhook.
  std::size_t queued() const;

 private:
  struct Target;
  void start_sender(Target& target);

  AlertFormat format_;
  std::string node_;
  DeliverySettings settings_;
  DeliveryCounts counts_;
  std::shared_ptr<boost::asio::ssl::context> tls_;  // only with an https:// webhook
  boost::asio::io_context io_{1};
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  std::vector<std::unique_ptr<Target>> targets_;
  std::thread thread_;
};

}  // namespace onlooker
