// GET /api/history at the HTTP edge: the query string in, the JSON out,
// around a HistoryReader that knows neither. Only converts.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

#include "country_names.h"
#include "history_csv.h"
#include "history_reader.h"

namespace onlooker {

// The latest time a request may name: the end of the year 9999 (far below
// INT64_MAX, so widening to whole buckets cannot overflow).
inline constexpr std::int64_t latest_history_ms = 253'402'300'799'999;

// Validates ?from=&to=&host=&bucket=&page= (page: the journeys from that
// page only). Defaults: the last 7 days, hourly
// buckets for ranges up to 3 days, daily beyond. The range is widened to
// whole buckets (UTC hours or days). Returns the request or a message for a
// 400 answer.
std::variant<HistoryRequest, std::string> parse_history_request(std::string_view query,
                                                                std::int64_t now_ms);

// The period of the same length just before the request's:
// [from - (to - from), from), same host and bucket (so whole buckets too).
HistoryRequest previous_period(const HistoryRequest& request);

// The JSON answer to a request, from what the reader reports for it and for
// its previous period (only the latter's totals, visits and series are shown).
std::string history_json(const HistoryRequest& request, const HistoryReport& report,
                         const HistoryReport& previous, const CountryNames& country_names);

class HistoryApi {
 public:
  explicit HistoryApi(HistoryReader& reader) : reader_(reader) {}
  // The JSON answer. Throws when the reader fails. Blocks: not on the I/O thread.
  std::string run(const HistoryRequest& request) {
    // The previous period's lists are not shown: none asked for (a filtered
    // report counts its lists from hits, as long again as its series).
    HistoryRequest before = previous_period(request);
    before.top = 0;
    return history_json(request, reader_.report(request), reader_.report(before), country_names_);
  }
  // One list as CSV (history_csv.h), up to csv_rows rows of it.
  std::string csv(HistoryRequest request, HistoryList list) {
    request.top = request.top_next = csv_rows;
    return history_csv(list, reader_.report(request), country_names_);
  }

 private:
  HistoryReader& reader_;
  CountryNames country_names_;
};

}  // namespace onlooker
