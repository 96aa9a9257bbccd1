#include "sqlite_db.h"

namespace onlooker::sqlite {
namespace {

[[noreturn]] void fail(sqlite3* db, int code, const std::string& context) {
  throw SqliteError(context + ": " + (db ? sqlite3_errmsg(db) : sqlite3_errstr(code)), code);
}

}  // namespace

Database::Database(const std::string& path, int flags) {
  const int rc = sqlite3_open_v2(path.c_str(), &db_, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string message = "cannot open database " + path + ": " +
                          (db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc));
    sqlite3_close(db_);
    throw SqliteError(message, rc);
  }
  sqlite3_extended_result_codes(db_, 1);
}

Database::~Database() { sqlite3_close_v2(db_); }

void Database::exec(const std::string& sql) {
  char* error = nullptr;
  const int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &error);
  if (rc != SQLITE_OK) {
    std::string message = error ? error : sqlite3_errstr(rc);
    sqlite3_free(error);
    throw SqliteError(message + " (in: " + sql.substr(0, 80) + ")", rc);
  }
}

std::int64_t Database::query_int(const std::string& sql) {
  Statement statement(*this, sql);
  if (!statement.step()) throw SqliteError("no row from: " + sql, SQLITE_DONE);
  return statement.column_int(0);
}

std::int64_t Database::changes() const { return sqlite3_changes64(db_); }

std::int64_t Database::last_insert_rowid() const { return sqlite3_last_insert_rowid(db_); }

void Database::interrupt() { sqlite3_interrupt(db_); }

Statement::Statement(Database& db, std::string_view sql) : db_(db.db_) {
  const int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                                    SQLITE_PREPARE_PERSISTENT, &stmt_, nullptr);
  if (rc != SQLITE_OK) fail(db_, rc, "prepare " + std::string(sql.substr(0, 60)));
}

Statement::~Statement() { sqlite3_finalize(stmt_); }

void Statement::bind(int index, std::int64_t value) {
  const int rc = sqlite3_bind_int64(stmt_, index, value);
  if (rc != SQLITE_OK) fail(db_, rc, "bind");
}

void Statement::bind_double(int index, double value) {
  const int rc = sqlite3_bind_double(stmt_, index, value);
  if (rc != SQLITE_OK) fail(db_, rc, "bind");
}

void Statement::bind_text(int index, std::string_view text, sqlite3_destructor_type lifetime) {
  // An empty view may have no data: that is "", not NULL.
  const int rc = sqlite3_bind_text(stmt_, index, text.data() ? text.data() : "",
                                   static_cast<int>(text.size()), lifetime);
  if (rc != SQLITE_OK) fail(db_, rc, "bind");
}

void Statement::bind(int index, std::string_view text) { bind_text(index, text, SQLITE_TRANSIENT); }

void Statement::bind_static(int index, std::string_view text) {
  bind_text(index, text, SQLITE_STATIC);
}

void Statement::bind_null(int index) {
  const int rc = sqlite3_bind_null(stmt_, index);
  if (rc != SQLITE_OK) fail(db_, rc, "bind");
}

bool Statement::step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  sqlite3_reset(stmt_);
  fail(db_, rc, "step");
}

void Statement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

int Statement::column_count() const { return sqlite3_column_count(stmt_); }

std::int64_t Statement::column_int(int index) const { return sqlite3_column_int64(stmt_, index); }

double Statement::column_double(int index) const { return sqlite3_column_double(stmt_, index); }

std::string_view Statement::column_view(int index) const {
  const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, index));
  return text ? std::string_view(text, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, index)))
              : std::string_view();
}

std::string Statement::column_text(int index) const {
  const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, index));
  return text ? std::string(text, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, index)))
              : std::string();
}

bool Statement::column_is_null(int index) const {
  return sqlite3_column_type(stmt_, index) == SQLITE_NULL;
}

Transaction::Transaction(Database& db) : db_(db) { db_.exec("BEGIN IMMEDIATE"); }

Transaction::~Transaction() {
  if (done_) return;
  try {
    db_.exec("ROLLBACK");
  } catch (const SqliteError&) {
    // No transaction left to roll back (SQLite ended it on the error).
  }
}

void Transaction::commit() {
  db_.exec("COMMIT");
  done_ = true;
}

}  // namespace onlooker::sqlite
