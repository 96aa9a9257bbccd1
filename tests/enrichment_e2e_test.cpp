// Geo and device enrichment end to end: real nginx forwards client
// addresses (realip), onlookerd looks them up in a test .mmdb the build
// wrote and classifies real browsers' User-Agents with uap-core.
#include <gtest/gtest.h>
#include <signal.h>

#include <nlohmann/json.hpp>

#include "sqlite_db.h"
#include "support/http_client.h"
#include "support/process.h"
#include "support/stack.h"

namespace onlooker {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using test::eventually;
using test::http_get;
using test::Stack;

constexpr const char* chrome_windows =
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36";
constexpr const char* iphone =
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
    "Gecko) Version/17.5 Mobile/15E148 Safari/604.1";
constexpr const char* android_tablet =
    "Mozilla/5.0 (Linux; Android 13; SM-X700) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0.0.0 Safari/537.36";
constexpr const char* googlebot =
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)";

Stack enriched_stack() {
  return Stack({.onlookerd_args = {"--geoip", ONLOOKER_TEST_GEOIP2_MMDB, "--ua-regexes",
                                   ONLOOKER_TEST_UAP_REGEXES, "--push-interval", "50"}});
}

void visit(const Stack& stack, const std::string& address, const std::string& agent,
           const std::string& page = "/index.html") {
  ASSERT_EQ(http_get(stack.site_port(), page,
                     {{"X-Forwarded-For", address}, {"User-Agent", agent}})
                .status,
            200);
}

json find(const json& list, const std::string& field, const std::string& value) {
  for (const auto& entry : list) {
    if (entry.at(field) == value) return entry;
  }
  return nullptr;
}

TEST(Enrichment, CountriesCitiesAndDevicesPerForwardedAddress) {
  Stack stack = enriched_stack();
  visit(stack, "81.2.69.10", chrome_windows);
  visit(stack, "203.0.113.5", iphone, "/about.html");
  visit(stack, "2001:db8::17", android_tablet);
  visit(stack, "198.51.100.3", googlebot);

  json live;
  ASSERT_TRUE(eventually([&] {
    live = json::parse(http_get(stack.site_port(), "/onlooker/api/live").body);
    return live.at("active") == 3 && live.at("bots") == 1;
  }, 3s)) << live.dump(1);

  EXPECT_EQ(find(live.at("countries"), "code", "GB"),
            json::parse(R"({"code":"GB","name":"United Kingdom","viewers":1})"));
  EXPECT_EQ(find(live.at("countries"), "code", "JP").at("name"), "Japan");
  EXPECT_EQ(find(live.at("countries"), "code", "DE").at("name"), "Germany");  // IPv6
  EXPECT_TRUE(find(live.at("countries"), "code", "US").is_null()) << "a bot was counted";
  EXPECT_EQ(find(live.at("cities"), "name", "London"),
            json::parse(R"({"country":"GB","name":"London","viewers":1})"));
  EXPECT_FALSE(find(live.at("cities"), "name", "Tokyo").is_null());
  EXPECT_EQ(find(live.at("devices"), "name", "desktop").at("viewers"), 1);
  EXPECT_EQ(find(live.at("devices"), "name", "mobile").at("viewers"), 1);
  EXPECT_EQ(find(live.at("devices"), "name", "tablet").at("viewers"), 1);
  EXPECT_FALSE(find(live.at("browsers"), "name", "Chrome").is_null()) << live.at("browsers");
  EXPECT_FALSE(find(live.at("os"), "name", "iOS").is_null()) << live.at("os");

  sqlite::Database db(stack.db_path(), SQLITE_OPEN_READONLY);
  ASSERT_TRUE(eventually([&] { return db.query_int("SELECT count(*) FROM hits") == 4; }, 2s));
  sqlite::Statement row(db, "SELECT country, city, device, browser, os FROM hits WHERE path = "
                            "'/about.html'");
  ASSERT_TRUE(row.step());
  EXPECT_EQ(row.column_text(0), "JP");
  EXPECT_EQ(row.column_text(1), "Tokyo");
  EXPECT_EQ(row.column_text(2), "mobile");
  EXPECT_EQ(row.column_text(3), "Mobile Safari");
  EXPECT_EQ(row.column_text(4), "iOS");
  EXPECT_EQ(db.query_int("SELECT count(*) FROM hits WHERE device = 'bot'"), 1);
}

TEST(Enrichment, NoRawAddressIsWrittenAnywhere) {
  {
    Stack stack = enriched_stack();
    visit(stack, "81.2.69.123", chrome_windows);
    visit(stack, "2001:db8::abcd", iphone);
    ASSERT_TRUE(eventually([&] {
      sqlite::Database db(stack.db_path(), SQLITE_OPEN_READONLY);
      return db.query_int("SELECT count(*) FROM hits") == 2;
    }, 3s));
    const std::string db = test::read_file(stack.db_path()) +
                           test::read_file(stack.db_path() + "-wal") + stack.onlookerd_log();
    for (const char* address : {"81.2.69.123", "2001:db8::abcd", "2001:0db8"}) {
      EXPECT_EQ(db.find(address), std::string::npos) << address << " was written";
    }
  }
}

TEST(Enrichment, SighupReopensTheGeoDatabase) {
  Stack stack = enriched_stack();
  ASSERT_EQ(::kill(stack.onlookerd_pid(), SIGHUP), 0);
  ASSERT_TRUE(eventually([&] {
    // the reopen happens on the next hit
    visit(stack, "81.2.69.10", chrome_windows);
    return stack.onlookerd_log().find("geo database reopened") != std::string::npos;
  }, 3s)) << stack.onlookerd_log();
  json live;
  ASSERT_TRUE(eventually([&] {
    live = json::parse(http_get(stack.site_port(), "/onlooker/api/live").body);
    return !live.at("countries").empty();
  }, 2s));
  EXPECT_EQ(live.at("countries").at(0).at("code"), "GB");
}

TEST(Enrichment, BadConfigurationIsRefusedAtStartWithAReason) {
  auto run = [](std::vector<std::string> args) {
    args.insert(args.begin(), test::onlookerd_path());
    return test::run_command(args);
  };
  const auto no_ring = run({"--db", "/tmp/x.db"});
  EXPECT_EQ(no_ring.status, 2);
  EXPECT_NE(no_ring.output.find("--ring PATH is required"), std::string::npos) << no_ring.output;
  const auto bad_window = run({"--ring", "/r", "--db", "/d", "--active-window", "-3"});
  EXPECT_EQ(bad_window.status, 2);
  EXPECT_NE(bad_window.output.find("invalid --active-window"), std::string::npos);
  const auto short_token = run({"--ring", "/r", "--db", "/d", "--token", "short"});
  EXPECT_EQ(short_token.status, 2);
  test::TempDir dir;
  const auto missing_ring = run({"--ring", dir.file("nope"), "--db", dir.file("db")});
  EXPECT_EQ(missing_ring.status, 1);
  EXPECT_NE(missing_ring.output.find("cannot open ring"), std::string::npos) << missing_ring.output;
  const auto bad_geo = run({"--ring", dir.file("nope"), "--db", dir.file("db"), "--geoip",
                            dir.file("missing.mmdb")});
  EXPECT_NE(bad_geo.status, 0);
}

// A newcomer's onlookerd: only --ring, --db (and the stack's --listen). The
// uap-core regexes built into the binary classify devices and bots.
TEST(Enrichment, WithNoDataFlagsTheBuiltInRegexesClassifyDevicesAndBots) {
  Stack stack;
  visit(stack, "203.0.113.5", iphone);
  visit(stack, "198.51.100.3", googlebot);
  json live;
  ASSERT_TRUE(eventually([&] {
    live = json::parse(http_get(stack.site_port(), "/onlooker/api/live").body);
    return live.at("active") == 1 && live.at("bots") == 1;
  }, 3s)) << live.dump(1);
  EXPECT_EQ(find(live.at("devices"), "name", "mobile").at("viewers"), 1) << live.at("devices");
  EXPECT_FALSE(find(live.at("os"), "name", "iOS").is_null()) << live.at("os");
  EXPECT_EQ(live.at("visitors").at(0).at("device"), "mobile");

  sqlite::Database db(stack.db_path(), SQLITE_OPEN_READONLY);
  ASSERT_TRUE(eventually([&] { return db.query_int("SELECT count(*) FROM hits") == 2; }, 2s));
  EXPECT_EQ(db.query_int("SELECT count(*) FROM hits WHERE device = 'bot'"), 1);
  EXPECT_EQ(db.query_int("SELECT count(*) FROM hits WHERE device = 'mobile' AND browser = "
                         "'Mobile Safari'"), 1);
  const std::string log = stack.onlookerd_log();
  EXPECT_NE(log.find("msg=\"User-Agent regexes in use\" source=\"built-in uap-core "),
            std::string::npos) << log;
  EXPECT_NE(log.find("msg=\"no geo database"), std::string::npos) << log;
}

TEST(Enrichment, NoneSwitchesGeoAndDevicesOff) {
  Stack stack({.onlookerd_args = {"--geoip", "none", "--ua-regexes", "none"}});
  visit(stack, "81.2.69.10", chrome_windows);
  json live;
  ASSERT_TRUE(eventually([&] {
    live = json::parse(http_get(stack.site_port(), "/onlooker/api/live").body);
    return live.at("active") == 1;
  }, 2s));
  EXPECT_TRUE(live.at("countries").empty());
  EXPECT_TRUE(live.at("visitors").at(0).at("country").is_null());
  EXPECT_TRUE(live.at("visitors").at(0).at("device").is_null());
  EXPECT_NE(stack.onlookerd_log().find("msg=\"no User-Agent regexes"), std::string::npos)
      << stack.onlookerd_log();
}

}  // namespace
}  // namespace onlooker
