// The read side of history: the reports behind GET /api/history, as plain
// structs (the HTTP side parses the request and shapes the JSON,
// http/history_api.h). SQLite is the one reader today
// (sqlite/sqlite_history_reader.h); another backend implements the same
// call. Reads block: callers run them off the I/O thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "alert_row.h"
#include "calendar.h"

namespace onlooker {

// One cross-list filter: people's views whose `column` (filtered_report.h's
// filter_columns) is `value` ('' matches the views without one).
struct HistoryFilter {
  std::string column;
  std::string value;
};

// The lists' lengths when a request names none (CSV downloads name more).
inline constexpr std::size_t default_top = 10;
inline constexpr std::size_t default_top_next = 5;

// A range of whole buckets (UTC hours or days) of one site or all.
struct HistoryRequest {
  std::int64_t from_ms = 0;
  std::int64_t to_ms = 0;
  std::string host;  // empty: every site
  RollupSpan bucket = RollupSpan::day;
  // Journeys: the transitions from this page only (empty: from the top pages).
  std::string page;
  // How many rows each list keeps (the JSON's top 10; a CSV download asks
  // for more), and how many next pages each transition.
  std::size_t top = default_top;
  std::size_t top_next = default_top_next;
  // Every list of the views matching all of these (filtered_report.h);
  // empty: the rollups' report. Filtered, visits and journeys stay empty.
  std::vector<HistoryFilter> filters;
};

// People's page views (bots left out). Visitors are unique per bucket; a
// list's visitors are those counts summed over the range's buckets.
struct HistoryReport {
  struct Point {
    std::int64_t start_ms = 0;
    std::int64_t views = 0;
    std::int64_t visitors = 0;
  };
  struct Entry {
    std::string value;  // the path, country code, source group or utm_campaign
    std::int64_t views = 0;
    std::int64_t visitors = 0;
    // Pages of the rollups' report only (page_engagement_rollups.h): of the
    // visits begun on the UTC days the range touches, the views of the page
    // with an engaged time, that time summed, and how many were estimated.
    std::int64_t engaged_views = 0;
    std::int64_t engaged_ms = 0;
    std::int64_t estimated_views = 0;
  };
  std::vector<Point> series;      // one point per bucket with views, in time order
  std::vector<Entry> pages;       // the top pages, most viewed first
  std::vector<Entry> countries;   // the top countries (located views only)
  // Of the views that have one (landings, mostly): views are arrivals, and
  // visitors the people who arrived so, unique per bucket.
  std::vector<Entry> sources;     // source groups (direct, search...), most views first
  std::vector<Entry> campaigns;   // utm_campaign values, most views first
  // Filtered reports only (from hits): the top cities, devices, browsers,
  // OS and referrers.
  std::vector<Entry> cities, devices, browsers, os, referrers;
  // The visits begun on the UTC days the range touches (visit_rollups are
  // per day), summed; the engaged_ ones over the visits that have an
  // engaged time (those stored by an older onlookerd have none).
  struct Visits {
    std::int64_t visits = 0;
    std::int64_t duration_ms = 0;
    std::int64_t pages = 0;
    std::int64_t engaged_visits = 0;
    std::int64_t engaged_pages = 0;
    std::int64_t engaged_ms = 0;
    std::int64_t bounces = 0;
    friend bool operator==(const Visits&, const Visits&) = default;
  } visits;

  // Journeys (journey_rollups.h) of the visits begun in the UTC days the
  // range touches: a range in hours takes its whole days.
  struct PageVisits {
    std::string path;
    std::int64_t visits = 0;
  };
  struct NextPage {
    std::string path;
    std::int64_t views = 0;  // views of `from` followed by this page
  };
  struct PageTransitions {
    std::string from;
    std::int64_t views = 0;  // views of `from` in the journeys
    std::int64_t left = 0;   // ... after which the visitor left the site
    std::vector<NextPage> next;  // the most frequent next pages, most first
  };
  std::vector<PageVisits> entry_pages;  // most visits first
  std::vector<PageVisits> exit_pages;
  std::vector<PageTransitions> transitions;  // the top pages (or request.page), most views first
};

// The sums, as SELECT columns over visit_rollups (the same on both backends).
inline constexpr const char* visit_sums_sql =
    "SELECT count(*), coalesce(sum(visits), 0), coalesce(sum(duration_ms), 0), "
    "coalesce(sum(pages), 0), coalesce(sum(engaged_visits), 0), coalesce(sum(engaged_pages), 0), "
    "coalesce(sum(engaged_ms), 0), coalesce(sum(bounces), 0) FROM visit_rollups ";

// One page's engagement sums over page_engagement_rollups, the same on both
// backends but for the placeholders: (path, from day, to, host or '').
inline constexpr const char* page_engagement_sums_sql =
    "SELECT coalesce(sum(views), 0), coalesce(sum(engaged_ms), 0), "
    "coalesce(sum(estimated_views), 0) FROM page_engagement_rollups ";

class HistoryReader {
 public:
  virtual ~HistoryReader() = default;
  // Throws when the store fails (the caller answers 503).
  virtual HistoryReport report(const HistoryRequest& request) = 0;
  // The alerts table's rows with from_ms <= time_ms < to_ms, oldest first.
  virtual std::vector<AlertRow> alerts(std::int64_t from_ms, std::int64_t to_ms) = 0;
  // People's page views (person_view.h) stored with from_ms <= ts < to_ms,
  // every node's: the views_per_minute baseline (alerts/view_baseline.h).
  virtual std::int64_t person_views(std::int64_t from_ms, std::int64_t to_ms) = 0;
  // When the oldest stored hit was; none while hits is empty.
  virtual std::optional<std::int64_t> first_hit_ms() = 0;

  static constexpr std::size_t top_entries = default_top;
  static constexpr std::size_t top_next_pages = default_top_next;
  static constexpr std::int64_t max_range_ms = 366 * day_ms;
};

}  // namespace onlooker
