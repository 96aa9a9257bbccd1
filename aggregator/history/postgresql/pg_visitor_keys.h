// The compact key of a PostgreSQL rollup visitor row (schema version 3):
// (start, row_kind, value_key, visitor) in rollup_visitor_keys, instead of
// version 1's six text columns. It is what keeps unique visitors exact
// across nodes (pg_sql.h), and the insert that the rollup writer spends most
// of its time in: a bigint, a smallint and two uuids compare as bytes, while
// text compares under the database's collation and is twice as wide.
//
//   row_kind   span * 3 + dimension: 0-2 hour all/path/country, 3-5 day.
//   value_key  the first 16 bytes of SHA-256(host, a 0 byte, value), over the
//              text as stored (pg::valid_utf8; a stored text holds no NUL, so
//              the split is unambiguous). A 128-bit hash: two values of one
//              bucket share a key with a chance of about n^2 / 2^129 (10^-21
//              at 10^9 values), next to which the 128-bit visitor id itself
//              colliding is as likely. SQL computes the same key
//              (value_key_sql), for the upgrade from version 1.
//   visitor    the 16-byte visitor id, as a uuid.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

#include "calendar.h"
#include "hit.h"

namespace onlooker::pg {

using ValueKey = std::array<std::uint8_t, 16>;

constexpr int row_kind(RollupSpan span, RollupDimension dimension) {
  return static_cast<int>(span) * 3 + static_cast<int>(dimension);
}
static_assert(row_kind(RollupSpan::hour, RollupDimension::all) == 0);
static_assert(row_kind(RollupSpan::day, RollupDimension::country) == 5);

// `host` and `value` as nginx gave them: sanitised here as COPY stores them.
ValueKey value_key(std::string_view host, std::string_view value);

// The same key in SQL over stored `host` and `value` columns, as a uuid.
inline constexpr std::string_view value_key_sql =
    "encode(substr(sha256(convert_to(host, 'UTF8') || '\\x00'::bytea || "
    "convert_to(value, 'UTF8')), 1, 16), 'hex')::uuid";

// row_kind in SQL over version 1's `span` and `dimension` text columns.
inline constexpr std::string_view row_kind_sql =
    "(CASE span WHEN 'hour' THEN 0 ELSE 3 END + "
    "CASE dimension WHEN 'all' THEN 0 WHEN 'path' THEN 1 ELSE 2 END)::smallint";

}  // namespace onlooker::pg
