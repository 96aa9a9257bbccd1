// Builds rollup buckets' sets of counted visitors (history_rollups.h) on a
// thread of its own, through its own read-only connection, so that the drain
// loop never waits for one: after a restart, today's set is read from
// today's stored views (about 2.5 million a second here), and a commit that
// waited for it would free nothing from the ring meanwhile.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <thread>
#include <vector>

#include "history_rollups.h"

namespace onlooker {

namespace sqlite {
class Database;
}

class RollupSetLoader {
 public:
  struct Loaded {
    RollupBucket bucket;
    std::uint64_t epoch = 0;
    std::optional<HistoryRollups::Counted> counted;  // empty: reading failed (logged)
  };

  explicit RollupSetLoader(std::string path);
  // Interrupts a load under way (a day's views can take a second or more).
  ~RollupSetLoader();
  RollupSetLoader(const RollupSetLoader&) = delete;
  RollupSetLoader& operator=(const RollupSetLoader&) = delete;

  // Builds `bucket`'s set from the people's views stored in it with a rowid
  // up to `last_hit`. `epoch` comes back with the result, so that results
  // for a database since replaced can be told apart.
  void request(RollupBucket bucket, std::int64_t last_hit, std::uint64_t epoch);
  // The sets built since the last call.
  std::vector<Loaded> take();

 private:
  struct Request {
    RollupBucket bucket;
    std::int64_t last_hit = 0;
    std::uint64_t epoch = 0;
  };
  void run(std::stop_token stop);
  Loaded load(const Request& request);

  std::string path_;
  std::mutex mutex_;
  std::condition_variable_any wake_;
  std::deque<Request> requests_;
  std::vector<Loaded> loaded_;
  sqlite::Database* reading_ = nullptr;  // the connection of the load under way, if any
  std::jthread thread_;  // last: it starts once the members it uses exist
};

}  // namespace onlooker
