// The SQLite history's journeys for a range (journey_plan.h): reads the
// planned parts of journey_rollups on the primary key's order and sums the
// (from, to) pairs in C++ (a hash map over the column bytes: about twice
// as fast as SQLite's GROUP BY, which sorts). docs/BENCHMARKS.md, "History
// queries on 10M hits".
#pragma once

#include <vector>

#include "history_reader.h"
#include "journey_report.h"
#include "sqlite_db.h"

namespace onlooker {

std::vector<JourneySum> read_sqlite_journeys(sqlite::Database& db, const HistoryRequest& request);

}  // namespace onlooker
