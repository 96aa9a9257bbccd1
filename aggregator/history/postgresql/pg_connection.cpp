#include "pg_connection.h"

#include "server_version.h"

namespace onlooker::pg {

Connection::Connection(const std::string& conninfo) : conn_(PQconnectdb(conninfo.c_str())) {
  if (conn_ == nullptr) throw PgError("PostgreSQL: out of memory");
  if (PQstatus(conn_) != CONNECTION_OK) {
    // libpq's message names host and port, never the password.
    std::string message = PQerrorMessage(conn_);
    PQfinish(conn_);
    conn_ = nullptr;
    throw PgError("PostgreSQL connection failed: " + message);
  }
  PQsetNoticeProcessor(conn_, [](void*, const char*) {}, nullptr);  // CREATE ... IF NOT EXISTS
  if (auto problem = postgres_version_problem(PQserverVersion(conn_))) {
    PQfinish(conn_);
    conn_ = nullptr;
    throw PgError(*problem);
  }
}

Connection::~Connection() {
  if (conn_ != nullptr) PQfinish(conn_);
}

Result Connection::check(PGresult* raw, const std::string& what) {
  Result result(raw);
  const auto status = result ? PQresultStatus(result.get()) : PGRES_FATAL_ERROR;
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK && status != PGRES_COPY_IN) {
    throw PgError("PostgreSQL " + what + ": " + PQerrorMessage(conn_));
  }
  return result;
}

void Connection::exec(const std::string& sql) { check(PQexec(conn_, sql.c_str()), "exec"); }

Result Connection::query(const std::string& sql,
                         const std::vector<std::optional<std::string>>& params) {
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const auto& param : params) values.push_back(param ? param->c_str() : nullptr);
  return check(PQexecParams(conn_, sql.c_str(), static_cast<int>(values.size()), nullptr,
                            values.data(), nullptr, nullptr, 0),
               "query");
}

std::int64_t Connection::query_int(const std::string& sql,
                                   const std::vector<std::optional<std::string>>& params) {
  const auto result = query(sql, params);
  if (PQntuples(result.get()) < 1 || PQgetisnull(result.get(), 0, 0)) return 0;
  return std::stoll(PQgetvalue(result.get(), 0, 0));
}

void Connection::copy_in(const std::string& copy_sql, const std::string& data) {
  check(PQexec(conn_, copy_sql.c_str()), "copy");
  if (PQputCopyData(conn_, data.data(), static_cast<int>(data.size())) != 1 ||
      PQputCopyEnd(conn_, nullptr) != 1) {
    throw PgError(std::string("PostgreSQL copy: ") + PQerrorMessage(conn_));
  }
  check(PQgetResult(conn_), "copy");
  while (PGresult* rest = PQgetResult(conn_)) PQclear(rest);
}

Transaction::Transaction(Connection& connection) : connection_(connection) {
  connection_.exec("BEGIN");
}

Transaction::~Transaction() {
  if (done_) return;
  try {
    connection_.exec("ROLLBACK");
  } catch (const PgError&) {
    // The connection is gone; the server rolled back.
  }
}

void Transaction::commit() {
  connection_.exec("COMMIT");
  done_ = true;
}

namespace {

// Length of the valid UTF-8 sequence at text[i], or 0 (PostgreSQL's text
// takes nothing else; nginx hands us raw bytes).
std::size_t utf8_length(std::string_view text, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char lead = byte(i);
  std::size_t length = 0;
  std::uint32_t min = 0;
  if (lead >= 0x01 && lead < 0x80) return 1;
  if (lead >= 0xC2 && lead <= 0xDF) length = 2, min = 0x80;
  else if (lead >= 0xE0 && lead <= 0xEF) length = 3, min = 0x800;
  else if (lead >= 0xF0 && lead <= 0xF4) length = 4, min = 0x10000;
  else return 0;
  if (i + length > text.size()) return 0;
  std::uint32_t code = lead & (0x7F >> length);
  for (std::size_t k = 1; k < length; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
    code = (code << 6) | (byte(i + k) & 0x3F);
  }
  if (code < min || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) return 0;
  return length;
}

}  // namespace

std::string valid_utf8(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t length = utf8_length(text, i);
    if (length == 0) {
      out += "\xEF\xBF\xBD";
      ++i;
    } else {
      out.append(text, i, length);
      i += length;
    }
  }
  return out;
}

void append_copy_field(std::string& row, const std::string& text, bool empty_is_null, bool first) {
  if (!first) row += '\t';
  if (empty_is_null && text.empty()) {
    row += "\\N";
    return;
  }
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t length = utf8_length(text, i);
    if (length == 0) {  // a stray byte or NUL: U+FFFD
      row += "\xEF\xBF\xBD";
      ++i;
      continue;
    }
    if (length > 1) {
      row.append(text, i, length);
      i += length;
      continue;
    }
    const char c = text[i++];
    switch (c) {
      case '\\': row += "\\\\"; break;
      case '\t': row += "\\t"; break;
      case '\n': row += "\\n"; break;
      case '\r': row += "\\r"; break;
      default: row += c;
    }
  }
}

}  // namespace onlooker::pg
