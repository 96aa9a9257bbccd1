// How long from "a condition became true" to "the webhook has it": real
// nginx and onlookerd (tests/support/stack), a local receiver. Each sample
// is its own rule, `pN: live{path=/pN.html} > 0`; the condition becomes
// true when nginx has served the first view of /pN.html (T: the moment the
// client has the response), and the sample is the POST's arrival minus T.
// Views are spread over random phases of onlookerd's once-a-second
// evaluation tick. Target (issue 19): p99 within 5 s.
//
//   onlooker_alert_latency_bench [SAMPLES]   (default 200)
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "support/http_client.h"
#include "support/stack.h"
#include "support/webhook_receiver.h"

int main(int argc, char** argv) {
  using namespace onlooker::test;
  using namespace std::chrono;
  const int samples = argc > 1 ? std::stoi(argv[1]) : 200;
  WebhookReceiver receiver;
  StackOptions options;
  for (int i = 0; i < samples; ++i) {
    options.onlookerd_args.push_back("--alert");
    options.onlookerd_args.push_back("p" + std::to_string(i) + ": live{path=/p" + std::to_string(i) +
                                     ".html} > 0");
  }
  options.onlookerd_args.push_back("--alert-webhook");
  options.onlookerd_args.push_back(receiver.url("/bench"));
  Stack stack(options);
  for (int i = 0; i < samples; ++i) {
    stack.dir().write("site/p" + std::to_string(i) + ".html", "<!doctype html><title>p</title>");
  }
  std::mt19937 random(19);
  std::uniform_int_distribution<int> pause_ms(30, 400);
  std::map<std::string, steady_clock::time_point> true_at;
  for (int i = 0; i < samples; ++i) {
    const std::string address = "10.77." + std::to_string(i / 250) + "." + std::to_string(i % 250 + 1);
    if (http_get(stack.site_port(), "/p" + std::to_string(i) + ".html",
                 {{"X-Forwarded-For", address}}).status != 200) {
      std::fprintf(stderr, "view of /p%d.html failed\n", i);
      return 1;
    }
    true_at["p" + std::to_string(i)] = steady_clock::now();
    std::this_thread::sleep_for(milliseconds(pause_ms(random)));
  }
  if (!receiver.wait_for(static_cast<std::size_t>(samples), seconds(30))) {
    std::fprintf(stderr, "only %zu of %d alerts arrived\n", receiver.posts().size(), samples);
    return 1;
  }
  std::vector<double> latency_ms;
  for (const auto& post : receiver.posts()) {
    const auto body = nlohmann::json::parse(post.body);
    if (body["state"] != "firing") continue;
    latency_ms.push_back(duration<double, std::milli>(post.arrived - true_at.at(body["rule"])).count());
  }
  std::sort(latency_ms.begin(), latency_ms.end());
  auto at = [&](double q) { return latency_ms[static_cast<std::size_t>(q * (latency_ms.size() - 1))]; };
  std::printf("alerts %zu  p50 %.0f ms  p90 %.0f ms  p99 %.0f ms  max %.0f ms  (target p99 <= 5000 ms)\n",
              latency_ms.size(), at(0.5), at(0.9), at(0.99), latency_ms.back());
  return at(0.99) <= 5000 ? 0 : 1;
}
