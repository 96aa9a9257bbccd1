// Campaigns and sources in history, on each backend: a view's utm values,
// ref and source land in their own columns of `hits`, a visit's landing in
// those of `visits`, and nothing of them anywhere else (the path has no
// query); a same-site view has none.
#include <gtest/gtest.h>

#include <vector>

#include "support/history_backends.h"

namespace onlooker {
namespace {

template <class Backend>
class CampaignHistory : public ::testing::Test {
 protected:
  Backend backend;
};

using Backends = ::testing::Types<test::SqliteBackend, test::PostgresBackend>;
TYPED_TEST_SUITE(CampaignHistory, Backends);

constexpr std::int64_t noon = 1'794'960'000'000 + 12 * 3'600'000;

Hit landing() {
  Hit hit;
  hit.ts_ms = noon;
  hit.visitor.fill(7);
  hit.kind = HitKind::view;
  hit.host = "shop.example";
  hit.path = "/launch.html";
  hit.status = 200;
  hit.referrer = "t.co/abc";
  hit.campaign = {.source = "news", .medium = "email", .name = "launch", .ref = "ph"};
  hit.source_group = "social";
  hit.source_name = "Twitter";
  hit.referrer_host = "t.co";
  return hit;
}

TYPED_TEST(CampaignHistory, AViewsCampaignAndSourceHaveTheirOwnColumnsAndSoDoesItsVisit) {
  Hit next = landing();
  next.ts_ms += 1000;
  next.path = "/pricing.html";
  next.referrer = "shop.example/launch.html";
  next.campaign = {};
  next.source_group = next.source_name = next.referrer_host = "";  // internal navigation
  const std::vector<Hit> hits{landing(), next};
  Visit visit;
  visit.visitor = to_hex(landing().visitor);
  visit.host = "shop.example";
  visit.start_ms = noon;
  visit.last_seen_ms = noon + 1000;
  visit.pages = 2;
  visit.entry_page = "/launch.html";
  visit.exit_page = "/pricing.html";
  visit.campaign = landing().campaign;
  visit.source_group = "social";
  visit.source_name = "Twitter";
  visit.referrer_host = "t.co";
  const std::vector<Visit> visits{visit};
  this->backend.sink()->commit({hits, visits, {1, 2}});

  const std::string landing_columns =
      "utm_source = 'news' AND utm_medium = 'email' AND utm_campaign = 'launch' AND ref = 'ph' "
      "AND source = 'social' AND source_name = 'Twitter' AND referrer_host = 't.co'";
  EXPECT_EQ(this->backend.query_int("SELECT count(*) FROM hits WHERE path = '/launch.html' AND " +
                                    landing_columns),
            1);
  EXPECT_EQ(this->backend.query_int(
                "SELECT count(*) FROM hits WHERE path = '/pricing.html' AND utm_source IS NULL AND "
                "utm_medium IS NULL AND utm_campaign IS NULL AND ref IS NULL AND source IS NULL AND "
                "source_name IS NULL AND referrer_host IS NULL"),
            1);
  EXPECT_EQ(this->backend.query_int("SELECT count(*) FROM visits WHERE " + landing_columns), 1);
}

}  // namespace
}  // namespace onlooker
