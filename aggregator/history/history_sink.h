// Where the drain loop sends history. SQLite is the one sink today; a
// ClickHouse or PostgreSQL sink would implement the same calls.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "alert_row.h"
#include "hit.h"
#include "visit_tracker.h"

namespace onlooker {

// The next ring position to read, in one ring generation. Stored with the
// rows it covers, so that rows and position can never disagree.
struct RingPosition {
  std::uint64_t generation = 0;
  std::uint64_t next_seq = 0;
  friend bool operator==(const RingPosition&, const RingPosition&) = default;
};

struct HistoryBatch {
  std::span<const Hit> hits;
  std::span<const Visit> visits;  // visits closed by these hits or by time
  RingPosition after;
};

// Whose rows a retention call deletes, as host patterns (site_scope.h):
// every site when `only` is empty, less those `except` matches.
struct HostFilter {
  std::vector<std::string> only;
  std::vector<std::string> except;
  bool everything() const { return only.empty() && except.empty(); }
};

class HistorySink {
 public:
  virtual ~HistorySink() = default;
  // The position stored by the last successful commit, if any.
  virtual std::optional<RingPosition> committed_position() = 0;
  // Stores the batch and its position atomically: all or nothing. Throws on
  // failure (the caller keeps the batch and tries again).
  virtual void commit(const HistoryBatch& batch) = 0;
  // Deletes at most `limit` hits and visits older than `cutoff_ms` (and
  // rollups of whole buckets older) of the sites `hosts` names, and when
  // `hosts` names no site in `only` (--retention-days' call) alerts older
  // too; returns how many rows went (fewer than limit: nothing older is left).
  virtual std::size_t delete_before(std::int64_t cutoff_ms, std::size_t limit,
                                    const HostFilter& hosts) = 0;
  std::size_t delete_before(std::int64_t cutoff_ms, std::size_t limit) {
    return delete_before(cutoff_ms, limit, HostFilter{});
  }
  // Appends fired and cleared alerts to the alerts table, in one
  // transaction. Throws on failure (the caller keeps them and tries again).
  virtual void record_alerts(std::span<const AlertRow> alerts) = 0;
  // Work the sink put off (SQLite: rollups of hits stored while the visitors
  // a bucket had counted were loading). Called when the drain loop is idle.
  virtual void catch_up() {}
  // How much is put off (SQLite: hits stored, not counted in the rollups).
  virtual std::uint64_t catch_up_backlog() const { return 0; }
};

}  // namespace onlooker
