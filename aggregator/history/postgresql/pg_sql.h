// The PostgreSQL dialect of history, in one place: the schema (the same
// tables and views as SQLite's, sqlite/sqlite_schema.cpp) and the statements
// the sink and reader run.
//
// Unique visitors stay exact across nodes: rollup_visitor_days holds one row
// per (UTC day, dimension, host and value, visitor), in the compact key of
// pg_visitor_keys.h, with the hours of that day the visitor was counted in
// as bits. A batch upserts its visitor days: a row that goes in is a new
// visitor of the day's rollup row and of its hours' rows; a row already
// there gains the hours it lacked (`added`: new visitors of those hours'
// rows) or, with none to add, is left alone. Only what went in adds to
// rollups.visitors. The unique index makes a second node's upsert of the
// same key wait for the first one's transaction and then see its hours, so
// a visitor seen by two nodes in one hour counts once.
#pragma once

#include <string_view>

namespace onlooker::pg_sql {

// 2: journey_rollups (built from the stored visits on upgrade from 1).
// 3: rollup_visitors (six text columns, a row per hour and per day) became
// rollup_visitor_days (pg_schema_steps.h carries the rows over).
// 4: page_engagement_rollups (built from the stored visits on upgrade).
inline constexpr int schema_version = 4;
// The version that adds page_engagement_rollups.
inline constexpr int page_engagement_version = 4;

inline constexpr std::string_view schema = R"sql(
CREATE TABLE IF NOT EXISTS schema_version (version integer NOT NULL);
CREATE TABLE IF NOT EXISTS hits (
  ts         bigint  NOT NULL,  -- unix time, milliseconds
  visitor    text    NOT NULL,  -- salted hash or cookie id, hex
  kind       text    NOT NULL,  -- view | beat | leave
  host       text    NOT NULL,
  path       text    NOT NULL,
  referrer   text,
  status     integer NOT NULL,
  country    text,
  city       text,
  device     text,
  browser    text,
  os         text,
  bytes      bigint,
  request_ms bigint,
  node       text    NOT NULL   -- the onlookerd that stored it
);
-- Engagement (issue 18): a leave's or hide's visible ms, NULL otherwise.
-- Added, not in CREATE TABLE, so that older databases gain it too (an older
-- onlookerd still writes to them: its batch table copies this one).
ALTER TABLE hits ADD COLUMN IF NOT EXISTS visible_ms bigint;
-- Campaigns and sources (issue 18), added in place the same way: a view's
-- utm values and ref from its URL, its source group, name and referrer host
-- (as SQLite's hits; NULL for other kinds and same-site views).
ALTER TABLE hits ADD COLUMN IF NOT EXISTS utm_source text,
                 ADD COLUMN IF NOT EXISTS utm_medium text,
                 ADD COLUMN IF NOT EXISTS utm_campaign text,
                 ADD COLUMN IF NOT EXISTS ref text,
                 ADD COLUMN IF NOT EXISTS source text,
                 ADD COLUMN IF NOT EXISTS source_name text,
                 ADD COLUMN IF NOT EXISTS referrer_host text;
CREATE INDEX IF NOT EXISTS hits_ts ON hits (ts);
-- Fired and cleared alerts (--alert), one row per change.
CREATE TABLE IF NOT EXISTS alerts (
  rule       text             NOT NULL,
  condition  text             NOT NULL,  -- as written in the rule
  value      double precision NOT NULL,  -- the measure when it changed
  state      text             NOT NULL CHECK (state IN ('firing', 'cleared')),
  time_ms    bigint           NOT NULL,  -- Unix ms
  node       text             NOT NULL   -- the onlookerd that evaluated it
);
CREATE INDEX IF NOT EXISTS alerts_time ON alerts (time_ms);
-- Where each node's drain loop resumes; written in the same transaction as
-- the rows it covers. generation is the ring's 64-bit value bit for bit.
CREATE TABLE IF NOT EXISTS ring_positions (
  node       text   PRIMARY KEY,
  generation bigint NOT NULL,
  next_seq   bigint NOT NULL
);
CREATE TABLE IF NOT EXISTS visits (
  visitor    text    NOT NULL,
  host       text    NOT NULL,
  start      bigint  NOT NULL,
  "end"      bigint  NOT NULL,
  pages      bigint  NOT NULL,
  entry_page text    NOT NULL,
  exit_page  text    NOT NULL,
  country    text,
  device     text
);
CREATE INDEX IF NOT EXISTS visits_start ON visits (start);
-- Engagement (issue 18), added in place as hits.visible_ms is: the pages'
-- engaged ms (estimated = 1: from the time between views, no beacon.js) and
-- the bounce rule (one page, under 10 s engaged); NULL for older rows.
ALTER TABLE visits ADD COLUMN IF NOT EXISTS engaged_ms bigint,
                   ADD COLUMN IF NOT EXISTS engaged_estimated integer,
                   ADD COLUMN IF NOT EXISTS bounce integer;
-- Campaigns and sources (issue 18): the visit's landing view's, as on hits.
ALTER TABLE visits ADD COLUMN IF NOT EXISTS utm_source text,
                   ADD COLUMN IF NOT EXISTS utm_medium text,
                   ADD COLUMN IF NOT EXISTS utm_campaign text,
                   ADD COLUMN IF NOT EXISTS ref text,
                   ADD COLUMN IF NOT EXISTS source text,
                   ADD COLUMN IF NOT EXISTS source_name text,
                   ADD COLUMN IF NOT EXISTS referrer_host text;
CREATE TABLE IF NOT EXISTS rollups (
  span      text   NOT NULL,
  start     bigint NOT NULL,
  dimension text   NOT NULL,
  host      text   NOT NULL,
  value     text   NOT NULL,
  views     bigint NOT NULL,
  visitors  bigint NOT NULL,
  PRIMARY KEY (span, dimension, start, host, value)
);
-- Who each rollup row has counted (pg_visitor_keys.h), a row per visitor and
-- day for the day's row and its hours' rows; host is for per-site retention.
CREATE TABLE IF NOT EXISTS rollup_visitor_days (
  day       bigint   NOT NULL,  -- the day bucket, as rollups.start
  dimension smallint NOT NULL,  -- 0 all, 1 path, 2 country
  value_key uuid     NOT NULL,  -- SHA-256 of (host, 0 byte, value), 16 bytes
  visitor   uuid     NOT NULL,
  hours     integer  NOT NULL,  -- bit h: counted in hour h (UTC) of the day
  added     integer  NOT NULL,  -- the bits the last upsert added
  host      text     NOT NULL,
  PRIMARY KEY (day, dimension, value_key, visitor)
);
CREATE TABLE IF NOT EXISTS visit_rollups (
  start       bigint NOT NULL,
  host        text   NOT NULL,
  visits      bigint NOT NULL,
  duration_ms bigint NOT NULL,
  pages       bigint NOT NULL,
  PRIMARY KEY (start, host)
);
-- Over the visits that have an engaged time (an older onlookerd's insert
-- names five columns: these stay 0 for its visits).
ALTER TABLE visit_rollups ADD COLUMN IF NOT EXISTS engaged_visits bigint NOT NULL DEFAULT 0,
                          ADD COLUMN IF NOT EXISTS engaged_pages bigint NOT NULL DEFAULT 0,
                          ADD COLUMN IF NOT EXISTS engaged_ms bigint NOT NULL DEFAULT 0,
                          ADD COLUMN IF NOT EXISTS bounces bigint NOT NULL DEFAULT 0;
CREATE TABLE IF NOT EXISTS journey_rollups (
  span      text   NOT NULL,  -- day | month (UTC): a month's rows sum its days'
  start     bigint NOT NULL,  -- the day or month the visits began in (journey_rollups.h)
  host      text   NOT NULL,
  from_path text   NOT NULL,  -- '': entered the site
  to_path   text   NOT NULL,  -- '': left the site
  views     bigint NOT NULL,
  PRIMARY KEY (span, start, host, from_path, to_path)
);
-- Engagement per page (issue 18; page_engagement_rollups.h), per UTC day of
-- the visit's start, site and page.
CREATE TABLE IF NOT EXISTS page_engagement_rollups (
  start           bigint NOT NULL,  -- the UTC day the visits began
  host            text   NOT NULL,
  path            text   NOT NULL,
  views           bigint NOT NULL,  -- page views with an engaged time
  engaged_ms      bigint NOT NULL,  -- summed over them
  estimated_views bigint NOT NULL,  -- of those, estimated (no beacon.js)
  PRIMARY KEY (path, start, host)
);
CREATE OR REPLACE VIEW daily_page_engagement AS
  SELECT to_char(to_timestamp(start / 1000) AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day,
         host, path, views, engaged_ms / 1000.0 / views AS engaged_seconds, estimated_views
    FROM page_engagement_rollups;
CREATE OR REPLACE VIEW entry_pages AS
  SELECT to_char(to_timestamp(start / 1000) AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day,
         host, to_path AS path, views AS visits
    FROM journey_rollups WHERE span = 'day' AND from_path = '';
CREATE OR REPLACE VIEW exit_pages AS
  SELECT to_char(to_timestamp(start / 1000) AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day,
         host, from_path AS path, views AS visits
    FROM journey_rollups WHERE span = 'day' AND to_path = '';
CREATE OR REPLACE VIEW transitions AS
  SELECT to_char(to_timestamp(start / 1000) AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day,
         host, from_path, nullif(to_path, '') AS to_path, views
    FROM journey_rollups WHERE span = 'day' AND from_path <> '';
CREATE OR REPLACE VIEW hourly_views AS
  SELECT to_char(to_timestamp(start / 1000) AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') AS hour,
         host, views, visitors
    FROM rollups WHERE span = 'hour' AND dimension = 'all';
CREATE OR REPLACE VIEW daily_views AS
  SELECT to_char(to_timestamp(start / 1000) AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day,
         host, views, visitors
    FROM rollups WHERE span = 'day' AND dimension = 'all';
CREATE OR REPLACE VIEW daily_countries AS
  SELECT to_char(to_timestamp(start / 1000) AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day,
         host, nullif(value, '') AS country, views, visitors
    FROM rollups WHERE span = 'day' AND dimension = 'country';
CREATE OR REPLACE VIEW daily_sources AS
  SELECT to_char(to_timestamp(start / 1000) AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day,
         host, value AS source, views, visitors
    FROM rollups WHERE span = 'day' AND dimension = 'source';
CREATE OR REPLACE VIEW daily_campaigns AS
  SELECT to_char(to_timestamp(start / 1000) AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day,
         host, value AS campaign, views, visitors
    FROM rollups WHERE span = 'day' AND dimension = 'campaign';
CREATE OR REPLACE VIEW daily_pages AS
  SELECT to_char(to_timestamp(start / 1000) AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day,
         host, value AS path, views, visitors
    FROM rollups WHERE span = 'day' AND dimension = 'path';
CREATE OR REPLACE VIEW top_pages AS
  SELECT host, value AS path, sum(views) AS views, sum(visitors) AS visitors
    FROM rollups WHERE span = 'day' AND dimension = 'path'
   GROUP BY host, value ORDER BY views DESC;
CREATE OR REPLACE VIEW daily_visits AS
  SELECT to_char(to_timestamp(start / 1000) AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day,
         host, visits, duration_ms / 1000.0 / visits AS avg_seconds, pages * 1.0 / visits AS avg_pages,
         engaged_ms / 1000.0 / nullif(engaged_visits, 0) AS avg_engaged_seconds,
         bounces * 1.0 / nullif(engaged_visits, 0) AS bounce_rate,
         engaged_ms / 1000.0 / nullif(engaged_pages, 0) AS engaged_seconds_per_page
    FROM visit_rollups;
)sql";

// The batch's hits go straight into hits by COPY (no statement reads them
// again); the rest into these session tables, then into the real ones.
inline constexpr std::string_view batch_tables = R"sql(
CREATE TEMP TABLE IF NOT EXISTS batch_visits (LIKE visits) ON COMMIT DELETE ROWS;
CREATE TEMP TABLE IF NOT EXISTS batch_journeys (LIKE journey_rollups) ON COMMIT DELETE ROWS;
CREATE TEMP TABLE IF NOT EXISTS batch_page_engagement (LIKE page_engagement_rollups)
  ON COMMIT DELETE ROWS;
CREATE TEMP TABLE IF NOT EXISTS batch_visitor_days (
  day bigint, dimension smallint, value_key uuid, visitor uuid, hours integer, host text)
  ON COMMIT DELETE ROWS;
CREATE TEMP TABLE IF NOT EXISTS batch_rollup_rows (
  start bigint, row_kind smallint, value_key uuid,
  span text, dimension text, host text, value text, views bigint) ON COMMIT DELETE ROWS;
)sql";

inline constexpr std::string_view copy_hits =
    "COPY hits (ts, visitor, kind, host, path, referrer, status, country, city, device, "
    "browser, os, bytes, request_ms, node, visible_ms, utm_source, utm_medium, utm_campaign, ref, "
    "source, source_name, referrer_host) FROM STDIN";
inline constexpr std::string_view copy_visits =
    "COPY batch_visits (visitor, host, start, \"end\", pages, entry_page, exit_page, country, "
    "device, engaged_ms, engaged_estimated, bounce, utm_source, utm_medium, utm_campaign, ref, "
    "source, source_name, referrer_host) FROM STDIN";

inline constexpr std::string_view copy_journeys =
    "COPY batch_journeys (span, start, host, from_path, to_path, views) FROM STDIN";
inline constexpr std::string_view copy_page_engagement =
    "COPY batch_page_engagement (start, host, path, views, engaged_ms, estimated_views) "
    "FROM STDIN";

// pg_rollup_rows.h writes these two.
inline constexpr std::string_view copy_visitor_days =
    "COPY batch_visitor_days (day, dimension, value_key, visitor, hours, host) FROM STDIN";
inline constexpr std::string_view copy_rollup_rows =
    "COPY batch_rollup_rows (start, row_kind, value_key, span, dimension, host, value, views) "
    "FROM STDIN";

inline constexpr std::string_view store_batch = R"sql(
INSERT INTO journey_rollups SELECT * FROM batch_journeys
   ORDER BY span, start, host, from_path COLLATE "C", to_path COLLATE "C"
  ON CONFLICT (span, start, host, from_path, to_path) DO UPDATE
    SET views = journey_rollups.views + excluded.views;
INSERT INTO page_engagement_rollups SELECT * FROM batch_page_engagement
   ORDER BY path COLLATE "C", start, host
  ON CONFLICT (path, start, host) DO UPDATE
    SET views = page_engagement_rollups.views + excluded.views,
        engaged_ms = page_engagement_rollups.engaged_ms + excluded.engaged_ms,
        estimated_views = page_engagement_rollups.estimated_views + excluded.estimated_views;
INSERT INTO visits SELECT * FROM batch_visits;
INSERT INTO visit_rollups (start, host, visits, duration_ms, pages, engaged_visits,
                           engaged_pages, engaged_ms, bounces)
  SELECT start / 86400000 * 86400000, host, count(*), sum("end" - start), sum(pages),
         count(engaged_ms), coalesce(sum(pages) FILTER (WHERE engaged_ms IS NOT NULL), 0),
         coalesce(sum(engaged_ms), 0), coalesce(sum(bounce), 0)
    FROM batch_visits GROUP BY 1, host
  ON CONFLICT (start, host) DO UPDATE SET visits = visit_rollups.visits + excluded.visits,
    duration_ms = visit_rollups.duration_ms + excluded.duration_ms,
    pages = visit_rollups.pages + excluded.pages,
    engaged_visits = visit_rollups.engaged_visits + excluded.engaged_visits,
    engaged_pages = visit_rollups.engaged_pages + excluded.engaged_pages,
    engaged_ms = visit_rollups.engaged_ms + excluded.engaged_ms,
    bounces = visit_rollups.bounces + excluded.bounces;
WITH fresh AS (
  INSERT INTO rollup_visitor_days AS r (day, dimension, value_key, visitor, hours, added, host)
    SELECT day, dimension, value_key, visitor, hours, hours, host FROM batch_visitor_days
     ORDER BY 1, 2, 3, 4
  ON CONFLICT (day, dimension, value_key, visitor) DO UPDATE
    SET hours = r.hours | excluded.hours, added = excluded.hours & ~r.hours
    WHERE excluded.hours & ~r.hours <> 0
  RETURNING day, dimension, value_key, added, added = hours AS new_day),
batch_hours AS (  -- the hours of the day the batch's hour rows are in
  SELECT DISTINCT ((start % 86400000 + 86400000) % 86400000 / 3600000)::integer AS hour
    FROM batch_rollup_rows WHERE row_kind < 5),
fresh_counts AS (
  SELECT day AS start, (dimension + 5)::smallint AS row_kind, value_key, count(*) AS visitors
    FROM fresh WHERE new_day GROUP BY 1, 2, 3
  UNION ALL
  SELECT day + h.hour * 3600000, dimension, value_key, count(*)
    FROM fresh JOIN batch_hours h ON added & (1 << h.hour) <> 0 GROUP BY 1, 2, 3)
INSERT INTO rollups (span, start, dimension, host, value, views, visitors)
  SELECT r.span, r.start, r.dimension, r.host, r.value, r.views, coalesce(f.visitors, 0)
    FROM batch_rollup_rows r LEFT JOIN fresh_counts f USING (start, row_kind, value_key)
   ORDER BY r.span, r.dimension, r.start, r.host, r.value
  ON CONFLICT (span, dimension, start, host, value) DO UPDATE
    SET views = rollups.views + excluded.views, visitors = rollups.visitors + excluded.visitors;
)sql";

inline constexpr std::string_view insert_alert =
    "INSERT INTO alerts (rule, condition, value, state, time_ms, node) "
    "VALUES ($1, $2, $3::double precision, $4, $5::bigint, $6)";
inline constexpr std::string_view select_alerts =
    "SELECT rule, condition, value, state, time_ms, node FROM alerts "
    "WHERE time_ms >= $1::bigint AND time_ms < $2::bigint ORDER BY time_ms, ctid";

inline constexpr std::string_view save_position =
    "INSERT INTO ring_positions (node, generation, next_seq) VALUES ($1, $2, $3) "
    "ON CONFLICT (node) DO UPDATE SET generation = excluded.generation, "
    "next_seq = excluded.next_seq";
inline constexpr std::string_view load_position =
    "SELECT generation, next_seq FROM ring_positions WHERE node = $1";

// $1: cutoff ms, $2: limit; each ends in " LIMIT $2)" so that a site
// filter (pg_history.cpp) goes in before it. Rollup rows go once their whole
// hour or day is older than the cutoff, as in SQLite (sqlite/sqlite_statements.cpp).
inline constexpr std::string_view delete_statements[] = {
    "DELETE FROM hits WHERE ctid IN (SELECT ctid FROM hits WHERE ts < $1::bigint LIMIT $2)",
    "DELETE FROM visits WHERE ctid IN (SELECT ctid FROM visits WHERE start < $1::bigint LIMIT $2)",
    "DELETE FROM rollups WHERE ctid IN (SELECT ctid FROM rollups WHERE "
    "((span = 'hour' AND start <= $1::bigint - 3600000) OR (span = 'day' AND start <= $1::bigint - 86400000)) "
    "LIMIT $2)",
    // A visitor day goes with its day's rollup row (its hours' rows go before).
    "DELETE FROM rollup_visitor_days WHERE ctid IN (SELECT ctid FROM rollup_visitor_days WHERE "
    "day <= $1::bigint - 86400000 LIMIT $2)",
    "DELETE FROM visit_rollups WHERE ctid IN "
    "(SELECT ctid FROM visit_rollups WHERE start <= $1::bigint - 86400000 LIMIT $2)",
    "DELETE FROM journey_rollups WHERE ctid IN (SELECT ctid FROM journey_rollups WHERE "
    "((span = 'day' AND start <= $1::bigint - 86400000) OR (span = 'month' AND start < "
    "extract(epoch FROM date_trunc('month', to_timestamp($1::bigint / 1000) AT TIME ZONE 'UTC')) "
    "* 1000)) LIMIT $2)",
    "DELETE FROM page_engagement_rollups WHERE ctid IN (SELECT ctid FROM page_engagement_rollups "
    "WHERE start <= $1::bigint - 86400000 LIMIT $2)",
};

inline constexpr std::string_view delete_alerts =
    "DELETE FROM alerts WHERE ctid IN (SELECT ctid FROM alerts WHERE time_ms < $1::bigint LIMIT $2)";
// The journeys step's one-off build of the month rows from the day rows.
inline constexpr std::string_view journey_months_from_days = R"sql(
INSERT INTO journey_rollups
  SELECT 'month', (extract(epoch FROM date_trunc('month', to_timestamp(start / 1000)
                   AT TIME ZONE 'UTC')) * 1000)::bigint AS month, host, from_path, to_path, sum(views)
    FROM journey_rollups WHERE span = 'day' GROUP BY month, host, from_path, to_path
)sql";

// Journeys (journey_report.h): $1 from day, $2 months from, $3 months to,
// $4 to day, $5 host ('' for all).
inline constexpr std::string_view select_journeys = R"sql(
SELECT from_path, to_path, sum(views) FROM (
  SELECT from_path, to_path, views FROM journey_rollups WHERE ($5 = '' OR host = $5)
     AND span = 'month' AND start >= $2::bigint AND start < $3::bigint
  UNION ALL
  SELECT from_path, to_path, views FROM journey_rollups WHERE ($5 = '' OR host = $5)
     AND span = 'day' AND start >= $1::bigint AND start < $2::bigint
  UNION ALL
  SELECT from_path, to_path, views FROM journey_rollups WHERE ($5 = '' OR host = $5)
     AND span = 'day' AND start >= $3::bigint AND start < $4::bigint) AS parts
 GROUP BY from_path, to_path
)sql";

// $1 from, $2 to, $3 host ('' for all), $4 span, $5 dimension.
inline constexpr std::string_view report_where =
    " FROM rollups WHERE span = $4 AND dimension = $5 AND start >= $1::bigint AND start < $2::bigint"
    " AND ($3 = '' OR host = $3)";

}  // namespace onlooker::pg_sql
