// Fired and cleared alerts on their way to the history's alerts table: the
// I/O thread appends (alert()), the drain thread, history's one writer,
// takes them at its next step and stores them. Bounded: past 1,024 waiting
// (history down for long), the oldest go, counted.
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <vector>

#include "alert_notice.h"
#include "alert_row.h"

namespace onlooker {

class AlertHistoryQueue final : public AlertSink {
 public:
  static constexpr std::size_t max_waiting = 1024;

  explicit AlertHistoryQueue(std::string node) : node_(std::move(node)) {}

  void alert(const AlertNotice& notice) override;
  // What waits, oldest first; the queue is empty afterwards.
  std::vector<AlertRow> take();
  // The drain could not store `rows` (taken earlier): they go back in front.
  void put_back(std::vector<AlertRow> rows);
  std::uint64_t dropped() const { return dropped_.load(std::memory_order_relaxed); }

 private:
  void trim();  // under mutex_

  std::string node_;
  std::mutex mutex_;
  std::deque<AlertRow> waiting_;
  std::atomic<std::uint64_t> dropped_{0};
};

}  // namespace onlooker
