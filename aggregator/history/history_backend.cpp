#include "history_backend.h"

#include <libpq-fe.h>

#include "pg_history.h"
#include "pg_history_reader.h"
#include "pg_recent_hits.h"
#include "recent_hits.h"
#include "sqlite_history.h"
#include "sqlite_history_reader.h"

namespace onlooker {

bool is_postgres_uri(const std::string& db) {
  return db.starts_with("postgresql://") || db.starts_with("postgres://");
}

std::optional<std::string> postgres_uri_error(const std::string& db) {
  if (!is_postgres_uri(db)) return std::nullopt;
  char* error = nullptr;
  PQconninfoOption* parsed = PQconninfoParse(db.c_str(), &error);
  if (parsed != nullptr) {
    PQconninfoFree(parsed);
    return std::nullopt;
  }
  std::string message = error != nullptr ? error : "out of memory";
  if (error != nullptr) PQfreemem(error);
  while (!message.empty() && message.back() == '\n') message.pop_back();
  return message;
}

HistoryBackend open_history(const std::string& db, const std::string& node) {
  if (is_postgres_uri(db)) return {std::make_unique<PgHistory>(db, node), open_history_reader(db)};
  return {std::make_unique<SqliteHistory>(db), open_history_reader(db)};
}

std::unique_ptr<HistoryReader> open_history_reader(const std::string& db) {
  if (is_postgres_uri(db)) return std::make_unique<PgHistoryReader>(db);
  return std::make_unique<SqliteHistoryReader>(db);
}

std::vector<Hit> read_recent_history(const std::string& db, const std::string& node,
                                     std::int64_t since_ms) {
  // A SQLite file is one node's alone.
  return is_postgres_uri(db) ? read_recent_pg_hits(db, node, since_ms)
                             : read_recent_hits(db, since_ms);
}

std::string history_label(const std::string& db) {
  if (!is_postgres_uri(db)) return db;
  PQconninfoOption* parsed = PQconninfoParse(db.c_str(), nullptr);
  if (parsed == nullptr) return "postgresql://(invalid)";
  std::string host, port, name;
  for (const PQconninfoOption* option = parsed; option->keyword != nullptr; ++option) {
    const std::string value = option->val != nullptr ? option->val : "";
    if (std::string_view(option->keyword) == "host") host = value;
    if (std::string_view(option->keyword) == "port") port = value;
    if (std::string_view(option->keyword) == "dbname") name = value;
  }
  PQconninfoFree(parsed);
  return "postgresql://" + host + (port.empty() ? "" : ":" + port) + "/" + name;
}

}  // namespace onlooker
