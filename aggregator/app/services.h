// What a connection needs to answer requests: the live view, the access
// rules, history queries with the thread they run on (SQLite reads block,
// so they never run on the I/O thread), and the count of open connections.
#pragma once

namespace boost::asio {
class thread_pool;
}

namespace onlooker {

class AccessControl;
class ConnectionLimit;
class HistoryQueries;
class LiveHub;

struct Services {
  LiveHub& hub;
  AccessControl& access;
  HistoryQueries& history;
  boost::asio::thread_pool& blocking;
  ConnectionLimit& connections;
};

}  // namespace onlooker
