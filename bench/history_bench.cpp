// History queries on a large database: builds one with N hits (default
// 10 million) over 60 days through the same SqliteHistory onlookerd uses,
// then times the reports a user runs, 5 times each, and prints medians.
//   onlooker_history_bench PATH.db [N]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "history_queries.h"
#include "sqlite_history.h"

using namespace onlooker;

namespace {

void generate(const std::string& path, long rows) {
  SqliteHistory history(path);
  std::mt19937 random(3);
  const char* countries[] = {"US", "DE", "GB", "FR", "JP", "BR", "IN", "CA", "NL", "ES"};
  const char* devices[] = {"desktop", "mobile", "mobile", "tablet", "bot"};
  const std::int64_t end = 1'795'000'000'000;
  const std::int64_t span = 60LL * 86'400'000;
  std::vector<Hit> batch;
  batch.reserve(100'000);
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
    batch.push_back(std::move(hit));
    if (batch.size() == batch.capacity()) {
      history.commit({batch, {}, {1, static_cast<std::uint64_t>(n + 1)}});
      batch.clear();
    }
  }
  history.commit({batch, {}, {1, static_cast<std::uint64_t>(rows)}});
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::printf("generated %ld hits in %.1f s (%.0f hits/s committed, batches of 100k)\n", rows,
              seconds, rows / seconds);
}

double median_ms(sqlite::Database& db, const std::string& sql) {
  std::vector<double> times;
  for (int run = 0; run < 5; ++run) {
    const auto started = std::chrono::steady_clock::now();
    sqlite::Statement statement(db, sql);
    while (statement.step()) {
    }
    times.push_back(
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started)
            .count());
  }
  std::sort(times.begin(), times.end());
  return times[2];
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s PATH.db [HITS]\n", argv[0]);
    return 2;
  }
  const std::string path = argv[1];
  const long rows = argc > 2 ? std::atol(argv[2]) : 10'000'000;
  if (!std::filesystem::exists(path)) generate(path, rows);
  sqlite::Database db(path, SQLITE_OPEN_READWRITE);
  db.exec("ANALYZE");  // what a long-running database has after PRAGMA optimize
  const std::int64_t end = 1'795'000'000'000;
  const std::string week = std::to_string(end - 7 * 86'400'000LL);
  const struct {
    const char* name;
    std::string sql;
  } reports[] = {
      {"views by day and country, 60 days",
       "SELECT date(ts / 1000, 'unixepoch') AS day, country, count(*) FROM hits "
       "WHERE kind = 'view' GROUP BY day, country"},
      {"top pages of the last week",
       "SELECT path, count(*) AS views FROM hits WHERE kind = 'view' AND ts >= " + week +
           " GROUP BY path ORDER BY views DESC LIMIT 10"},
      {"visits (views) per day, 60 days", "SELECT day, sum(views) FROM daily_views GROUP BY day"},
  };
  std::printf("%s: %lld hits\n", path.c_str(),
              static_cast<long long>(db.query_int("SELECT count(*) FROM hits")));
  for (const auto& report : reports) {
    std::printf("%-40s median of 5: %8.1f ms\n", report.name, median_ms(db, report.sql));
  }
  // The dashboard's history endpoint over the last week and 60 days.
  HistoryQueries queries(path);
  for (const std::int64_t days : {7, 60}) {
    HistoryRequest request;
    request.from_ms = end - days * 86'400'000;
    request.to_ms = end;
    request.bucket = HistoryRequest::Bucket::day;
    std::vector<double> times;
    for (int run = 0; run < 5; ++run) {
      const auto started = std::chrono::steady_clock::now();
      (void)queries.run(request);
      times.push_back(std::chrono::duration<double, std::milli>(
                          std::chrono::steady_clock::now() - started).count());
    }
    std::sort(times.begin(), times.end());
    std::printf("/api/history, %2lld days, by day            median of 5: %8.1f ms\n",
                static_cast<long long>(days), times[2]);
  }
  return 0;
}
