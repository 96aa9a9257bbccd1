// History queries on a large database: builds one with N hits (default
// 10 million) over 60 days (history_data.h), then times the reports a user
// runs, 5 times each, and prints medians.
//   onlooker_history_bench PATH.db [N]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "history_api.h"
#include "history_data.h"
#include "sqlite_history.h"
#include "sqlite_history_reader.h"

using namespace onlooker;

namespace {

double median_ms(sqlite::Database& db, const std::string& sql, int runs = 5) {
  std::vector<double> times;
  for (int run = 0; run < runs; ++run) {
    const auto started = std::chrono::steady_clock::now();
    sqlite::Statement statement(db, sql);
    while (statement.step()) {
    }
    times.push_back(
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started)
            .count());
  }
  std::sort(times.begin(), times.end());
  return times[times.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s PATH.db [HITS]\n", argv[0]);
    return 2;
  }
  const std::string path = argv[1];
  const long rows = argc > 2 ? std::atol(argv[2]) : 10'000'000;
  if (!std::filesystem::exists(path)) {
    bench::build_history_data(path, {rows, 60, false});
  } else {
    // An older database is migrated here (rollups built from its hits).
    const auto started = std::chrono::steady_clock::now();
    SqliteHistory history(path);
    std::printf("opened (and migrated if older) in %.1f s\n",
                std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
  }
  sqlite::Database db(path, SQLITE_OPEN_READWRITE);
  db.exec("ANALYZE");  // what a long-running database has after PRAGMA optimize
  const std::int64_t end = 1'795'000'000'000;
  const std::string week = std::to_string(end - 7 * 86'400'000LL);
  const std::string week_day = "date(" + std::to_string(end / 1000 - 7 * 86'400) + ", 'unixepoch')";
  const struct {
    const char* name;
    std::string sql;
    int runs;
  } reports[] = {
      {"views by day and country, 60 days (daily_countries)",
       "SELECT day, country, sum(views), sum(visitors) FROM daily_countries GROUP BY day, country",
       5},
      {"  the same from hits (no rollups)",
       "SELECT date(ts / 1000, 'unixepoch') AS day, country, count(*), count(DISTINCT visitor) "
       "FROM hits WHERE kind = 'view' AND coalesce(device, '') <> 'bot' GROUP BY day, country",
       3},
      {"top pages of the last week (daily_pages)",
       "SELECT path, sum(views) AS total FROM daily_pages WHERE day >= " + week_day +
           " GROUP BY path ORDER BY total DESC LIMIT 10",
       5},
      {"  the same from hits (no rollups)",
       "SELECT path, count(*) AS views FROM hits WHERE kind = 'view' AND "
       "coalesce(device, '') <> 'bot' AND ts >= " + week +
           " GROUP BY path ORDER BY views DESC LIMIT 10",
       3},
      {"views and visitors per day, 60 days (daily_views)",
       "SELECT day, sum(views), sum(visitors) FROM daily_views GROUP BY day", 5},
      {"visits per day, 60 days (daily_visits)", "SELECT * FROM daily_visits", 5},
  };
  std::printf("%s: %lld hits, %lld visits, %lld rollup rows\n", path.c_str(),
              static_cast<long long>(db.query_int("SELECT count(*) FROM hits")),
              static_cast<long long>(db.query_int("SELECT count(*) FROM visits")),
              static_cast<long long>(db.query_int("SELECT count(*) FROM rollups")));
  for (const auto& report : reports) {
    std::printf("%-52s median of %d: %8.1f ms\n", report.name, report.runs,
                median_ms(db, report.sql, report.runs));
  }
  // The dashboard's history endpoint over the last week and 60 days.
  SqliteHistoryReader reader(path);
  HistoryApi queries(reader);
  for (const auto& [days, bucket] : {std::pair{7, RollupSpan::day},
                                    std::pair{60, RollupSpan::day},
                                    std::pair{31, RollupSpan::hour}}) {
    HistoryRequest request;
    request.from_ms = end - days * 86'400'000LL;
    request.to_ms = end;
    request.bucket = bucket;
    std::vector<double> times;
    for (int run = 0; run < 5; ++run) {
      const auto started = std::chrono::steady_clock::now();
      (void)queries.run(request);
      times.push_back(std::chrono::duration<double, std::milli>(
                          std::chrono::steady_clock::now() - started).count());
    }
    std::sort(times.begin(), times.end());
    std::printf("/api/history, %2d days, by %-4s                          median of 5: %8.1f ms\n",
                days, std::string(to_string(bucket)).c_str(), times[2]);
  }
  return 0;
}
