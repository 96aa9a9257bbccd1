// What history holds for the last active window, read back at start so
// that the live set and the open visits survive a restart of onlookerd.
// (A read of its own for now; meant to join the history read interface.)
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "hit.h"

namespace onlooker {

// The hits stored at or after `since_ms`, in the order they were stored.
// Addresses, User-Agents and tab ids are not stored: those fields are empty.
// A missing database reads as no hits.
std::vector<Hit> read_recent_hits(const std::string& db_path, std::int64_t since_ms);

}  // namespace onlooker
