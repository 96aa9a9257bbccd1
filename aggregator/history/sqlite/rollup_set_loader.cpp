#include "rollup_set_loader.h"

#include <chrono>

#include "log.h"
#include "person_view.h"
#include "sqlite_db.h"

namespace onlooker {

RollupSetLoader::RollupSetLoader(std::string path)
    : path_(std::move(path)), thread_([this](std::stop_token stop) { run(stop); }) {}

RollupSetLoader::~RollupSetLoader() {
  thread_.request_stop();
  {
    std::lock_guard lock(mutex_);
    if (reading_) reading_->interrupt();
  }
  thread_.join();
}

void RollupSetLoader::request(RollupBucket bucket, std::int64_t last_hit, std::uint64_t epoch) {
  {
    std::lock_guard lock(mutex_);
    requests_.push_back({bucket, last_hit, epoch});
  }
  wake_.notify_one();
}

std::vector<RollupSetLoader::Loaded> RollupSetLoader::take() {
  std::lock_guard lock(mutex_);
  return std::exchange(loaded_, {});
}

void RollupSetLoader::run(std::stop_token stop) {
  std::unique_lock lock(mutex_);
  while (wake_.wait(lock, stop, [this] { return !requests_.empty(); }) && !stop.stop_requested()) {
    const Request request = requests_.front();
    requests_.pop_front();
    lock.unlock();
    Loaded loaded = load(request);
    lock.lock();
    loaded_.push_back(std::move(loaded));
  }
}

RollupSetLoader::Loaded RollupSetLoader::load(const Request& request) {
  Loaded loaded{request.bucket, request.epoch, std::nullopt};
  const auto started = std::chrono::steady_clock::now();
  try {
    sqlite::Database db(path_, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX);
    // Published for the destructor's interrupt until the load ends.
    struct Reading {
      RollupSetLoader& loader;
      Reading(RollupSetLoader& loader, sqlite::Database* db) : loader(loader) { set(db); }
      ~Reading() { set(nullptr); }
      void set(sqlite::Database* db) {
        std::lock_guard lock(loader.mutex_);
        loader.reading_ = db;
      }
    } reading(*this, &db);
    db.exec("PRAGMA busy_timeout = 5000");
    sqlite::Statement select(db,
                             "SELECT host, path, coalesce(country, ''), visitor, "
                             "coalesce(source, ''), coalesce(utm_campaign, '') FROM hits "
                             "WHERE ts >= ?1 AND ts < ?2 AND rowid <= ?3 AND " +
                                 std::string(person_view_sql));
    select.bind(1, request.bucket.start_ms);
    select.bind(2, request.bucket.end_ms());
    select.bind(3, request.last_hit);
    HistoryRollups::Counted counted;
    std::size_t views = 0;
    while (select.step()) {
      CountedView view{select.column_view(0), select.column_view(1), select.column_view(2),
                       select.column_view(4), select.column_view(5), {}};
      if (!from_hex(select.column_view(3), view.visitor)) continue;  // not written by us
      counted.add(view);
      ++views;
    }
    loaded.counted = std::move(counted);
    log::info("msg=\"loaded the visitors already counted in a rollup bucket\" span=" +
              std::string(to_string(request.bucket.span)) +
              " start_ms=" + std::to_string(request.bucket.start_ms) +
              " views=" + std::to_string(views) + " ms=" +
              std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(
                                 std::chrono::steady_clock::now() - started)
                                 .count()));
  } catch (const std::exception& error) {
    if (thread_.get_stop_token().stop_requested()) return loaded;  // interrupted on purpose
    log::warn(std::string("msg=\"could not load a rollup bucket's visitors; trying again at "
                          "the next commit\" error=\"") + error.what() + "\"");
  }
  return loaded;
}

}  // namespace onlooker
