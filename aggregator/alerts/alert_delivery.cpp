#include "alert_delivery.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <deque>
#include <mutex>

#include "log.h"
#include "metrics.h"
#include "webhook_client.h"

namespace onlooker {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

struct AlertDelivery::Target {
  Target(asio::io_context& io, WebhookUrl url) : url(std::move(url)), wake(io), backoff(io) {}
  WebhookUrl url;
  mutable std::mutex mutex;
  std::deque<std::string> bodies;  // the front one is being sent
  asio::steady_timer wake;         // cancelled when a body arrives
  asio::steady_timer backoff;
};

AlertDelivery::AlertDelivery(std::vector<WebhookUrl> webhooks, AlertFormat format,
                             std::string node, DeliverySettings settings)
    : format_(format),
      node_(std::move(node)),
      settings_(settings),
      work_(asio::make_work_guard(io_)) {
  if (std::any_of(webhooks.begin(), webhooks.end(), [](const WebhookUrl& url) { return url.tls; })) {
    tls_ = webhook_tls_context(settings_.extra_ca_file);
  }
  for (auto& url : webhooks) targets_.push_back(std::make_unique<Target>(io_, std::move(url)));
  for (auto& target : targets_) start_sender(*target);
  thread_ = std::thread([this] { io_.run(); });
}

AlertDelivery::~AlertDelivery() {
  const auto flush_until = Clock::now() + std::chrono::seconds(2);
  while (queued() > 0 && Clock::now() < flush_until) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  io_.stop();
  thread_.join();
}

std::size_t AlertDelivery::queued() const {
  std::size_t total = 0;
  for (const auto& target : targets_) {
    const std::lock_guard lock(target->mutex);
    total += target->bodies.size();
  }
  return total;
}

void AlertDelivery::alert(const AlertNotice& notice) {
  const std::string body = alert_body(notice, format_, node_);
  for (auto& target : targets_) {
    {
      const std::lock_guard lock(target->mutex);
      if (target->bodies.size() >= settings_.max_queued) {
        ++counts_.dropped;
        log::warn("msg=\"alert webhook queue full; alert dropped\" webhook=" +
                  target->url.describe() + " rule=\"" + notice.rule + "\"");
        continue;
      }
      target->bodies.push_back(body);
    }
    asio::post(io_, [raw = target.get()] { raw->wake.cancel(); });
  }
}

void AlertDelivery::start_sender(Target& target) {
  auto sender = [this, &target]() -> asio::awaitable<void> {
    for (;;) {
      std::string body;
      {
        const std::lock_guard lock(target.mutex);
        if (!target.bodies.empty()) body = target.bodies.front();
      }
      if (body.empty()) {
        boost::system::error_code woken;
        target.wake.expires_at(asio::steady_timer::time_point::max());
        co_await target.wake.async_wait(asio::redirect_error(asio::use_awaitable, woken));
        continue;
      }
      const auto first_try = Clock::now();
      auto wait = settings_.first_retry;
      for (;;) {
        const WebhookReply reply = co_await post_webhook(target.url, body, settings_.request_timeout, tls_.get());
        if (reply.ok()) {
          ++counts_.ok;
          break;
        }
        const std::string why = reply.status != 0 ? "status " + std::to_string(reply.status)
                                                  : reply.error;
        if (Clock::now() + wait - first_try > settings_.give_up_after) {
          ++counts_.failed;
          log::warn("msg=\"alert webhook failed; giving up on this alert\" webhook=" +
                    target.url.describe() + " error=\"" + why + "\"");
          break;
        }
        ++counts_.retry;
        log::warn("msg=\"alert webhook failed; retrying\" webhook=" + target.url.describe() +
                  " retry_ms=" + std::to_string(wait.count()) + " error=\"" + why + "\"");
        boost::system::error_code ignored;
        target.backoff.expires_after(wait);
        co_await target.backoff.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
        wait = std::min(wait * 2, settings_.max_retry);
      }
      const std::lock_guard lock(target.mutex);
      target.bodies.pop_front();
    }
  };
  asio::co_spawn(io_, sender, asio::detached);
}

void AlertDelivery::add_metrics(Metrics& metrics) {
  constexpr std::string_view name = "onlooker_alert_deliveries_total";
  constexpr std::string_view help =
      "Alert webhook POSTs by result: ok (2xx), retry (a failed try tried again), failed "
      "(given up after 10 minutes), dropped (a full queue refused it).";
  using Type = Metrics::Type;
  metrics.add(name, "result=\"ok\"", Type::counter, help, [this] { return counts_.ok.load(); });
  metrics.add(name, "result=\"retry\"", Type::counter, help,
              [this] { return counts_.retry.load(); });
  metrics.add(name, "result=\"failed\"", Type::counter, help,
              [this] { return counts_.failed.load(); });
  metrics.add(name, "result=\"dropped\"", Type::counter, help,
              [this] { return counts_.dropped.load(); });
  metrics.add("onlooker_alert_deliveries_queued", Type::gauge,
              "Alerts waiting for a webhook (or being sent).",
              [this] { return static_cast<std::uint64_t>(queued()); });
}

}  // namespace onlooker
