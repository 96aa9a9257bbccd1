// Retention for the SQLite history: deletes hits and visits older than a
// cutoff, and rollup rows whose whole hour or day is older, a bounded
// number per call so that the writer is never held up for long.
#pragma once

#include <cstddef>
#include <cstdint>

#include "history_sink.h"
#include "sqlite_statements.h"

namespace onlooker {

// Within the writer's transaction: deletes at most `limit` rows of each
// table of the sites `hosts` names; returns how many went in all. Every
// site: the prepared statements; a filter: statements made for the call
// (once a minute at most), the patterns as GLOBs.
std::size_t delete_rows_before(SqliteStatements& statements, std::int64_t cutoff_ms,
                               std::size_t limit, const HostFilter& hosts);

}  // namespace onlooker
