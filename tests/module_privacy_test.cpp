// What the module keeps of a client and what it must not: hostile bytes
// stored safely, the Referer and Host cut to what may be kept, the day key
// that changes at midnight and leaves the ring, no address once drained.
// Real nginx with the built module, real onlookerd.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <re2/re2.h>

#include <algorithm>
#include <csignal>
#include <cstring>
#include <fstream>
#include <thread>
#include <tuple>

#include "onlooker_day_key.h"
#include "onlooker_ring.h"
#include "sqlite_db.h"
#include "support/http_client.h"
#include "support/module_probe.h"
#include "support/stack.h"

namespace onlooker {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using test::eventually;
using test::http_get;
using test::HttpResult;
using test::Stack;
using namespace test::module;

TEST(Module, HostileBytesAreStoredSafelyAndEscapedInJson) {
  Stack stack;
  const std::string agent = "Mozilla\x01\x7f\xff\xfe \"quoted\" <b>";
  ASSERT_EQ(get(stack, "/%3Cimg%20src=x%20onerror=alert(1)%3E.html", {{"User-Agent", agent}}).status,
            404);  // not a view: no such page
  ASSERT_EQ(get(stack, "/index.html?<script>", {{"User-Agent", agent},
                                               {"Referer", "http://evil.example/\"><x>"}})
                .status,
            200);
  ASSERT_TRUE(eventually([&] { return rows(stack) == 1; }, 2s));
  const auto live = http_get(stack.site_port(), "/onlooker/api/live");
  const json snapshot = json::parse(live.body);  // valid JSON despite the bytes
  EXPECT_EQ(snapshot.at("visitors").at(0).at("referrer"), "evil.example/\"><x>");
  EXPECT_EQ(column(stack, "SELECT referrer FROM hits"),
            std::vector<std::string>{"evil.example/\"><x>"});
}

// libfaketime moves nginx's wall clock (and only nginx's): the time in
// `file` is re-read on every clock call; timers keep the real monotonic clock.
std::vector<std::string> faketime_env(const std::string& file) {
  return {"LD_PRELOAD=/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1",
          "FAKETIME_TIMESTAMP_FILE=" + file, "FAKETIME_NO_CACHE=1",
          "FAKETIME_DONT_FAKE_MONOTONIC=1", "TZ=UTC"};
}

void set_clock(const std::string& file, const std::string& utc) {
  std::ofstream(file) << utc << "\n";
}

TEST(Module, VisitorIdsChangeAtMidnightAndYesterdaysKeyIsGoneFromTheRing) {
  test::TempDir clock_dir;
  const std::string clock = clock_dir.file("faketime");
  set_clock(clock, "2030-01-01 12:00:00");
  constexpr std::uint64_t day = 21915;  // 2030-01-01 in days since 1970
  // onlookerd is not running: the module draws and rotates keys on its own.
  Stack stack({.server_directives = "add_header X-Visitor $onlooker_visitor;",
               .start_onlookerd = false,
               .nginx_env = faketime_env(clock)});
  const auto visitor = [&] {
    const auto response = get(stack, "/index.html");
    EXPECT_EQ(response.headers.count("x-visitor"), 1u) << stack.nginx_log();
    return response.headers.count("x-visitor") ? response.headers.at("x-visitor") : "";
  };

  const std::string first_day = visitor();
  for (int i = 0; i < 6; ++i) EXPECT_EQ(visitor(), first_day);  // both workers agree
  const onlooker_ring_header before = ring_header(stack);
  const onlooker_day_key& old_slot = before.day_keys[day & 1];
  ASSERT_EQ(old_slot.day, day);
  ASSERT_TRUE(old_slot.key[0] != 0 || old_slot.key[1] != 0);
  std::string old_key(16, '\0');
  std::memcpy(old_key.data(), old_slot.key, 16);

  // The worker that installed today's key draws its next candidate within a
  // second (its timer); real days are longer than that.
  std::this_thread::sleep_for(1500ms);
  set_clock(clock, "2030-01-02 00:00:01");
  const std::string second_day = visitor();
  EXPECT_NE(second_day, first_day);
  for (int i = 0; i < 6; ++i) EXPECT_EQ(visitor(), second_day);

  const onlooker_ring_header after = ring_header(stack);
  EXPECT_EQ(after.day_keys[(day + 1) & 1].day, day + 1);
  EXPECT_EQ(after.day_keys[day & 1].day, 0u);
  EXPECT_EQ(after.day_keys[day & 1].key[0], 0u);
  EXPECT_EQ(after.day_keys[day & 1].key[1], 0u);
  EXPECT_EQ(ring_bytes(stack).find(old_key), std::string::npos) << "yesterday's key is in the ring";

  // And a day with no traffic at all: its key appears, the last one goes.
  set_clock(clock, "2030-01-03 00:00:01");
  EXPECT_TRUE(eventually([&] {
    const onlooker_ring_header now = ring_header(stack);
    return now.day_keys[(day + 2) & 1].day == day + 2 && now.day_keys[(day + 1) & 1].day == 0 &&
           now.day_keys[(day + 1) & 1].key[0] == 0;
  }, 5s));
}

TEST(Module, RefererLosesUserinfoAndPathParameters) {
  Stack stack;
  ASSERT_EQ(get(stack, "/index.html",
                {{"Referer",
                  "https://alice:hunter2@evil.example/p;jsessionid=ABC123/q;v=1?token=x#frag"}})
                .status,
            200);
  ASSERT_EQ(get(stack, "/about.html", {{"Referer", "http://bob@ref.example;x/a"}}).status, 200);
  ASSERT_TRUE(eventually([&] { return rows(stack) == 2; }, 2s));
  // Sorted: the two requests can reach the ring in either order (two workers).
  EXPECT_EQ(column(stack, "SELECT referrer FROM hits ORDER BY referrer"),
            (std::vector<std::string>{"evil.example/p/q", "ref.example/a"}));
}

TEST(Module, HostsAreTheNamesTheServerServesNotWhatClientsSend) {
  Stack stack({.server_directives = "server_name www.site.test;"});  // besides localhost
  // Proxied requests first: they make the workers allocate, so that a list
  // nginx freed after configuring (its own server_names) would be overwritten.
  for (int i = 0; i < 20; ++i) ASSERT_EQ(get(stack, "/onlooker/api/live").status, 200);
  for (int i = 0; i < 40; ++i) {
    ASSERT_EQ(get(stack, "/index.html", {{"Host", "flood-" + std::to_string(i) + ".example"}})
                  .status,
              200);
  }
  ASSERT_EQ(get(stack, "/about.html", {{"Host", "WWW.Site.Test:8080"}}).status, 200);
  ASSERT_TRUE(eventually([&] { return rows(stack) == 41; }, 3s));
  EXPECT_EQ(column(stack, "SELECT host || ' ' || count(*) FROM hits GROUP BY host ORDER BY host"),
            (std::vector<std::string>{"localhost 40", "www.site.test 1"}));
  // One person (same address and agent) whatever Host they send.
  EXPECT_EQ(rows(stack, "visitor <> (SELECT visitor FROM hits WHERE host = 'localhost' LIMIT 1) "
                        "AND host = 'localhost'"),
            0);
}

TEST(Module, TheRingHoldsNoClientAddressOnceDrained) {
  Stack stack;
  for (int i = 0; i < 20; ++i) {
    ASSERT_EQ(get(stack, "/index.html", {{"X-Forwarded-For", "198.51.100.77"}}).status, 200);
  }
  ASSERT_TRUE(eventually([&] { return rows(stack) == 20; }, 3s));
  ASSERT_EQ(stack.stop_onlookerd(SIGTERM), 0);
  const std::string bytes = ring_bytes(stack);
  const onlooker_ring_header header = ring_header(stack);
  ASSERT_EQ(header.head, 20u);
  ASSERT_EQ(header.tail, 20u);
  for (std::uint64_t pos = 0; pos < header.head; ++pos) {
    onlooker_record record{};
    std::memcpy(&record, bytes.data() + ONLOOKER_RING_HEADER_SIZE + pos * ONLOOKER_SLOT_SIZE + 8,
                sizeof record);
    EXPECT_EQ(record.addr_family, 0) << pos;
    EXPECT_EQ(std::string(reinterpret_cast<const char*>(record.addr), 16), std::string(16, '\0'))
        << pos;
  }
  EXPECT_EQ(bytes.find(std::string("\xc6\x33\x64\x4d", 4)), std::string::npos)
      << "198.51.100.77 is still in the ring file";
}

}  // namespace
}  // namespace onlooker
