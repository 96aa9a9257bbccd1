#include "pg_rollup_rows.h"

#include <cstdint>
#include <memory>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include <absl/container/flat_hash_map.h>

#include "calendar.h"
#include "pg_connection.h"
#include "pg_visitor_keys.h"
#include "person_view.h"

namespace onlooker::pg {

namespace {

struct RollupRow {
  RollupSpan span;
  std::int64_t start_ms;
  RollupDimension dimension;
  std::string_view host;
  std::string_view value;
  std::int64_t views = 0;
};

void append_key_fields(std::string& data, const RollupRow& row, const ValueKey& key) {
  data += std::to_string(row.start_ms);
  data += '\t';
  data += std::to_string(row_kind(row.span, row.dimension));
  data += '\t';
  const auto hex = to_hex_digits(key);
  data.append(hex.data(), hex.size());
}

// `raw` as it will be stored: itself when it is valid UTF-8, else its
// sanitised copy kept in `copies`. Rows are told apart by stored text, as
// SQL would group them: two raw paths may store as one.
std::string_view stored(std::string_view raw, std::vector<std::unique_ptr<std::string>>& copies) {
  std::string text = valid_utf8(raw);
  if (text == raw) return raw;
  copies.push_back(std::make_unique<std::string>(std::move(text)));
  return *copies.back();
}

}  // namespace

RollupCopyData rollup_copy_data(std::span<const Hit> hits, const KnownVisitorKeys& known) {
  using RowId = std::tuple<int, std::int64_t, std::string_view, std::string_view>;
  std::vector<RollupRow> rows;
  absl::flat_hash_map<RowId, std::uint32_t> row_index;
  auto row_of = [&](RollupSpan span, std::int64_t start, RollupDimension dimension,
                    std::string_view host, std::string_view value) {
    const auto [at, created] = row_index.try_emplace(
        RowId{row_kind(span, dimension), start, host, value}, static_cast<std::uint32_t>(rows.size()));
    if (created) rows.push_back({span, start, dimension, host, value});
    return at->second;
  };
  // (the day row, visitor) -> the hours of the day the batch saw them in.
  std::vector<std::pair<std::uint32_t, VisitorId>> visitors;
  absl::flat_hash_map<std::pair<std::uint32_t, VisitorId>, std::uint32_t> hours_of;
  std::vector<std::unique_ptr<std::string>> copies;
  for (const Hit& hit : hits) {
    if (!is_person_view(hit)) continue;
    const std::string_view host = stored(hit.host, copies);
    const std::string_view path = stored(hit.path, copies);
    const std::string_view country = stored(hit.country_code, copies);
    const std::string_view source = stored(hit.source_group, copies);
    const std::string_view campaign = stored(hit.campaign.name, copies);
    const std::int64_t day = bucket_start(RollupSpan::day, hit.ts_ms);
    const std::int64_t hour = bucket_start(RollupSpan::hour, hit.ts_ms);
    const std::uint32_t hour_bit = 1u << ((hour - day) / hour_ms);
    for (const RollupDimension dimension : rollup_dimensions) {
      std::string_view value;
      switch (dimension) {
        case RollupDimension::all: break;
        case RollupDimension::path: value = path; break;
        case RollupDimension::country: value = country; break;
        case RollupDimension::source: value = source; break;
        case RollupDimension::campaign: value = campaign; break;
      }
      // A source or campaign row only for the views that have one, as in
      // history_rollups.cpp.
      const bool optional = dimension == RollupDimension::source ||
                            dimension == RollupDimension::campaign;
      if (optional && value.empty()) continue;
      ++rows[row_of(RollupSpan::hour, hour, dimension, host, value)].views;
      const std::uint32_t day_row = row_of(RollupSpan::day, day, dimension, host, value);
      ++rows[day_row].views;
      const auto [at, created] = hours_of.try_emplace({day_row, hit.visitor}, 0);
      if (created) visitors.emplace_back(day_row, hit.visitor);
      at->second |= hour_bit;
    }
  }
  RollupCopyData data;
  std::vector<ValueKey> keys;
  keys.reserve(rows.size());
  for (const RollupRow& row : rows) {
    keys.push_back(value_key(row.host, row.value));
    append_key_fields(data.rollup_rows, row, keys.back());
    append_copy_field(data.rollup_rows, std::string(to_string(row.span)), false);
    append_copy_field(data.rollup_rows, std::string(to_string(row.dimension)), false);
    append_copy_field(data.rollup_rows, std::string(row.host), false);
    append_copy_field(data.rollup_rows, std::string(row.value), false);
    data.rollup_rows += '\t' + std::to_string(row.views) + '\n';
  }
  data.visitor_days.reserve(visitors.size() * 120);
  for (const auto& [row, visitor] : visitors) {
    const VisitorDay key{rows[row].start_ms, static_cast<std::uint8_t>(rows[row].dimension),
                         keys[row], visitor};
    const std::uint32_t hours = hours_of.at({row, visitor});
    if ((known.hours(key) & hours) == hours) continue;
    data.sent.emplace_back(key, hours);
    data.visitor_days += std::to_string(key.day_ms);
    data.visitor_days += '\t';
    data.visitor_days += std::to_string(key.dimension);
    data.visitor_days += '\t';
    const auto value_hex = to_hex_digits(key.value);
    data.visitor_days.append(value_hex.data(), value_hex.size());
    data.visitor_days += '\t';
    const auto visitor_hex = to_hex_digits(visitor);
    data.visitor_days.append(visitor_hex.data(), visitor_hex.size());
    data.visitor_days += '\t';
    data.visitor_days += std::to_string(hours);
    append_copy_field(data.visitor_days, std::string(rows[row].host), false);
    data.visitor_days += '\n';
  }
  return data;
}

}  // namespace onlooker::pg
