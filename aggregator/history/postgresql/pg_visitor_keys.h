// The compact key of a PostgreSQL rollup visitor row (schema version 3):
// (day, dimension, value_key, visitor) in rollup_visitor_days, instead of
// version 1's six text columns in rollup_visitors, and one row a day with
// the hours as bits instead of a row per hour and one per day. It is what
// keeps unique visitors exact across nodes (pg_sql.h), and the upsert that
// the rollup writer spends most of its time in: a bigint, a smallint and two
// uuids compare as bytes, while text compares under the database's collation
// and is twice as wide; and each row costs the server an index entry.
//
//   value_key  the first 16 bytes of SHA-256(host, a 0 byte, value), over the
//              text as stored (pg::valid_utf8; a stored text holds no NUL, so
//              the split is unambiguous). A 128-bit hash: two values of one
//              day share a key with a chance of about n^2 / 2^129 (10^-21 at
//              10^9 values), as likely as two 128-bit visitor ids colliding.
//              SQL computes the same key (value_key_sql), for the upgrade
//              from version 1.
//   visitor    the 16-byte visitor id, as a uuid.
//
// batch_rollup_rows (pg_rollup_rows.h) names a rollup row by (start,
// row_kind, value_key), row_kind = span * 5 + dimension: 0-4 hour
// all/path/country/source/campaign, 5-9 day (store_batch in pg_sql.h has
// the 5 too).
#pragma once

#include <array>
#include <cstdint>
#include <iterator>
#include <string_view>

#include "calendar.h"
#include "hit.h"

namespace onlooker::pg {

using ValueKey = std::array<std::uint8_t, 16>;

constexpr int row_kind(RollupSpan span, RollupDimension dimension) {
  return static_cast<int>(span) * 5 + static_cast<int>(dimension);
}
static_assert(std::size(rollup_dimensions) == 5, "row_kind's 5, here and in pg_sql.h");
static_assert(row_kind(RollupSpan::hour, RollupDimension::all) == 0);
static_assert(row_kind(RollupSpan::day, RollupDimension::campaign) == 9);

// `host` and `value` as nginx gave them: sanitised here as COPY stores them.
ValueKey value_key(std::string_view host, std::string_view value);

// The same key in SQL over stored `host` and `value` columns, as a uuid.
inline constexpr std::string_view value_key_sql =
    "encode(substr(sha256(convert_to(host, 'UTF8') || '\\x00'::bytea || "
    "convert_to(value, 'UTF8')), 1, 16), 'hex')::uuid";

}  // namespace onlooker::pg
