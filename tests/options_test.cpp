#include <gtest/gtest.h>

#include <map>
#include <regex>
#include <sstream>

#include "onlooker_ring.h"
#include "options.h"
#include "support/process.h"
#include "support/stack.h"
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

TEST(Options, DbTakesASqlitePathOrAPostgresUriAndRejectsABadUri) {
  for (const std::string db : {"/var/lib/onlooker/history.db",
                               "postgresql://onlooker:secret@db.internal:5432/onlooker",
                               "postgres://db.internal/onlooker?sslmode=require"}) {
    const auto parsed = parse({"--ring", "/r", "--db", db});
    ASSERT_TRUE(std::holds_alternative<Options>(parsed)) << db << ": " << exit_text(parsed);
    EXPECT_EQ(std::get<Options>(parsed).db, db);
  }
  const auto bad = parse({"--ring", "/r", "--db", "postgresql://u:hunter2@db/x?sslmode=bogus_mode&nope=1"});
  EXPECT_EQ(exit_status(bad), 2);
  EXPECT_NE(exit_text(bad).find("invalid --db PostgreSQL URI"), std::string::npos) << exit_text(bad);
  EXPECT_EQ(exit_text(bad).find("hunter2"), std::string::npos);  // the password is not echoed
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

TEST(Options, DataFlagsAreDefaultsFilesOrNone) {
  using Choice = DataFiles::Choice;
  auto options_of = [](std::vector<std::string> extra) {
    extra.insert(extra.begin(), {"--ring", "/r", "--db", "/d"});
    const auto parsed = parse(extra);
    EXPECT_TRUE(std::holds_alternative<Options>(parsed)) << exit_text(parsed);
    return std::holds_alternative<Options>(parsed) ? std::get<Options>(parsed) : Options{};
  };
  const auto plain = options_of({});
  EXPECT_EQ(plain.geoip, (DataFiles{Choice::defaults, {}}));
  EXPECT_EQ(plain.ua_regexes, (DataFiles{Choice::defaults, {}}));

  const auto named = options_of({"--geoip", "/v4.mmdb", "--geoip", "/v6.mmdb", "--ua-regexes",
                                 "/regexes.yaml"});
  EXPECT_EQ(named.geoip, (DataFiles{Choice::files, {"/v4.mmdb", "/v6.mmdb"}}));
  EXPECT_EQ(named.ua_regexes, (DataFiles{Choice::files, {"/regexes.yaml"}}));

  const auto off = options_of({"--geoip", "none", "--ua-regexes", "none"});
  EXPECT_EQ(off.geoip, (DataFiles{Choice::none, {}}));
  EXPECT_EQ(off.ua_regexes, (DataFiles{Choice::none, {}}));

  const auto mixed = parse({"--ring", "/r", "--db", "/d", "--geoip", "none", "--geoip", "/a"});
  EXPECT_EQ(exit_status(mixed), 2);
  EXPECT_NE(exit_text(mixed).find("invalid --geoip"), std::string::npos) << exit_text(mixed);
}

// One flag as documented: its argument name and its default (empty: none).
struct FlagDoc {
  std::string argument;
  std::string default_value;
  bool operator==(const FlagDoc&) const = default;
};

std::ostream& operator<<(std::ostream& out, const FlagDoc& doc) {
  return out << "{argument \"" << doc.argument << "\", default \"" << doc.default_value << "\"}";
}

// README.md's flag table: rows "| `--flag ARG` | default | meaning |" after
// the "| flag | default | meaning |" header. The default is the cell's first
// `code` span ("`0` (keep)" is 0); prose such as "none" or "(required)" is
// no default.
std::map<std::string, FlagDoc> readme_flags(const std::string& readme) {
  std::map<std::string, FlagDoc> flags;
  std::istringstream lines(readme);
  std::string line;
  bool in_table = false;
  const std::regex row(R"(^\| `--([a-z][a-z-]*) ?([^`]*)` \|([^|]*)\|)");
  const std::regex code_span("`([^`]*)`");
  while (std::getline(lines, line)) {
    if (line.starts_with("| flag | default | meaning |")) {
      in_table = true;
      continue;
    }
    if (!in_table) continue;
    if (!line.starts_with("|")) break;
    std::smatch cells;
    if (!std::regex_search(line, cells, row)) continue;  // the |---| line
    std::smatch code;
    const std::string default_cell = cells[3];
    flags[cells[1]] = {cells[2], std::regex_search(default_cell, code, code_span) ? code[1].str()
                                                                                  : ""};
  }
  return flags;
}

// `onlookerd --help`: option lines "  --flag ARG (=default)  meaning".
std::map<std::string, FlagDoc> help_flags(const std::string& help) {
  std::map<std::string, FlagDoc> flags;
  std::istringstream lines(help);
  std::string line;
  const std::regex option(
      R"(^  (?:-\w \[ )?--([a-z][a-z-]*)(?: \])?(?: ([^ (]+))?(?: \(=([^)]*)\))?)");
  while (std::getline(lines, line)) {
    std::smatch parts;
    if (!std::regex_search(line, parts, option)) continue;
    if (parts[1] == "help" || parts[1] == "version") continue;  // not settings
    flags[parts[1]] = {parts[2], parts[3]};
  }
  return flags;
}

TEST(Options, HelpAndTheReadmeFlagTableAgreeOnEveryFlagAndDefault) {
  const auto readme = readme_flags(test::read_file(test::source_dir() + "/README.md"));
  const auto help = help_flags(exit_text(parse({"--help"})));
  ASSERT_GE(help.size(), 10u) << exit_text(parse({"--help"}));
  ASSERT_GE(readme.size(), 10u) << "README.md's flag table was not found";
  for (const auto& [flag, doc] : help) {
    const auto row = readme.find(flag);
    if (row == readme.end()) {
      ADD_FAILURE() << "--" << flag << " is in --help but not in README.md's flag table";
      continue;
    }
    EXPECT_EQ(row->second, doc) << "--" << flag << ": README.md (left) vs --help (right)";
  }
  for (const auto& [flag, doc] : readme) {
    EXPECT_TRUE(help.contains(flag)) << "--" << flag << " is in README.md but not in --help";
  }
}

}  // namespace
}  // namespace onlooker
