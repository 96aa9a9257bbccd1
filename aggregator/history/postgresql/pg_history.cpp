#include "pg_history.h"

#include "pg_sql.h"

namespace onlooker {

void migrate_pg_schema(pg::Connection& connection) {
  pg::Transaction transaction(connection);
  // Serialises nodes that start at the same moment.
  connection.exec("SELECT pg_advisory_xact_lock(7100117)");
  connection.exec(std::string(pg_sql::schema));
  const auto version = connection.query_int("SELECT coalesce(max(version), 0) FROM schema_version");
  if (version > pg_sql::schema_version) {
    throw pg::PgError("database schema version " + std::to_string(version) +
                      " is newer than this onlookerd (" +
                      std::to_string(pg_sql::schema_version) + ")");
  }
  if (version == 0) {
    connection.exec("INSERT INTO schema_version VALUES (" +
                    std::to_string(pg_sql::schema_version) + ")");
  }
  transaction.commit();
}

PgHistory::PgHistory(std::string conninfo, std::string node)
    : conninfo_(std::move(conninfo)), node_(std::move(node)) {}

pg::Connection& PgHistory::connection() {
  if (!connection_) {
    auto fresh = std::make_unique<pg::Connection>(conninfo_);
    migrate_pg_schema(*fresh);
    fresh->exec(std::string(pg_sql::batch_tables));
    connection_ = std::move(fresh);
  }
  return *connection_;
}

template <class Work>
auto PgHistory::with_connection(Work work) {
  try {
    return work(connection());
  } catch (const pg::PgError&) {
    connection_.reset();
    throw;
  }
}

std::optional<RingPosition> PgHistory::committed_position() {
  if (position_) return *position_;
  position_ = with_connection([&](pg::Connection& db) -> std::optional<RingPosition> {
    const auto result = db.query(std::string(pg_sql::load_position), {node_});
    if (PQntuples(result.get()) == 0) return std::nullopt;
    // generation is stored bit for bit in a signed bigint.
    return RingPosition{
        static_cast<std::uint64_t>(std::stoll(PQgetvalue(result.get(), 0, 0))),
        static_cast<std::uint64_t>(std::stoll(PQgetvalue(result.get(), 0, 1)))};
  });
  return *position_;
}

namespace {

std::string hits_copy_data(std::span<const Hit> hits, const std::string& node) {
  std::string data;
  data.reserve(hits.size() * 160);
  for (const Hit& hit : hits) {
    const auto hex = to_hex_digits(hit.visitor);
    data += std::to_string(hit.ts_ms);
    pg::append_copy_field(data, std::string(hex.data(), hex.size()), false);
    pg::append_copy_field(data, std::string(to_string(hit.kind)), false);
    pg::append_copy_field(data, hit.host, false);
    pg::append_copy_field(data, hit.path, false);
    pg::append_copy_field(data, hit.referrer, true);
    pg::append_copy_field(data, std::to_string(hit.status), false);
    pg::append_copy_field(data, hit.country_code, true);
    pg::append_copy_field(data, hit.city, true);
    pg::append_copy_field(data, hit.device, true);
    pg::append_copy_field(data, hit.browser, true);
    pg::append_copy_field(data, hit.os, true);
    pg::append_copy_field(data, std::to_string(hit.bytes), false);
    pg::append_copy_field(data, std::to_string(hit.request_ms), false);
    pg::append_copy_field(data, node, false);
    data += '\n';
  }
  return data;
}

std::string visits_copy_data(std::span<const Visit> visits) {
  std::string data;
  for (const Visit& visit : visits) {
    pg::append_copy_field(data, visit.visitor, false, true);
    pg::append_copy_field(data, visit.host, false);
    pg::append_copy_field(data, std::to_string(visit.start_ms), false);
    pg::append_copy_field(data, std::to_string(visit.last_seen_ms), false);
    pg::append_copy_field(data, std::to_string(visit.pages), false);
    pg::append_copy_field(data, visit.entry_page, false);
    pg::append_copy_field(data, visit.exit_page, false);
    pg::append_copy_field(data, visit.country, true);
    pg::append_copy_field(data, visit.device, true);
    data += '\n';
  }
  return data;
}

}  // namespace

void PgHistory::commit(const HistoryBatch& batch) {
  with_connection([&](pg::Connection& db) {
    pg::Transaction transaction(db);
    if (!batch.hits.empty()) {
      db.copy_in(std::string(pg_sql::copy_hits), hits_copy_data(batch.hits, node_));
    }
    if (!batch.visits.empty()) {
      db.copy_in(std::string(pg_sql::copy_visits), visits_copy_data(batch.visits));
    }
    db.exec(std::string(pg_sql::store_batch));
    db.query(std::string(pg_sql::save_position),
             {node_, std::to_string(static_cast<std::int64_t>(batch.after.generation)),
              std::to_string(static_cast<std::int64_t>(batch.after.next_seq))});
    transaction.commit();
  });
  position_ = batch.after;
}

std::size_t PgHistory::delete_before(std::int64_t cutoff_ms, std::size_t limit) {
  return with_connection([&](pg::Connection& db) {
    pg::Transaction transaction(db);
    std::size_t deleted = 0;
    for (const std::string_view statement : pg_sql::delete_statements) {
      const auto result =
          db.query(std::string(statement), {std::to_string(cutoff_ms), std::to_string(limit)});
      deleted += static_cast<std::size_t>(std::stoull(PQcmdTuples(result.get())));
    }
    transaction.commit();
    return deleted;
  });
}

}  // namespace onlooker
