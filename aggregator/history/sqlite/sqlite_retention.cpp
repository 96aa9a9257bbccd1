#include "sqlite_retention.h"

namespace onlooker {

std::size_t delete_rows_before(SqliteStatements& statements, std::int64_t cutoff_ms,
                               std::size_t limit) {
  std::size_t deleted = 0;
  for (sqlite::Statement* statement :
       {&statements.delete_hits, &statements.delete_visits, &statements.delete_rollups,
        &statements.delete_visit_rollups}) {
    statement->bind(1, cutoff_ms);
    statement->bind(2, static_cast<std::int64_t>(limit));
    statement->exec();
    deleted += static_cast<std::size_t>(statements.db.changes());
  }
  return deleted;
}

}  // namespace onlooker
