// What the module tests look at: a page fetched as one client, the hits
// onlookerd stored, the ring file as it is on disk, the live count. Real
// nginx and onlookerd (support/stack.h).
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "onlooker_ring.h"
#include "sqlite_db.h"
#include "support/http_client.h"
#include "support/process.h"
#include "support/stack.h"

namespace onlooker::test::module {

inline HttpResult get(const Stack& stack, const std::string& target,
               std::map<std::string, std::string> headers = {}) {
  headers.emplace("X-Forwarded-For", "10.1.1.1");
  headers.emplace("User-Agent", "Mozilla/5.0 (Module test)");
  return http_get(stack.site_port(), target, headers);
}

inline std::int64_t rows(const Stack& stack, const std::string& where = "1") {
  sqlite::Database db(stack.db_path(), SQLITE_OPEN_READONLY);
  db.exec("PRAGMA busy_timeout = 2000");
  return db.query_int("SELECT count(*) FROM hits WHERE " + where);
}

inline std::vector<std::string> column(const Stack& stack, const std::string& sql) {
  sqlite::Database db(stack.db_path(), SQLITE_OPEN_READONLY);
  sqlite::Statement statement(db, sql);
  std::vector<std::string> values;
  while (statement.step()) values.push_back(statement.column_text(0));
  return values;
}

// The ring file as it is on disk (in tmpfs) right now.
inline std::string ring_bytes(const Stack& stack) { return read_file(stack.ring_path()); }

inline onlooker_ring_header ring_header(const Stack& stack) {
  onlooker_ring_header header{};
  const std::string bytes = ring_bytes(stack);
  if (bytes.size() >= sizeof header) std::memcpy(&header, bytes.data(), sizeof header);
  return header;
}

inline std::int64_t active(const Stack& stack) {
  return nlohmann::json::parse(http_get(stack.site_port(), "/onlooker/api/live").body).at("active");
}

}  // namespace onlooker::test::module
