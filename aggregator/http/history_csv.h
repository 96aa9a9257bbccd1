// GET /api/history.csv?list=: one list of a history report as CSV (RFC 4180:
// CRLF line ends, cells with a comma, quote or line break quoted, quotes
// doubled), safe to open in a spreadsheet: a cell a spreadsheet would take for
// a formula (starting with = + - @, a tab or a carriage return) gets a
// leading ' (paths and referrers are whatever visitors sent).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "country_names.h"
#include "history_reader.h"

namespace onlooker {

// The lists a download can name, as ?list= spells them.
enum class HistoryList : std::uint8_t { pages, countries, entry_pages, exit_pages, transitions };
inline constexpr HistoryList history_lists[] = {HistoryList::pages, HistoryList::countries,
                                                HistoryList::entry_pages, HistoryList::exit_pages,
                                                HistoryList::transitions};
std::string_view to_string(HistoryList list);
std::optional<HistoryList> history_list_from_string(std::string_view text);

// How many rows a download holds at most (the JSON's lists hold 10).
inline constexpr std::size_t csv_rows = 10'000;

// One cell, quoted and guarded as above.
std::string csv_cell(std::string_view text);

// The list with a header line. Transitions are one row per (from, next)
// pair; an empty next is the views after which the visitor left the site.
std::string history_csv(HistoryList list, const HistoryReport& report,
                        const CountryNames& country_names);

}  // namespace onlooker
