#include "support/journey_walks.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <random>
#include <utility>

namespace onlooker::test::journey_walks {

void track_into(HistorySink& sink, std::vector<Hit> hits, std::int64_t window_ms) {
  VisitTracker tracker(window_ms);
  std::vector<Hit> batch;
  std::vector<Visit> closed;
  std::uint64_t seq = 0;
  auto commit = [&] {
    sink.commit({batch, closed, {1, seq}});
    batch.clear();
    closed.clear();
  };
  for (Hit& hit : hits) {
    ++seq;
    tracker.expire(hit.ts_ms - window_ms, closed);
    EXPECT_EQ(tracker.apply(hit, closed), Presence::counted);
    batch.push_back(std::move(hit));
    if (batch.size() == 250) commit();
  }
  tracker.close_all(closed);
  commit();
}

Hit make_hit(std::uint32_t who, const Walk& walk, std::int64_t ts, std::string path,
             HitKind kind) {
  Hit hit;
  hit.ts_ms = ts;
  std::memcpy(hit.visitor.data(), &who, sizeof who);
  hit.kind = kind;
  hit.host = walk.host;
  hit.path = std::move(path);
  hit.status = 200;
  hit.device = walk.bot ? "bot" : "desktop";
  hit.country_code = "PT";
  hit.address.family = 4;
  std::memcpy(hit.address.bytes.data(), &who, sizeof who);
  hit.user_agent = "Mozilla/5.0";
  return hit;
}

// Walks over 70 days (across three months) through the tracker and the
// sink in batches, as the drain loop sends them; returns the walks.
std::vector<Walk> store_random_walks(HistorySink& sink) {
  std::mt19937 random(18);
  std::vector<Walk> walks;
  std::vector<std::pair<std::int64_t, Hit>> arrivals;  // (when it reaches the ring, hit)
  for (std::uint32_t who = 1; who <= 300; ++who) {
    std::int64_t ts = first_day + static_cast<std::int64_t>(random() % (70 * day_ms));
    const int visits = 1 + static_cast<int>(random() % 2);
    for (int visit = 0; visit < visits; ++visit) {
      Walk walk;
      walk.host = random() % 3 == 0 ? "b.example" : "a.example";
      walk.bot = random() % 10 == 0;
      const int views = 1 + static_cast<int>(random() % 7);
      std::vector<Hit> hits;
      for (int view = 0; view < views; ++view) {
        const std::string path = pages[random() % std::size(pages)];
        walk.views.push_back({ts, path});
        hits.push_back(make_hit(who, walk, ts, path, HitKind::view));
        ts += 1 + static_cast<std::int64_t>(random() % (window_ms / 3));
        if (random() % 2 == 0) {  // a heartbeat between views: not a view
          hits.push_back(make_hit(who, walk, ts, path, HitKind::beat));
          ts += 1 + static_cast<std::int64_t>(random() % (window_ms / 3));
        }
      }
      std::vector<std::int64_t> arrive;
      for (const Hit& hit : hits) arrive.push_back(hit.ts_ms);
      // Two nginx workers may log a person's last two clicks the other way round.
      const std::size_t n = hits.size();
      if (n >= 2 && hits[n - 2].kind == HitKind::view && hits[n - 1].kind == HitKind::view &&
          random() % 3 == 0) {
        std::swap(hits[n - 2], hits[n - 1]);
        arrive[n - 1] = arrive[n - 2];
      }
      for (std::size_t i = 0; i < n; ++i) arrivals.emplace_back(arrive[i], hits[i]);
      walks.push_back(std::move(walk));
      ts += window_ms + static_cast<std::int64_t>(random() % day_ms);  // the next visit
    }
  }
  // As they reach the ring: in time order but for the swapped pairs.
  std::stable_sort(arrivals.begin(), arrivals.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<Hit> in_order;
  in_order.reserve(arrivals.size());
  for (auto& arrival : arrivals) in_order.push_back(std::move(arrival.second));
  track_into(sink, std::move(in_order), window_ms);
  return walks;
}

}  // namespace onlooker::test::journey_walks
