// History in PostgreSQL: the sibling of SqliteHistory behind HistorySink.
// Each commit is one transaction holding the batch's hits and visits, their
// rollups and this node's ring position (ring_positions, keyed by node), so
// a crash or an outage can neither lose nor repeat a row. Several nodes may
// share one database; pg_sql.h says how unique visitors stay exact.
// Blocking: the drain loop calls it off the I/O thread.
#pragma once

#include <memory>
#include <string>

#include "history_sink.h"
#include "pg_connection.h"
#include "pg_known_visitor_keys.h"

namespace onlooker {

class PgHistory : public HistorySink {
 public:
  // Connects lazily: a server that is down at start is reported by the
  // first commit (the caller keeps the batch and retries with backoff).
  PgHistory(std::string conninfo, std::string node);

  std::optional<RingPosition> committed_position() override;
  void commit(const HistoryBatch& batch) override;
  std::size_t delete_before(std::int64_t cutoff_ms, std::size_t limit,
                            const HostFilter& hosts) override;
  using HistorySink::delete_before;
  void record_alerts(std::span<const AlertRow> alerts) override;

 private:
  pg::Connection& connection();
  // Runs `work` on the connection; drops the connection when it fails so
  // the next call reconnects.
  template <class Work>
  auto with_connection(Work work);

  std::string conninfo_;
  std::string node_;
  std::unique_ptr<pg::Connection> connection_;
  // Only this node writes its row of ring_positions: once read, the
  // position is known without asking the server (which may be down).
  std::optional<std::optional<RingPosition>> position_;
  // Rollup visitor days this node's commits put in (or found there): left
  // out of later batches.
  pg::KnownVisitorKeys known_keys_;
};

// Creates the tables and views if missing (idempotent).
void migrate_pg_schema(pg::Connection& connection);

}  // namespace onlooker
