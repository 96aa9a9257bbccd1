#include <gtest/gtest.h>

#include "onlooker_ring.h"
#include "options.h"
#include "support/temp_dir.h"
#include "onlooker_version.h"

namespace onlooker {
namespace {

std::variant<Options, ParseExit> parse(std::vector<std::string> args) {
  args.insert(args.begin(), "onlookerd");
  return parse_options(args);
}

int exit_status(const std::variant<Options, ParseExit>& parsed) {
  const auto* exit = std::get_if<ParseExit>(&parsed);
  return exit ? exit->status : -1;
}

std::string exit_text(const std::variant<Options, ParseExit>& parsed) {
  const auto* exit = std::get_if<ParseExit>(&parsed);
  return exit ? exit->text : "";
}

TEST(Options, DefaultsListenOnLoopbackOnly) {
  const auto parsed = parse({"--ring", "/r", "--db", "/d"});
  ASSERT_TRUE(std::holds_alternative<Options>(parsed)) << exit_text(parsed);
  const auto& options = std::get<Options>(parsed);
  EXPECT_EQ(options.listen_host, "127.0.0.1");
  EXPECT_EQ(options.listen_port, 9190);
  EXPECT_EQ(options.active_window, std::chrono::seconds(300));
  EXPECT_EQ(options.push_interval, std::chrono::milliseconds(1000));
}

TEST(Options, ExplicitValuesAreTaken) {
  const auto parsed = parse({"--ring", "/r", "--db", "/d", "--listen", "[::1]:8000",
                             "--active-window", "60", "--push-interval", "100"});
  ASSERT_TRUE(std::holds_alternative<Options>(parsed)) << exit_text(parsed);
  const auto& options = std::get<Options>(parsed);
  EXPECT_EQ(options.listen_host, "::1");
  EXPECT_EQ(options.listen_port, 8000);
  EXPECT_EQ(options.active_window, std::chrono::seconds(60));
  EXPECT_EQ(options.push_interval, std::chrono::milliseconds(100));
}

TEST(Options, InvalidValuesExitWithStatusTwoAndSayWhy) {
  EXPECT_EQ(exit_status(parse({"--db", "/d"})), 2);
  EXPECT_NE(exit_text(parse({"--db", "/d"})).find("--ring"), std::string::npos);
  EXPECT_EQ(exit_status(parse({"--ring", "/r", "--db", "/d", "--listen", "localhost"})), 2);
  EXPECT_EQ(exit_status(parse({"--ring", "/r", "--db", "/d", "--listen", "h:70000"})), 2);
  EXPECT_EQ(exit_status(parse({"--ring", "/r", "--db", "/d", "--active-window", "0"})), 2);
  EXPECT_EQ(exit_status(parse({"--ring", "/r", "--db", "/d", "--active-window", "abc"})), 2);
  EXPECT_EQ(exit_status(parse({"--ring", "/r", "--db", "/d", "--push-interval", "5"})), 2);
  EXPECT_EQ(exit_status(parse({"--ring", "/r", "--db", "/d", "--no-such-flag"})), 2);
  EXPECT_EQ(exit_status(parse({"--config", "/no/such/file"})), 2);
}

TEST(Options, HelpAndVersionExitZero) {
  EXPECT_EQ(exit_status(parse({"--help"})), 0);
  EXPECT_NE(exit_text(parse({"--help"})).find("--active-window"), std::string::npos);
  const auto version = parse({"--version"});
  EXPECT_EQ(exit_status(version), 0);
  EXPECT_NE(exit_text(version).find(ONLOOKER_VERSION), std::string::npos);
  EXPECT_NE(exit_text(version).find("ring layout " + std::to_string(ONLOOKER_RING_LAYOUT_VERSION)),
            std::string::npos);
}

TEST(Options, ConfigFileUsesTheSameKeysAndFlagsWin) {
  test::TempDir dir;
  dir.write("onlookerd.conf", "ring = /from/file\ndb = /file.db\nactive-window = 120\n");
  const auto parsed = parse({"--config", dir.file("onlookerd.conf"), "--active-window", "30"});
  ASSERT_TRUE(std::holds_alternative<Options>(parsed)) << exit_text(parsed);
  const auto& options = std::get<Options>(parsed);
  EXPECT_EQ(options.ring, "/from/file");
  EXPECT_EQ(options.db, "/file.db");
  EXPECT_EQ(options.active_window, std::chrono::seconds(30));
}

}  // namespace
}  // namespace onlooker
