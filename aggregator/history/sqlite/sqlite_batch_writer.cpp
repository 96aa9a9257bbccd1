#include "sqlite_batch_writer.h"

#include <array>
#include <string_view>

namespace onlooker {
namespace {

void bind_text_or_null(sqlite::Statement& statement, int index, const std::string& text) {
  if (text.empty()) {
    statement.bind_null(index);
  } else {
    statement.bind_static(index, text);
  }
}

// Binds the campaign and source columns from parameter `first` on.
void bind_campaign_source(
    sqlite::Statement& insert, int first,
    const std::array<const std::string*, campaign_source_columns>& values) {
  for (std::size_t column = 0; column < values.size(); ++column) {
    bind_text_or_null(insert, first + static_cast<int>(column), *values[column]);
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
  if (carries_visible_time(hit.kind)) {
    insert.bind(first + 14, static_cast<std::int64_t>(hit.visible_ms));
  } else {
    insert.bind_null(first + 14);
  }
  bind_campaign_source(insert, first + 15,
                       campaign_source_values(hit.campaign, hit.source_group, hit.source_name,
                                              hit.referrer_host));
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
  insert.bind(first + 9, visit.engaged_ms);
  insert.bind(first + 10, std::int64_t{visit.engaged_estimated});
  insert.bind(first + 11, std::int64_t{visit.bounce()});
  bind_campaign_source(insert, first + 12,
                       campaign_source_values(visit.campaign, visit.source_group,
                                              visit.source_name, visit.referrer_host));
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

}  // namespace

void insert_hits(SqliteStatements& statements, std::span<const Hit> hits) {
  std::array<VisitorHex, rows_per_insert> visitors;  // bound until each exec()
  insert_rows(statements.insert_hits, statements.insert_hit, hit_columns, hits.size(),
              [&](sqlite::Statement& insert, int first, std::size_t row, std::size_t slot) {
                visitors[slot] = to_hex_digits(hits[row].visitor);
                bind_hit(insert, first, hits[row], {visitors[slot].data(), visitors[slot].size()});
              });
}

void insert_visits(SqliteStatements& statements, std::span<const Visit> visits) {
  insert_rows(statements.insert_visits, statements.insert_visit, visit_columns, visits.size(),
              [&](sqlite::Statement& insert, int first, std::size_t row, std::size_t) {
                bind_visit(insert, first, visits[row]);
              });
}

void save_ring_position(SqliteStatements& statements, RingPosition position) {
  // SQLite integers are signed: the 64-bit generation is stored bit for bit.
  statements.save_position.bind(1, static_cast<std::int64_t>(position.generation));
  statements.save_position.bind(2, static_cast<std::int64_t>(position.next_seq));
  statements.save_position.exec();
}

}  // namespace onlooker
