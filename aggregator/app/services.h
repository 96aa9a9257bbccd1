// What a connection needs to answer requests: the live view, the access
// rules, and history queries with the thread they run on (SQLite reads
// block, so they never run on the I/O thread).
#pragma once

namespace boost::asio {
class thread_pool;
}

namespace onlooker {

class AccessControl;
class HistoryQueries;
class LiveHub;

struct Services {
  LiveHub& hub;
  AccessControl& access;
  HistoryQueries& history;
  boost::asio::thread_pool& blocking;
};

}  // namespace onlooker
