// Picks the history backend from --db: a postgresql:// or postgres:// URI
// (libpq's connection string) is PostgreSQL, anything else a SQLite path.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "hit.h"

#include "history_reader.h"
#include "history_sink.h"

namespace onlooker {

bool is_postgres_uri(const std::string& db);
// Why a PostgreSQL URI is unusable (libpq's parser), or nullopt when it is
// fine or not a URI at all. Never echoes the URI (it may hold a password).
std::optional<std::string> postgres_uri_error(const std::string& db);

struct HistoryBackend {
  std::unique_ptr<HistorySink> sink;
  std::unique_ptr<HistoryReader> reader;
};
// `node` names this onlookerd's ring position in a shared PostgreSQL.
HistoryBackend open_history(const std::string& db, const std::string& node);
// A reader of its own (readers are for one thread at a time).
std::unique_ptr<HistoryReader> open_history_reader(const std::string& db);

// The hits `node` stored at or after `since_ms`, oldest first, from either
// backend: what a start replays into the live set and the open visits.
// Addresses, User-Agents and tab ids are not stored: those fields are empty.
std::vector<Hit> read_recent_history(const std::string& db, const std::string& node,
                                     std::int64_t since_ms);

// "host:port/db" of a URI without user or password, or the SQLite path:
// what logs may show.
std::string history_label(const std::string& db);

}  // namespace onlooker
