// Journeys in history on a year of data: builds a database of N hits
// (default 10 million) in 2 million visits over 365 days through the same
// SqliteHistory onlookerd uses, the visits walking a site of 500 pages that
// each link to 8 others (entries skewed to the first pages), then times
// /api/history over a year, a month and a week, and the journey views.
//   onlooker_journey_bench PATH.db [HITS]
#include <algorithm>
#include <chrono>
#include <ctime>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "history_api.h"
#include "sqlite_history.h"
#include "sqlite_history_reader.h"
#include "sqlite_journey_reader.h"

using namespace onlooker;

namespace {

constexpr std::int64_t end_ms = 1'795'000'000'000;
constexpr std::int64_t span_ms = 365 * day_ms;

std::string page(std::uint32_t number) { return "/page/" + std::to_string(number) + ".html"; }

void generate(const std::string& path, long hits_wanted) {
  SqliteHistory history(path);
  std::mt19937 random(18);
  const long visits_wanted = hits_wanted / 5;  // four views and a beat on average
  std::vector<Hit> batch;
  std::vector<Visit> visits;
  long hits = 0;
  std::uint64_t seq = 0;
  const auto started = std::chrono::steady_clock::now();
  for (long n = 0; n < visits_wanted; ++n) {
    const std::int64_t start = end_ms - span_ms + n * span_ms / visits_wanted;
    const std::uint32_t visitor = static_cast<std::uint32_t>(random());
    Visit visit;
    visit.host = "www.example.com";
    visit.device = "desktop";
    visit.country = "PT";
    std::uint32_t at = std::min(random() % 500, random() % 500);  // entries skewed to the top
    const int views = 1 + static_cast<int>(random() % 7);
    std::int64_t ts = start;
    for (int view = 0; view < views; ++view) {
      Hit hit;
      hit.ts_ms = ts;
      std::memcpy(hit.visitor.data(), &visitor, sizeof visitor);
      hit.kind = HitKind::view;
      hit.host = visit.host;
      hit.path = page(at);
      hit.status = 200;
      hit.device = visit.device;
      hit.country_code = visit.country;
      visit.journey.push_back({ts, hit.path});
      if (view == 0) {
        visit.visitor = to_hex(hit.visitor);
        visit.entry_page = hit.path;
      }
      visit.exit_page = hit.path;
      batch.push_back(hit);
      if (view == views - 1) {  // a heartbeat on the last page
        hit.kind = HitKind::beat;
        hit.ts_ms += 30'000;
        batch.push_back(hit);
      }
      const std::int64_t gap = 5'000 + static_cast<std::int64_t>(random() % 60'000);
      // Engaged time per page: half the visits with beacon.js (a leave's
      // visible time for each view), half estimated (the gap; not the last).
      if (n % 2 == 0) {
        add_page_engaged(visit.page_engaged, hit.path, gap * 4 / 5);
      } else if (view + 1 < views) {
        add_page_engaged(visit.page_engaged, hit.path, gap);
      }
      ts += gap;
      at = (at * 7 + 1 + random() % 8) % 500;  // one of the page's 8 links
    }
    visit.engaged_estimated = n % 2 != 0;
    visit.start_ms = start;
    visit.last_seen_ms = ts;
    visit.pages = views;
    visits.push_back(std::move(visit));
    if (batch.size() >= 100'000) {
      hits += static_cast<long>(batch.size());
      seq += batch.size();
      history.commit({batch, visits, {1, seq}});
      batch.clear();
      visits.clear();
    }
  }
  hits += static_cast<long>(batch.size());
  seq += batch.size();
  history.commit({batch, visits, {1, seq}});
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::printf("generated %ld hits in %ld visits in %.1f s\n", hits, visits_wanted, seconds);
}

// Wall and CPU (this thread's) time of a call, median of `runs`: on a
// machine shared with other work the CPU time is the steadier figure.
struct Times {
  double wall_ms = 0;
  double cpu_ms = 0;
};

double thread_cpu_ms() {
  timespec now{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) * 1e3 + static_cast<double>(now.tv_nsec) / 1e6;
}

template <class Run>
Times median_ms(Run run, int runs = 5) {
  std::vector<double> walls;
  std::vector<double> cpus;
  for (int i = 0; i < runs; ++i) {
    const auto started = std::chrono::steady_clock::now();
    const double cpu_started = thread_cpu_ms();
    run();
    cpus.push_back(thread_cpu_ms() - cpu_started);
    walls.push_back(
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started)
            .count());
  }
  std::sort(walls.begin(), walls.end());
  std::sort(cpus.begin(), cpus.end());
  return {walls[walls.size() / 2], cpus[cpus.size() / 2]};
}

// main 931bc88's journey read, for the A/B in the same run: month rows for
// the whole months inside, day rows at the ends, summed by SQL GROUP BY.
std::size_t journeys_by_group_by(sqlite::Database& db, const HistoryRequest& request) {
  const std::string part =
      "SELECT from_path, to_path, views FROM journey_rollups WHERE (?5 = '' OR host = ?5) AND ";
  sqlite::Statement query(
      db, "SELECT from_path, to_path, sum(views) FROM (" + part +
              "span = 'month' AND start >= ?2 AND start < ?3 UNION ALL " + part +
              "span = 'day' AND start >= ?1 AND start < ?2 UNION ALL " + part +
              "span = 'day' AND start >= ?3 AND start < ?4) GROUP BY from_path, to_path");
  const JourneyRange range = journey_range(request);
  query.bind(1, range.from_day_ms);
  query.bind(2, range.months_from_ms);
  query.bind(3, range.months_to_ms);
  query.bind(4, range.to_day_ms);
  query.bind(5, request.host);
  std::size_t pairs = 0;
  while (query.step()) {
    (void)query.column_text(0);
    (void)query.column_text(1);
    ++pairs;
  }
  return pairs;
}

void print(const char* name, Times times, const std::string& extra = "") {
  std::printf("%-58s wall %8.1f ms  CPU %8.1f ms %s\n", name, times.wall_ms, times.cpu_ms,
              extra.c_str());
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s PATH.db [HITS]\n", argv[0]);
    return 2;
  }
  const std::string path = argv[1];
  if (!std::filesystem::exists(path)) generate(path, argc > 2 ? std::atol(argv[2]) : 10'000'000);
  {
    sqlite::Database db(path, SQLITE_OPEN_READWRITE);
    db.exec("ANALYZE");
    std::printf("%s: %lld hits, %lld visits, %lld journey rollup rows (%lld day, %lld month)\n",
                path.c_str(), static_cast<long long>(db.query_int("SELECT count(*) FROM hits")),
                static_cast<long long>(db.query_int("SELECT count(*) FROM visits")),
                static_cast<long long>(db.query_int("SELECT count(*) FROM journey_rollups")),
                static_cast<long long>(db.query_int(
                    "SELECT count(*) FROM journey_rollups WHERE span = 'day'")),
                static_cast<long long>(db.query_int(
                    "SELECT count(*) FROM journey_rollups WHERE span = 'month'")));
    const struct {
      const char* name;
      const char* sql;
    } views[] = {
        {"entry_pages, a year, top 10",
         "SELECT path, sum(visits) AS v FROM entry_pages GROUP BY path ORDER BY v DESC LIMIT 10"},
        {"transitions from one page, a year",
         "SELECT to_path, sum(views) FROM transitions WHERE from_path = '/page/0.html' "
         "GROUP BY to_path"},
    };
    std::printf("page engagement rollup rows: %lld\n",
                static_cast<long long>(db.query_int("SELECT count(*) FROM page_engagement_rollups")));
    for (const auto& view : views) {
      print(view.name, median_ms([&] {
              sqlite::Statement statement(db, view.sql);
              while (statement.step()) {
              }
            }));
    }
  }
  SqliteHistoryReader reader(path);
  HistoryApi api(reader);
  for (const auto& [days, page] : {std::pair{365, ""}, std::pair{365, "/page/0.html"},
                                   std::pair{90, ""}, std::pair{30, ""}, std::pair{7, ""}}) {
    HistoryRequest request;
    request.from_ms = end_ms - days * day_ms;
    request.to_ms = end_ms;
    request.bucket = RollupSpan::day;
    request.page = page;
    std::size_t bytes = 0;
    const Times whole = median_ms([&] { bytes = api.run(request).size(); });
    const std::string name = "/api/history, " + std::to_string(days) + " days by day" +
                             (*page ? ", ?page=/page/0.html" : "");
    print(name.c_str(), whole, "(" + std::to_string(bytes) + " bytes)");
    // The pages' engaged times' share: the reader's sums for the 10 top
    // pages (page_engagement_rollups, one range scan a page).
    {
      sqlite::Database db(path, SQLITE_OPEN_READONLY);
      sqlite::Statement engaged(db, std::string(page_engagement_sums_sql) +
                                        "WHERE path = ?1 AND start >= ?2 / 86400000 * 86400000 "
                                        "AND start < ?3 AND (?4 = '' OR host = ?4)");
      std::int64_t views = 0;
      print("  engaged time of the 10 top pages", median_ms([&] {
              views = 0;
              for (std::uint32_t top = 0; top < 10; ++top) {
                engaged.bind(1, ::page(top));
                engaged.bind(2, request.from_ms);
                engaged.bind(3, request.to_ms);
                engaged.bind(4, std::string());
                if (engaged.step()) views += engaged.column_int(0);
                engaged.reset();
              }
            }),
            "(" + std::to_string(views) + " views with an engaged time)");
    }
    // The journeys' share: their rows read and summed (no lists), this
    // reader's against main 931bc88's SQL GROUP BY, alternating.
    sqlite::Database db(path, SQLITE_OPEN_READONLY);
    std::vector<Times> planned, grouped;
    std::size_t pairs = 0, grouped_pairs = 0;
    for (int round = 0; round < 5; ++round) {
      planned.push_back(median_ms([&] { pairs = read_sqlite_journeys(db, request).size(); }, 1));
      grouped.push_back(median_ms([&] { grouped_pairs = journeys_by_group_by(db, request); }, 1));
    }
    auto median_of = [](std::vector<Times> all) {
      std::vector<double> walls, cpus;
      for (const Times& t : all) walls.push_back(t.wall_ms), cpus.push_back(t.cpu_ms);
      std::sort(walls.begin(), walls.end());
      std::sort(cpus.begin(), cpus.end());
      return Times{walls[walls.size() / 2], cpus[cpus.size() / 2]};
    };
    print("  journeys: month rows minus days, summed in C++", median_of(planned),
          "(" + std::to_string(pairs) + " pairs)");
    print("  journeys: main's month rows + edge days, GROUP BY", median_of(grouped),
          "(" + std::to_string(grouped_pairs) + " pairs)");
  }
  return 0;
}
