#include "sqlite_history.h"

#include <sys/stat.h>

#include <array>
#include <cstdio>
#include <ctime>
#include <map>
#include <string_view>
#include <utility>

#include "log.h"

namespace onlooker {
namespace {

// Step N moves the schema from user_version N to N + 1. Never edit a step
// that has shipped; add one.
constexpr std::array<const char*, SqliteHistory::schema_version> migrations = {
    R"sql(
    CREATE TABLE hits (
      ts         INTEGER NOT NULL,  -- unix time, milliseconds
      visitor    TEXT    NOT NULL,  -- salted hash or cookie id, hex
      kind       TEXT    NOT NULL,  -- view | beat | leave
      host       TEXT    NOT NULL,
      path       TEXT    NOT NULL,  -- without the query string
      referrer   TEXT,              -- host and path, no scheme or query
      status     INTEGER NOT NULL,
      country    TEXT,
      city       TEXT,
      device     TEXT,
      browser    TEXT,
      os         TEXT,
      bytes      INTEGER,
      request_ms INTEGER
    );
    CREATE INDEX hits_ts ON hits (ts);
    -- Where the drain loop resumes; written in the same transaction as the
    -- rows it covers.
    CREATE TABLE ring_cursor (
      id         INTEGER PRIMARY KEY CHECK (id = 1),
      generation INTEGER NOT NULL,
      next_seq   INTEGER NOT NULL
    );
    )sql",
    R"sql(
    CREATE TABLE visits (
      visitor    TEXT    NOT NULL,
      host       TEXT    NOT NULL,
      start      INTEGER NOT NULL,  -- unix ms of the first hit
      end        INTEGER NOT NULL,  -- unix ms of the last hit
      pages      INTEGER NOT NULL,  -- page views in the visit
      entry_page TEXT    NOT NULL,
      exit_page  TEXT    NOT NULL,
      country    TEXT,
      device     TEXT
    );
    CREATE INDEX visits_start ON visits (start);
    CREATE INDEX hits_host_ts ON hits (host, ts);
    -- Covering index for reports by day and country.
    CREATE INDEX hits_ts_kind_country ON hits (ts, kind, country, visitor);

    CREATE VIEW daily_views AS
      SELECT date(ts / 1000, 'unixepoch') AS day, host,
             count(*) AS views, count(DISTINCT visitor) AS visitors
        FROM hits WHERE kind = 'view' GROUP BY day, host;
    CREATE VIEW daily_countries AS
      SELECT date(ts / 1000, 'unixepoch') AS day, host, country,
             count(*) AS views, count(DISTINCT visitor) AS visitors
        FROM hits WHERE kind = 'view' GROUP BY day, host, country;
    CREATE VIEW top_pages AS
      SELECT host, path, count(*) AS views, count(DISTINCT visitor) AS visitors
        FROM hits WHERE kind = 'view' GROUP BY host, path ORDER BY views DESC;
    CREATE VIEW daily_visits AS
      SELECT date(start / 1000, 'unixepoch') AS day, host, count(*) AS visits,
             avg((end - start) / 1000.0) AS avg_seconds, avg(pages) AS avg_pages
        FROM visits GROUP BY day, host;
    )sql",
    // Rollups: reports read these instead of scanning hits. Built with this
    // step from the hits already stored (build_rollups_from_hits); kept up to
    // date by every batch from then on.
    R"sql(
    CREATE TABLE rollups (
      span      TEXT    NOT NULL,  -- hour | day (UTC)
      start     INTEGER NOT NULL,  -- unix ms at which the hour or day begins
      dimension TEXT    NOT NULL,  -- all | path | country
      host      TEXT    NOT NULL,
      value     TEXT    NOT NULL,  -- the path or country code; '' for all, or no country
      views     INTEGER NOT NULL,  -- people's page views (bots left out)
      visitors  INTEGER NOT NULL,  -- unique visitors within the hour or day
      PRIMARY KEY (span, dimension, start, host, value)
    ) WITHOUT ROWID;
    -- Reports read the rollups now: these two indexes only slowed inserts.
    DROP INDEX IF EXISTS hits_host_ts;
    DROP INDEX IF EXISTS hits_ts_kind_country;
    CREATE TABLE visit_rollups (
      start       INTEGER NOT NULL,  -- unix ms at which the UTC day begins
      host        TEXT    NOT NULL,
      visits      INTEGER NOT NULL,
      duration_ms INTEGER NOT NULL,  -- summed over the visits
      pages       INTEGER NOT NULL,  -- summed over the visits
      PRIMARY KEY (start, host)
    ) WITHOUT ROWID;

    INSERT INTO visit_rollups
      SELECT start / 86400000 * 86400000, host, count(*), sum(end - start), sum(pages)
        FROM visits GROUP BY 1, host;

    DROP VIEW daily_views;
    DROP VIEW daily_countries;
    DROP VIEW top_pages;
    DROP VIEW daily_visits;
    CREATE VIEW hourly_views AS
      SELECT datetime(start / 1000, 'unixepoch') AS hour, host, views, visitors
        FROM rollups WHERE span = 'hour' AND dimension = 'all';
    CREATE VIEW daily_views AS
      SELECT date(start / 1000, 'unixepoch') AS day, host, views, visitors
        FROM rollups WHERE span = 'day' AND dimension = 'all';
    CREATE VIEW daily_countries AS
      SELECT date(start / 1000, 'unixepoch') AS day, host, nullif(value, '') AS country,
             views, visitors
        FROM rollups WHERE span = 'day' AND dimension = 'country';
    CREATE VIEW daily_pages AS
      SELECT date(start / 1000, 'unixepoch') AS day, host, value AS path, views, visitors
        FROM rollups WHERE span = 'day' AND dimension = 'path';
    -- visitors: unique per day, summed over the days.
    CREATE VIEW top_pages AS
      SELECT host, value AS path, sum(views) AS views, sum(visitors) AS visitors
        FROM rollups WHERE span = 'day' AND dimension = 'path'
       GROUP BY host, value ORDER BY views DESC;
    CREATE VIEW daily_visits AS
      SELECT date(start / 1000, 'unixepoch') AS day, host, visits,
             duration_ms / 1000.0 / visits AS avg_seconds, pages * 1.0 / visits AS avg_pages
        FROM visit_rollups;
    )sql",
    // The rollups count each hit once, in rowid order, up to this hit. They
    // may lag behind `hits` after a restart, while the visitors a bucket has
    // already counted load in the background (sqlite_history.h).
    R"sql(
    CREATE TABLE rollup_cursor (
      id  INTEGER PRIMARY KEY CHECK (id = 1),
      hit INTEGER NOT NULL  -- rowid of the last hit counted in the rollups
    );
    INSERT INTO rollup_cursor VALUES (1, coalesce((SELECT max(rowid) FROM hits), 0));
    )sql",
};

// Hits read back per catch-up step: small enough that a commit waits for
// one step only briefly (about 10 ms here).
constexpr std::int64_t catch_up_hits = 20'000;

// Rows per INSERT statement in the batch writer (hits and visits): one
// statement step per row costs more than the row itself; many rows per step
// share it.
constexpr std::size_t rows_per_insert = 32;

// Schema 3's one-off build of the rollups from the hits already stored, one
// statement per (span, dimension): the same figures each batch adds later.
void build_rollups_from_hits(sqlite::Database& db) {
  for (const auto span : {RollupSpan::hour, RollupSpan::day}) {
    const std::string width = std::to_string(span_ms(span));
    for (const auto& [dimension, value] :
         {std::pair{RollupDimension::all, "''"}, std::pair{RollupDimension::path, "path"},
          std::pair{RollupDimension::country, "coalesce(country, '')"}}) {
      db.exec("INSERT INTO rollups SELECT '" + std::string(to_string(span)) + "', ts / " + width +
              " * " + width + " AS start, '" + std::string(to_string(dimension)) +
              "', host, " + value + " AS value, count(*), count(DISTINCT visitor) FROM hits "
              "WHERE kind = 'view' AND coalesce(device, '') <> 'bot' GROUP BY start, host, value");
    }
  }
}
constexpr int hit_columns = 14;
constexpr int visit_columns = 9;

// "INSERT INTO table (columns) VALUES (?, ...), ..." for `rows` rows.
std::string insert_rows_sql(std::string_view into, int columns, std::size_t rows) {
  std::string sql = "INSERT INTO " + std::string(into) + " VALUES ";
  for (std::size_t row = 0; row < rows; ++row) {
    sql += row == 0 ? "(" : ", (";
    for (int column = 0; column < columns; ++column) sql += column == 0 ? "?" : ", ?";
    sql += ")";
  }
  return sql;
}

std::string insert_hits_sql(std::size_t rows) {
  return insert_rows_sql(
      "hits (ts, visitor, kind, host, path, referrer, status, bytes, request_ms, country, city, "
      "device, browser, os)",
      hit_columns, rows);
}

std::string insert_visits_sql(std::size_t rows) {
  return insert_rows_sql(
      "visits (visitor, host, start, end, pages, entry_page, exit_page, country, device)",
      visit_columns, rows);
}

void bind_text_or_null(sqlite::Statement& statement, int index, const std::string& text) {
  if (text.empty()) {
    statement.bind_null(index);
  } else {
    statement.bind_static(index, text);
  }
}

// Binds a hit's columns from parameter `first` on. The strings bound stay
// alive until the statement runs: the hit's own, and `visitor_hex`.
void bind_hit(sqlite::Statement& insert, int first, const Hit& hit, std::string_view visitor_hex) {
  insert.bind(first, hit.ts_ms);
  insert.bind_static(first + 1, visitor_hex);
  insert.bind_static(first + 2, to_string(hit.kind));
  insert.bind_static(first + 3, hit.host);
  insert.bind_static(first + 4, hit.path);
  bind_text_or_null(insert, first + 5, hit.referrer);
  insert.bind(first + 6, static_cast<std::int64_t>(hit.status));
  insert.bind(first + 7, static_cast<std::int64_t>(hit.bytes));
  insert.bind(first + 8, static_cast<std::int64_t>(hit.request_ms));
  bind_text_or_null(insert, first + 9, hit.country_code);
  bind_text_or_null(insert, first + 10, hit.city);
  bind_text_or_null(insert, first + 11, hit.device);
  bind_text_or_null(insert, first + 12, hit.browser);
  bind_text_or_null(insert, first + 13, hit.os);
}

// Inserts `count` rows: rows_per_insert at a time through `many`, the rest
// one at a time through `one`. bind_row(statement, first_parameter, row, slot)
// binds row `row`; `slot` is its place in the statement (< rows_per_insert),
// for what must stay alive until the statement runs.
template <class BindRow>
void insert_rows(sqlite::Statement& many, sqlite::Statement& one, int columns, std::size_t count,
                 BindRow bind_row) {
  std::size_t done = 0;
  for (; count - done >= rows_per_insert; done += rows_per_insert) {
    for (std::size_t slot = 0; slot < rows_per_insert; ++slot) {
      bind_row(many, static_cast<int>(slot) * columns + 1, done + slot, slot);
    }
    many.exec();
  }
  for (; done < count; ++done) {
    bind_row(one, 1, done, std::size_t{0});
    one.exec();
  }
}

// Binds a visit's columns from parameter `first` on (its strings stay alive
// until the statement runs).
void bind_visit(sqlite::Statement& insert, int first, const Visit& visit) {
  insert.bind_static(first, visit.visitor);
  insert.bind_static(first + 1, visit.host);
  insert.bind(first + 2, visit.start_ms);
  insert.bind(first + 3, visit.last_seen_ms);
  insert.bind(first + 4, visit.pages);
  insert.bind_static(first + 5, visit.entry_page);
  insert.bind_static(first + 6, visit.exit_page);
  bind_text_or_null(insert, first + 7, visit.country);
  bind_text_or_null(insert, first + 8, visit.device);
}

}  // namespace

struct SqliteHistory::Connection {
  explicit Connection(const std::string& path) : db(path) {
    db.exec("PRAGMA busy_timeout = 5000");
    // WAL: readers (the sqlite3 shell, a BI tool) never block the writer.
    db.exec("PRAGMA journal_mode = WAL");
    db.exec("PRAGMA synchronous = NORMAL");
  }
  void prepare() {
    insert_hit = std::make_unique<sqlite::Statement>(db, insert_hits_sql(1));
    insert_hits = std::make_unique<sqlite::Statement>(db, insert_hits_sql(rows_per_insert));
    insert_visit = std::make_unique<sqlite::Statement>(db, insert_visits_sql(1));
    insert_visits = std::make_unique<sqlite::Statement>(db, insert_visits_sql(rows_per_insert));
    delete_hits = std::make_unique<sqlite::Statement>(
        db, "DELETE FROM hits WHERE rowid IN (SELECT rowid FROM hits WHERE ts < ?1 LIMIT ?2)");
    delete_visits = std::make_unique<sqlite::Statement>(
        db,
        "DELETE FROM visits WHERE rowid IN (SELECT rowid FROM visits WHERE start < ?1 LIMIT ?2)");
    upsert_rollup = std::make_unique<sqlite::Statement>(
        db,
        "INSERT INTO rollups (span, start, dimension, host, value, views, visitors) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT DO UPDATE SET "
        "views = views + excluded.views, visitors = visitors + excluded.visitors");
    upsert_visit_rollup = std::make_unique<sqlite::Statement>(
        db,
        "INSERT INTO visit_rollups (start, host, visits, duration_ms, pages) "
        "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT DO UPDATE SET visits = visits + excluded.visits, "
        "duration_ms = duration_ms + excluded.duration_ms, pages = pages + excluded.pages");
    bucket_has_hits = std::make_unique<sqlite::Statement>(
        db, "SELECT EXISTS (SELECT 1 FROM hits WHERE ts >= ?1 AND ts < ?2)");
    select_uncounted = std::make_unique<sqlite::Statement>(
        db,
        "SELECT rowid, ts, kind, host, path, coalesce(country, ''), coalesce(device, ''), "
        "visitor FROM hits WHERE rowid > ?1 ORDER BY rowid LIMIT ?2");
    save_rollup_cursor =
        std::make_unique<sqlite::Statement>(db, "UPDATE rollup_cursor SET hit = ?1");
    // Rollup rows go once their whole hour or day is older than the cutoff.
    delete_rollups = std::make_unique<sqlite::Statement>(
        db,
        "DELETE FROM rollups WHERE (span, dimension, start, host, value) IN ("
        "SELECT span, dimension, start, host, value FROM rollups WHERE span = 'hour' AND "
        "start <= ?1 - 3600000 UNION ALL SELECT span, dimension, start, host, value FROM rollups "
        "WHERE span = 'day' AND start <= ?1 - 86400000 LIMIT ?2)");
    delete_visit_rollups = std::make_unique<sqlite::Statement>(
        db,
        "DELETE FROM visit_rollups WHERE (start, host) IN (SELECT start, host FROM visit_rollups "
        "WHERE start <= ?1 - 86400000 LIMIT ?2)");
    save_position = std::make_unique<sqlite::Statement>(
        db,
        "INSERT INTO ring_cursor (id, generation, next_seq) VALUES (1, ?1, ?2) "
        "ON CONFLICT (id) DO UPDATE SET generation = excluded.generation, "
        "next_seq = excluded.next_seq");
  }

  sqlite::Database db;
  std::unique_ptr<sqlite::Statement> insert_hit;   // one row
  std::unique_ptr<sqlite::Statement> insert_hits;  // rows_per_insert rows
  std::unique_ptr<sqlite::Statement> insert_visit;
  std::unique_ptr<sqlite::Statement> insert_visits;  // rows_per_insert rows
  std::unique_ptr<sqlite::Statement> save_position;
  std::unique_ptr<sqlite::Statement> delete_hits;
  std::unique_ptr<sqlite::Statement> delete_visits;
  std::unique_ptr<sqlite::Statement> upsert_rollup;
  std::unique_ptr<sqlite::Statement> upsert_visit_rollup;
  std::unique_ptr<sqlite::Statement> bucket_has_hits;
  std::unique_ptr<sqlite::Statement> select_uncounted;
  std::unique_ptr<sqlite::Statement> save_rollup_cursor;
  std::unique_ptr<sqlite::Statement> delete_rollups;
  std::unique_ptr<sqlite::Statement> delete_visit_rollups;
};

SqliteHistory::SqliteHistory(const std::string& path) : path_(path), loader_(path) { open(); }

SqliteHistory::~SqliteHistory() = default;

void SqliteHistory::open() {
  connection_.reset();
  rollups_.forget();
  loading_.clear();
  ++epoch_;  // sets still loading from the file before are not wanted
  auto connection = std::make_unique<Connection>(path_);
  connection_ = std::move(connection);
  migrate();
  connection_->prepare();
  counted_until_ = connection_->db.query_int("SELECT hit FROM rollup_cursor");
  last_hit_ = connection_->db.query_int("SELECT coalesce(max(rowid), 0) FROM hits");
  if (counted_until_ < last_hit_) {
    log::info("msg=\"the rollups lag behind the stored hits; counting them in the background\" "
              "hits=" + std::to_string(last_hit_ - counted_until_));
  }
  struct stat st {};
  if (::stat(path_.c_str(), &st) == 0) {
    device_ = st.st_dev;
    inode_ = st.st_ino;
  }
}

void SqliteHistory::follow_file() {
  if (!connection_) return open();  // a reopen failed earlier: try again
  struct stat st {};
  if (::stat(path_.c_str(), &st) == 0 && st.st_dev == device_ && st.st_ino == inode_) return;
  log::error("msg=\"history database was deleted or replaced; opening it anew\" db=" + path_);
  open();
}

void SqliteHistory::recover_from(const sqlite::SqliteError& error) {
  const int primary = error.code() & 0xff;
  if (primary != SQLITE_CORRUPT && primary != SQLITE_NOTADB) return;
  const std::string aside = path_ + ".corrupt-" + std::to_string(std::time(nullptr));
  log::error("msg=\"history database is corrupt; moving it aside and starting a new one\" db=" +
             path_ + " moved_to=" + aside);
  connection_.reset();
  std::rename(path_.c_str(), aside.c_str());
  for (const char* suffix : {"-wal", "-shm"}) std::remove((path_ + suffix).c_str());
  open();
}

void SqliteHistory::migrate() {
  auto& db = connection_->db;
  const auto version = db.query_int("PRAGMA user_version");
  if (version > schema_version) {
    throw sqlite::SqliteError("database schema version " + std::to_string(version) +
                                  " is newer than this onlookerd (" +
                                  std::to_string(schema_version) + ")",
                              SQLITE_ERROR);
  }
  for (auto step = version; step < schema_version; ++step) {
    if (step == 2 && version > 0) {
      log::info("msg=\"building hourly and daily rollups from the stored hits (schema 3); "
                "this runs once\" db=" + path_ + " hits=" +
                std::to_string(db.query_int("SELECT count(*) FROM hits")));
    }
    sqlite::Transaction transaction(db);
    db.exec(migrations[static_cast<std::size_t>(step)]);
    if (step == 2) build_rollups_from_hits(db);
    db.exec("PRAGMA user_version = " + std::to_string(step + 1));
    transaction.commit();
  }
}

std::optional<RingPosition> SqliteHistory::committed_position() {
  follow_file();
  sqlite::Statement query(connection_->db, "SELECT generation, next_seq FROM ring_cursor WHERE id = 1");
  if (!query.step()) return std::nullopt;
  return RingPosition{static_cast<std::uint64_t>(query.column_int(0)),
                      static_cast<std::uint64_t>(query.column_int(1))};
}

void SqliteHistory::commit(const HistoryBatch& batch) {
  try {
    follow_file();
    write(batch);
  } catch (const sqlite::SqliteError& error) {
    recover_from(error);
    throw;
  }
}

void SqliteHistory::catch_up() {
  if (!lagging()) return;
  follow_file();
  take_loaded();
  if (!lagging() || !loading_.empty()) return;
  try {
    sqlite::Transaction transaction(connection_->db);
    UndoUnlessCommitted counted{rollups_};
    const std::int64_t until = count_stored_hits();
    if (until == counted_until_) return;
    save_rollup_cursor(until);
    transaction.commit();
    counted.committed = true;
    committed(last_hit_, until);
  } catch (const sqlite::SqliteError& error) {
    recover_from(error);
    throw;
  }
}

void SqliteHistory::committed(std::int64_t last_hit, std::int64_t counted_until) {
  const bool was_lagging = lagging();
  last_hit_ = last_hit;
  counted_until_ = counted_until;
  if (was_lagging && !lagging()) {
    log::info("msg=\"the rollups have caught up with the stored hits\"");
  }
}

void SqliteHistory::take_loaded() {
  for (auto& loaded : loader_.take()) {
    if (loaded.epoch != epoch_) continue;
    loading_.erase(loaded.bucket);
    if (loaded.counted) rollups_.provide(loaded.bucket, std::move(*loaded.counted));
  }
}

void SqliteHistory::load_in_background(const std::vector<RollupBucket>& buckets) {
  for (const RollupBucket& bucket : buckets) {
    if (loading_.insert(bucket).second) loader_.request(bucket, counted_until_, epoch_);
  }
}

bool SqliteHistory::provide_sets(std::span<const Hit> hits) {
  std::vector<RollupBucket> stored;  // buckets holding hits: their sets must be read
  for (const RollupBucket& bucket : rollups_.missing(hits)) {
    auto& has_hits = *connection_->bucket_has_hits;
    has_hits.bind(1, bucket.start_ms);
    has_hits.bind(2, bucket.end_ms());
    const bool any = has_hits.step() && has_hits.column_int(0) != 0;
    has_hits.reset();
    if (any) {
      stored.push_back(bucket);
    } else {
      rollups_.provide(bucket, {});  // a new hour or day: nobody counted yet
    }
  }
  load_in_background(stored);
  return stored.empty();
}

std::int64_t SqliteHistory::count_stored_hits() {
  auto& select = *connection_->select_uncounted;
  select.bind(1, counted_until_);
  select.bind(2, catch_up_hits);
  std::vector<Hit> hits;
  std::int64_t until = counted_until_;
  while (select.step()) {
    until = select.column_int(0);
    Hit hit;
    hit.ts_ms = select.column_int(1);
    if (!from_string(select.column_view(2), hit.kind) || hit.kind != HitKind::view ||
        !from_hex(select.column_view(7), hit.visitor)) {
      continue;  // only people's views count; rows not written by us do not
    }
    hit.host = select.column_view(3);
    hit.path = select.column_view(4);
    hit.country_code = select.column_view(5);
    hit.device = select.column_view(6);
    hits.push_back(std::move(hit));
  }
  select.reset();
  const auto missing = rollups_.missing(hits);
  if (!missing.empty()) {
    load_in_background(missing);
    return counted_until_;  // these hits once their buckets' sets are loaded
  }
  upsert_rollups(rollups_.add(hits));
  return until;
}

void SqliteHistory::upsert_rollups(const std::vector<RollupDelta>& deltas) {
  auto& upsert = *connection_->upsert_rollup;
  for (const RollupDelta& delta : deltas) {
    upsert.bind(1, to_string(delta.span));
    upsert.bind(2, delta.start_ms);
    upsert.bind(3, to_string(delta.dimension));
    upsert.bind(4, delta.host);
    upsert.bind(5, delta.value);
    upsert.bind(6, delta.views);
    upsert.bind(7, delta.visitors);
    upsert.exec();
  }
}

void SqliteHistory::save_rollup_cursor(std::int64_t hit) {
  auto& save = *connection_->save_rollup_cursor;
  save.bind(1, hit);
  save.exec();
}

// Rollups are counted with the batch when they are up to date and every
// bucket the batch counts in has its set in memory. Otherwise the hits are
// stored alone, the missing sets load in the background, and later commits
// (or catch_up() when idle) count the stored hits in rowid order. Either
// way the hits, their position in the ring and the rollup cursor commit
// together, so a crash can neither lose nor double a count.
void SqliteHistory::write(const HistoryBatch& batch) {
  take_loaded();
  sqlite::Transaction transaction(connection_->db);
  UndoUnlessCommitted counted{rollups_};
  std::int64_t counted_until = counted_until_;
  if (lagging() && loading_.empty()) counted_until = count_stored_hits();
  const bool with_rollups =
      counted_until == last_hit_ && !batch.hits.empty() && provide_sets(batch.hits);
  if (with_rollups) upsert_rollups(rollups_.add(batch.hits));
  std::array<VisitorHex, rows_per_insert> visitors;  // bound until each exec()
  insert_rows(*connection_->insert_hits, *connection_->insert_hit, hit_columns, batch.hits.size(),
              [&](sqlite::Statement& insert, int first, std::size_t row, std::size_t slot) {
                visitors[slot] = to_hex_digits(batch.hits[row].visitor);
                bind_hit(insert, first, batch.hits[row], {visitors[slot].data(), visitors[slot].size()});
              });
  const std::int64_t last_hit =
      batch.hits.empty() ? last_hit_ : sqlite3_last_insert_rowid(connection_->db.handle());
  if (with_rollups) counted_until = last_hit;
  if (counted_until != counted_until_) save_rollup_cursor(counted_until);
  write_visits(batch.visits);
  // SQLite integers are signed: the 64-bit generation is stored bit for bit.
  auto& save_position = *connection_->save_position;
  save_position.bind(1, static_cast<std::int64_t>(batch.after.generation));
  save_position.bind(2, static_cast<std::int64_t>(batch.after.next_seq));
  save_position.exec();
  transaction.commit();
  counted.committed = true;
  committed(last_hit, counted_until);
}

// Each visit's row, and what its day adds to visit_rollups: one upsert per
// (day, site) of the batch.
void SqliteHistory::write_visits(std::span<const Visit> visits) {
  insert_rows(*connection_->insert_visits, *connection_->insert_visit, visit_columns,
              visits.size(), [&](sqlite::Statement& insert, int first, std::size_t row, std::size_t) {
                bind_visit(insert, first, visits[row]);
              });
  struct DaySums {
    std::int64_t visits = 0;
    std::int64_t duration_ms = 0;
    std::int64_t pages = 0;
  };
  std::map<std::pair<std::int64_t, std::string_view>, DaySums> days;
  for (const Visit& visit : visits) {
    DaySums& sums = days[{visit.start_ms / 86'400'000 * 86'400'000, visit.host}];
    ++sums.visits;
    sums.duration_ms += visit.last_seen_ms - visit.start_ms;
    sums.pages += visit.pages;
  }
  auto& rollup = *connection_->upsert_visit_rollup;
  for (const auto& [day, sums] : days) {
    rollup.bind(1, day.first);
    rollup.bind_static(2, day.second);
    rollup.bind(3, sums.visits);
    rollup.bind(4, sums.duration_ms);
    rollup.bind(5, sums.pages);
    rollup.exec();
  }
}

std::size_t SqliteHistory::delete_before(std::int64_t cutoff_ms, std::size_t limit) {
  follow_file();
  auto& db = connection_->db;
  sqlite::Transaction transaction(db);
  std::size_t deleted = 0;
  for (auto* statement : {connection_->delete_hits.get(), connection_->delete_visits.get(),
                          connection_->delete_rollups.get(),
                          connection_->delete_visit_rollups.get()}) {
    statement->bind(1, cutoff_ms);
    statement->bind(2, static_cast<std::int64_t>(limit));
    statement->exec();
    deleted += static_cast<std::size_t>(sqlite3_changes(db.handle()));
  }
  // With every hit gone, new hits would take rowids from 1 again: the
  // cursor must not stay above them.
  const std::int64_t last_hit = db.query_int("SELECT coalesce(max(rowid), 0) FROM hits");
  const std::int64_t counted_until = std::min(counted_until_, last_hit);
  if (counted_until != counted_until_) save_rollup_cursor(counted_until);
  transaction.commit();
  committed(last_hit, counted_until);
  return deleted;
}

}  // namespace onlooker
