// Filtered history (?country=DE, ?source=, ?campaign=) on a year of data:
// builds N hits (default 10 million) over 365 days with every list's
// column filled (history_data.h), then times the filtered report as the
// reader runs it (one pass over the matching views, filtered_counts.h)
// against a query per list (the SQL before it), alternating A B A B in the
// same process, wall and thread CPU medians. Checks that both agree.
//   onlooker_filter_bench PATH.db [HITS]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include "filtered_report.h"
#include "history_api.h"
#include "history_data.h"
#include "sqlite_history_reader.h"

using namespace onlooker;

namespace {

double thread_cpu_ms() {
  timespec now{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) * 1e3 + static_cast<double>(now.tv_nsec) / 1e6;
}

struct Times {
  std::vector<double> wall, cpu;
  void add(double wall_ms, double cpu_ms) {
    wall.push_back(wall_ms);
    cpu.push_back(cpu_ms);
  }
  static double median(std::vector<double> values) {
    std::sort(values.begin(), values.end());
    return values[values.size() / 2];
  }
};

template <class Run>
void timed(Times& times, Run run) {
  const auto started = std::chrono::steady_clock::now();
  const double cpu_started = thread_cpu_ms();
  run();
  times.add(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started)
                .count(),
            thread_cpu_ms() - cpu_started);
}

// The filtered report as a query per list, as the readers ran it before
// (main 83e7479's filtered_report.cpp): the series, then per filter column
// a GROUP BY value, bucket with count(DISTINCT visitor), summed per value.
HistoryReport per_list(sqlite::Database& db, const HistoryRequest& request) {
  const Placeholder mark = [](int n, bool) { return "?" + std::to_string(n); };
  const auto values = filtered_parameters(request);
  auto bind = [&](sqlite::Statement& statement) {
    for (std::size_t i = 0; i < values.size(); ++i) {
      const int n = static_cast<int>(i) + 1;
      if (n <= 2) {
        statement.bind(n, static_cast<std::int64_t>(std::stoll(*values[i])));
      } else {
        statement.bind(n, *values[i]);
      }
    }
  };
  const std::string width = std::to_string(span_ms(request.bucket));
  const std::string bucket = "ts / " + width + " * " + width;
  const std::string where = filtered_where_sql(request, mark);
  HistoryReport report;
  sqlite::Statement series(db, "SELECT " + bucket + " AS start, count(*), count(DISTINCT visitor)" +
                                   where + " GROUP BY start ORDER BY start");
  bind(series);
  while (series.step()) {
    report.series.push_back({series.column_int(0), series.column_int(1), series.column_int(2)});
  }
  for (const std::string_view column : filter_columns) {
    const std::string value = "coalesce(" + std::string(hits_column(column)) + ", '')";
    sqlite::Statement list(
        db, "SELECT value, sum(views) AS total, sum(visitors) FROM (SELECT " + value +
                " AS value, " + bucket + " AS bucket, count(*) AS views, "
                "count(DISTINCT visitor) AS visitors" + where +
                " GROUP BY value, bucket) AS per_bucket WHERE value <> '' GROUP BY value "
                "ORDER BY total DESC, value LIMIT " + std::to_string(request.top));
    bind(list);
    auto& entries = list_of(report, column);
    while (list.step()) {
      entries.push_back({list.column_text(0), list.column_int(1), list.column_int(2)});
    }
  }
  return report;
}

bool same(const HistoryReport& a, const HistoryReport& b) {
  auto entries = [](const std::vector<HistoryReport::Entry>& x,
                    const std::vector<HistoryReport::Entry>& y) {
    return std::equal(x.begin(), x.end(), y.begin(), y.end(), [](const auto& p, const auto& q) {
      return p.value == q.value && p.views == q.views && p.visitors == q.visitors;
    });
  };
  const bool series = std::equal(a.series.begin(), a.series.end(), b.series.begin(),
                                 b.series.end(), [](const auto& p, const auto& q) {
                                   return p.start_ms == q.start_ms && p.views == q.views &&
                                          p.visitors == q.visitors;
                                 });
  HistoryReport x = a, y = b;
  bool lists = true;
  for (const std::string_view column : filter_columns) {
    lists = lists && entries(list_of(x, column), list_of(y, column));
  }
  return series && lists;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s PATH.db [HITS]\n", argv[0]);
    return 2;
  }
  const std::string path = argv[1];
  if (!std::filesystem::exists(path)) {
    bench::build_history_data(path, {argc > 2 ? std::atol(argv[2]) : 10'000'000, 365, true});
  }
  sqlite::Database db(path, SQLITE_OPEN_READWRITE);
  db.exec("ANALYZE");
  std::printf("%s: %lld hits\n", path.c_str(),
              static_cast<long long>(db.query_int("SELECT count(*) FROM hits")));
  SqliteHistoryReader reader(path);
  HistoryApi api(reader);
  const std::int64_t end = bench::history_data_end_ms;
  const struct {
    int days;
    HistoryFilter filter;
    int rounds;
  } cases[] = {{365, {"country", "DE"}, 3}, {30, {"country", "DE"}, 5},
               {7, {"country", "DE"}, 5},   {365, {"source", "search"}, 3},
               {365, {"campaign", "launch-1"}, 3}};
  for (const auto& [days, filter, rounds] : cases) {
    HistoryRequest request;
    request.to_ms = bucket_ceil(RollupSpan::day, end);
    request.from_ms = request.to_ms - days * day_ms;
    request.bucket = RollupSpan::day;
    request.filters = {filter};
    Times one_pass, lists, whole;
    HistoryReport a, b;
    for (int round = 0; round < rounds; ++round) {
      timed(one_pass, [&] { a = reader.report(request); });
      timed(lists, [&] { b = per_list(db, request); });
    }
    if (!same(a, b)) throw std::runtime_error("the two reports differ");
    std::int64_t views = 0;
    for (const auto& point : a.series) views += point.views;
    for (int round = 0; round < rounds; ++round) timed(whole, [&] { (void)api.run(request); });
    std::printf("%3d days ?%s=%-9s %8lld views | one pass: wall %8.1f CPU %8.1f ms | "
                "a query per list: wall %8.1f CPU %8.1f ms | /api/history: wall %8.1f CPU %8.1f "
                "ms (medians of %d)\n",
                days, filter.column.c_str(), filter.value.c_str(), static_cast<long long>(views),
                Times::median(one_pass.wall), Times::median(one_pass.cpu),
                Times::median(lists.wall), Times::median(lists.cpu), Times::median(whole.wall),
                Times::median(whole.cpu), rounds);
    std::fflush(stdout);
  }
  return 0;
}
