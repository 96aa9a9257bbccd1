// Keeps the SQLite history's rollups (hourly and daily hits, daily visits,
// journeys and per-page engagement)
// counted, in the same transaction as the rows they count. Owns what that
// takes: the sets of visitors already counted (history_rollups.h), their
// background loader and its epochs, and the rollup cursor.
//
// Each batch adds to the rollups unless they lag behind: after a restart,
// the visitors already counted today load in the background (a second or
// so per 2.5 million views stored today) while batches are stored without
// their rollups; those hits are then read back and counted in rowid order,
// a step per commit or per catch_up_step() (rollup_cursor says how far).
// Either way the hits, their ring position and the cursor commit together,
// so a crash can neither lose nor double a count.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "history_rollups.h"
#include "history_sink.h"
#include "rollup_set_loader.h"
#include "sqlite_statements.h"

namespace onlooker {

class SqliteRollupCounter {
 public:
  explicit SqliteRollupCounter(const std::string& path) : loader_(path) {}

  // A connection was opened (a new file, or the same one anew): the sets
  // of the file before are forgotten and the cursor read back.
  void open(SqliteStatements& statements);
  // The connection is going: nothing may run until the next open().
  void close() { statements_ = nullptr; }

  // Stored hits not counted yet.
  std::int64_t behind() const { return last_hit_ - counted_until_; }
  bool lagging() const { return counted_until_ < last_hit_; }

  // One transaction's counting; undone unless commit() is called after the
  // transaction committed.
  class Step {
   public:
    explicit Step(SqliteRollupCounter& counter);
    ~Step();
    Step(const Step&) = delete;
    Step& operator=(const Step&) = delete;
    void commit();

   private:
    SqliteRollupCounter& counter_;
    bool committed_ = false;
  };

  // Within a step, before the batch's hits are inserted: counts a catch-up
  // step if one is due, then the batch's hits if the rollups are up to
  // date and every bucket they count in has its set in memory.
  void count_batch(std::span<const Hit> hits);
  // After the hits are inserted (`newest_hit`: the last one's rowid, none
  // for a batch without hits): saves the cursor, counts the visits.
  void stored_batch(std::optional<std::int64_t> newest_hit, std::span<const Visit> visits);
  // Whether a catch-up step can count now: the rollups lag behind and no
  // set they need is still loading. Asked before a step begins, so that an
  // idle writer opens no transaction while sets load.
  bool can_catch_up();
  // Within a step, when can_catch_up(): counts stored hits past the cursor
  // whose sets are in memory. False if nothing was counted.
  bool catch_up_step();
  // Within a step, after retention deleted hits: the cursor must not stay
  // above the newest hit left (new hits would take rowids from 1 again).
  void deleted_hits();

 private:
  // Hands the rollups the sets loaded since; sets of other files are dropped.
  void take_loaded();
  void load_in_background(const std::vector<RollupBucket>& buckets);
  // Provides the sets `hits` need that can be had at once (buckets with no
  // stored hits); true if none is left to load.
  bool provide_sets(std::span<const Hit> hits);
  // Counts the next catch_up_hits stored hits past the cursor, if their
  // sets are in memory (else asks for them); returns the new cursor.
  std::int64_t count_stored_hits();
  void upsert_rollups(const std::vector<RollupDelta>& deltas);
  void count_visits(std::span<const Visit> visits);
  void count_journeys(std::span<const Visit> visits);
  void count_page_engagement(std::span<const Visit> visits);
  void save_cursor(std::int64_t counted_until);
  void committed();
  void rolled_back() { rollups_.undo(); }

  SqliteStatements* statements_ = nullptr;
  HistoryRollups rollups_;
  RollupSetLoader loader_;
  std::uint64_t epoch_ = 0;         // bumped whenever a file is opened anew
  std::set<RollupBucket> loading_;  // asked of loader_, not back yet
  std::int64_t counted_until_ = 0;  // rollup_cursor as committed
  std::int64_t last_hit_ = 0;       // the newest hit's rowid as committed
  // What the step under way will have committed.
  std::int64_t step_counted_until_ = 0;
  std::int64_t step_last_hit_ = 0;
  bool step_counts_batch_ = false;
};

}  // namespace onlooker
