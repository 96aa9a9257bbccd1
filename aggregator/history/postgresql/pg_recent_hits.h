// What PostgreSQL history holds of this node's last active window, read back
// at start so that the live set and the open visits survive a restart of
// onlookerd (the SQLite twin is history/sqlite/recent_hits.h).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "hit.h"

namespace onlooker {

// The hits `node` stored at or after `since_ms`, oldest first. Only this
// node's: the other nodes' come back through the cluster stream, and their
// visits are theirs to write. A database without the tables reads as none.
std::vector<Hit> read_recent_pg_hits(const std::string& conninfo, const std::string& node,
                                     std::int64_t since_ms);

}  // namespace onlooker
