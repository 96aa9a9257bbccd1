// Sites and their owners through real nginx and onlookerd: two sites on one
// nginx (a.example and *.b.example), a key for each and the admin key, over
// HTTP and WebSocket, and a site added (nginx reload) while sockets are open.
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <thread>

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
using test::HttpResult;
using test::Stack;
using test::WebSocketClient;

constexpr const char* admin = "admin-key-0123456789abcdef";
constexpr const char* key_a = "owner-of-a-0123456789abcd";
constexpr const char* key_b = "owner-of-b-0123456789abcd";

Stack sites_stack() {
  return Stack({.onlookerd_args = {"--token", admin, "--site-token",
                                   std::string("a.example=") + key_a, "--site-token",
                                   std::string("*.b.example=") + key_b},
                .server_directives = "        server_name a.example www.b.example;"});
}

std::map<std::string, std::string> with_key(const std::string& key) {
  return {{"Authorization", "Bearer " + key}};
}

HttpResult get(const Stack& stack, const std::string& target, const std::string& key) {
  return http_get(stack.site_port(), "/onlooker" + target, with_key(key));
}

json live(const Stack& stack, const std::string& key, const std::string& query = "") {
  const auto response = get(stack, "/api/live" + query, key);
  EXPECT_EQ(response.status, 200) << response.body;
  return response.status == 200 ? json::parse(response.body) : json{{"active", -1}};
}

// A person's page view on `host`, from a client address of their own.
int view(const Stack& stack, const std::string& host, const std::string& path,
         const std::string& client) {
  return http_get(stack.site_port(), path,
                  {{"Host", host},
                   {"X-Forwarded-For", client},
                   {"User-Agent", "Mozilla/5.0 (X11; Linux x86_64) Test"}})
      .status;
}

std::int64_t rows(const Stack& stack) {
  sqlite::Database db(stack.db_path(), SQLITE_OPEN_READONLY);
  db.exec("PRAGMA busy_timeout = 2000");
  return db.query_int("SELECT count(*) FROM hits");
}

std::set<std::string> hosts_of(const json& snapshot) {
  std::set<std::string> hosts;
  for (const auto& visitor : snapshot.at("visitors")) hosts.insert(visitor.at("host"));
  return hosts;
}

TEST(SiteAccess, EachKeySeesOnlyItsSiteOverHttpAndTheAdminSeesBoth) {
  Stack stack = sites_stack();
  ASSERT_EQ(view(stack, "a.example", "/index.html", "10.0.0.1"), 200);
  ASSERT_EQ(view(stack, "www.b.example", "/about.html", "10.0.0.2"), 200);
  ASSERT_TRUE(eventually([&] { return live(stack, admin).at("active") == 2; }, 3s));

  const json mine = live(stack, key_a);
  EXPECT_EQ(mine.at("active"), 1);
  EXPECT_EQ(hosts_of(mine), std::set<std::string>{"a.example"});
  EXPECT_TRUE(mine.at("ring").is_null());  // every site's traffic
  EXPECT_EQ(mine.dump().find("about.html"), std::string::npos);
  const json theirs = live(stack, key_b);
  EXPECT_EQ(theirs.at("active"), 1);
  EXPECT_EQ(hosts_of(theirs), std::set<std::string>{"www.b.example"});
  EXPECT_EQ(hosts_of(live(stack, admin)), (std::set<std::string>{"a.example", "www.b.example"}));
  EXPECT_FALSE(live(stack, admin).at("ring").is_null());

  // A forged ?host= of another site: 403, naming no site.
  const auto forged = get(stack, "/api/live?host=www.b.example", key_a);
  EXPECT_EQ(forged.status, 403);
  EXPECT_EQ(forged.body.find("example"), std::string::npos) << forged.body;
  EXPECT_EQ(get(stack, "/api/live?host=a.example", key_a).status, 200);
  EXPECT_EQ(live(stack, key_b, "?host=www.b.example").at("active"), 1);
  EXPECT_EQ(get(stack, "/api/history?host=a.example", key_b).status, 403);

  // History: each key's own rows only.
  ASSERT_TRUE(eventually([&] { return rows(stack) == 2; }, 3s));
  const auto history_a = get(stack, "/api/history", key_a);
  ASSERT_EQ(history_a.status, 200) << history_a.body;
  const json pages_a = json::parse(history_a.body).at("pages");
  ASSERT_EQ(pages_a.size(), 1u) << history_a.body;
  EXPECT_EQ(pages_a[0].at("path"), "/index.html");
  // A pattern opens many names: the owner names one.
  EXPECT_EQ(get(stack, "/api/history", key_b).status, 400);
  const auto history_b = get(stack, "/api/history?host=www.b.example", key_b);
  ASSERT_EQ(history_b.status, 200);
  EXPECT_EQ(json::parse(history_b.body).at("pages")[0].at("path"), "/about.html");
  EXPECT_EQ(json::parse(get(stack, "/api/history", admin).body).at("pages").size(), 2u);
  // The CSV download is scoped the same way.
  const auto csv_a = get(stack, "/api/history.csv?list=pages", key_a);
  ASSERT_EQ(csv_a.status, 200) << csv_a.body;
  EXPECT_EQ(csv_a.headers.at("content-type"), "text/csv; charset=utf-8");
  EXPECT_EQ(csv_a.body, "path,views,visitors\r\n/index.html,1,1\r\n");
  EXPECT_EQ(get(stack, "/api/history.csv?list=pages&host=www.b.example", key_a).status, 403);
  EXPECT_EQ(get(stack, "/api/history.csv?list=pages", key_b).status, 400);
  EXPECT_EQ(get(stack, "/api/history.csv?list=pages", admin).body.find("about.html") != std::string::npos,
            true);

  // Metrics: the site's own series and no global counter.
  const auto metrics_a = get(stack, "/metrics", key_a);
  ASSERT_EQ(metrics_a.status, 200);
  EXPECT_NE(metrics_a.body.find("onlooker_active_visitors{host=\"a.example\"} 1"),
            std::string::npos) << metrics_a.body;
  EXPECT_EQ(metrics_a.body.find("b.example"), std::string::npos) << metrics_a.body;
  EXPECT_EQ(metrics_a.body.find("onlooker_ring"), std::string::npos) << metrics_a.body;
  EXPECT_EQ(metrics_a.body.find("onlooker_hits"), std::string::npos) << metrics_a.body;
  EXPECT_NE(get(stack, "/metrics", admin).body.find("onlooker_active_visitors 2"),
            std::string::npos);

  // What the key opens, for the sign-in page and the dashboard.
  EXPECT_EQ(json::parse(get(stack, "/api/access", key_b).body).at("sites"),
            json::array({"*.b.example"}));
  EXPECT_TRUE(json::parse(get(stack, "/api/access", admin).body).at("sites").is_null());
  // The sign-in page's question, public: a stranger or a wrong key learns nothing.
  EXPECT_EQ(json::parse(get(stack, "/login/key", key_a).body).at("sites"),
            json::array({"a.example"}));
  EXPECT_EQ(http_get(stack.site_port(), "/onlooker/login/key").body, R"({"signed_in":false})");
  EXPECT_EQ(get(stack, "/login/key", "owner-of-c-0123456789abcd").body, R"({"signed_in":false})");

  // A wrong key: 401 and nothing about any site.
  const auto wrong = get(stack, "/api/live", "owner-of-c-0123456789abcd");
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(wrong.body.find("example"), std::string::npos) << wrong.body;

  // Public per site, as before.
  EXPECT_EQ(json::parse(http_get(stack.site_port(), "/onlooker/api/count?host=www.b.example").body)
                .at("active"),
            1);
  EXPECT_EQ(http_get(stack.site_port(), "/onlooker/widget.js").status, 200);
}

// What an owner of a.example might try for b.example's data, or to slip
// past the check with another spelling of a name: every one is a 403 that
// names no site, on every scoped endpoint and the WebSocket. Hosts are
// stored as nginx's server_name (lower case, no port, no trailing dot), so
// a spelling that is not the stored name opens nothing even for the admin.
TEST(SiteAccess, ForgedHostSpellingsAreRefusedOnEveryEndpoint) {
  Stack stack = sites_stack();
  ASSERT_EQ(view(stack, "a.example", "/index.html", "10.0.0.1"), 200);
  ASSERT_EQ(view(stack, "www.b.example", "/about.html", "10.0.0.2"), 200);
  ASSERT_TRUE(eventually([&] { return live(stack, admin).at("active") == 2; }, 3s));
  ASSERT_TRUE(eventually([&] { return rows(stack) == 2; }, 3s));
  const std::string visitor(32, '0');
  for (const char* spelling :
       {"www.b.example", "WWW.B.EXAMPLE", "www.b.example.", "www.b.example:8080",
        "www.b.example%00", "www.b.example%00a.example", "b.example", "*.b.example",
        "%2A.b.example", "*.example", "*", "%25", "A.EXAMPLE", "a.example.", "a.example:8080",
        "a.example%00", "a.example%20", "x.a.example", "a.example.www.b.example"}) {
    const std::string host = spelling;
    for (const std::string& target :
         {"/api/live?host=" + host, "/api/history?host=" + host,
          "/api/journey?host=" + host + "&visitor=" + visitor}) {
      const auto refused = get(stack, target, key_a);
      EXPECT_EQ(refused.status, 403) << target << " " << refused.body;
      EXPECT_EQ(refused.body.find("example"), std::string::npos) << target << " " << refused.body;
      EXPECT_EQ(refused.body.find("about"), std::string::npos) << target << " " << refused.body;
    }
    EXPECT_THROW(WebSocketClient(stack.site_port(), "/onlooker/ws?host=" + host, with_key(key_a)),
                 std::exception)
        << host;
  }
  // A second ?host= is not read: the first one is both checked and used.
  const auto first_mine = get(stack, "/api/live?host=a.example&host=www.b.example", key_a);
  ASSERT_EQ(first_mine.status, 200);
  EXPECT_EQ(hosts_of(json::parse(first_mine.body)), std::set<std::string>{"a.example"});
  EXPECT_EQ(get(stack, "/api/live?host=www.b.example&host=a.example", key_a).status, 403);
  const auto history_twice = get(stack, "/api/history?host=a.example&host=www.b.example", key_a);
  ASSERT_EQ(history_twice.status, 200);
  EXPECT_EQ(history_twice.body.find("about"), std::string::npos) << history_twice.body;
  // An empty ?host= is the key's own site, not every site.
  const auto empty_host = get(stack, "/api/live?host=", key_a);
  ASSERT_EQ(empty_host.status, 200);
  EXPECT_EQ(hosts_of(json::parse(empty_host.body)), std::set<std::string>{"a.example"});
  const auto empty_history = get(stack, "/api/history?host=", key_a);
  ASSERT_EQ(empty_history.status, 200);
  EXPECT_EQ(empty_history.body.find("about"), std::string::npos) << empty_history.body;
  // A pattern as a host is no wildcard: b's owner names the pattern and sees no rows.
  const auto as_pattern = get(stack, "/api/history?host=*.b.example", key_b);
  ASSERT_EQ(as_pattern.status, 200);
  EXPECT_EQ(json::parse(as_pattern.body).at("pages").size(), 0u) << as_pattern.body;
  // Nothing of the keys or the refused names in onlookerd's log.
  const std::string log = stack.onlookerd_log();
  EXPECT_EQ(log.find(key_a), std::string::npos);
  EXPECT_EQ(log.find(key_b), std::string::npos);
  EXPECT_EQ(log.find(admin), std::string::npos);
}

// GET /api/journey is scoped like /api/live: a site key sees its own
// people's journeys and never another site's, not even by a forged ?host=.
TEST(SiteAccess, AJourneyIsForTheKeysOfItsSiteAlone) {
  Stack stack = sites_stack();
  // Two views can share nginx's millisecond, and a journey orders equal
  // times by path: this walk's paths sort as its times do.
  ASSERT_EQ(view(stack, "a.example", "/about.html", "10.0.0.1"), 200);
  ASSERT_EQ(view(stack, "a.example", "/index.html", "10.0.0.1"), 200);
  ASSERT_EQ(view(stack, "www.b.example", "/about.html", "10.0.0.2"), 200);
  ASSERT_TRUE(eventually([&] { return live(stack, admin).at("active") == 2; }, 3s));
  ASSERT_TRUE(eventually([&] { return hosts_of(live(stack, admin)).size() == 2; }, 3s))
      << live(stack, admin).dump();
  const json everyone = live(stack, admin);
  std::map<std::string, std::string> id_on;
  for (const auto& visitor : everyone.at("visitors")) id_on[visitor.at("host")] = visitor.at("id");
  const std::string of_a = "/api/journey?host=a.example&visitor=" + id_on.at("a.example");
  const std::string of_b = "/api/journey?host=www.b.example&visitor=" + id_on.at("www.b.example");

  const auto mine = get(stack, of_a, key_a);
  ASSERT_EQ(mine.status, 200) << mine.body;
  const json journey = json::parse(mine.body);
  EXPECT_EQ(journey.at("live"), true);
  ASSERT_EQ(journey.at("journey").size(), 2u);
  EXPECT_EQ(journey.at("journey")[0].at("path"), "/about.html");
  EXPECT_EQ(journey.at("journey")[1].at("path"), "/index.html");
  EXPECT_EQ(get(stack, of_b, key_b).status, 200);
  EXPECT_EQ(get(stack, of_b, admin).status, 200);

  const auto forged = get(stack, of_b, key_a);
  EXPECT_EQ(forged.status, 403);
  EXPECT_EQ(forged.body.find("about"), std::string::npos) << forged.body;
  // b's visitor id under a's host: nobody of a's, so no journey of b's.
  const auto crossed = get(stack, "/api/journey?host=a.example&visitor=" + id_on.at("www.b.example"),
                           key_a);
  ASSERT_EQ(crossed.status, 200);
  EXPECT_EQ(json::parse(crossed.body).at("live"), false);
  EXPECT_EQ(crossed.body.find("about"), std::string::npos) << crossed.body;
  EXPECT_EQ(get(stack, "/api/journey?host=a.example&visitor=xyz", key_a).status, 400);
  EXPECT_EQ(get(stack, "/api/journey?visitor=" + id_on.at("a.example"), key_a).status, 400);
  EXPECT_EQ(get(stack, of_a, "owner-of-c-0123456789abcd").status, 401);
}

TEST(SiteAccess, TheSignInFormSetsTheSiteKeysCookie) {
  Stack stack = sites_stack();
  const auto url = "http://127.0.0.1:" + std::to_string(stack.site_port()) + "/onlooker/login";
  const auto login = test::run_command({"/usr/bin/curl", "-sS", "-D", "-", "-o", "/dev/null",
                                        "--data", std::string("token=") + key_b, url});
  ASSERT_EQ(login.status, 0) << login.output;
  EXPECT_NE(login.output.find(std::string("onlooker_token=") + key_b + ";"), std::string::npos)
      << login.output;
  const std::map<std::string, std::string> cookie{
      {"Cookie", std::string("onlooker_token=") + key_b}};
  EXPECT_EQ(http_get(stack.site_port(), "/onlooker/", cookie).status, 200);
  EXPECT_EQ(json::parse(http_get(stack.site_port(), "/onlooker/api/access", cookie).body)
                .at("sites"),
            json::array({"*.b.example"}));
  EXPECT_EQ(http_get(stack.site_port(), "/onlooker/api/live?host=a.example", cookie).status, 403);
}

// Reads frames until one satisfies `wanted` (true) or `timeout` passes;
// every frame read is passed to `each` first.
bool frame_until(WebSocketClient& socket, const std::function<bool(const json&)>& wanted,
                 const std::function<void(const std::string&)>& each,
                 std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    const auto message = socket.read(timeout);
    if (!message) return false;
    each(*message);
    if (wanted(json::parse(*message))) return true;
  }
  return false;
}

// A second server block on the same nginx, for new.b.example: the way a
// host adds a site, by a reload.
void add_site(const Stack& stack) {
  std::string conf = test::read_file(stack.dir().file("nginx.conf"));
  const auto end = conf.rfind('}');
  conf.insert(end, "    server {\n        listen 127.0.0.1:" + std::to_string(stack.site_port()) +
                       ";\n        server_name new.b.example;\n        root " +
                       stack.dir().file("site") + ";\n        onlooker on;\n    }\n");
  stack.dir().write("nginx.conf", conf);
  ASSERT_EQ(stack.nginx_signal("reload"), 0) << stack.nginx_log();
}

TEST(SiteAccess, EveryWebSocketFrameIsBuiltForItsKeyAndANewSiteAppears) {
  Stack stack = sites_stack();
  const auto port = stack.site_port();
  WebSocketClient socket_a(port, "/onlooker/ws", with_key(key_a));
  WebSocketClient socket_b(port, "/onlooker/ws", with_key(key_b));
  WebSocketClient socket_admin(port, "/onlooker/ws", with_key(admin));
  EXPECT_THROW(WebSocketClient(port, "/onlooker/ws?host=www.b.example", with_key(key_a)),
               std::exception);
  EXPECT_THROW(WebSocketClient(port, "/onlooker/ws", with_key("owner-of-c-0123456789abcd")),
               std::exception);

  // Nothing of b ever reaches a's socket, and the reverse.
  auto never = [](const std::string& other) {
    return [other](const std::string& frame) {
      EXPECT_EQ(frame.find(other), std::string::npos) << frame;
    };
  };
  ASSERT_EQ(view(stack, "a.example", "/index.html", "10.0.0.1"), 200);
  ASSERT_EQ(view(stack, "www.b.example", "/about.html", "10.0.0.2"), 200);
  auto active_is = [](int n) { return [n](const json& frame) { return frame.at("active") == n; }; };
  EXPECT_TRUE(frame_until(socket_a, active_is(1), never("b.example"), 5s));
  EXPECT_TRUE(frame_until(socket_b, active_is(1), never("a.example"), 5s));
  EXPECT_TRUE(frame_until(socket_admin, active_is(2), [](const std::string&) {}, 5s));

  add_site(stack);
  std::this_thread::sleep_for(700ms);  // the old workers finish, new ones take over
  ASSERT_EQ(view(stack, "new.b.example", "/index.html", "10.0.0.4"), 200);
  auto has_new_site = [](const json& frame) {
    return hosts_of(frame).contains("new.b.example");
  };
  EXPECT_TRUE(frame_until(socket_b, has_new_site, never("a.example"), 5s));
  EXPECT_TRUE(frame_until(socket_admin, has_new_site, [](const std::string&) {}, 5s));
  // a's socket gets no frame about it at all, or one without it.
  try {
    while (const auto frame = socket_a.read(1500ms)) never("b.example")(*frame);
  } catch (const std::exception&) {
    // no frame within the time: nothing for a changed
  }
  const json mine = live(stack, key_b);
  EXPECT_EQ(hosts_of(mine), (std::set<std::string>{"www.b.example", "new.b.example"}));
}

// --login-url with site keys: the admin's link first, then one for each
// site key labelled by its patterns; each link's key opens what it says.
TEST(SiteAccess, LoginUrlPrintsALinkForEachKeyLabelledByItsSites) {
  const std::string key_c = "owner-of-c-0123456789abcd";
  const std::vector<std::string> keys{"--token", admin,
                                      "--site-token", std::string("a.example=") + key_a,
                                      "--site-token", std::string("*.b.example=") + key_b,
                                      "--site-token", std::string("b.example=") + key_b,
                                      "--site-token", "c.example=" + key_c};
  Stack stack({.onlookerd_args = keys});
  const auto site = "http://127.0.0.1:" + std::to_string(stack.site_port()) + "/onlooker/";
  std::vector<std::string> command{test::onlookerd_path(), "--ring", stack.ring_path(), "--db",
                                   stack.db_path(), "--public-url", site, "--login-url"};
  command.insert(command.end(), keys.begin(), keys.end());
  const auto printed = test::run_command(command);
  ASSERT_EQ(printed.status, 0) << printed.output;
  EXPECT_EQ(printed.output, "every site: " + site + "login#token=" + admin + "\n" +
                                "a.example: " + site + "login#token=" + key_a + "\n" +
                                "*.b.example, b.example: " + site + "login#token=" + key_b +
                                "\n" + "c.example: " + site + "login#token=" + key_c + "\n");
  // Each printed key opens the sites its label names, and the admin's all.
  std::istringstream lines(printed.output);
  std::string line;
  int checked = 0;
  while (std::getline(lines, line)) {
    const std::string label = line.substr(0, line.find(": "));
    const std::string key = line.substr(line.find("#token=") + 7);
    const auto access = get(stack, "/api/access", key);
    ASSERT_EQ(access.status, 200) << line;
    const json sites = json::parse(access.body).at("sites");
    if (label == "every site") {
      EXPECT_TRUE(sites.is_null()) << access.body;
    } else {
      std::string named;
      for (const auto& pattern : sites) named += (named.empty() ? "" : ", ") + pattern.get<std::string>();
      EXPECT_EQ(named, label) << access.body;
    }
    ++checked;
  }
  EXPECT_EQ(checked, 4);
  // Site keys without an admin key: their links alone.
  const auto sites_only = test::run_command(
      {test::onlookerd_path(), "--ring", stack.ring_path(), "--db", stack.db_path(),
       "--site-token", std::string("a.example=") + key_a, "--listen", "127.0.0.1:9300",
       "--login-url"});
  EXPECT_EQ(sites_only.status, 0);
  EXPECT_EQ(sites_only.output, std::string("a.example: http://127.0.0.1:9300/login#token=") + key_a + "\n");
}

}  // namespace
}  // namespace onlooker
