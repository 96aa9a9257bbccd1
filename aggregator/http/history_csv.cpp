#include "history_csv.h"

#include <initializer_list>

namespace onlooker {

namespace {

void add_row(std::string& out, std::initializer_list<std::string> cells) {
  bool first = true;
  for (const auto& cell : cells) {
    if (!first) out += ',';
    out += cell;
    first = false;
  }
  out += "\r\n";
}

std::string number(std::int64_t value) { return std::to_string(value); }

}  // namespace

std::string_view to_string(HistoryList list) {
  switch (list) {
    case HistoryList::pages: return "pages";
    case HistoryList::countries: return "countries";
    case HistoryList::entry_pages: return "entry_pages";
    case HistoryList::exit_pages: return "exit_pages";
    case HistoryList::transitions: return "transitions";
  }
  return "pages";
}

std::optional<HistoryList> history_list_from_string(std::string_view text) {
  for (const HistoryList list : history_lists) {
    if (to_string(list) == text) return list;
  }
  return std::nullopt;
}

std::string csv_cell(std::string_view text) {
  std::string cell;
  // A spreadsheet runs a cell starting with these as a formula (CSV injection).
  if (!text.empty() && std::string_view("=+-@\t\r").find(text.front()) != std::string_view::npos) {
    cell += '\'';
  }
  cell += text;
  if (cell.find_first_of(",\"\r\n") == std::string::npos) return cell;
  std::string quoted = "\"";
  for (const char c : cell) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  quoted += '"';
  return quoted;
}

std::string history_csv(HistoryList list, const HistoryReport& report,
                        const CountryNames& country_names) {
  std::string out;
  switch (list) {
    case HistoryList::pages:
      add_row(out, {"path", "views", "visitors"});
      for (const auto& page : report.pages) {
        add_row(out, {csv_cell(page.value), number(page.views), number(page.visitors)});
      }
      break;
    case HistoryList::countries:
      add_row(out, {"code", "name", "views", "visitors"});
      for (const auto& country : report.countries) {
        add_row(out, {csv_cell(country.value), csv_cell(country_names.name(country.value)),
                      number(country.views), number(country.visitors)});
      }
      break;
    case HistoryList::entry_pages:
    case HistoryList::exit_pages:
      add_row(out, {"path", "visits"});
      for (const auto& page :
           list == HistoryList::entry_pages ? report.entry_pages : report.exit_pages) {
        add_row(out, {csv_cell(page.path), number(page.visits)});
      }
      break;
    case HistoryList::transitions:
      add_row(out, {"from", "next", "views", "from_views"});
      for (const auto& page : report.transitions) {
        for (const auto& next : page.next) {
          add_row(out, {csv_cell(page.from), csv_cell(next.path), number(next.views),
                        number(page.views)});
        }
        if (page.left > 0) {
          add_row(out, {csv_cell(page.from), "", number(page.left), number(page.views)});
        }
      }
      break;
  }
  return out;
}

}  // namespace onlooker
