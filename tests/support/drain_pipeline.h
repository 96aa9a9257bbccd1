// What most drain loop tests drain: a real ring, its reader, a real SQLite
// history and a feed that keeps what the live view would get.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "drain_loop.h"
#include "sqlite_db.h"
#include "sqlite_history.h"
#include "support/collecting_feed.h"
#include "support/temp_dir.h"
#include "support/test_ring.h"

namespace onlooker::test {

// A ring, its reader, a SQLite history and a feed: what most tests drain.
struct Pipeline {
  TempDir dir;
  TestRing ring{dir.file("ring"), 64};
  RingReader reader{dir.file("ring")};
  SqliteHistory history{dir.file("db")};
  CollectingFeed feed;
};

// Most tests look at history after each step: commit every step.
inline DrainSettings every_step(DrainSettings settings = {}) {
  settings.commit_interval = std::chrono::milliseconds(0);
  return settings;
}

inline void drain_all(DrainLoop& drain) {
  while (drain.step() > 0) {
  }
}

inline std::int64_t row_count(const std::string& db_path) {
  sqlite::Database db(db_path, SQLITE_OPEN_READONLY);
  return db.query_int("SELECT count(*) FROM hits");
}

inline std::uint64_t now_ms() {
  return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                        std::chrono::system_clock::now().time_since_epoch())
                                        .count());
}

}  // namespace onlooker::test
