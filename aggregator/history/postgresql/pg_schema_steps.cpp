#include "pg_schema_steps.h"

#include <string>

#include "pg_visitor_keys.h"

namespace onlooker::pg {

void step_compact_visitor_keys(Connection& connection) {
  if (connection.query_int("SELECT count(*) FROM pg_tables WHERE schemaname = current_schema() "
                           "AND tablename = 'rollup_visitors'") == 0) {
    return;
  }
  // Version 1 had a row per hour (bit h of its day) and one per day (bit
  // 24, past the hours: a day's row may outlive its hours' under retention).
  const std::string days = R"sql(
    SELECT start - (start % 86400000 + 86400000) % 86400000 AS day,
           (CASE dimension WHEN 'all' THEN 0 WHEN 'path' THEN 1 ELSE 2 END)::smallint AS dimension,
           )sql" + std::string(value_key_sql) + R"sql( AS value_key, visitor::uuid AS visitor, host,
           bit_or(CASE span WHEN 'hour' THEN 1 << ((start % 86400000 + 86400000) % 86400000 / 3600000)::integer
                            ELSE 1 << 24 END) AS hours
      FROM rollup_visitors GROUP BY 1, 2, 3, 4, 5)sql";
  const auto old_days = connection.query_int("SELECT count(*) FROM (SELECT DISTINCT start - "
      "(start % 86400000 + 86400000) % 86400000, dimension, host, value, visitor "
      "FROM rollup_visitors) AS old_days");
  // The keys are unique as the old rows were, unless two values' keys
  // collide: ON CONFLICT lets the count below say so instead of an error.
  const auto result = connection.query(
      "INSERT INTO rollup_visitor_days (day, dimension, value_key, visitor, hours, added, host) "
      "SELECT day, dimension, value_key, visitor, hours, hours, host FROM (" + days +
      ") AS days ORDER BY 1, 2, 3, 4 ON CONFLICT DO NOTHING");
  const auto carried = std::stoll(PQcmdTuples(result.get()));
  if (carried != old_days) {
    throw PgError("schema step 3: " + std::to_string(carried) + " of " +
                  std::to_string(old_days) + " visitor days carried over; nothing changed");
  }
  connection.exec("DROP TABLE rollup_visitors");
}

}  // namespace onlooker::pg
