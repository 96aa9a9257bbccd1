// The rollup part of one PostgreSQL commit, worked out here from the batch's
// hits rather than in SQL: each rollup row the batch's people's views count
// under, with its views, and for rollup_visitor_days each distinct (day row,
// visitor) with the hours of the day the batch saw them in. The server then
// only upserts those (what they add is the rows' new visitors, pg_sql.h)
// and adds to the rollups; expanding, grouping and de-duplicating the views
// server-side cost it more than the inserts themselves, and the server is
// the one every node shares.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "hit.h"
#include "pg_known_visitor_keys.h"

namespace onlooker::pg {

struct RollupCopyData {
  std::string rollup_rows;   // COPY text of batch_rollup_rows (pg_sql.h)
  std::string visitor_days;  // COPY text of batch_visitor_days
  // What visitor_days holds, to remember after the commit.
  std::vector<std::pair<VisitorDay, std::uint32_t>> sent;
};

// Leaves out the visitor days whose hours `known` holds.
RollupCopyData rollup_copy_data(std::span<const Hit> hits, const KnownVisitorKeys& known);

}  // namespace onlooker::pg
