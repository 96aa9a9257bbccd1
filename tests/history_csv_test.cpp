#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "history_api.h"
#include "history_csv.h"
#include "sqlite_history.h"
#include "sqlite_history_reader.h"
#include "support/temp_dir.h"

namespace onlooker {
namespace {

// A minimal RFC 4180 reader, to check that what history_csv writes reads back.
std::vector<std::vector<std::string>> parse_csv(const std::string& text) {
  std::vector<std::vector<std::string>> rows(1, std::vector<std::string>(1));
  bool quoted = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        rows.back().back() += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        rows.back().back() += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      rows.back().emplace_back();
    } else if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
      ++i;
      rows.emplace_back(1);
    } else {
      rows.back().back() += c;
    }
  }
  if (rows.back() == std::vector<std::string>(1)) rows.pop_back();  // after the last CRLF
  return rows;
}

TEST(HistoryCsv, QuotesCommasQuotesAndLineBreaks) {
  EXPECT_EQ(csv_cell("/plain"), "/plain");
  EXPECT_EQ(csv_cell("/a,b"), "\"/a,b\"");
  EXPECT_EQ(csv_cell("/say \"hi\""), "\"/say \"\"hi\"\"\"");
  EXPECT_EQ(csv_cell("/two\nlines"), "\"/two\nlines\"");
  EXPECT_EQ(csv_cell("/cr\rhere"), "\"/cr\rhere\"");
  EXPECT_EQ(csv_cell(""), "");
}

TEST(HistoryCsv, GuardsCellsASpreadsheetWouldRunAsFormulas) {
  EXPECT_EQ(csv_cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
  EXPECT_EQ(csv_cell("+1"), "'+1");
  EXPECT_EQ(csv_cell("-1"), "'-1");
  EXPECT_EQ(csv_cell("@SUM(A1)"), "'@SUM(A1)");
  EXPECT_EQ(csv_cell("\tx"), "'\tx");
  EXPECT_EQ(csv_cell("a=b"), "a=b");  // only a leading one
}

TEST(HistoryCsv, ListsNamesRoundTrip) {
  for (const HistoryList list : history_lists) {
    EXPECT_EQ(history_list_from_string(to_string(list)), list);
  }
  EXPECT_EQ(history_list_from_string("cookies"), std::nullopt);
  EXPECT_EQ(history_list_from_string(""), std::nullopt);
}

// Every list, written from a report with hostile paths, reads back to the
// same values (formula cells with their guard).
TEST(HistoryCsv, EveryListReadsBackAsTheReportHoldsIt) {
  HistoryReport report;
  report.pages = {{"/a,b", 5, 3}, {"/q\"uote\nnl", 2, 1}, {"=cmd|' /C calc'!A0", 1, 1}};
  report.countries = {{"PT", 4, 2}, {"GB", 1, 1}};
  report.entry_pages = {{"/a,b", 3}};
  report.exit_pages = {{"@x", 2}};
  report.transitions = {{"/a,b", 5, 2, {{"/next", 3}}}};
  CountryNames names;

  EXPECT_EQ(parse_csv(history_csv(HistoryList::pages, report, names)),
            (std::vector<std::vector<std::string>>{{"path", "views", "visitors"},
                                                   {"/a,b", "5", "3"},
                                                   {"/q\"uote\nnl", "2", "1"},
                                                   {"'=cmd|' /C calc'!A0", "1", "1"}}));
  EXPECT_EQ(parse_csv(history_csv(HistoryList::countries, report, names)),
            (std::vector<std::vector<std::string>>{{"code", "name", "views", "visitors"},
                                                   {"PT", "Portugal", "4", "2"},
                                                   {"GB", "United Kingdom", "1", "1"}}));
  EXPECT_EQ(parse_csv(history_csv(HistoryList::entry_pages, report, names)),
            (std::vector<std::vector<std::string>>{{"path", "visits"}, {"/a,b", "3"}}));
  EXPECT_EQ(parse_csv(history_csv(HistoryList::exit_pages, report, names)),
            (std::vector<std::vector<std::string>>{{"path", "visits"}, {"'@x", "2"}}));
  EXPECT_EQ(parse_csv(history_csv(HistoryList::transitions, report, names)),
            (std::vector<std::vector<std::string>>{{"from", "next", "views", "from_views"},
                                                   {"/a,b", "/next", "3", "5"},
                                                   {"/a,b", "", "2", "5"}}));
}

// A download holds the whole list, not the JSON's top 10.
TEST(HistoryCsv, ADownloadHoldsMoreThanTheTopTen) {
  test::TempDir dir;
  constexpr std::int64_t now = 1'795'000'000'000;
  {
    SqliteHistory history(dir.file("db"));
    std::vector<Hit> hits;
    for (int i = 0; i < 25; ++i) {
      Hit hit;
      hit.ts_ms = now - 1000 + i;
      hit.visitor.fill(static_cast<std::uint8_t>(i));
      hit.path = "/page" + std::to_string(i);
      hit.device = "desktop";
      hit.host = "a.example";
      hits.push_back(hit);
    }
    history.commit({hits, {}, {1, hits.size()}});
  }
  SqliteHistoryReader reader(dir.file("db"));
  HistoryApi api(reader);
  const auto request = std::get<HistoryRequest>(parse_history_request("", now));
  const auto rows = parse_csv(api.csv(request, HistoryList::pages));
  EXPECT_EQ(rows.size(), 26u);  // the header and every page
  EXPECT_EQ(nlohmann::json::parse(api.run(request)).at("pages").size(), HistoryReader::top_entries);
}

}  // namespace
}  // namespace onlooker
