#include "pg_recent_hits.h"

#include "pg_connection.h"

namespace onlooker {

std::vector<Hit> read_recent_pg_hits(const std::string& conninfo, const std::string& node,
                                     std::int64_t since_ms) {
  std::vector<Hit> hits;
  pg::Connection connection(conninfo);
  if (connection.query_int("SELECT count(*) FROM pg_catalog.pg_tables "
                           "WHERE tablename = 'hits' AND schemaname = current_schema()") == 0) {
    return hits;
  }
  const pg::Result rows = connection.query(
      R"sql(SELECT ts, visitor, kind, host, path, coalesce(referrer, ''), status,
                   coalesce(country, ''), coalesce(city, ''), coalesce(device, ''),
                   coalesce(browser, ''), coalesce(os, ''), coalesce(source, ''),
                   coalesce(utm_campaign, '')
              FROM hits WHERE node = $1 AND ts >= $2 ORDER BY ts)sql",
      {node, std::to_string(since_ms)});
  const int count = PQntuples(rows.get());
  hits.reserve(static_cast<std::size_t>(count));
  auto text = [&](int row, int column) { return std::string(PQgetvalue(rows.get(), row, column)); };
  for (int row = 0; row < count; ++row) {
    Hit hit;
    if (!from_hex(text(row, 1), hit.visitor) || !from_string(text(row, 2), hit.kind)) continue;
    hit.ts_ms = std::stoll(text(row, 0));
    hit.host = text(row, 3);
    hit.path = text(row, 4);
    hit.referrer = text(row, 5);
    hit.status = static_cast<std::uint16_t>(std::stoi(text(row, 6)));
    hit.country_code = text(row, 7);
    hit.city = text(row, 8);
    hit.device = text(row, 9);
    hit.browser = text(row, 10);
    hit.os = text(row, 11);
    hit.source_group = text(row, 12);
    hit.campaign.name = text(row, 13);
    hits.push_back(std::move(hit));
  }
  return hits;
}

}  // namespace onlooker
