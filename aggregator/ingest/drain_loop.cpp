#include "drain_loop.h"

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "alert_history_queue.h"
#include "clock.h"
#include "log.h"
#include "metrics.h"
#include "person_view.h"
#include "recent_counts.h"
#include "record_decoder.h"

namespace onlooker {

DrainLoop::DrainLoop(RingReader& ring, HistorySink& history, HitFeed& feed,
                     DrainSettings settings, Enricher* enricher)
    : ring_(ring),
      history_(history),
      feed_(feed),
      settings_(settings),
      enricher_(enricher),
      visits_(PresenceSettings{.active_window_ms = settings.active_window.count(),
                               .site_windows = settings.site_windows,
                               .leave_grace_ms = settings.leave_grace.count(),
                               .max_per_address = settings.max_visitors_per_address}),
      retry_backoff_(settings.first_retry_backoff) {}

bool DrainLoop::wait_for_history(std::stop_token stop) {
  auto backoff = settings_.first_connect_backoff;
  for (;;) {
    try {
      resume();
      resumed_ = true;
      history_answers(true);
      return true;
    } catch (const std::exception& error) {
      history_answers(false);
      log::warn("msg=\"history store unreachable; retrying\" db=" + settings_.history_label +
                " retry_ms=" + std::to_string(backoff.count()) + " error=\"" + error.what() +
                "\"");
    }
    // A sleep that a stop request ends at once.
    std::mutex unused;
    std::unique_lock lock(unused);
    std::condition_variable_any().wait_for(lock, stop, backoff, [] { return false; });
    if (stop.stop_requested()) return false;
    backoff = std::min(backoff * 2, settings_.max_connect_backoff);
  }
}

void DrainLoop::history_answers(bool up) {
  if (up == history_up_) return;
  history_up_ = up;
  if (up) log::info("msg=\"history store answers\" db=" + settings_.history_label);
  if (settings_.history_state) settings_.history_state(up);
}

// Aligns the read position with what history already holds: slots between
// the ring's tail and the committed position were committed by a previous
// run that died before freeing them.
void DrainLoop::resume() {
  stats_.catch_up_backlog.store(history_.catch_up_backlog(), std::memory_order_relaxed);
  const std::uint64_t tail = ring_.tail();
  const std::uint64_t head = ring_.head();
  read_pos_ = tail;
  const auto committed = history_.committed_position();
  if (!committed) return;
  if (committed->generation != ring_.generation()) {
    log::warn("msg=\"ring was created anew since the last run; reading from its tail\" tail=" +
              std::to_string(tail));
    return;
  }
  if (committed->next_seq > head) {
    log::error("msg=\"history is ahead of the ring; ignoring the stored position\" stored=" +
               std::to_string(committed->next_seq) + " head=" + std::to_string(head));
    return;
  }
  if (committed->next_seq < tail) {
    log::warn("msg=\"ring records were freed without being committed here (another "
              "database?)\" missing=" +
              std::to_string(tail - committed->next_seq));
    return;
  }
  if (committed->next_seq > tail) {
    log::info("msg=\"freeing records committed before a restart\" count=" +
              std::to_string(committed->next_seq - tail));
    ring_.free_until(committed->next_seq);
  }
  read_pos_ = committed->next_seq;
}

std::size_t DrainLoop::read_batch() {
  std::vector<Hit> batch;
  ErrorRecords errors;
  std::uint64_t pos = read_pos_;
  // While commits fail, reading goes on (the live view stays live) but only
  // as far as the ring holds: nothing is freed until it is committed.
  const std::size_t room = pending_hits_ >= ring_.capacity() ? 0 : settings_.max_batch;
  const std::uint64_t head = ring_.head();  // claimed slots: as many as may be ready
  batch.reserve(std::min<std::uint64_t>(room, head > pos ? head - pos : 0));
  while (batch.size() < room) {
    const SlotState state = ring_.state(pos);
    if (state == SlotState::ready) {
      auto hit = decode_record(ring_.record(pos), ring_.generation(), pos);
      if (hit && hit->kind == HitKind::error) {
        if (recent_) recent_->count_error(hit->ts_ms);  // for the alerts only: not a view
        ++errors.count;
        errors.newest_ts_ms = std::max(errors.newest_ts_ms, hit->ts_ms);
      } else if (hit) {
        if (enricher_) enricher_->enrich(*hit);
        const Presence presence = visits_.apply(*hit, closed_visits_);
        // Enrichment and the presence check were the User-Agent's and the
        // address's only uses (neither history nor the live view keep
        // them): do not copy them on.
        hit->user_agent = {};
        hit->address = ClientAddress{};
        if (counted(presence)) {
          if (recent_ && hit->kind == HitKind::view) recent_->count_view(hit->ts_ms, is_person_view(*hit));
          batch.push_back(std::move(*hit));
        }
      } else {
        stats_.corrupt.fetch_add(1, std::memory_order_relaxed);
      }
      stalled_since_.reset();
      ++pos;
    } else if (state == SlotState::freed) {
      ++pos;  // skipped as torn by a run that died before committing past it
    } else if (state == SlotState::pending) {
      const auto now = std::chrono::steady_clock::now();
      if (!stalled_since_) stalled_since_ = now;
      if (now - *stalled_since_ < settings_.torn_timeout) break;
      if (ring_.skip_torn(pos)) {
        log::warn("msg=\"skipped a ring slot its writer never published\" seq=" +
                  std::to_string(pos));
        ++pos;
      }
      stalled_since_.reset();
    } else {
      break;
    }
  }
  if (pos == read_pos_) return 0;
  const std::size_t count = pos - read_pos_;
  stats_.ingested.fetch_add(batch.size(), std::memory_order_relaxed);
  pending_end_ = pos;
  read_pos_ = pos;
  if (!batch.empty()) {
    pending_hits_ += batch.size();
    pending_.push_back(std::make_shared<const std::vector<Hit>>(std::move(batch)));
    feed_.publish(pending_.back());
  }
  if (errors.count > 0) feed_.publish_errors(errors);
  return count;
}

bool DrainLoop::counted(Presence presence) {
  switch (presence) {
    case Presence::counted:
      return true;
    case Presence::orphaned:
      stats_.beats_orphaned.fetch_add(1, std::memory_order_relaxed);
      return false;
    case Presence::mismatched:
      stats_.beats_mismatched.fetch_add(1, std::memory_order_relaxed);
      return false;
    case Presence::refused:
      stats_.visitors_refused.fetch_add(1, std::memory_order_relaxed);
      return false;
  }
  return false;
}

void DrainLoop::restore(std::vector<Hit> recent) {
  // History is read back for the longest window; a site with a shorter one
  // takes only its own.
  const std::int64_t now_ms = unix_now_ms();
  std::erase_if(recent, [&](Hit& hit) {
    return hit.ts_ms <= now_ms - visits_.window_ms(hit.host) ||
           visits_.restore(hit, closed_visits_) != Presence::counted;
  });
  if (!recent.empty()) {
    log::info("msg=\"live set restored from history\" hits=" + std::to_string(recent.size()) +
              " visits=" + std::to_string(visits_.open_visits()));
    feed_.publish(std::make_shared<const std::vector<Hit>>(std::move(recent)));
  }
  expire_visits();
}

// Visits silent for the window end; people whose last tab left depart (the
// live set learns it from the leave published here, never stored).
void DrainLoop::expire_visits() {
  std::vector<Hit> departures;
  visits_.expire(unix_now_ms(), closed_visits_, departures);
  if (!departures.empty()) {
    feed_.publish(std::make_shared<const std::vector<Hit>>(std::move(departures)));
  }
}

void DrainLoop::commit_pending() {
  const auto started = std::chrono::steady_clock::now();
  std::span<const Hit> hits;
  std::vector<Hit> joined;  // several reads since the last commit: one span
  if (pending_.size() == 1) {
    hits = *pending_.front();
  } else if (pending_.size() > 1) {
    joined.reserve(pending_hits_);
    for (const auto& read : pending_) joined.insert(joined.end(), read->begin(), read->end());
    hits = joined;
  }
  history_.commit(HistoryBatch{hits, closed_visits_,
                               RingPosition{ring_.generation(), pending_end_}});
  stats_.last_commit_us.store(static_cast<std::uint64_t>(
                                  std::chrono::duration_cast<std::chrono::microseconds>(
                                      std::chrono::steady_clock::now() - started)
                                      .count()),
                              std::memory_order_relaxed);
  stats_.catch_up_backlog.store(history_.catch_up_backlog(), std::memory_order_relaxed);
  ring_.free_until(pending_end_);
  pending_.clear();
  pending_hits_ = 0;
  closed_visits_.clear();
}

void DrainLoop::close_open_visits() {
  visits_.close_all(closed_visits_);
  if (closed_visits_.empty()) return;
  pending_end_ = std::max(pending_end_, read_pos_);
  commit_pending();
}

void DrainLoop::apply_retention() {
  const auto& sites = settings_.site_retention;
  if (settings_.retention_days <= 0 &&
      std::none_of(sites.begin(), sites.end(), [](const auto& site) { return site.days > 0; })) {
    return;
  }
  const auto now = std::chrono::steady_clock::now();
  if (now < next_retention_) return;
  // One policy per site: rule i covers what it matches and no earlier rule
  // does; --retention-days covers what no rule matches.
  std::size_t deleted = 0;
  bool more = false;
  auto delete_older = [&](int days, HostFilter hosts) {
    if (days <= 0) return;
    const std::int64_t cutoff = unix_now_ms() - std::int64_t{days} * 86'400'000;
    const std::size_t step = history_.delete_before(cutoff, settings_.retention_batch, hosts);
    deleted += step;
    more |= step >= settings_.retention_batch;
  };
  HostFilter earlier;
  for (const SiteRetention& site : sites) {
    delete_older(site.days, {{site.pattern}, earlier.only});
    earlier.only.push_back(site.pattern);
  }
  delete_older(settings_.retention_days, {{}, std::move(earlier.only)});
  // More to delete: go on at the next idle moment; else look again in a minute.
  next_retention_ = now + (more ? std::chrono::milliseconds(0) : std::chrono::minutes(1));
  if (deleted > 0) {
    log::info("msg=\"retention: deleted old rows\" rows=" + std::to_string(deleted));
  }
}

// Alerts are rare: a write of their own, whenever some wait and history is
// not backing off. A failed write puts them back for the next step.
void DrainLoop::store_alerts() {
  if (alerts_ == nullptr) return;
  const auto now = std::chrono::steady_clock::now();
  if (now < retry_at_) return;
  std::vector<AlertRow> rows = alerts_->take();
  if (rows.empty()) return;
  try {
    history_.record_alerts(rows);
  } catch (...) {
    alerts_->put_back(std::move(rows));
    back_off(now);
    throw;
  }
}

std::size_t DrainLoop::step() {
  if (!resumed_) {  // run() waits for this; a caller of step() alone gets the error
    resume();
    resumed_ = true;
  }
  store_alerts();
  const std::size_t read = read_batch();
  expire_visits();
  if (pending_end_ <= ring_.tail() && closed_visits_.empty()) {
    const auto now = std::chrono::steady_clock::now();
    if (now >= retry_at_) {
      try {
        history_.catch_up();
        stats_.catch_up_backlog.store(history_.catch_up_backlog(), std::memory_order_relaxed);
      } catch (...) {
        back_off(now);
        throw;
      }
    }
    apply_retention();
    return 0;
  }
  pending_end_ = std::max(pending_end_, read_pos_);
  const auto now = std::chrono::steady_clock::now();
  if (!pending_since_) pending_since_ = now;
  const bool due = flush_ || pending_hits_ >= settings_.max_batch ||
                   pending_end_ - ring_.tail() >= ring_.capacity() / 2 ||
                   now - *pending_since_ >= settings_.commit_interval;
  if (!due) return read;
  if (now < retry_at_) return read;  // backing off after a failure; reading goes on
  try {
    const std::size_t committed = pending_hits_;
    commit_pending();
    pending_since_.reset();
    retry_backoff_ = settings_.first_retry_backoff;
    retry_at_ = {};
    history_answers(true);
    return std::max<std::size_t>({read, committed, 1});
  } catch (...) {
    back_off(now);
    history_answers(false);
    throw;
  }
}

void DrainLoop::back_off(std::chrono::steady_clock::time_point now) {
  stats_.commit_failures.fetch_add(1, std::memory_order_relaxed);
  retry_at_ = now + retry_backoff_;
  retry_backoff_ = std::min(retry_backoff_ * 2, settings_.max_retry_backoff);
}

void DrainLoop::run(std::stop_token stop) {
  if (!resumed_ && !wait_for_history(stop)) return;
  int final_tries = 0;
  for (;;) {
    const bool stopping = stop.stop_requested();
    flush_ = stopping;
    try {
      if (step() > 0) continue;
      if (stopping) {  // drained and committed everything
        close_open_visits();
        return;
      }
    } catch (const std::exception& failure) {
      log::error(std::string("msg=\"history commit failed; records stay in the ring, the live "
                             "view goes on, retrying\" error=\"") +
                 failure.what() + "\" retry_ms=" +
                 std::to_string(
                     std::chrono::duration_cast<std::chrono::milliseconds>(retry_backoff_ / 2)
                         .count()));
      if (stopping && ++final_tries >= 3) {
        log::error("msg=\"exiting with records left in the ring; they are committed on the "
                   "next start\"");
        return;
      }
      if (stopping) std::this_thread::sleep_for(retry_backoff_);
    }
    std::this_thread::sleep_for(settings_.idle_poll);
  }
}

}  // namespace onlooker
