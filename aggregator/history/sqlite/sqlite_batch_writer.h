// The SQLite history's rows: a batch's hits and visits, many rows per
// INSERT, and the ring position they cover. Runs inside the writer's
// transaction (sqlite_history.cpp); counting them in the rollups is the
// rollup counter's job.
#pragma once

#include <span>

#include "history_sink.h"
#include "sqlite_statements.h"

namespace onlooker {

void insert_hits(SqliteStatements& statements, std::span<const Hit> hits);
void insert_visits(SqliteStatements& statements, std::span<const Visit> visits);
void save_ring_position(SqliteStatements& statements, RingPosition position);

}  // namespace onlooker
