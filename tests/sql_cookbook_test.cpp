// Every ```sql block of docs/SQL.md runs against a generated database and
// returns rows: the documentation cannot drift from the schema.
#include <gtest/gtest.h>

#include <random>

#include "sqlite_history.h"
#include "support/process.h"
#include "support/stack.h"
#include "support/temp_dir.h"

namespace onlooker {
namespace {

std::vector<std::string> cookbook_queries() {
  const std::string doc = test::read_file(test::source_dir() + "/docs/SQL.md");
  std::vector<std::string> queries;
  const std::string open = "```sql\n";
  for (auto start = doc.find(open); start != std::string::npos; start = doc.find(open, start)) {
    start += open.size();
    const auto end = doc.find("```", start);
    if (end == std::string::npos) break;
    queries.push_back(doc.substr(start, end - start));
    start = end + 3;
  }
  return queries;
}

// A week of plausible traffic written through the same sink onlookerd uses.
void generate(const std::string& path) {
  SqliteHistory history(path);
  std::mt19937 random(7);
  const std::int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                               std::chrono::system_clock::now().time_since_epoch())
                               .count();
  const char* pages[] = {"/", "/pricing.html", "/blog/a.html", "/about.html"};
  const char* countries[] = {"GB", "DE", "US", "JP"};
  const char* devices[] = {"desktop", "mobile", "tablet", "bot"};
  std::vector<Hit> hits;
  std::vector<Visit> visits;
  for (int i = 0; i < 5000; ++i) {
    Hit hit;
    hit.ts_ms = now - static_cast<std::int64_t>(random() % (7 * 86'400'000ULL));
    hit.visitor.fill(static_cast<std::uint8_t>(random() % 200));
    hit.kind = i % 5 == 0 ? HitKind::beat : HitKind::view;
    hit.host = "example.com";
    hit.path = pages[random() % 4];
    hit.referrer = i % 3 == 0 ? "www.google.com/" : "example.com/";
    hit.status = 200;
    hit.country_code = countries[random() % 4];
    hit.device = devices[random() % 4];
    hit.browser = "Chrome";
    hit.os = "Windows";
    hit.request_ms = static_cast<std::uint32_t>(random() % 50);
    hits.push_back(hit);
    if (i % 10 == 0) {
      visits.push_back({to_hex(hit.visitor), hit.host, hit.ts_ms, hit.ts_ms + 60'000, 3, "/",
                        hit.path, hit.country_code, hit.device});
    }
  }
  history.commit({hits, visits, {1, hits.size()}});
}

TEST(SqlCookbook, EveryDocumentedQueryRunsAndReturnsRows) {
  const auto queries = cookbook_queries();
  ASSERT_GE(queries.size(), 8u) << "docs/SQL.md lost its queries?";
  test::TempDir dir;
  generate(dir.file("history.db"));
  sqlite::Database db(dir.file("history.db"), SQLITE_OPEN_READONLY);
  for (const auto& sql : queries) {
    sqlite::Statement statement(db, sql);
    EXPECT_TRUE(statement.step()) << "no rows from:\n" << sql;
  }
}

}  // namespace
}  // namespace onlooker
