#include "pg_history.h"

#include <cstdio>

#include "journey_rollups.h"
#include "journey_sql.h"
#include "page_engagement_rollups.h"
#include "page_engagement_sql.h"
#include "pg_rollup_rows.h"
#include "pg_schema_steps.h"
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
  } else if (version < pg_sql::schema_version) {
    // Each step above the database's version, in order.
    if (version < 2) {  // journeys: built once from the visits stored
      connection.exec("INSERT INTO journey_rollups SELECT 'day', * FROM (" +
                      std::string(journey_from_hits_sql) + ") AS days");
      connection.exec(std::string(pg_sql::journey_months_from_days));
    }
    if (version < 3) pg::step_compact_visitor_keys(connection);  // pg_schema_steps.h
    if (version < pg_sql::page_engagement_version) {  // built once from the visits stored
      connection.exec("INSERT INTO page_engagement_rollups (start, host, path, views, engaged_ms, "
                      "estimated_views) " + std::string(page_engagement_from_hits_sql));
    }
    connection.exec("UPDATE schema_version SET version = " +
                    std::to_string(pg_sql::schema_version));
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
    // A new connection may reach another server (a promoted standby that
    // lacks the last commits): the table decides again.
    known_keys_.forget();
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
    pg::append_copy_field(
        data, carries_visible_time(hit.kind) ? std::to_string(hit.visible_ms) : std::string(), true);
    for (const std::string* text : campaign_source_values(hit.campaign, hit.source_group,
                                                          hit.source_name, hit.referrer_host)) {
      pg::append_copy_field(data, *text, true);
    }
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
    pg::append_copy_field(data, std::to_string(visit.engaged_ms), false);
    pg::append_copy_field(data, visit.engaged_estimated ? "1" : "0", false);
    pg::append_copy_field(data, visit.bounce() ? "1" : "0", false);
    for (const std::string* text : campaign_source_values(visit.campaign, visit.source_group,
                                                          visit.source_name, visit.referrer_host)) {
      pg::append_copy_field(data, *text, true);
    }
    data += '\n';
  }
  return data;
}

std::string journeys_copy_data(std::span<const Visit> visits) {
  std::string data;
  for (const JourneyDelta& delta : journey_deltas(visits)) {
    data += to_string(delta.span);
    pg::append_copy_field(data, std::to_string(delta.start_ms), false);
    pg::append_copy_field(data, std::string(delta.host), false);
    pg::append_copy_field(data, std::string(delta.from_path), false);
    pg::append_copy_field(data, std::string(delta.to_path), false);
    pg::append_copy_field(data, std::to_string(delta.visits), false);
    data += '\n';
  }
  return data;
}

std::string page_engagement_copy_data(std::span<const Visit> visits) {
  std::string data;
  for (const PageEngagementDelta& delta : page_engagement_deltas(visits)) {
    data += std::to_string(delta.start_ms);
    pg::append_copy_field(data, std::string(delta.host), false);
    pg::append_copy_field(data, std::string(delta.path), false);
    pg::append_copy_field(data, std::to_string(delta.views), false);
    pg::append_copy_field(data, std::to_string(delta.engaged_ms), false);
    pg::append_copy_field(data, std::to_string(delta.estimated_views), false);
    data += '\n';
  }
  return data;
}

}  // namespace

void PgHistory::commit(const HistoryBatch& batch) {
  pg::RollupCopyData rollups;
  with_connection([&](pg::Connection& db) {
    pg::Transaction transaction(db);
    if (!batch.hits.empty()) {
      db.copy_in(std::string(pg_sql::copy_hits), hits_copy_data(batch.hits, node_));
    }
    if (!batch.visits.empty()) {
      db.copy_in(std::string(pg_sql::copy_visits), visits_copy_data(batch.visits));
      const std::string journeys = journeys_copy_data(batch.visits);
      if (!journeys.empty()) db.copy_in(std::string(pg_sql::copy_journeys), journeys);
      const std::string pages = page_engagement_copy_data(batch.visits);
      if (!pages.empty()) db.copy_in(std::string(pg_sql::copy_page_engagement), pages);
    }
    rollups = pg::rollup_copy_data(batch.hits, known_keys_);
    if (!rollups.visitor_days.empty()) {
      db.copy_in(std::string(pg_sql::copy_visitor_days), rollups.visitor_days);
    }
    if (!rollups.rollup_rows.empty()) {
      db.copy_in(std::string(pg_sql::copy_rollup_rows), rollups.rollup_rows);
    }
    db.exec(std::string(pg_sql::store_batch));
    db.query(std::string(pg_sql::save_position),
             {node_, std::to_string(static_cast<std::int64_t>(batch.after.generation)),
              std::to_string(static_cast<std::int64_t>(batch.after.next_seq))});
    transaction.commit();
  });
  known_keys_.remember(rollups.sent);
  position_ = batch.after;
}

namespace {

// Host patterns are [a-z0-9.-] behind an optional "*.": no LIKE
// metacharacter, and "*." stands for one character or more and a dot.
std::string like(const std::string& pattern) {
  return pattern.starts_with("*.") ? "_%" + pattern.substr(1) : pattern;
}

// " AND (host LIKE $3 OR ...) AND NOT (host LIKE $n OR ...)", numbered
// from $3, with the patterns appended to `params`.
std::string filter_sql(const HostFilter& hosts, std::vector<std::optional<std::string>>& params) {
  auto any = [&](const std::vector<std::string>& patterns) {
    std::string out;
    for (const auto& pattern : patterns) {
      params.push_back(like(pattern));
      out += (out.empty() ? "(" : " OR ") + std::string("host LIKE $") +
             std::to_string(params.size());
    }
    return out + ")";
  };
  std::string out;
  if (!hosts.only.empty()) out += " AND " + any(hosts.only);
  if (!hosts.except.empty()) out += " AND NOT " + any(hosts.except);
  return out;
}

}  // namespace

std::size_t PgHistory::delete_before(std::int64_t cutoff_ms, std::size_t limit,
                                     const HostFilter& hosts) {
  return with_connection([&](pg::Connection& db) {
    std::vector<std::optional<std::string>> params{std::to_string(cutoff_ms),
                                                   std::to_string(limit)};
    const std::string where = filter_sql(hosts, params);
    constexpr std::string_view tail = " LIMIT $2)";
    pg::Transaction transaction(db);
    std::size_t deleted = 0;
    for (const std::string_view statement : pg_sql::delete_statements) {
      std::string sql(statement);
      sql.insert(sql.size() - tail.size(), where);
      const auto result = db.query(sql, params);
      deleted += static_cast<std::size_t>(std::stoull(PQcmdTuples(result.get())));
    }
    // Alerts are no one site's: they follow --retention-days, the policy of
    // the call that names no site (only the sites it excepts).
    if (hosts.only.empty()) {
      const auto result = db.query(std::string(pg_sql::delete_alerts), {params[0], params[1]});
      deleted += static_cast<std::size_t>(std::stoull(PQcmdTuples(result.get())));
    }
    transaction.commit();
    return deleted;
  });
}

void PgHistory::record_alerts(std::span<const AlertRow> alerts) {
  with_connection([&](pg::Connection& db) {
    pg::Transaction transaction(db);
    for (const AlertRow& alert : alerts) {
      char value[32];
      std::snprintf(value, sizeof value, "%.17g", alert.value);
      db.query(std::string(pg_sql::insert_alert),
               {alert.rule, alert.condition, std::string(value), alert.state,
                std::to_string(alert.time_ms), alert.node});
    }
    transaction.commit();
  });
}

}  // namespace onlooker
