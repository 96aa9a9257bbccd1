// A libpq connection with the few calls the PostgreSQL backend needs:
// statements with text parameters, COPY FROM STDIN, and transactions.
// Every failure throws PgError (the caller keeps its batch and retries).
#pragma once

#include <libpq-fe.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace onlooker::pg {

class PgError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct ResultDeleter {
  void operator()(PGresult* result) const { PQclear(result); }
};
using Result = std::unique_ptr<PGresult, ResultDeleter>;

class Connection {
 public:
  // `conninfo`: a postgresql:// URI or key=value string, as libpq takes it.
  explicit Connection(const std::string& conninfo);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Runs one or more statements without parameters.
  void exec(const std::string& sql);
  // Runs one statement; parameters are text (nullopt: NULL).
  Result query(const std::string& sql, const std::vector<std::optional<std::string>>& params = {});
  std::int64_t query_int(const std::string& sql,
                         const std::vector<std::optional<std::string>>& params = {});
  // COPY ... FROM STDIN with `data` in COPY's text format.
  void copy_in(const std::string& copy_sql, const std::string& data);

 private:
  Result check(PGresult* result, const std::string& what);
  PGconn* conn_ = nullptr;
};

// BEGIN now; ROLLBACK unless commit() ran.
class Transaction {
 public:
  explicit Transaction(Connection& connection);
  ~Transaction();
  void commit();

 private:
  Connection& connection_;
  bool done_ = false;
};

// `text` with every byte that is not part of valid UTF-8 (and NUL) as
// U+FFFD: what PostgreSQL's text can hold, and what append_copy_field stores.
std::string valid_utf8(std::string_view text);

// Appends `text` to a COPY text-format row, escaped, after a tab unless it
// is the row's first field; empty_is_null writes \N for an empty string.
void append_copy_field(std::string& row, const std::string& text, bool empty_is_null,
                       bool first = false);

}  // namespace onlooker::pg
