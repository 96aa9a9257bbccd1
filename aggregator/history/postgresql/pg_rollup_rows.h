// The rollup part of one PostgreSQL commit, worked out here from the batch's
// hits rather than in SQL: each rollup row the batch's people's views count
// under, with its views, and each distinct (row, visitor) for
// rollup_visitor_keys. The server then only inserts the visitor keys
// (those that go in are the row's new visitors) and adds to the rollups;
// expanding, grouping and de-duplicating the views server-side cost it more
// than the inserts themselves, and the server is the one shared by every node.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "hit.h"
#include "pg_known_visitor_keys.h"

namespace onlooker::pg {

struct RollupCopyData {
  std::string rollup_rows;   // COPY text of batch_rollup_rows (pg_sql.h)
  std::string visitor_keys;  // COPY text of batch_visitor_keys
  std::vector<VisitorKey> sent;  // the keys in visitor_keys, to remember after the commit
};

// Leaves out the visitor keys `known` holds.
RollupCopyData rollup_copy_data(std::span<const Hit> hits, const KnownVisitorKeys& known);

}  // namespace onlooker::pg
