#include "pg_schema_steps.h"

#include <string>

#include "pg_visitor_keys.h"

namespace onlooker::pg {

void step_compact_visitor_keys(Connection& connection) {
  if (connection.query_int("SELECT count(*) FROM pg_tables WHERE schemaname = current_schema() "
                           "AND tablename = 'rollup_visitors'") == 0) {
    return;
  }
  const auto old_rows = connection.query_int("SELECT count(*) FROM rollup_visitors");
  // The keys are unique as the old rows were, unless two values' keys
  // collide: ON CONFLICT lets the count below say so instead of an error.
  const auto result = connection.query(
      "INSERT INTO rollup_visitor_keys (start, row_kind, value_key, visitor, host) "
      "SELECT start, " + std::string(row_kind_sql) + ", " + std::string(value_key_sql) +
      ", visitor::uuid, host FROM rollup_visitors ORDER BY 1, 2, 3, 4 ON CONFLICT DO NOTHING");
  const auto carried = std::stoll(PQcmdTuples(result.get()));
  if (carried != old_rows) {
    throw PgError("schema step 3: " + std::to_string(carried) + " of " +
                  std::to_string(old_rows) + " rollup_visitors rows carried over; nothing changed");
  }
  connection.exec("DROP TABLE rollup_visitors");
}

}  // namespace onlooker::pg
