// A HistorySink that fails as a store does when it is down, then passes
// everything to a real one: the first `failures` commits throw, and so do
// the first `unreachable` reads of the committed position (a server that
// does not answer at start).
#pragma once

#include <optional>
#include <stdexcept>

#include "history_sink.h"

namespace onlooker::test {

struct FlakySink final : HistorySink {
  FlakySink(HistorySink& real, int failures, int unreachable = 0)
      : real(real), failures(failures), unreachable(unreachable) {}
  std::optional<RingPosition> committed_position() override {
    if (unreachable-- > 0) throw std::runtime_error("connection refused (simulated)");
    return real.committed_position();
  }
  void commit(const HistoryBatch& batch) override {
    if (failures-- > 0) throw std::runtime_error("disk full (simulated)");
    real.commit(batch);
  }
  std::size_t delete_before(std::int64_t cutoff_ms, std::size_t limit,
                            const HostFilter& hosts) override {
    return real.delete_before(cutoff_ms, limit, hosts);
  }
  void record_alerts(std::span<const AlertRow> alerts) override {
    if (failures-- > 0) throw std::runtime_error("disk full (simulated)");
    real.record_alerts(alerts);
  }
  void catch_up() override {
    ++catch_ups;
    real.catch_up();
  }
  std::uint64_t catch_up_backlog() const override {
    return backlog ? *backlog : real.catch_up_backlog();
  }
  HistorySink& real;
  int failures;
  int unreachable;
  int catch_ups = 0;
  std::optional<std::uint64_t> backlog;  // what catch_up_backlog() says instead
};

}  // namespace onlooker::test
