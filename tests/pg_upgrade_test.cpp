// PostgreSQL schema version 3 (the compact rollup visitor key) on a real
// server: a version 1 database, made with version 1's own SQL
// (support/pg_schema_v1.h), is upgraded with every rollup visitor carried
// over, so that the people it had counted are not counted again; and the
// key C++ computes for new rows is the key SQL computed for the old ones.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "pg_connection.h"
#include "pg_history.h"
#include "pg_sql.h"
#include "pg_visitor_keys.h"
#include "support/pg_rollup_check.h"
#include "support/pg_schema_v1.h"
#include "support/shared_postgres.h"

namespace onlooker {
namespace {

using test::countries;
using test::hosts;
using test::paths;
using test::random_hits;
using test::rollups_that_differ_from_the_hits;

std::string fresh_database() { return test::fresh_postgres_database("upgrade"); }

// Stores `hits` as a version 1 onlookerd did: COPY into its batch table,
// then its store statement.
void store_as_version_1(pg::Connection& db, const std::vector<Hit>& hits) {
  std::string data;
  for (const Hit& hit : hits) {
    data += std::to_string(hit.ts_ms);
    pg::append_copy_field(data, to_hex(hit.visitor), false);
    pg::append_copy_field(data, std::string(to_string(hit.kind)), false);
    pg::append_copy_field(data, hit.host, false);
    pg::append_copy_field(data, hit.path, false);
    pg::append_copy_field(data, std::to_string(hit.status), false);
    pg::append_copy_field(data, hit.country_code, true);
    pg::append_copy_field(data, hit.device, true);
    pg::append_copy_field(data, "old-node", false);
    data += '\n';
  }
  pg::Transaction transaction(db);
  db.copy_in("COPY batch_hits (ts, visitor, kind, host, path, status, country, device, node) "
             "FROM STDIN",
             data);
  db.exec(std::string(test::pg_v1::store_batch));
  transaction.commit();
}

// Makes the empty database behind `db` a version 1 one.
void make_version_1(pg::Connection& db) {
  db.exec(std::string(test::pg_v1::schema));
  db.exec("INSERT INTO schema_version VALUES (1)");
  db.exec(std::string(test::pg_v1::batch_tables));
}

TEST(PgUpgrade, AVersionOneDatabaseKeepsEveryRollupVisitorAndCountsNoOneTwice) {
  const std::string uri = fresh_database();
  std::mt19937 random(17);
  const std::vector<Hit> before = random_hits(random, 600, 1, 40);
  std::int64_t old_rows = 0;  // visitor days
  {
    pg::Connection db(uri);
    make_version_1(db);
    store_as_version_1(db, before);
    ASSERT_GT(db.query_int("SELECT count(*) FROM rollup_visitors"), 400);
    old_rows = db.query_int("SELECT count(*) FROM (SELECT DISTINCT start - start % 86400000, "
                            "dimension, host, value, visitor FROM rollup_visitors) AS days");
    ASSERT_EQ(db.query_int(rollups_that_differ_from_the_hits), 0);
  }

  PgHistory history(uri, "new-node");
  EXPECT_FALSE(history.committed_position());  // connects and upgrades
  pg::Connection db(uri);
  EXPECT_EQ(db.query_int("SELECT max(version) FROM schema_version"), pg_sql::schema_version);
  EXPECT_EQ(db.query_int("SELECT count(*) FROM schema_version"), 1);
  EXPECT_EQ(db.query_int("SELECT count(*) FROM pg_tables WHERE tablename = 'rollup_visitors'"), 0);
  EXPECT_EQ(db.query_int("SELECT count(*) FROM rollup_visitor_days"), old_rows);

  // The same people again, on the same pages (a visitor counted before the
  // upgrade must not count again), and people new to some rows.
  std::vector<Hit> after = before;
  const std::vector<Hit> more = random_hits(random, 600, 21, 40);
  after.insert(after.end(), more.begin(), more.end());
  history.commit({.hits = after, .after = {1, after.size()}});
  EXPECT_GT(db.query_int("SELECT count(*) FROM rollup_visitor_days"), old_rows);
  EXPECT_EQ(db.query_int(rollups_that_differ_from_the_hits), 0);

  // Opening it again changes nothing.
  PgHistory reopened(uri, "new-node");
  EXPECT_EQ(reopened.committed_position(), (RingPosition{1, after.size()}));
  EXPECT_EQ(db.query_int("SELECT max(version) FROM schema_version"), pg_sql::schema_version);
}

TEST(PgUpgrade, AFreshDatabaseStartsAtTheCurrentVersionWithTheCompactTable) {
  const std::string uri = fresh_database();
  PgHistory history(uri, "node-a");
  history.committed_position();
  pg::Connection db(uri);
  EXPECT_EQ(db.query_int("SELECT max(version) FROM schema_version"), pg_sql::schema_version);
  EXPECT_EQ(db.query_int("SELECT count(*) FROM pg_tables WHERE tablename = 'rollup_visitors'"), 0);
  EXPECT_EQ(db.query_int("SELECT count(*) FROM pg_tables WHERE tablename = 'rollup_visitor_days'"), 1);
}

TEST(PgVisitorKeys, SqlComputesTheKeyCppComputesOverTheTextStored) {
  pg::Connection db(fresh_database());
  db.exec("CREATE TEMP TABLE pairs (host text, value text)");
  std::vector<std::pair<std::string, std::string>> pairs;
  for (const auto& host : hosts) {
    for (const auto& path : paths) pairs.emplace_back(host, path);
    for (const auto& country : countries) pairs.emplace_back(host, country);
  }
  pairs.emplace_back("", "");
  pairs.emplace_back(std::string("nul\0host", 8), "\xC3");  // NUL and a cut sequence
  std::string data;
  for (const auto& [host, value] : pairs) {
    pg::append_copy_field(data, host, false, true);
    pg::append_copy_field(data, value, false);
    data += '\n';
  }
  db.copy_in("COPY pairs FROM STDIN", data);
  const auto result =
      db.query("SELECT " + std::string(pg::value_key_sql) + "::text FROM pairs ORDER BY ctid");
  ASSERT_EQ(PQntuples(result.get()), static_cast<int>(pairs.size()));
  for (std::size_t i = 0; i < pairs.size(); ++i) {
    std::string expected = to_hex(pg::value_key(pairs[i].first, pairs[i].second));
    for (const std::size_t at : {8, 13, 18, 23}) expected.insert(at, "-");
    EXPECT_EQ(PQgetvalue(result.get(), static_cast<int>(i), 0), expected) << i;
  }
  // Keys tell the host from the value: ("ab", "c") is not ("a", "bc").
  EXPECT_NE(pg::value_key("ab", "c"), pg::value_key("a", "bc"));
}

}  // namespace
}  // namespace onlooker
