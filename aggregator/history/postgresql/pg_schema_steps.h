// The steps that bring an older PostgreSQL history to this schema version
// (pg_sql::schema_version), each self-contained: migrate_pg_schema runs every
// step above the database's version, in order, in its one transaction, after
// pg_sql::schema has created what is missing.
#pragma once

#include "pg_connection.h"

namespace onlooker::pg {

// Step 3: version 1's rollup_visitors rows, a row per visitor and day with
// their hours, under the compact key of rollup_visitor_days
// (pg_visitor_keys.h); then rollup_visitors goes. Throws (the transaction
// rolls back) unless every visitor day was carried over.
void step_compact_visitor_keys(Connection& connection);

}  // namespace onlooker::pg
