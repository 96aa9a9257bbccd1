// What counts as a person's page view in history reports and rollups: a
// page view whose device is not a bot. Said once in C++ (for hits in
// memory) and once in SQL (for hits stored), side by side so they cannot
// drift apart. The SQL is plain enough for every backend (SQLite,
// PostgreSQL).
#pragma once

#include <string_view>

#include "hit.h"

namespace onlooker {

inline bool is_person_view(const Hit& hit) { return hit.kind == HitKind::view && !hit.is_bot(); }

// A WHERE condition over `hits` that holds for the same rows.
inline constexpr std::string_view person_view_sql =
    "kind = 'view' AND coalesce(device, '') <> 'bot'";

}  // namespace onlooker
