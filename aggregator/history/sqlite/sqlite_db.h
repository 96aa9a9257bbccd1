// A thin RAII layer over the SQLite C API, after SQLiteCpp: a connection, a
// prepared statement reused with reset, and a transaction guard that rolls
// back unless committed. Errors throw SqliteError with SQLite's message.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

namespace onlooker::sqlite {

class SqliteError : public std::runtime_error {
 public:
  SqliteError(const std::string& what, int code) : std::runtime_error(what), code_(code) {}
  int code() const { return code_; }

 private:
  int code_;
};

class Database {
 public:
  explicit Database(const std::string& path, int flags = SQLITE_OPEN_READWRITE |
                                                         SQLITE_OPEN_CREATE |
                                                         SQLITE_OPEN_NOMUTEX);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  void exec(const std::string& sql);
  std::int64_t query_int(const std::string& sql);
  // Rows changed by the last INSERT, UPDATE or DELETE.
  std::int64_t changes() const;
  // The rowid of the last row inserted through this connection.
  std::int64_t last_insert_rowid() const;
  // Any thread, while the connection is open: makes the statement running
  // on it fail with SQLITE_INTERRUPT (used to stop a long read at shutdown).
  void interrupt();

 private:
  friend class Statement;
  sqlite3* db_ = nullptr;
};

class Statement {
 public:
  Statement(Database& db, std::string_view sql);
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  // Binds by 1-based index; text is bound as bytes with its length (any byte
  // value, NUL included, survives).
  void bind(int index, std::int64_t value);
  void bind_double(int index, double value);  // a name of its own: bind(i, 2) stays an integer
  void bind(int index, std::string_view text);
  // Without a copy: `text` must stay alive and unchanged until the statement
  // is reset (exec() does both). For the batch writer's hot loop.
  void bind_static(int index, std::string_view text);
  void bind_null(int index);
  // Returns true while a row is available.
  bool step();
  void exec() { step(); reset(); }
  void reset();

  int column_count() const;
  std::int64_t column_int(int index) const;
  double column_double(int index) const;
  std::string column_text(int index) const;
  // The column's text without a copy: valid until the next step() or reset().
  std::string_view column_view(int index) const;
  bool column_is_null(int index) const;

 private:
  void bind_text(int index, std::string_view text, sqlite3_destructor_type lifetime);

  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

// BEGIN IMMEDIATE: the single writer takes the write lock up front, so a
// batch never fails half-way on a lock upgrade.
class Transaction {
 public:
  explicit Transaction(Database& db);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  void commit();

 private:
  Database& db_;
  bool done_ = false;
};

}  // namespace onlooker::sqlite
