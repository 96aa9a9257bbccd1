// Checks of PostgreSQL's rollups against the hits stored, for the tests of
// the rollup visitor keys: random traffic with awkward text, and a query
// that recounts views and unique visitors from `hits` alone.
#pragma once

#include <random>
#include <string>
#include <vector>

#include "calendar.h"
#include "hit.h"

namespace onlooker::test {

// Hosts, pages and countries with text that is not ASCII, and bytes that are
// not UTF-8 (stored as U+FFFD, on both sides of the upgrade).
inline const std::vector<std::string> hosts = {"www.example.com", "shop.example.org"};
inline const std::vector<std::string> paths = {"/", "/caf\xC3\xA9.html", "/bad\xFF\xFE.html", "/a\tb",
                                        "/pricing.html"};
inline const std::vector<std::string> countries = {"DE", "", "FR"};

// Views (some by bots), beats and leaves of `people` visitors around an hour
// boundary and a day boundary, from visitor number `first`.
inline std::vector<Hit> random_hits(std::mt19937& random, int count, std::uint8_t first, int people) {
  const std::int64_t day_end = 1'764'806'400'000;  // 2025-12-04 00:00 UTC
  std::vector<Hit> hits;
  for (int i = 0; i < count; ++i) {
    Hit hit;
    hit.ts_ms = day_end - 2 * hour_ms + static_cast<std::int64_t>(random() % (3 * hour_ms));
    hit.kind = random() % 5 == 0 ? HitKind::beat : HitKind::view;
    hit.status = 200;
    hit.visitor[0] = static_cast<std::uint8_t>(first + random() % people);
    hit.visitor[15] = 0x5a;
    hit.host = hosts[random() % hosts.size()];
    hit.path = paths[random() % paths.size()];
    hit.country_code = countries[random() % countries.size()];
    hit.device = random() % 7 == 0 ? "bot" : "desktop";
    hits.push_back(hit);
  }
  return hits;
}

// Every rollup row against the hits stored, grouped as the rollups are:
// rows that differ, either way (0 when views and unique visitors agree).
inline constexpr const char* rollups_that_differ_from_the_hits = R"sql(
WITH truth AS (
  SELECT s.span, b.ts / s.width * s.width AS start, d.dimension, b.host,
         CASE d.dimension WHEN 'all' THEN '' WHEN 'path' THEN b.path
                          ELSE coalesce(b.country, '') END AS value,
         count(*) AS views, count(DISTINCT b.visitor) AS visitors
    FROM hits b
   CROSS JOIN (VALUES ('hour', 3600000::bigint), ('day', 86400000::bigint)) AS s (span, width)
   CROSS JOIN (VALUES ('all'), ('path'), ('country')) AS d (dimension)
   WHERE b.kind = 'view' AND coalesce(b.device, '') <> 'bot'
   GROUP BY 1, 2, 3, 4, 5),
stored AS (SELECT span, start, dimension, host, value, views, visitors FROM rollups)
SELECT count(*) FROM ((TABLE truth EXCEPT TABLE stored) UNION ALL
                      (TABLE stored EXCEPT TABLE truth)) AS differences
)sql";

}  // namespace onlooker::test
