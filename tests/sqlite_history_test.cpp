#include <gtest/gtest.h>

#include <set>

#include "sqlite_history.h"
#include "support/temp_dir.h"

namespace onlooker {
namespace {

using test::TempDir;

TEST(SqliteHistory, SchemaHasTheContractColumns) {
  TempDir dir;
  SqliteHistory history(dir.file("db"));
  sqlite::Database db(dir.file("db"), SQLITE_OPEN_READONLY);
  sqlite::Statement columns(db, "SELECT name FROM pragma_table_info('hits')");
  std::set<std::string> names;
  while (columns.step()) names.insert(columns.column_text(0));
  for (const char* name : {"ts", "visitor", "kind", "host", "path", "referrer", "status", "country",
                           "city", "device", "browser", "os", "bytes", "request_ms"}) {
    EXPECT_TRUE(names.count(name)) << name;
  }
  EXPECT_EQ(db.query_int("PRAGMA user_version"), SqliteHistory::schema_version);
  sqlite::Statement mode(db, "PRAGMA journal_mode");
  ASSERT_TRUE(mode.step());
  EXPECT_EQ(mode.column_text(0), "wal");
}

TEST(SqliteHistory, CommitStoresRowsAndPositionTogether) {
  TempDir dir;
  SqliteHistory history(dir.file("db"));
  EXPECT_FALSE(history.committed_position().has_value());
  Hit hit;
  hit.ts_ms = 1700000000123;
  hit.visitor.fill(0xAB);
  hit.kind = HitKind::view;
  hit.host = "example.com";
  hit.path = "/p";
  hit.status = 200;
  const std::uint64_t big_generation = 0xF000000000000001ULL;  // above INT64_MAX
  const std::vector<Hit> hits{hit, hit};
  history.commit({hits, {}, {big_generation, 2}});
  EXPECT_EQ(history.committed_position(), (RingPosition{big_generation, 2}));

  sqlite::Database db(dir.file("db"), SQLITE_OPEN_READONLY);
  sqlite::Statement row(db, "SELECT ts, visitor, kind, host, path, status, referrer FROM hits");
  ASSERT_TRUE(row.step());
  EXPECT_EQ(row.column_int(0), 1700000000123);
  EXPECT_EQ(row.column_text(1), "abababababababababababababababab");
  EXPECT_EQ(row.column_text(2), "view");
  EXPECT_EQ(row.column_text(3), "example.com");
  EXPECT_EQ(row.column_text(4), "/p");
  EXPECT_EQ(row.column_int(5), 200);
  EXPECT_TRUE(row.column_is_null(6));
}

TEST(SqliteHistory, ReopeningKeepsRowsAndPosition) {
  TempDir dir;
  {
    SqliteHistory history(dir.file("db"));
    const std::vector<Hit> hits(3);
    history.commit({hits, {}, {5, 3}});
  }
  SqliteHistory again(dir.file("db"));
  EXPECT_EQ(again.committed_position(), (RingPosition{5, 3}));
  sqlite::Database db(dir.file("db"), SQLITE_OPEN_READONLY);
  EXPECT_EQ(db.query_int("SELECT count(*) FROM hits"), 3);
}

TEST(SqliteHistory, NewerSchemaIsRefused) {
  TempDir dir;
  {
    sqlite::Database db(dir.file("db"));
    db.exec("PRAGMA user_version = 99");
  }
  EXPECT_THROW(SqliteHistory history(dir.file("db")), sqlite::SqliteError);
}

}  // namespace
}  // namespace onlooker
