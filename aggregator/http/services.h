// What a connection needs to answer requests: the live view, the access
// rules, history queries with the thread they run on (store reads block,
// so they never run on the I/O thread), the count of open connections and
// what /metrics shows.
#pragma once

namespace boost::asio {
class thread_pool;
}

namespace onlooker {

class AccessControl;
class ConnectionLimit;

class HistoryApi;
class LiveHub;
class Metrics;

struct Services {
  LiveHub& hub;
  AccessControl& access;
  HistoryApi& history;
  boost::asio::thread_pool& blocking;
  ConnectionLimit& connections;
  const Metrics& metrics;
};

}  // namespace onlooker
