#include "sqlite_schema.h"

#include <array>
#include <string_view>

#include "calendar.h"
#include "journey_sql.h"
#include "log.h"
#include "page_engagement_sql.h"
#include "person_view.h"

namespace onlooker {
namespace {

// Step N moves the schema from user_version N to N + 1. Never edit a step
// that has shipped; add one.
constexpr std::array<const char*, sqlite_schema_version> migrations = {
    R"sql(
    CREATE TABLE hits (
      ts         INTEGER NOT NULL,  -- unix time, milliseconds
      visitor    TEXT    NOT NULL,  -- salted hash or cookie id, hex
      kind       TEXT    NOT NULL,  -- view | beat | leave
      host       TEXT    NOT NULL,
      path       TEXT    NOT NULL,  -- without the query string
      referrer   TEXT,              -- host and path, no scheme or query
      status     INTEGER NOT NULL,
      country    TEXT,
      city       TEXT,
      device     TEXT,
      browser    TEXT,
      os         TEXT,
      bytes      INTEGER,
      request_ms INTEGER
    );
    CREATE INDEX hits_ts ON hits (ts);
    -- Where the drain loop resumes; written in the same transaction as the
    -- rows it covers.
    CREATE TABLE ring_cursor (
      id         INTEGER PRIMARY KEY CHECK (id = 1),
      generation INTEGER NOT NULL,
      next_seq   INTEGER NOT NULL
    );
    )sql",
    R"sql(
    CREATE TABLE visits (
      visitor    TEXT    NOT NULL,
      host       TEXT    NOT NULL,
      start      INTEGER NOT NULL,  -- unix ms of the first hit
      end        INTEGER NOT NULL,  -- unix ms of the last hit
      pages      INTEGER NOT NULL,  -- page views in the visit
      entry_page TEXT    NOT NULL,
      exit_page  TEXT    NOT NULL,
      country    TEXT,
      device     TEXT
    );
    CREATE INDEX visits_start ON visits (start);
    CREATE INDEX hits_host_ts ON hits (host, ts);
    -- Covering index for reports by day and country.
    CREATE INDEX hits_ts_kind_country ON hits (ts, kind, country, visitor);

    CREATE VIEW daily_views AS
      SELECT date(ts / 1000, 'unixepoch') AS day, host,
             count(*) AS views, count(DISTINCT visitor) AS visitors
        FROM hits WHERE kind = 'view' GROUP BY day, host;
    CREATE VIEW daily_countries AS
      SELECT date(ts / 1000, 'unixepoch') AS day, host, country,
             count(*) AS views, count(DISTINCT visitor) AS visitors
        FROM hits WHERE kind = 'view' GROUP BY day, host, country;
    CREATE VIEW top_pages AS
      SELECT host, path, count(*) AS views, count(DISTINCT visitor) AS visitors
        FROM hits WHERE kind = 'view' GROUP BY host, path ORDER BY views DESC;
    CREATE VIEW daily_visits AS
      SELECT date(start / 1000, 'unixepoch') AS day, host, count(*) AS visits,
             avg((end - start) / 1000.0) AS avg_seconds, avg(pages) AS avg_pages
        FROM visits GROUP BY day, host;
    )sql",
    // Rollups: reports read these instead of scanning hits. Built with this
    // step from the hits already stored (build_rollups_from_hits); kept up to
    // date by every batch from then on.
    R"sql(
    CREATE TABLE rollups (
      span      TEXT    NOT NULL,  -- hour | day (UTC)
      start     INTEGER NOT NULL,  -- unix ms at which the hour or day begins
      dimension TEXT    NOT NULL,  -- all | path | country
      host      TEXT    NOT NULL,
      value     TEXT    NOT NULL,  -- the path or country code; '' for all, or no country
      views     INTEGER NOT NULL,  -- people's page views (bots left out)
      visitors  INTEGER NOT NULL,  -- unique visitors within the hour or day
      PRIMARY KEY (span, dimension, start, host, value)
    ) WITHOUT ROWID;
    -- Reports read the rollups now: these two indexes only slowed inserts.
    DROP INDEX IF EXISTS hits_host_ts;
    DROP INDEX IF EXISTS hits_ts_kind_country;
    CREATE TABLE visit_rollups (
      start       INTEGER NOT NULL,  -- unix ms at which the UTC day begins
      host        TEXT    NOT NULL,
      visits      INTEGER NOT NULL,
      duration_ms INTEGER NOT NULL,  -- summed over the visits
      pages       INTEGER NOT NULL,  -- summed over the visits
      PRIMARY KEY (start, host)
    ) WITHOUT ROWID;

    INSERT INTO visit_rollups
      SELECT start / 86400000 * 86400000, host, count(*), sum(end - start), sum(pages)
        FROM visits GROUP BY 1, host;

    DROP VIEW daily_views;
    DROP VIEW daily_countries;
    DROP VIEW top_pages;
    DROP VIEW daily_visits;
    CREATE VIEW hourly_views AS
      SELECT datetime(start / 1000, 'unixepoch') AS hour, host, views, visitors
        FROM rollups WHERE span = 'hour' AND dimension = 'all';
    CREATE VIEW daily_views AS
      SELECT date(start / 1000, 'unixepoch') AS day, host, views, visitors
        FROM rollups WHERE span = 'day' AND dimension = 'all';
    CREATE VIEW daily_countries AS
      SELECT date(start / 1000, 'unixepoch') AS day, host, nullif(value, '') AS country,
             views, visitors
        FROM rollups WHERE span = 'day' AND dimension = 'country';
    CREATE VIEW daily_pages AS
      SELECT date(start / 1000, 'unixepoch') AS day, host, value AS path, views, visitors
        FROM rollups WHERE span = 'day' AND dimension = 'path';
    -- visitors: unique per day, summed over the days.
    CREATE VIEW top_pages AS
      SELECT host, value AS path, sum(views) AS views, sum(visitors) AS visitors
        FROM rollups WHERE span = 'day' AND dimension = 'path'
       GROUP BY host, value ORDER BY views DESC;
    CREATE VIEW daily_visits AS
      SELECT date(start / 1000, 'unixepoch') AS day, host, visits,
             duration_ms / 1000.0 / visits AS avg_seconds, pages * 1.0 / visits AS avg_pages
        FROM visit_rollups;
    )sql",
    // The rollups count each hit once, in rowid order, up to this hit. They
    // may lag behind `hits` after a restart, while the visitors a bucket has
    // already counted load in the background (sqlite_history.h).
    R"sql(
    CREATE TABLE rollup_cursor (
      id  INTEGER PRIMARY KEY CHECK (id = 1),
      hit INTEGER NOT NULL  -- rowid of the last hit counted in the rollups
    );
    INSERT INTO rollup_cursor VALUES (1, coalesce((SELECT max(rowid) FROM hits), 0));
    )sql",
    // Fired and cleared alerts (--alert), one row per change.
    R"sql(
    CREATE TABLE alerts (
      rule      TEXT    NOT NULL,
      condition TEXT    NOT NULL,  -- as written in the rule
      value     REAL    NOT NULL,  -- the measure when it changed
      state     TEXT    NOT NULL CHECK (state IN ('firing', 'cleared')),
      time_ms   INTEGER NOT NULL,  -- Unix ms
      node      TEXT    NOT NULL   -- the onlookerd that evaluated it
    );
    CREATE INDEX alerts_time ON alerts (time_ms);
    )sql",
    // Engagement (issue 18): how long the page was visible, as a leave or
    // hide reports it (capped by onlookerd); NULL for other kinds. Each visit's
    // engaged time and bounce (visit_engagement.h), NULL for visits stored
    // before; the rollups sum them over the visits that have them.
    R"sql(
    ALTER TABLE hits ADD COLUMN visible_ms INTEGER;
    ALTER TABLE visits ADD COLUMN engaged_ms INTEGER;
    ALTER TABLE visits ADD COLUMN engaged_estimated INTEGER;  -- 1: no beacon.js, from the views
    ALTER TABLE visits ADD COLUMN bounce INTEGER;             -- 1: one page, under 10 s engaged
    ALTER TABLE visit_rollups ADD COLUMN engaged_visits INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE visit_rollups ADD COLUMN engaged_pages INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE visit_rollups ADD COLUMN engaged_ms INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE visit_rollups ADD COLUMN bounces INTEGER NOT NULL DEFAULT 0;
    DROP VIEW daily_visits;
    CREATE VIEW daily_visits AS
      SELECT date(start / 1000, 'unixepoch') AS day, host, visits,
             duration_ms / 1000.0 / visits AS avg_seconds, pages * 1.0 / visits AS avg_pages,
             engaged_ms / 1000.0 / nullif(engaged_visits, 0) AS avg_engaged_seconds,
             bounces * 1.0 / nullif(engaged_visits, 0) AS bounce_rate,
             engaged_ms / 1000.0 / nullif(engaged_pages, 0) AS engaged_seconds_per_page
        FROM visit_rollups;
    )sql",
    // Journeys (issue 18; journey_rollups.h): entries, page-to-page steps
    // and exits per UTC day of the visit's start, '' for outside the site.
    // Built with this step from the visits and hits already stored
    // (build_journeys_from_visits); kept up to date by every batch of visits.
    R"sql(
    CREATE TABLE journey_rollups (
      span      TEXT    NOT NULL,  -- day | month (UTC): a month's rows sum its days'
      start     INTEGER NOT NULL,  -- unix ms at which the day or month the visits began begins
      host      TEXT    NOT NULL,
      from_path TEXT    NOT NULL,  -- '': entered the site
      to_path   TEXT    NOT NULL,  -- '': left the site
      views     INTEGER NOT NULL,  -- views of from_path followed by to_path
      PRIMARY KEY (span, start, host, from_path, to_path)
    ) WITHOUT ROWID;
    CREATE VIEW entry_pages AS
      SELECT date(start / 1000, 'unixepoch') AS day, host, to_path AS path, views AS visits
        FROM journey_rollups WHERE span = 'day' AND from_path = '';
    CREATE VIEW exit_pages AS
      SELECT date(start / 1000, 'unixepoch') AS day, host, from_path AS path, views AS visits
        FROM journey_rollups WHERE span = 'day' AND to_path = '';
    CREATE VIEW transitions AS
      SELECT date(start / 1000, 'unixepoch') AS day, host, from_path,
             nullif(to_path, '') AS to_path, views
        FROM journey_rollups WHERE span = 'day' AND from_path <> '';
    )sql",
    // Campaigns and sources (issue 18): a view's utm_source, utm_medium,
    // utm_campaign and ref as the module read them from its URL (the path
    // still has no query), and its source (enrich/source_classifier.h): the
    // group, the source's name and the referrer's host. NULL for other kinds,
    // for views from the same site (no source) and for rows stored before.
    R"sql(
    ALTER TABLE hits ADD COLUMN utm_source TEXT;
    ALTER TABLE hits ADD COLUMN utm_medium TEXT;
    ALTER TABLE hits ADD COLUMN utm_campaign TEXT;
    ALTER TABLE hits ADD COLUMN ref TEXT;
    ALTER TABLE hits ADD COLUMN source TEXT;         -- direct | campaign | search | social | email | paid | other site
    ALTER TABLE hits ADD COLUMN source_name TEXT;    -- 'Google'; the host for another site
    ALTER TABLE hits ADD COLUMN referrer_host TEXT;  -- lowercase, no port
    -- The same of each visit's landing view (a later view's when it had none).
    ALTER TABLE visits ADD COLUMN utm_source TEXT;
    ALTER TABLE visits ADD COLUMN utm_medium TEXT;
    ALTER TABLE visits ADD COLUMN utm_campaign TEXT;
    ALTER TABLE visits ADD COLUMN ref TEXT;
    ALTER TABLE visits ADD COLUMN source TEXT;
    ALTER TABLE visits ADD COLUMN source_name TEXT;
    ALTER TABLE visits ADD COLUMN referrer_host TEXT;
    -- Rollup dimensions 'source' and 'campaign' (rows only for views that
    -- have one), counted from here on: older hits have neither.
    CREATE VIEW daily_sources AS
      SELECT date(start / 1000, 'unixepoch') AS day, host, value AS source, views, visitors
        FROM rollups WHERE span = 'day' AND dimension = 'source';
    CREATE VIEW daily_campaigns AS
      SELECT date(start / 1000, 'unixepoch') AS day, host, value AS campaign, views, visitors
        FROM rollups WHERE span = 'day' AND dimension = 'campaign';
    )sql",
    // Engagement per page (issue 18; page_engagement_rollups.h): per UTC day
    // of the visit's start, site and page, the views with an engaged time,
    // their engaged ms and how many were estimated. Built with this step
    // from the visits and hits already stored (page_engagement_sql.h).
    R"sql(
    CREATE TABLE page_engagement_rollups (
      start           INTEGER NOT NULL,  -- unix ms at which the UTC day the visits began begins
      host            TEXT    NOT NULL,
      path            TEXT    NOT NULL,
      views           INTEGER NOT NULL,  -- page views with an engaged time
      engaged_ms      INTEGER NOT NULL,  -- summed over them
      estimated_views INTEGER NOT NULL,  -- of those, estimated (no beacon.js)
      PRIMARY KEY (path, start, host)
    ) WITHOUT ROWID;
    CREATE VIEW daily_page_engagement AS
      SELECT date(start / 1000, 'unixepoch') AS day, host, path, views,
             engaged_ms / 1000.0 / views AS engaged_seconds, estimated_views
        FROM page_engagement_rollups;
    )sql",
};

// The step (index into migrations) that adds the journeys: user_version 6 -> 7.
constexpr int journeys_step = 6;
// The step that adds the per-page engagement: user_version 8 -> 9.
constexpr int page_engagement_step = 8;
static_assert(page_engagement_step + 1 == sqlite_schema_version);

// The journeys step's one-off build from the visits and hits already stored
// (journey_sql.h), through an index made for it alone: the query looks up
// each visit's views by visitor, site and time.
void build_journeys_from_visits(sqlite::Database& db) {
  db.exec("CREATE INDEX journey_build ON hits (visitor, host, ts)");
  db.exec("INSERT INTO journey_rollups SELECT 'day', * FROM (" +
          std::string(journey_from_hits_sql) + ")");
  db.exec("INSERT INTO journey_rollups SELECT 'month', strftime('%s', start / 1000, 'unixepoch', "
          "'start of month') * 1000 AS month, host, from_path, to_path, sum(views) "
          "FROM journey_rollups WHERE span = 'day' GROUP BY month, host, from_path, to_path");
  db.exec("DROP INDEX journey_build");
}

// The same for the per-page engagement step (page_engagement_sql.h).
void build_page_engagement_from_visits(sqlite::Database& db) {
  db.exec("CREATE INDEX page_engagement_build ON hits (visitor, host, ts)");
  db.exec("INSERT INTO page_engagement_rollups (start, host, path, views, engaged_ms, "
          "estimated_views) " + std::string(page_engagement_from_hits_sql));
  db.exec("DROP INDEX page_engagement_build");
}

// Schema 3's one-off build of the rollups from the hits already stored, one
// statement per (span, dimension): the same figures each batch adds later.
std::string_view rollup_value_sql(RollupDimension dimension) {
  switch (dimension) {
    case RollupDimension::all: return "''";
    case RollupDimension::path: return "path";
    case RollupDimension::country: return "coalesce(country, '')";
    case RollupDimension::source:
    case RollupDimension::campaign: break;  // not in schema 3's hits
  }
  return "''";
}

void build_rollups_from_hits(sqlite::Database& db) {
  for (const RollupSpan span : rollup_spans) {
    const std::string width = std::to_string(span_ms(span));
    // Schema 3's dimensions: its hits have no source or campaign.
    for (const RollupDimension dimension :
         {RollupDimension::all, RollupDimension::path, RollupDimension::country}) {
      db.exec("INSERT INTO rollups SELECT '" + std::string(to_string(span)) + "', ts / " + width +
              " * " + width + " AS start, '" + std::string(to_string(dimension)) + "', host, " +
              std::string(rollup_value_sql(dimension)) +
              " AS value, count(*), count(DISTINCT visitor) FROM hits WHERE " +
              std::string(person_view_sql) + " GROUP BY start, host, value");
    }
  }
}

}  // namespace

void migrate_sqlite_schema(sqlite::Database& db, const std::string& path) {
  const auto version = db.query_int("PRAGMA user_version");
  if (version > sqlite_schema_version) {
    throw sqlite::SqliteError("database schema version " + std::to_string(version) +
                                  " is newer than this onlookerd (" +
                                  std::to_string(sqlite_schema_version) + ")",
                              SQLITE_ERROR);
  }
  for (auto step = version; step < sqlite_schema_version; ++step) {
    if (step == 2 && version > 0) {
      log::info("msg=\"building hourly and daily rollups from the stored hits (schema 3); "
                "this runs once\" db=" + path + " hits=" +
                std::to_string(db.query_int("SELECT count(*) FROM hits")));
    }
    sqlite::Transaction transaction(db);
    db.exec(migrations[static_cast<std::size_t>(step)]);
    if (step == 2) build_rollups_from_hits(db);
    if (step == journeys_step && version > 0) {
      log::info("msg=\"building journey rollups from the stored visits (schema " +
                std::to_string(journeys_step + 1) + "); this runs once\" db=" + path);
      build_journeys_from_visits(db);
    }
    if (step == page_engagement_step && version > 0) {
      log::info("msg=\"building per-page engagement rollups from the stored visits (schema " +
                std::to_string(page_engagement_step + 1) + "); this runs once\" db=" + path);
      build_page_engagement_from_visits(db);
    }
    db.exec("PRAGMA user_version = " + std::to_string(step + 1));
    transaction.commit();
  }
}

}  // namespace onlooker
