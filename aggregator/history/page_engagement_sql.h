// The per-page engagement rollups (page_engagement_rollups.h) in SQL over
// `hits` and `visits`, plain enough for SQLite and PostgreSQL alike. A
// visit's hits are those of its visitor and site from its start to its end.
// A visit with beacon.js (engaged_estimated = 0): each leave that names its
// page, its visible time, to that page. One without: its first 100 page views in time order
// (views within the same millisecond in no set order), each but the last
// engaged until the next, capped at 180 s. Bots' visits, and visits stored
// before engaged times were (engaged_ms NULL), are left out. SQLite's schema
// step 8 -> 9 and PostgreSQL's schema 4 build the rollups of an older database
// with it; the tests hold the rollups kept batch by batch to it; docs/SQL.md
// shows it.
#pragma once

#include <string_view>

namespace onlooker {

// Rows (start, host, path, views, engaged_ms, estimated_views).
inline constexpr std::string_view page_engagement_from_hits_sql = R"sql(
WITH visit_hits AS (
  SELECT v.start / 86400000 * 86400000 AS day_start, v.visitor, v.host, v.start,
         v.engaged_estimated, h.kind, h.path, h.ts, h.visible_ms
    FROM visits v
    JOIN hits h ON h.visitor = v.visitor AND h.host = v.host
               AND h.ts >= v.start AND h.ts <= v."end"
   WHERE coalesce(v.device, '') <> 'bot' AND v.engaged_ms IS NOT NULL),
views AS (
  SELECT day_start, host, path, ts, row_number() OVER w AS step, lead(ts) OVER w AS next_ts
    FROM visit_hits WHERE engaged_estimated = 1 AND kind = 'view'
  WINDOW w AS (PARTITION BY visitor, host, start ORDER BY ts)),
engaged AS (
  SELECT day_start, host, path, coalesce(visible_ms, 0) AS engaged_ms, 0 AS estimated
    FROM visit_hits WHERE engaged_estimated = 0 AND kind = 'leave' AND path <> ''
  UNION ALL
  SELECT day_start, host, path,
         CASE WHEN next_ts - ts > 180000 THEN 180000 ELSE next_ts - ts END, 1
    FROM views WHERE step < 100 AND next_ts IS NOT NULL)
SELECT day_start AS start, host, path, count(*) AS views, sum(engaged_ms) AS engaged_ms,
       sum(estimated) AS estimated_views
  FROM engaged GROUP BY day_start, host, path
)sql";

}  // namespace onlooker
