#include "sqlite_rollup_counter.h"

#include <map>
#include <string_view>
#include <utility>

#include "journey_rollups.h"
#include "log.h"
#include "page_engagement_rollups.h"

namespace onlooker {
namespace {

// Hits read back per catch-up step: small enough that a commit waits for
// one step only briefly (about 10 ms here).
constexpr std::int64_t catch_up_hits = 20'000;

std::int64_t query_one(sqlite::Statement& statement) {
  const std::int64_t value = statement.step() ? statement.column_int(0) : 0;
  statement.reset();
  return value;
}

}  // namespace

void SqliteRollupCounter::open(SqliteStatements& statements) {
  statements_ = &statements;
  rollups_.forget();
  loading_.clear();
  ++epoch_;  // sets still loading from the file before are not wanted
  counted_until_ = query_one(statements.select_rollup_cursor);
  last_hit_ = query_one(statements.select_last_hit);
  if (lagging()) {
    log::info("msg=\"the rollups lag behind the stored hits; counting them in the background\" "
              "hits=" + std::to_string(behind()));
  }
}

SqliteRollupCounter::Step::Step(SqliteRollupCounter& counter) : counter_(counter) {
  counter_.step_counted_until_ = counter_.counted_until_;
  counter_.step_last_hit_ = counter_.last_hit_;
  counter_.step_counts_batch_ = false;
}

SqliteRollupCounter::Step::~Step() {
  if (!committed_) counter_.rolled_back();
}

void SqliteRollupCounter::Step::commit() {
  committed_ = true;
  counter_.committed();
}

void SqliteRollupCounter::committed() {
  const bool was_lagging = lagging();
  last_hit_ = step_last_hit_;
  counted_until_ = step_counted_until_;
  rollups_.confirm();
  if (was_lagging && !lagging()) {
    log::info("msg=\"the rollups have caught up with the stored hits\"");
  }
}

void SqliteRollupCounter::count_batch(std::span<const Hit> hits) {
  take_loaded();
  if (lagging() && loading_.empty()) step_counted_until_ = count_stored_hits();
  step_counts_batch_ =
      step_counted_until_ == last_hit_ && !hits.empty() && provide_sets(hits);
  if (step_counts_batch_) upsert_rollups(rollups_.add(hits));
}

void SqliteRollupCounter::stored_batch(std::optional<std::int64_t> newest_hit,
                                       std::span<const Visit> visits) {
  if (newest_hit) step_last_hit_ = *newest_hit;
  if (step_counts_batch_) step_counted_until_ = step_last_hit_;
  save_cursor(step_counted_until_);
  count_visits(visits);
  count_journeys(visits);
  count_page_engagement(visits);
}

bool SqliteRollupCounter::can_catch_up() {
  if (!lagging()) return false;
  take_loaded();
  return lagging() && loading_.empty();
}

bool SqliteRollupCounter::catch_up_step() {
  const std::int64_t until = count_stored_hits();
  if (until == counted_until_) return false;
  step_counted_until_ = until;
  save_cursor(until);
  return true;
}

void SqliteRollupCounter::deleted_hits() {
  step_last_hit_ = query_one(statements_->select_last_hit);
  step_counted_until_ = std::min(counted_until_, step_last_hit_);
  save_cursor(step_counted_until_);
}

void SqliteRollupCounter::take_loaded() {
  for (auto& loaded : loader_.take()) {
    if (loaded.epoch != epoch_) continue;
    loading_.erase(loaded.bucket);
    if (loaded.counted) rollups_.provide(loaded.bucket, std::move(*loaded.counted));
  }
}

void SqliteRollupCounter::load_in_background(const std::vector<RollupBucket>& buckets) {
  for (const RollupBucket& bucket : buckets) {
    if (loading_.insert(bucket).second) loader_.request(bucket, counted_until_, epoch_);
  }
}

bool SqliteRollupCounter::provide_sets(std::span<const Hit> hits) {
  std::vector<RollupBucket> stored;  // buckets holding hits: their sets must be read
  for (const RollupBucket& bucket : rollups_.missing(hits)) {
    auto& has_hits = statements_->bucket_has_hits;
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

std::int64_t SqliteRollupCounter::count_stored_hits() {
  auto& select = statements_->select_uncounted;
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
      continue;  // only people's views count (add() leaves bots out); rows not ours do not
    }
    hit.host = select.column_view(3);
    hit.path = select.column_view(4);
    hit.country_code = select.column_view(5);
    hit.device = select.column_view(6);
    hit.source_group = select.column_view(8);
    hit.campaign.name = select.column_view(9);
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

void SqliteRollupCounter::upsert_rollups(const std::vector<RollupDelta>& deltas) {
  auto& upsert = statements_->upsert_rollup;
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

// What the visits add to visit_rollups: one upsert per (day, site).
void SqliteRollupCounter::count_visits(std::span<const Visit> visits) {
  struct DaySums {
    std::int64_t visits = 0;
    std::int64_t duration_ms = 0;
    std::int64_t pages = 0;
    std::int64_t engaged_ms = 0;  // every visit written now has its engaged time
    std::int64_t bounces = 0;
  };
  std::map<std::pair<std::int64_t, std::string_view>, DaySums> days;
  for (const Visit& visit : visits) {
    DaySums& sums = days[{bucket_start(RollupSpan::day, visit.start_ms), visit.host}];
    ++sums.visits;
    sums.duration_ms += visit.last_seen_ms - visit.start_ms;
    sums.pages += visit.pages;
    sums.engaged_ms += visit.engaged_ms;
    sums.bounces += visit.bounce() ? 1 : 0;
  }
  auto& rollup = statements_->upsert_visit_rollup;
  for (const auto& [day, sums] : days) {
    rollup.bind(1, day.first);
    rollup.bind_static(2, day.second);
    rollup.bind(3, sums.visits);
    rollup.bind(4, sums.duration_ms);
    rollup.bind(5, sums.pages);
    rollup.bind(6, sums.visits);  // engaged_visits
    rollup.bind(7, sums.engaged_ms);
    rollup.bind(8, sums.bounces);
    rollup.exec();
  }
}

// What the visits add to journey_rollups: one upsert per (day, site, step).
void SqliteRollupCounter::count_journeys(std::span<const Visit> visits) {
  auto& rollup = statements_->upsert_journey_rollup;
  for (const JourneyDelta& delta : journey_deltas(visits)) {
    rollup.bind_static(1, to_string(delta.span));
    rollup.bind(2, delta.start_ms);
    rollup.bind_static(3, delta.host);
    rollup.bind_static(4, delta.from_path);
    rollup.bind_static(5, delta.to_path);
    rollup.bind(6, delta.visits);
    rollup.exec();
  }
}

// What the visits add to page_engagement_rollups: one upsert per (page, day, site).
void SqliteRollupCounter::count_page_engagement(std::span<const Visit> visits) {
  auto& rollup = statements_->upsert_page_engagement;
  for (const PageEngagementDelta& delta : page_engagement_deltas(visits)) {
    rollup.bind(1, delta.start_ms);
    rollup.bind_static(2, delta.host);
    rollup.bind_static(3, delta.path);
    rollup.bind(4, delta.views);
    rollup.bind(5, delta.engaged_ms);
    rollup.bind(6, delta.estimated_views);
    rollup.exec();
  }
}

void SqliteRollupCounter::save_cursor(std::int64_t counted_until) {
  if (counted_until == counted_until_) return;
  statements_->save_rollup_cursor.bind(1, counted_until);
  statements_->save_rollup_cursor.exec();
}

}  // namespace onlooker
