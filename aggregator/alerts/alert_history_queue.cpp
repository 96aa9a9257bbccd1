#include "alert_history_queue.h"

namespace onlooker {

void AlertHistoryQueue::alert(const AlertNotice& notice) {
  const std::lock_guard lock(mutex_);
  waiting_.push_back({notice.rule, notice.condition, notice.value,
                      notice.firing ? "firing" : "cleared", notice.time_ms, node_});
  trim();
}

std::vector<AlertRow> AlertHistoryQueue::take() {
  const std::lock_guard lock(mutex_);
  std::vector<AlertRow> rows(std::make_move_iterator(waiting_.begin()),
                             std::make_move_iterator(waiting_.end()));
  waiting_.clear();
  return rows;
}

void AlertHistoryQueue::put_back(std::vector<AlertRow> rows) {
  const std::lock_guard lock(mutex_);
  waiting_.insert(waiting_.begin(), std::make_move_iterator(rows.begin()),
                  std::make_move_iterator(rows.end()));
  trim();
}

void AlertHistoryQueue::trim() {
  while (waiting_.size() > max_waiting) {
    waiting_.pop_front();
    dropped_.fetch_add(1, std::memory_order_relaxed);
  }
}

}  // namespace onlooker
