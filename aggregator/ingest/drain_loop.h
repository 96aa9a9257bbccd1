// The drain loop, on its own thread: read a batch from the ring, hand it to
// the live view, commit it with the ring position to history, then free its
// slots. Slots are freed only after the commit, so a crash at any point
// loses nothing and, because the position is committed with the rows,
// duplicates nothing.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include "enricher.h"
#include "history_sink.h"
#include "site_scope.h"
#include "hit_feed.h"
#include "ring_reader.h"
#include "visit_tracker.h"

namespace onlooker {

class Metrics;
class AlertHistoryQueue;
class RecentCounts;

struct DrainSettings {
  std::size_t max_batch = 4096;
  std::chrono::milliseconds idle_poll{10};
  // Group commit: what was read waits for max_batch records, half the ring
  // (a small ring must not fill while it waits) or this long, whichever
  // comes first (the live view does not wait). One transaction per few
  // records would cost more than the records themselves.
  std::chrono::milliseconds commit_interval{250};
  // How long a claimed but unpublished slot may block the ring before it is
  // skipped as torn (its writer died). A live writer needs microseconds.
  std::chrono::milliseconds torn_timeout{1000};
  std::chrono::milliseconds first_retry_backoff{100};
  std::chrono::milliseconds max_retry_backoff{5000};
  // Visits end after this much silence (the live set's active window).
  std::chrono::milliseconds active_window{300'000};
  // Sites whose visits end after a silence of their own (the first match).
  std::vector<SiteWindow> site_windows{};
  // Live visitors one client address may hold at a time (an office NAT has
  // many people behind one address; a script has many forged ids).
  std::size_t max_visitors_per_address = 256;
  // A person whose last tab left departs this much later unless they come
  // back (the next page's view may be logged after the last page's leave).
  std::chrono::milliseconds leave_grace{500};
  // 0 keeps history forever; otherwise older rows are deleted in batches.
  int retention_days = 0;
  // Sites with their own retention (0: kept); the first matching one
  // applies, and retention_days covers the sites none matches.
  std::vector<SiteRetention> site_retention;
  std::size_t retention_batch = 5000;
  // A store that does not answer at start (a server): run() retries this
  // often at first, doubling up to the most, and logs the store as this.
  std::chrono::milliseconds first_connect_backoff{250};
  std::chrono::milliseconds max_connect_backoff{30'000};
  std::string history_label;
  // Told when the store stops or starts answering (on the drain thread;
  // the live view shows it). May be empty.
  std::function<void(bool up)> history_state;
};

struct DrainStats {
  std::atomic<std::uint64_t> ingested{0};
  std::atomic<std::uint64_t> corrupt{0};
  std::atomic<std::uint64_t> commit_failures{0};
  std::atomic<std::uint64_t> last_commit_us{0};
  std::atomic<std::uint64_t> catch_up_backlog{0};  // HistorySink::catch_up_backlog()
  // Dropped by the presence check (visit_tracker.h), neither shown nor stored.
  std::atomic<std::uint64_t> beats_orphaned{0};
  std::atomic<std::uint64_t> beats_mismatched{0};
  std::atomic<std::uint64_t> visitors_refused{0};
};

class DrainLoop {
 public:
  // `enricher` may be null (no enrichment configured).
  DrainLoop(RingReader& ring, HistorySink& history, HitFeed& feed, DrainSettings settings = {},
            Enricher* enricher = nullptr);

  // Waits until the store answers (nothing is read before: where reading
  // starts is the store's committed position), then drains until stop is
  // requested, then drains what is left and commits it (a bounded number of
  // tries; what cannot be committed stays in the ring).
  void run(std::stop_token stop);
  // One step: read, publish, commit (when due), free. Returns how much was
  // done (0 when the ring had nothing new and nothing was committed). Throws when
  // the commit fails; what was read stays pending and is retried once the
  // backoff has passed, while later steps go on reading and publishing.
  std::size_t step();
  // Closes the visits still open and commits them (used on shutdown).
  void close_open_visits();
  // Before run(): the hits history holds for the last active window (oldest
  // first), so that the live view and the visits that were open when
  // onlookerd stopped go on. Published to the live view, not stored again.
  void restore(std::vector<Hit> recent);

  // Before run(): each step also stores the alerts `queue` holds (the
  // alerts table); nullptr: none.
  void store_alerts_from(AlertHistoryQueue* queue) { alerts_ = queue; }
  // Before run(): views and error records are also counted into `counts`
  // (the alert measures); nullptr: none. Error records go nowhere else.
  void count_recent_into(RecentCounts* counts) { recent_ = counts; }

  const DrainStats& stats() const { return stats_; }
  // Registers the drain's and the ring's counters for /metrics (read on
  // the I/O thread: atomics only).
  void add_metrics(Metrics& metrics) const;
  std::uint64_t read_position() const { return read_pos_; }

 private:
  // Until the store answers (true) or stop is requested (false).
  bool wait_for_history(std::stop_token stop);
  void resume();
  void history_answers(bool up);
  std::size_t read_batch();
  // Counts what the presence check dropped; true for what goes on.
  bool counted(Presence presence);
  void expire_visits();
  void commit_pending();
  void store_alerts();
  void apply_retention();
  // A failed history write: counted, and the next one waits a growing backoff.
  void back_off(std::chrono::steady_clock::time_point now);

  RingReader& ring_;
  HistorySink& history_;
  HitFeed& feed_;
  DrainSettings settings_;
  Enricher* enricher_;
  AlertHistoryQueue* alerts_ = nullptr;
  RecentCounts* recent_ = nullptr;
  DrainStats stats_;
  VisitTracker visits_;
  std::vector<Visit> closed_visits_;  // closed, not yet committed
  std::chrono::steady_clock::time_point next_retention_{};
  std::uint64_t read_pos_ = 0;
  bool resumed_ = false;
  bool history_up_ = true;
  std::optional<std::chrono::steady_clock::time_point> pending_since_;
  bool flush_ = false;  // stopping: commit without waiting
  // Read and published, not yet committed: each read's hits, shared with the
  // live view (one read per commit under load, so nothing is copied then).
  std::vector<std::shared_ptr<const std::vector<Hit>>> pending_;
  std::size_t pending_hits_ = 0;
  std::uint64_t pending_end_ = 0;     // first position after pending_
  std::optional<std::chrono::steady_clock::time_point> stalled_since_;
  std::chrono::steady_clock::time_point retry_at_{};
  std::chrono::milliseconds retry_backoff_;
};

}  // namespace onlooker
