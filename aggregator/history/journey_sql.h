// The journey rollups (journey_rollups.h) in SQL over `hits` and `visits`,
// plain enough for SQLite and PostgreSQL alike: a visit's page views are
// the view hits of its visitor and site from its start to its end, in time
// order (views within the same millisecond in no set order), its first
// journey_views_kept of them. Bots' visits are left out. SQLite's schema
// step 7 builds the rollups of an older database with it; the tests hold the
// rollups kept batch by batch to it; docs/SQL.md shows it.
#pragma once

#include <string_view>

namespace onlooker {

// Rows (start, host, from_path, to_path, views), '' for outside the site.
inline constexpr std::string_view journey_from_hits_sql = R"sql(
WITH steps AS (
  SELECT v.start / 86400000 * 86400000 AS day_start, v.host, h.path,
         row_number() OVER w AS step,
         CASE WHEN row_number() OVER w = 100 THEN '' ELSE lead(h.path, 1, '') OVER w END AS next_path
    FROM visits v
    JOIN hits h ON h.visitor = v.visitor AND h.host = v.host AND h.kind = 'view'
               AND h.ts >= v.start AND h.ts <= v."end"
   WHERE coalesce(v.device, '') <> 'bot'
  WINDOW w AS (PARTITION BY v.visitor, v.host, v.start ORDER BY h.ts))
SELECT day_start AS start, host, '' AS from_path, path AS to_path, count(*) AS views
  FROM steps WHERE step = 1 GROUP BY day_start, host, path
UNION ALL
SELECT day_start, host, path, next_path, count(*)
  FROM steps WHERE step <= 100 GROUP BY day_start, host, path, next_path
)sql";

}  // namespace onlooker
