// The rollup visitor days a node leaves out of its batches because its own
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
#include "support/shared_postgres.h"

namespace onlooker {
namespace {

pg::VisitorDay key(std::int64_t day_ms, std::uint8_t visitor) {
  pg::VisitorDay key{day_ms, static_cast<std::uint8_t>(RollupDimension::path),
                     pg::value_key("www.example.com", "/"), {}};
  key.visitor[0] = visitor;
  return key;
}

using Sent = std::vector<std::pair<pg::VisitorDay, std::uint32_t>>;

TEST(KnownVisitorKeys, HoldsTheHoursOfRecentDaysOnly) {
  pg::KnownVisitorKeys known;
  const std::int64_t day = 20'000 * day_ms;
  known.remember(Sent{{key(day, 1), 0b1}});
  EXPECT_EQ(known.hours(key(day, 1)), 0b1u);
  EXPECT_EQ(known.hours(key(day, 2)), 0u);            // another visitor
  EXPECT_EQ(known.hours(key(day + day_ms, 1)), 0u);   // another day
  known.remember(Sent{{key(day, 1), 0b100}, {key(day + day_ms, 3), 0b10}});
  EXPECT_EQ(known.hours(key(day, 1)), 0b101u);  // hours add up
  EXPECT_EQ(known.hours(key(day + day_ms, 3)), 0b10u);
  // Two days after the first, the first is forgotten.
  known.remember(Sent{{key(day + 2 * day_ms, 4), 0b1}});
  EXPECT_EQ(known.hours(key(day, 1)), 0u);
  EXPECT_EQ(known.hours(key(day + day_ms, 3)), 0b10u);
  EXPECT_EQ(known.size(), 2u);
}

TEST(KnownVisitorKeys, PastItsCapacityItForgetsEverything) {
  pg::KnownVisitorKeys known(3);
  known.remember(Sent{{key(0, 1), 1}, {key(0, 2), 1}});
  known.remember(Sent{{key(0, 3), 1}, {key(0, 4), 1}});
  EXPECT_EQ(known.hours(key(0, 1)), 0u);
  EXPECT_EQ(known.hours(key(0, 4)), 1u);
  EXPECT_EQ(known.size(), 2u);
}

std::string fresh_database() { return test::fresh_postgres_database("known"); }

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
  EXPECT_EQ(db.query_int("SELECT count(*) FROM rollup_visitor_days"), 0);
  db.exec("DELETE FROM fail");
  history.commit({.hits = hits, .after = {1, 1}});
  EXPECT_GT(db.query_int("SELECT count(*) FROM rollup_visitor_days"), 50);
  EXPECT_EQ(db.query_int(test::rollups_that_differ_from_the_hits), 0);
}

TEST(PgKnownKeys, AfterAReconnectTheTableDecidesAgain) {
  const std::string uri = fresh_database();
  PgHistory history(uri, "node-a");
  std::mt19937 random(3);
  const std::vector<Hit> hits = test::random_hits(random, 200, 1, 20);
  history.commit({.hits = hits, .after = {1, 1}});
  // The server loses what the node had committed (a standby promoted
  // without its last commits, say) and the node's connection goes.
  pg::Connection db(uri);
  db.exec("TRUNCATE hits, rollups, rollup_visitor_days");
  db.exec("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
          "WHERE datname = current_database() AND pid <> pg_backend_pid()");
  EXPECT_THROW(history.commit({.hits = hits, .after = {1, 2}}), pg::PgError);
  history.commit({.hits = hits, .after = {1, 2}});
  EXPECT_EQ(db.query_int(test::rollups_that_differ_from_the_hits), 0);
  EXPECT_GT(db.query_int("SELECT sum(visitors) FROM rollups"), 100);
}

}  // namespace
}  // namespace onlooker
