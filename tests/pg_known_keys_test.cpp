// The rollup visitor keys a node leaves out of its batches because its own
// commits already put them in (pg_known_visitor_keys.h): the set itself, and
// on a real PostgreSQL that rollups stay exact with it, across batches, two
// nodes and a commit that fails.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "pg_connection.h"
#include "pg_history.h"
#include "pg_known_visitor_keys.h"
#include "support/pg_rollup_check.h"
#include "support/postgres_server.h"

namespace onlooker {
namespace {

pg::VisitorKey key(std::int64_t start_ms, RollupSpan span, std::uint8_t visitor) {
  pg::VisitorKey key{start_ms, static_cast<std::uint8_t>(pg::row_kind(span, RollupDimension::path)),
                     pg::value_key("www.example.com", "/"), {}};
  key.visitor[0] = visitor;
  return key;
}

TEST(KnownVisitorKeys, HoldsTheKeysOfRecentBucketsOnly) {
  pg::KnownVisitorKeys known;
  const std::int64_t hour = 500 * hour_ms;
  const std::vector<pg::VisitorKey> first = {key(hour, RollupSpan::hour, 1),
                                             key(hour, RollupSpan::day, 1)};
  known.remember(first);
  EXPECT_TRUE(known.contains(key(hour, RollupSpan::hour, 1)));
  EXPECT_TRUE(known.contains(key(hour, RollupSpan::day, 1)));
  EXPECT_FALSE(known.contains(key(hour, RollupSpan::hour, 2)));  // another visitor
  EXPECT_FALSE(known.contains(key(hour + hour_ms, RollupSpan::hour, 1)));  // another bucket
  // Two hours later the first hour is still kept; three hours later it is not.
  const std::vector<pg::VisitorKey> later = {key(hour + 2 * hour_ms, RollupSpan::hour, 3)};
  known.remember(later);
  EXPECT_TRUE(known.contains(key(hour, RollupSpan::hour, 1)));
  const std::vector<pg::VisitorKey> much_later = {key(hour + 3 * hour_ms, RollupSpan::hour, 3)};
  known.remember(much_later);
  EXPECT_FALSE(known.contains(key(hour, RollupSpan::hour, 1)));
  EXPECT_TRUE(known.contains(key(hour, RollupSpan::day, 1)));  // days go by days
  const std::vector<pg::VisitorKey> next_days = {key(hour + 2 * day_ms, RollupSpan::day, 4)};
  known.remember(next_days);
  EXPECT_FALSE(known.contains(key(hour, RollupSpan::day, 1)));
  EXPECT_EQ(known.size(), 3u);  // visitor 3's two hours, visitor 4's day
}

TEST(KnownVisitorKeys, PastItsCapacityItForgetsEverything) {
  pg::KnownVisitorKeys known(3);
  const std::vector<pg::VisitorKey> two = {key(0, RollupSpan::hour, 1), key(0, RollupSpan::hour, 2)};
  known.remember(two);
  const std::vector<pg::VisitorKey> two_more = {key(0, RollupSpan::hour, 3),
                                                key(0, RollupSpan::hour, 4)};
  known.remember(two_more);
  EXPECT_FALSE(known.contains(key(0, RollupSpan::hour, 1)));
  EXPECT_TRUE(known.contains(key(0, RollupSpan::hour, 4)));
  EXPECT_EQ(known.size(), 2u);
}

test::PostgresServer& server() {
  static test::PostgresServer instance;
  return instance;
}

std::string fresh_database() {
  static int next = 0;
  return server().create_database("known_" + std::to_string(++next));
}

TEST(PgKnownKeys, RollupsStayExactOverManyBatchesOfTheSamePeopleOnTwoNodes) {
  const std::string uri = fresh_database();
  PgHistory node_a(uri, "node-a");
  PgHistory node_b(uri, "node-b");
  std::mt19937 random(5);
  for (std::uint64_t batch = 1; batch <= 24; ++batch) {
    const std::vector<Hit> hits = test::random_hits(random, 150, 1, 30);
    (batch % 3 == 0 ? node_b : node_a).commit({.hits = hits, .after = {1, batch}});
  }
  pg::Connection db(uri);
  EXPECT_EQ(db.query_int(test::rollups_that_differ_from_the_hits), 0);
  EXPECT_GT(db.query_int("SELECT count(*) FROM rollups WHERE visitors > 1"), 20);
}

TEST(PgKnownKeys, AFailedCommitRemembersNoKeySoItsRetryCountsTheVisitors) {
  const std::string uri = fresh_database();
  PgHistory history(uri, "node-a");
  history.committed_position();
  pg::Connection db(uri);
  // Fails the commit after the visitor keys went in, while a row of `fail` is there.
  db.exec(R"sql(
    CREATE TABLE fail (x int);
    INSERT INTO fail VALUES (1);
    CREATE FUNCTION fail_while_asked() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF EXISTS (SELECT FROM fail) THEN RAISE EXCEPTION 'asked to fail'; END IF; RETURN NEW; END $$;
    CREATE TRIGGER fail_position BEFORE INSERT OR UPDATE ON ring_positions
      FOR EACH ROW EXECUTE FUNCTION fail_while_asked();
  )sql");
  std::mt19937 random(9);
  const std::vector<Hit> hits = test::random_hits(random, 200, 1, 20);
  EXPECT_THROW(history.commit({.hits = hits, .after = {1, 1}}), pg::PgError);
  EXPECT_EQ(db.query_int("SELECT count(*) FROM rollup_visitor_keys"), 0);
  db.exec("DELETE FROM fail");
  history.commit({.hits = hits, .after = {1, 1}});
  EXPECT_GT(db.query_int("SELECT count(*) FROM rollup_visitor_keys"), 50);
  EXPECT_EQ(db.query_int(test::rollups_that_differ_from_the_hits), 0);
}

}  // namespace
}  // namespace onlooker
