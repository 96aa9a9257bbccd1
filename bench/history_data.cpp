#include "history_data.h"

#include <chrono>
#include <cstdio>
#include <cstring>
#include <random>
#include <vector>

#include "hit.h"
#include "sqlite_history.h"

namespace onlooker::bench {

void build_history_data(const std::string& path, const HistoryData& data) {
  SqliteHistory history(path);
  std::mt19937 random(3);
  const char* countries[] = {"US", "DE", "GB", "FR", "JP", "BR", "IN", "CA", "NL", "ES"};
  const char* devices[] = {"desktop", "mobile", "mobile", "tablet", "bot"};
  const char* browsers[] = {"Chrome", "Firefox", "Safari", "Edge"};
  const char* systems[] = {"Windows", "Android", "iOS", "Linux"};
  const char* sources[] = {"direct", "search", "social", "other site", "campaign"};
  const char* referrers[] = {"www.google.com/", "news.example/item", "t.co/x", ""};
  const std::int64_t end = history_data_end_ms;
  const std::int64_t span = static_cast<std::int64_t>(data.days) * 86'400'000;
  const long rows = data.hits;
  std::vector<Hit> batch;
  batch.reserve(100'000);
  std::vector<Visit> visits;  // about one visit per five hits
  const auto started = std::chrono::steady_clock::now();
  for (long n = 0; n < rows; ++n) {
    Hit hit;
    hit.ts_ms = end - span + static_cast<std::int64_t>(n) * span / rows;
    const std::uint32_t visitor = random() % 2'000'000;
    std::memcpy(hit.visitor.data(), &visitor, sizeof visitor);
    hit.kind = n % 4 == 0 ? HitKind::beat : HitKind::view;
    hit.host = "www.example.com";
    hit.path = "/page/" + std::to_string(random() % 500) + ".html";
    hit.status = 200;
    hit.country_code = countries[random() % 10];
    hit.device = devices[random() % 5];
    if (data.every_list) {
      hit.city = hit.country_code + (random() % 2 ? " capital" : " port");
      hit.browser = browsers[random() % 4];
      hit.os = systems[random() % 4];
      hit.referrer = referrers[random() % 4];
      if (hit.kind == HitKind::view && random() % 3 == 0) {
        hit.source_group = sources[random() % 5];
        if (hit.source_group == "campaign") hit.campaign.name = "launch-" + std::to_string(random() % 5);
      }
    }
    if (n % 5 == 0) {
      const auto length = static_cast<std::int64_t>(random() % 600'000);
      visits.push_back({to_hex(hit.visitor), hit.host, hit.ts_ms - length, hit.ts_ms,
                        1 + static_cast<std::int64_t>(random() % 8), "/", hit.path,
                        hit.country_code, hit.device, 0, false, {}, {}, {}, {}, {}, {}});
    }
    batch.push_back(std::move(hit));
    if (batch.size() == batch.capacity()) {
      history.commit({batch, visits, {1, static_cast<std::uint64_t>(n + 1)}});
      batch.clear();
      visits.clear();
    }
  }
  history.commit({batch, visits, {1, static_cast<std::uint64_t>(rows)}});
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::printf("generated %ld hits over %d days in %.1f s (%.0f hits/s committed, batches of 100k)\n",
              rows, data.days, seconds, rows / seconds);
}

}  // namespace onlooker::bench
